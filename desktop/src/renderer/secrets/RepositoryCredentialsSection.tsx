// Repository credentials: secrets bound to one git host that the runner
// clones an Environment's repositories with, from its own side; they never
// enter a session's container. Lists name, scope, host and kind (the server
// never sends values), adds and deletes. Mount it on the Secrets page or in
// Settings: <RepositoryCredentialsSection />.
import type { RepositoryCredentialSummary, SecretScope } from '@orrery/shared';
import { useState } from 'react';
import { describeError } from '../api/api-error.js';
import { useServices } from '../app/services-context.js';
import { AddRepositoryCredentialForm, FORGE_LABELS } from './AddRepositoryCredentialForm.js';
import { useRepositoryCredentials } from './use-repository-credentials.js';

const KIND = { 'https-token': 'HTTPS token', 'ssh-key': 'SSH key' } as const;

export function RepositoryCredentialsSection() {
  const { account } = useServices();
  const credentials = useRepositoryCredentials();
  const isAdmin = account.user.role === 'admin';
  return (
    <section className="secrets-section" aria-labelledby="repo-credentials-heading">
      <h2 id="repo-credentials-heading">Repository credentials</h2>
      <p className="secrets-intro">
        An HTTPS token or SSH key for one git host. An Environment’s repository names it, and the runner
        clones with it on its own side: it is never sent to another host and never enters a session. Values
        are write-only.
      </p>
      {credentials.status === 'loading' && <p className="muted">Loading repository credentials…</p>}
      {credentials.status === 'error' && (
        <div className="inline-error" role="alert">
          <p>{credentials.message}</p>
          <button type="button" className="secondary small" onClick={credentials.retry}>
            Try again
          </button>
        </div>
      )}
      {credentials.status === 'ready' && (
        <>
          <CredentialList
            credentials={credentials.credentials}
            isAdmin={isAdmin}
            onDelete={credentials.remove}
          />
          <AddRepositoryCredentialForm isAdmin={isAdmin} onSave={credentials.save} />
        </>
      )}
    </section>
  );
}

export function CredentialList({
  credentials,
  isAdmin,
  onDelete,
}: {
  credentials: RepositoryCredentialSummary[];
  isAdmin: boolean;
  onDelete: (scope: SecretScope, name: string) => Promise<void>;
}) {
  if (!credentials.length)
    return <p className="empty-hint secrets-empty">No repository credentials yet; add one below.</p>;
  return (
    <ul className="secret-list" aria-label="Repository credentials">
      {credentials.map((c) => (
        <CredentialRow
          key={`${c.scope}/${c.name}`}
          credential={c}
          canChange={c.scope === 'private' || isAdmin}
          onDelete={onDelete}
        />
      ))}
    </ul>
  );
}

function CredentialRow({
  credential: c,
  canChange,
  onDelete,
}: {
  credential: RepositoryCredentialSummary;
  canChange: boolean;
  onDelete: (scope: SecretScope, name: string) => Promise<void>;
}) {
  const [confirming, setConfirming] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const label = `${c.name} (${c.scope})`;
  return (
    <li className="secret-row">
      <div className="secret-row-main">
        <div className="secret-row-title">
          <code>{c.name}</code> <span className="muted">{c.scope}</span>
        </div>
        <p className="secret-row-meta">
          {KIND[c.kind]} for {c.host} · pull requests: {FORGE_LABELS[c.forge ?? 'none']} · set by{' '}
          {c.updatedBy} {new Date(c.updatedAt).toLocaleDateString()}
        </p>
        {failure && (
          <p className="field-error" role="alert">
            {failure}
          </p>
        )}
      </div>
      <div className="secret-row-actions">
        {!canChange ? (
          <p className="field-help">Managed by admins</p>
        ) : confirming ? (
          <div className="secret-row-buttons">
            <button
              type="button"
              className="danger small"
              aria-label={`Delete ${label} for good`}
              onClick={() =>
                void onDelete(c.scope, c.name).catch((error: unknown) => {
                  setFailure(describeError(error));
                  setConfirming(false);
                })
              }
            >
              Delete
            </button>
            <button type="button" className="secondary small" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </div>
        ) : (
          <button
            type="button"
            className="secondary small"
            aria-label={`Delete ${label}`}
            onClick={() => setConfirming(true)}
          >
            Delete…
          </button>
        )}
      </div>
    </li>
  );
}
