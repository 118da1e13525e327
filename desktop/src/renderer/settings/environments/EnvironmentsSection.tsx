// Settings → Environments: the list (#/settings/environments), a new one
// (…/new) and one to edit (…/<id>). What may be changed is the server's call;
// the list and the editor only show it.
import type { Environment, Teammate } from '@orrery/shared';
import { useEffect, useState } from 'react';
import { describeError } from '../../api/api-error.js';
import { settingsHref } from '../../app/router.js';
import { useServices } from '../../app/services-context.js';
import type { SectionProps } from '../sections.js';
import { EnvironmentEditor } from './EnvironmentEditor.js';
import { EnvironmentList } from './EnvironmentList.js';

type Loaded<T> = { status: 'loading' } | { status: 'ready'; value: T } | { status: 'error'; message: string };

export function EnvironmentsSection({ item }: SectionProps) {
  if (item === 'new') return <NewEnvironment />;
  if (item) return <EditEnvironment key={item} id={item} />;
  return <AllEnvironments />;
}

function AllEnvironments() {
  const { api } = useServices();
  const [state, setState] = useState<Loaded<{ environments: Environment[]; people: Teammate[] }>>({
    status: 'loading',
  });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let cancelled = false;
    // Who made each one is told by name where the teammate list has them.
    const people = api.searchTeammates('').then(
      (res) => res.users,
      () => [],
    );
    Promise.all([api.environments(), people]).then(
      ([res, users]) =>
        !cancelled && setState({ status: 'ready', value: { environments: res.environments, people: users } }),
      (error: unknown) =>
        !cancelled &&
        setState({ status: 'error', message: `Environments could not be loaded: ${describeError(error)}` }),
    );
    return () => {
      cancelled = true;
    };
  }, [api, attempt]);

  return (
    <section className="settings-section" aria-labelledby="settings-section-heading">
      <div className="env-list-head">
        <h2 id="settings-section-heading">Environments</h2>
        <a className="button-link" href={settingsHref('environments', 'new')}>
          New Environment
        </a>
      </div>
      <p className="settings-intro">
        An Environment is the machine a session runs on: an image, your repositories cloned into it, a setup
        script that installs what they need, and variables. It is built once and every session starts from a
        fresh copy.
      </p>
      {state.status === 'loading' && <p className="muted">Loading Environments…</p>}
      {state.status === 'error' && (
        <div className="inline-error" role="alert">
          <p>{state.message}</p>
          <button type="button" className="secondary small" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        </div>
      )}
      {state.status === 'ready' && (
        <EnvironmentList environments={state.value.environments} people={state.value.people} />
      )}
    </section>
  );
}

function NewEnvironment() {
  return (
    <EnvironmentEditor
      environment={null}
      onSaved={(saved) => (location.hash = settingsHref('environments', saved.id))}
      onDeleted={() => undefined}
    />
  );
}

function EditEnvironment({ id }: { id: string }) {
  const { api } = useServices();
  const [state, setState] = useState<Loaded<Environment>>({ status: 'loading' });
  useEffect(() => {
    let cancelled = false;
    api.environment(id).then(
      (res) => !cancelled && setState({ status: 'ready', value: res.environment }),
      (error: unknown) => !cancelled && setState({ status: 'error', message: describeError(error) }),
    );
    return () => {
      cancelled = true;
    };
  }, [api, id]);

  if (state.status !== 'ready')
    return (
      <section className="settings-section" aria-labelledby="settings-section-heading">
        <p className="env-back">
          <a href={settingsHref('environments')}>← All Environments</a>
        </p>
        <h2 id="settings-section-heading">Environment</h2>
        {state.status === 'loading' ? (
          <p className="muted">Loading…</p>
        ) : (
          <div className="inline-error" role="alert">
            <p>{state.message}</p>
          </div>
        )}
      </section>
    );
  return (
    <EnvironmentEditor
      environment={state.value}
      onSaved={(saved) => setState({ status: 'ready', value: saved })}
      onDeleted={() => (location.hash = settingsHref('environments'))}
    />
  );
}
