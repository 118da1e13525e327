// Settings → Model providers: the organisation's Anthropic and
// OpenAI-compatible API keys (write-only: set, replace, remove; never shown
// again) and the base URLs its models may be reached at. Admins change them;
// members see what is set, read-only. A runner's own ANTHROPIC_API_KEY and
// OPENAI_API_KEY still win over what is stored here.
import {
  PROVIDER_LABELS,
  PutModelBaseUrlsRequest,
  type ModelKeySummary,
  type ModelProviderStatus,
  type ModelSettingsResponse,
} from '@orrery/shared';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { describeError, isOffline } from '../../api/api-error.js';
import { useServices } from '../../app/services-context.js';
import { useModelProviders } from '../../common/use-model-providers.js';
import { Field } from '../common/Field.js';
import { checkWith, errorAt, errorsOfFailure, type FieldErrors } from '../common/form-errors.js';
import { ManagedNote } from '../common/ManagedNote.js';
import type { SectionProps } from '../sections.js';
import { ProviderKeyRow } from './ProviderKeyRow.js';

type State =
  | { status: 'loading' }
  | { status: 'ready'; settings: ModelSettingsResponse }
  | { status: 'error'; message: string };

/** The base URLs being typed, kept while the person is elsewhere in the app (they are not secret). */
let baseUrlsDraft: string | null = null;

export function ModelProvidersSection(_props: SectionProps) {
  const { api, account } = useServices();
  const isAdmin = account.user.role === 'admin';
  const [state, setState] = useState<State>({ status: 'loading' });
  const availability = useModelProviders();

  const load = useCallback(async () => {
    try {
      setState({ status: 'ready', settings: await api.modelSettings() });
    } catch (error) {
      setState({
        status: 'error',
        message: isOffline(error)
          ? 'Model providers cannot be loaded while offline. Keys are never kept on this device, so this page needs the server.'
          : describeError(error),
      });
    }
  }, [api]);
  useEffect(() => {
    void load();
  }, [load]);

  const keyChanged = (summary: ModelKeySummary) => {
    // A stored key changes what can run: ask the server again.
    availability.reload();
    setState((s) =>
      s.status === 'ready'
        ? {
            ...s,
            settings: {
              ...s.settings,
              keys: s.settings.keys.map((k) => (k.provider === summary.provider ? summary : k)),
            },
          }
        : s,
    );
  };

  return (
    <section className="settings-section model-providers" aria-labelledby="settings-section-heading">
      <h2 id="settings-section-heading">Model providers</h2>
      <p className="experts-intro">
        Experts that use Anthropic or an OpenAI-compatible server need an API key. Keys stored here reach
        every runner of {account.organisation.name} and are never shown again, not even to admins. A runner’s
        own ANTHROPIC_API_KEY or OPENAI_API_KEY is used before these.
      </p>
      {!isAdmin && <ManagedNote what="Model providers" />}
      {state.status === 'loading' && <p className="muted">Loading model providers…</p>}
      {state.status === 'error' && (
        <div className="inline-error" role="alert">
          <p>{state.message}</p>
          <button type="button" className="secondary small" onClick={() => void load()}>
            Try again
          </button>
        </div>
      )}
      {state.status === 'ready' && (
        <>
          <ProviderStatus providers={availability.providers} />
          <ul className="expert-list" aria-label="API keys">
            {state.settings.keys.map((summary) => (
              <ProviderKeyRow
                key={summary.provider}
                summary={summary}
                isAdmin={isAdmin}
                onChanged={keyChanged}
              />
            ))}
          </ul>
          <BaseUrlsForm
            saved={state.settings.baseUrls}
            isAdmin={isAdmin}
            onSaved={(settings) => setState({ status: 'ready', settings })}
          />
        </>
      )}
    </section>
  );
}

/** Whether each provider can run now, as Home and the Expert pickers see it. */
function ProviderStatus({ providers }: { providers: ModelProviderStatus[] }) {
  if (!providers.length) return null;
  return (
    <ul className="provider-status" aria-label="Can run now">
      {providers.map((p) => (
        <li key={p.provider} className={p.available ? 'ok' : 'not-ok'}>
          <strong>{PROVIDER_LABELS[p.provider]}</strong>: {p.available ? 'can run now.' : p.reason}
        </li>
      ))}
    </ul>
  );
}

function BaseUrlsForm({
  saved,
  isAdmin,
  onSaved,
}: {
  saved: string[];
  isAdmin: boolean;
  onSaved: (settings: ModelSettingsResponse) => void;
}) {
  const { api } = useServices();
  const [text, setText] = useState(() => baseUrlsDraft ?? saved.join('\n'));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const urls = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

  async function save(e: FormEvent) {
    e.preventDefault();
    setNotice(null);
    const problems = checkWith(PutModelBaseUrlsRequest, { baseUrls: urls });
    setErrors(problems);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      const settings = await api.putModelBaseUrls(urls);
      baseUrlsDraft = null;
      onSaved(settings);
      setNotice(
        settings.baseUrls.length ? 'Saved the allowed base URLs.' : 'No extra base URLs are allowed now.',
      );
    } catch (error) {
      setErrors(errorsOfFailure(error));
    } finally {
      setBusy(false);
    }
  }

  // "baseUrls.2" is the third line: say which line, so it can be found.
  const lineError = Object.entries(errors).find(([k]) => k.startsWith('baseUrls.'));
  const error = lineError
    ? `Line ${Number(lineError[0].split('.')[1]) + 1} (${urls[Number(lineError[0].split('.')[1])] ?? ''}): ${lineError[1]}`
    : (errorAt(errors, 'baseUrls') ?? errors['']);

  return (
    <form className="base-urls-form" onSubmit={(e) => void save(e)} noValidate aria-label="Allowed base URLs">
      <h3>Allowed base URLs</h3>
      <Field
        label="Base URLs"
        hint="One per line, e.g. https://llm.internal.example/v1. Experts may reach their models at these, besides the providers’ own addresses and the runner’s ORRERY_MODEL_BASE_URLS."
        error={error}
      >
        <textarea
          rows={4}
          value={text}
          readOnly={!isAdmin}
          onChange={(e) => {
            setText(e.target.value);
            baseUrlsDraft = e.target.value;
          }}
        />
      </Field>
      {isAdmin && (
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save base URLs'}
        </button>
      )}
      {notice && (
        <p className="muted" role="status">
          {notice}
        </p>
      )}
    </form>
  );
}
