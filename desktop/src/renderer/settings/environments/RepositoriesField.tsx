// The repositories an Environment clones, in order: URL, branch or tag,
// folder, and the repository credential it clones with, chosen by name
// (a credential's value is never typed here; it lives with the secrets).
import type { RepositoryCredentialSummary } from '@orrery/shared';
import { Field } from '../common/Field.js';
import type { FieldErrors } from '../common/form-errors.js';
import { blankRepository, type RepositoryRow } from './environment-draft.js';

export type CredentialsState =
  | { status: 'loading' }
  | { status: 'ready'; credentials: RepositoryCredentialSummary[] }
  | { status: 'error'; message: string };

const KIND: Record<RepositoryCredentialSummary['kind'], string> = {
  'https-token': 'HTTPS token',
  'ssh-key': 'SSH key',
};

export function RepositoriesField({
  rows,
  onChange,
  errors,
  credentials,
  disabled,
}: {
  rows: RepositoryRow[];
  onChange: (rows: RepositoryRow[]) => void;
  errors: FieldErrors;
  credentials: CredentialsState;
  disabled: boolean;
}) {
  const change = (index: number, patch: Partial<RepositoryRow>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  const move = (index: number, by: -1 | 1) => {
    const next = [...rows];
    const [row] = next.splice(index, 1);
    next.splice(index + by, 0, row!);
    onChange(next);
    // The moved row keeps the keyboard: the same button, or its other one at the top or bottom.
    const first = index + by === 0 ? 'down' : 'up';
    const last = index + by === rows.length - 1 ? 'up' : 'down';
    const target = by < 0 ? first : last;
    requestAnimationFrame(() => document.getElementById(`repo-${row!.key}-${target}`)?.focus());
  };
  const add = () => {
    const row = blankRepository();
    onChange([...rows, row]);
    requestAnimationFrame(() =>
      document.querySelector<HTMLInputElement>(`[data-repo-url="${row.key}"]`)?.focus(),
    );
  };

  return (
    <fieldset className="env-group" aria-describedby="env-repositories-hint">
      <legend>Repositories</legend>
      <p id="env-repositories-hint" className="field-hint">
        Cloned into /workspace in this order when the Environment is built. The runner clones from its own
        side, with the credential you pick; the credential never enters a session.
      </p>
      <CredentialsNote credentials={credentials} />
      {errors.repositories && <p className="field-error">{errors.repositories}</p>}
      {rows.length === 0 && (
        <p className="empty-hint">No repositories: sessions start in an empty /workspace.</p>
      )}
      <ol className="env-rows">
        {rows.map((row, i) => {
          const n = i + 1;
          const at = (field: string) => errors[`repositories.${i}.${field}`];
          return (
            <li key={row.key} className="env-row repo-row">
              <fieldset aria-label={`Repository ${n}`} disabled={disabled}>
                <Field label={`Repository ${n} URL`} error={at('url')}>
                  <input
                    data-repo-url={row.key}
                    type="text"
                    value={row.url}
                    placeholder="https://github.com/acme/shop.git"
                    spellCheck={false}
                    onChange={(e) => change(i, { url: e.target.value })}
                  />
                </Field>
                <div className="repo-row-line">
                  <Field label="Branch or tag" hint="The default branch when empty." error={at('ref')}>
                    <input
                      type="text"
                      value={row.ref}
                      spellCheck={false}
                      onChange={(e) => change(i, { ref: e.target.value })}
                    />
                  </Field>
                  <Field
                    label="Folder"
                    hint="Under /workspace; named after the URL when empty."
                    error={at('path')}
                  >
                    <input
                      type="text"
                      value={row.path}
                      spellCheck={false}
                      onChange={(e) => change(i, { path: e.target.value })}
                    />
                  </Field>
                  <Field label="Credential" error={at('credential')}>
                    <select
                      value={row.credential}
                      onChange={(e) => change(i, { credential: e.target.value })}
                    >
                      <option value="">None (a public repository)</option>
                      {credentialOptions(credentials, row.credential).map((c) => (
                        <option key={`${c.scope}/${c.name}`} value={c.name}>
                          {c.label}
                        </option>
                      ))}
                    </select>
                  </Field>
                </div>
                {!disabled && (
                  <div className="env-row-actions">
                    <button
                      type="button"
                      id={`repo-${row.key}-up`}
                      className="secondary small"
                      disabled={i === 0}
                      aria-label={`Move repository ${n} up`}
                      onClick={() => move(i, -1)}
                    >
                      Up
                    </button>
                    <button
                      type="button"
                      id={`repo-${row.key}-down`}
                      className="secondary small"
                      disabled={i === rows.length - 1}
                      aria-label={`Move repository ${n} down`}
                      onClick={() => move(i, 1)}
                    >
                      Down
                    </button>
                    <button
                      type="button"
                      className="secondary small danger"
                      aria-label={`Remove repository ${n}`}
                      onClick={() => onChange(rows.filter((_, j) => j !== i))}
                    >
                      Remove
                    </button>
                  </div>
                )}
              </fieldset>
            </li>
          );
        })}
      </ol>
      {!disabled && (
        <button type="button" className="secondary small" onClick={add} disabled={rows.length >= 20}>
          Add repository
        </button>
      )}
    </fieldset>
  );
}

function credentialOptions(credentials: CredentialsState, chosen: string) {
  const known = credentials.status === 'ready' ? credentials.credentials : [];
  const options = known.map((c) => ({
    name: c.name,
    scope: c.scope,
    label: `${c.name} — ${KIND[c.kind]} for ${c.host}${c.scope === 'shared' ? ' (shared)' : ''}`,
  }));
  // A name saved earlier stays choosable, said for what it is, until it is changed.
  if (chosen && !known.some((c) => c.name === chosen))
    options.push({
      name: chosen,
      scope: 'private',
      label:
        credentials.status === 'ready' ? `${chosen} (no such credential: add it or pick another)` : chosen,
    });
  return options;
}

function CredentialsNote({ credentials }: { credentials: CredentialsState }) {
  if (credentials.status === 'loading') return <p className="field-hint">Loading repository credentials…</p>;
  if (credentials.status === 'error') return <p className="field-note">{credentials.message}</p>;
  if (credentials.credentials.length === 0)
    return (
      <p className="field-hint">
        No repository credentials yet, so only public repositories can be cloned. Add one (an HTTPS token or
        an SSH key bound to one host) to clone a private repository.
      </p>
    );
  return null;
}
