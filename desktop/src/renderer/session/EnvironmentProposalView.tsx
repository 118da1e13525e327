// The Advisor's drafted Environment as a card: what it would create (image,
// repositories, setup script, variables), and for the session's owner the
// two ways on — review it in the Environments editor, or create it now with
// their own rights (the server decides, and its answer shows at the field).
import { EnvironmentInput, type Environment, type EnvironmentProposal } from '@orrery/shared';
import { memo, useState, type ReactNode } from 'react';
import { describeError } from '../api/api-error.js';
import { navigate, settingsHref } from '../app/router.js';
import { useServices } from '../app/services-context.js';
import { checkWith, errorAt, errorsOfFailure, type FieldErrors } from '../settings/common/form-errors.js';
import { saveNewEnvironmentDraft } from './environment-draft.js';

/** The rows of the card, by the draft's field; a server error under a field shows in its row. */
const ROWS = ['name', 'image', 'repositories', 'setupScript', 'variables', 'network', 'scope'] as const;
type Row = (typeof ROWS)[number];

type Stage = { step: 'idle' } | { step: 'creating' } | { step: 'created'; environment: Environment };

export const EnvironmentProposalView = memo(function EnvironmentProposalView({
  entry,
  canAct,
}: {
  entry: EnvironmentProposal;
  /** Only the session's owner acts on it; everyone else reads it. */
  canAct: boolean;
}) {
  const { api } = useServices();
  const draft = entry.draft;
  const [stage, setStage] = useState<Stage>({ step: 'idle' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [starting, setStarting] = useState<string | null>(null);

  async function create() {
    const problems = checkWith(EnvironmentInput, draft);
    setErrors(problems);
    if (Object.keys(problems).length) return;
    setStage({ step: 'creating' });
    try {
      const { environment } = await api.createEnvironment(draft);
      setStage({ step: 'created', environment });
    } catch (error) {
      setErrors(errorsOfFailure(error));
      setStage({ step: 'idle' });
    }
  }

  function review() {
    saveNewEnvironmentDraft(draft);
    navigate({ name: 'settings', section: 'environments', item: 'new' });
  }

  async function startSession(environment: Environment) {
    setStarting('Starting…');
    try {
      // The Shell Expert runs without a model, so the first look at the Environment always works.
      const { experts } = await api.experts();
      const shell = experts.find((e) => e.builtIn && e.model.provider === 'shell');
      if (!shell) throw new Error('There is no Shell Expert to start a session with.');
      const { session } = await api.createSession({
        expertId: shell.id,
        environmentId: environment.id,
        prompt: 'ls -la /workspace',
        attachments: [],
      });
      navigate({ name: 'session', id: session.id });
    } catch (error) {
      setStarting(`Could not start a session: ${describeError(error)}`);
    }
  }

  const at = (row: Row) => errorAt(errors, row);
  const unplaced = Object.entries(errors).filter(
    ([k]) => k && !ROWS.some((r) => k === r || k.startsWith(`${r}.`)),
  );
  // The server's sentence for the whole answer, unless a row already shows it.
  const formError = [errors[''] && !ROWS.some((r) => at(r)) ? errors[''] : '', ...unplaced.map(([, v]) => v)]
    .filter(Boolean)
    .join(' ');
  const label = `Proposed Environment ${draft.name}`;

  return (
    <article className="entry environment-proposal" aria-label={label}>
      <div className="entry-author">Proposed Environment</div>
      {entry.text && <p className="proposal-text">{entry.text}</p>}
      <dl className="proposal-fields">
        <ProposalRow label="Name" error={at('name')}>
          {draft.name}
        </ProposalRow>
        <ProposalRow label="Image" error={at('image')}>
          <code>{draft.image}</code>
        </ProposalRow>
        <ProposalRow label="Repositories" error={at('repositories')}>
          {draft.repositories.length ? (
            <ul className="proposal-list">
              {draft.repositories.map((r, i) => (
                <li key={i}>
                  <code>{r.url}</code>
                  {r.ref && ` at ${r.ref}`}
                  {r.path && ` → /workspace/${r.path}`}
                  {r.credential && ` with the credential ${r.credential}`}
                </li>
              ))}
            </ul>
          ) : (
            <span className="muted">None</span>
          )}
        </ProposalRow>
        <ProposalRow label="Setup script" error={at('setupScript')}>
          {draft.setupScript.trim() ? (
            <pre className="proposal-script">{draft.setupScript}</pre>
          ) : (
            <span className="muted">None</span>
          )}
        </ProposalRow>
        <ProposalRow label="Variables" error={at('variables')}>
          {Object.keys(draft.variables).length ? (
            <ul className="proposal-list">
              {Object.entries(draft.variables).map(([name, value]) => (
                <li key={name}>
                  <code>
                    {name}={value}
                  </code>
                </li>
              ))}
            </ul>
          ) : (
            <span className="muted">None</span>
          )}
        </ProposalRow>
        <ProposalRow label="Network" error={at('network')}>
          {draft.network === 'internet' ? 'Internet' : 'None (only the container itself)'}
        </ProposalRow>
        <ProposalRow label="Scope" error={at('scope')}>
          {draft.scope === 'organisation' ? 'Organisation' : 'Personal (only you)'}
        </ProposalRow>
      </dl>
      {formError && (
        <p className="field-error" role="alert">
          {formError}
        </p>
      )}
      {!canAct ? (
        <p className="muted proposal-note">Only the session’s owner can create this Environment.</p>
      ) : stage.step === 'created' ? (
        <div className="proposal-actions" role="status">
          <span>Created “{stage.environment.name}”.</span>
          <a href={settingsHref('environments', stage.environment.id)}>Open in Settings</a>
          <button
            type="button"
            className="secondary small"
            onClick={() => void startSession(stage.environment)}
          >
            Start a Shell session on it
          </button>
          {starting && <span className="muted">{starting}</span>}
        </div>
      ) : (
        <div className="proposal-actions">
          <button type="button" className="secondary small" onClick={review}>
            Review in Settings
          </button>
          <button
            type="button"
            className="small"
            onClick={() => void create()}
            disabled={stage.step === 'creating'}
            aria-label={`Create the Environment ${draft.name}`}
          >
            {stage.step === 'creating' ? 'Creating…' : 'Create'}
          </button>
        </div>
      )}
    </article>
  );
});

function ProposalRow({
  label,
  error,
  children,
}: {
  label: string;
  error: string | undefined;
  children: ReactNode;
}) {
  return (
    <div className={`proposal-row${error ? ' has-error' : ''}`}>
      <dt>{label}</dt>
      <dd>
        {children}
        {error && <p className="field-error">{error}</p>}
      </dd>
    </div>
  );
}
