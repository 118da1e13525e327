// Secrets: write-only values exported as environment variables into the
// Environments of this person's sessions. The section of Settings lists names
// and scopes (the server never sends values), adds, replaces and deletes.
import type { SecretScope, SecretSummary } from '@orrery/shared';
import { useRef, useState } from 'react';
import { useServices } from '../app/services-context.js';
import { AddSecretForm } from './AddSecretForm.js';
import { SecretRow } from './SecretRow.js';
import { useSecrets, type SecretsState } from './use-secrets.js';

export function SecretsPage() {
  const { account } = useServices();
  const secrets = useSecrets();
  const listHeading = useRef<HTMLHeadingElement>(null);
  const [announcement, setAnnouncement] = useState<string | null>(null);
  const isAdmin = account.user.role === 'admin';

  const remove = async (scope: SecretScope, name: string) => {
    await secrets.remove(scope, name);
    setAnnouncement(`Deleted ${name} (${scope}).`);
    // The row that had focus is gone; the list's heading keeps the keyboard nearby.
    listHeading.current?.focus();
  };

  return (
    <section className="settings-section secrets-page" aria-labelledby="settings-section-heading">
      <h2 id="settings-section-heading">Secrets</h2>
      <SecretsIntro organisationName={account.organisation.name} />
      <LoadState state={secrets} retry={secrets.retry} />
      {secrets.status === 'ready' && (
        <>
          <section className="secrets-section" aria-labelledby="secrets-list-heading">
            <h3 id="secrets-list-heading" ref={listHeading} tabIndex={-1}>
              {countLabel(secrets.secrets.length)}
            </h3>
            {announcement && (
              <p className="muted" role="status">
                {announcement}
              </p>
            )}
            <SecretList secrets={secrets.secrets} isAdmin={isAdmin} onSave={secrets.save} onDelete={remove} />
          </section>
          <section className="secrets-section">
            <AddSecretForm
              secrets={secrets.secrets}
              isAdmin={isAdmin}
              organisationName={account.organisation.name}
              onSave={async (scope, name, value) => {
                setAnnouncement(null);
                return secrets.save(scope, name, value);
              }}
            />
          </section>
        </>
      )}
    </section>
  );
}

function countLabel(n: number): string {
  return n === 0 ? 'No secrets yet' : n === 1 ? '1 secret' : `${n} secrets`;
}

export function SecretsIntro({ organisationName }: { organisationName: string }) {
  return (
    <div className="secrets-intro">
      <p>
        Secrets are set as environment variables in the Environments of your sessions and hidden from their
        output. Values are write-only: once saved, nobody can read them back, not even you.
      </p>
      <p>
        A private secret wins over a shared one of the same name. Shared secrets reach every session in{' '}
        {organisationName} and are managed by admins.
      </p>
    </div>
  );
}

function LoadState({ state, retry }: { state: SecretsState; retry: () => void }) {
  if (state.status === 'loading') return <p className="muted">Loading secrets…</p>;
  if (state.status !== 'error') return null;
  return (
    <div className="inline-error" role="alert">
      <p>{state.message}</p>
      <button type="button" className="secondary small" onClick={retry}>
        Try again
      </button>
    </div>
  );
}

export function SecretList({
  secrets,
  isAdmin,
  onSave,
  onDelete,
}: {
  secrets: SecretSummary[];
  isAdmin: boolean;
  onSave: (scope: SecretScope, name: string, value: string) => Promise<SecretSummary>;
  onDelete: (scope: SecretScope, name: string) => Promise<void>;
}) {
  if (!secrets.length)
    return (
      <p className="empty-hint secrets-empty">
        Add one below, e.g. GITHUB_TOKEN, and your sessions’ Environments get it as a variable.
      </p>
    );
  const shared = new Set(secrets.filter((s) => s.scope === 'shared').map((s) => s.name));
  return (
    <ul className="secret-list" aria-label="Secrets">
      {secrets.map((secret) => (
        <SecretRow
          key={`${secret.scope}/${secret.name}`}
          secret={secret}
          canChange={secret.scope === 'private' || isAdmin}
          overridesShared={secret.scope === 'private' && shared.has(secret.name)}
          onSave={onSave}
          onDelete={onDelete}
        />
      ))}
    </ul>
  );
}
