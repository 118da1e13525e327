// A tool call waiting for the owner's approval (the Expert's settings ask
// for it): what the agent wants to do, readably (a commit's message, a pull
// request's title and body), and Approve / Deny for the owner, written into
// the session document where the waiting runner reads it. Others are told
// who it waits for.
import type { ApprovalDecision, ToolCall } from '@orrery/shared';
import { useCallback } from 'react';
import { useDocValue } from '../../sync/use-doc-value.js';
import { useShipContext } from './ship-context.js';

/** The fields a person reads before approving, in the order they matter. */
const FIELDS: readonly { key: string; label: string; long?: boolean }[] = [
  { key: 'title', label: 'Title' },
  { key: 'message', label: 'Commit message', long: true },
  { key: 'body', label: 'Description', long: true },
  { key: 'base', label: 'Into branch' },
  { key: 'repository', label: 'Repository' },
  { key: 'command', label: 'Command', long: true },
  { key: 'path', label: 'File' },
];

function readableInput(input: string): { label: string; value: string; long: boolean }[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== 'object') return null;
  const record = parsed as Record<string, unknown>;
  const shown = FIELDS.flatMap((f) => {
    const value = record[f.key];
    return typeof value === 'string' && value ? [{ label: f.label, value, long: !!f.long }] : [];
  });
  return shown.length ? shown : null;
}

export function ApprovalCard({ entry }: { entry: ToolCall }) {
  const ctx = useShipContext();
  const sessionDoc = ctx?.sessionDoc ?? null;
  const decided = useDocValue(
    sessionDoc?.doc ?? null,
    useCallback(() => sessionDoc?.approval(entry.id) ?? null, [sessionDoc, entry.id]),
    null,
  );
  const fields = readableInput(entry.input);
  const isOwner = ctx?.session.access === 'owner';
  const decide = (decision: ApprovalDecision) => sessionDoc?.decide(entry.id, decision);

  return (
    <div className="approval-card" role="group" aria-label={`Approve ${entry.name}?`}>
      {fields ? (
        <dl className="approval-fields">
          {fields.map((f) => (
            <div key={f.label} className={f.long ? 'approval-field long' : 'approval-field'}>
              <dt>{f.label}</dt>
              <dd>{f.long ? <pre>{f.value}</pre> : f.value}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <pre className="approval-raw">{entry.input}</pre>
      )}
      {!isOwner ? (
        <p className="muted" role="status">
          Waiting for the owner’s approval.
        </p>
      ) : decided ? (
        <p className="muted" role="status">
          {decided === 'approve' ? 'Approved; the agent goes on.' : 'Denied; the agent is told.'}
        </p>
      ) : (
        <div className="approval-actions">
          <span className="approval-question">The agent asks before it does this.</span>
          <span className="approval-buttons">
            <button type="button" disabled={!sessionDoc} onClick={() => decide('approve')}>
              Approve
            </button>
            <button type="button" className="secondary" disabled={!sessionDoc} onClick={() => decide('deny')}>
              Deny
            </button>
          </span>
        </div>
      )}
    </div>
  );
}
