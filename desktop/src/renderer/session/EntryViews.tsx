// How each kind of transcript entry looks: the user's messages, the agent's
// (markdown), tool calls with their streamed output (collapsible), notices.
import type { AgentMessage, MessageSource, Notice, ToolCall, UserMessage } from '@orrery/shared';
import { memo } from 'react';
import { Markdown } from '../common/Markdown.js';
import { RelativeTime } from '../common/RelativeTime.js';
import { Attachments } from './Attachments.js';
import { ApprovalCard } from './ship/ApprovalCard.js';
import { displayName } from '../common/display-name.js';

export const UserMessageView = memo(function UserMessageView({
  entry,
  sessionId,
  authorName,
}: {
  entry: UserMessage;
  sessionId: string;
  authorName: string;
}) {
  const from = entry.source ? sourceLabel(entry.source) : displayName(authorName);
  return (
    <article
      className={`entry user-message${entry.source ? ` from-${entry.source.kind}` : ''}`}
      aria-label={`Message from ${from}`}
    >
      <EntryHeader author={from} at={entry.createdAt} />
      <div className="user-text">{entry.text}</div>
      <Attachments sessionId={sessionId} attachments={entry.attachments} />
    </article>
  );
});

export const AgentMessageView = memo(function AgentMessageView({
  entry,
  agentName,
}: {
  entry: AgentMessage;
  agentName: string;
}) {
  return (
    <article className="entry agent-message" aria-label="Agent message" aria-busy={!entry.done}>
      <EntryHeader author={displayName(agentName)} at={entry.createdAt} />
      <Markdown text={entry.text} />
      {!entry.done && <span className="typing" aria-label="The agent is writing" />}
    </article>
  );
});

/** Who a message is from when no person typed it: "Trigger: Nightly build", "Slack". */
export function sourceLabel(source: MessageSource): string {
  return source.kind === 'trigger' ? `Trigger: ${displayName(source.name)}` : 'Slack';
}

/** Who wrote an entry and when: relative, exact on hover and focus. */
function EntryHeader({ author, at }: { author: string; at: number }) {
  return (
    <div className="entry-author">
      <span>{author}</span>
      {at > 0 && <RelativeTime ms={at} focusable />}
    </div>
  );
}

/** A one-line summary of a tool's input: the command for shell calls, the path for file tools. */
export function summariseToolInput(input: string): string {
  try {
    const parsed = JSON.parse(input) as Record<string, unknown>;
    for (const key of ['command', 'cmd', 'path', 'pattern', 'query', 'title', 'message']) {
      const value = parsed[key];
      if (typeof value === 'string') return value;
    }
  } catch {
    // not JSON: shown as it is
  }
  return input;
}

const STATUS_TEXT: Record<ToolCall['status'], string> = {
  running: 'Running',
  awaiting_approval: 'Waiting for approval',
  done: 'Done',
  failed: 'Failed',
  interrupted: 'Interrupted',
  cancelled: 'Cancelled',
};

export const ToolCallView = memo(function ToolCallView({
  entry,
  collapsed,
  onToggle,
}: {
  entry: ToolCall;
  collapsed: boolean;
  onToggle: (id: string) => void;
}) {
  const summary = displayName(summariseToolInput(entry.input));
  const name = displayName(entry.name);
  const failed = entry.status === 'failed' || (entry.exitCode !== null && entry.exitCode !== 0);
  return (
    <article
      className={`entry tool-call status-${entry.status}${failed ? ' failed' : ''}`}
      aria-label={`Tool call ${name}`}
    >
      <button
        type="button"
        className="tool-header"
        aria-expanded={!collapsed}
        onClick={() => onToggle(entry.id)}
      >
        <span className={`chevron${collapsed ? '' : ' open'}`} aria-hidden="true">
          ›
        </span>
        <span className="tool-name">{name}</span>
        <code className="tool-summary" title={summary}>
          {summary}
        </code>
        <span className="tool-status">
          {entry.status === 'running' ? <span className="spinner" aria-hidden="true" /> : null}
          {STATUS_TEXT[entry.status] ?? entry.status}
          {entry.exitCode !== null && ` · exit ${entry.exitCode}`}
          {entry.durationMs !== null && ` · ${(entry.durationMs / 1000).toFixed(1)} s`}
        </span>
      </button>
      {entry.status === 'awaiting_approval' && <ApprovalCard entry={entry} />}
      {!collapsed && entry.status !== 'awaiting_approval' && (
        <pre className="tool-output" aria-label="Output">
          {entry.output || (entry.status === 'running' ? 'Waiting for output…' : '(no output)')}
        </pre>
      )}
    </article>
  );
});

export const NoticeView = memo(function NoticeView({ entry }: { entry: Notice }) {
  return (
    <div className={`entry notice notice-${entry.level}`} role={entry.level === 'error' ? 'alert' : 'note'}>
      {entry.text}
    </div>
  );
});
