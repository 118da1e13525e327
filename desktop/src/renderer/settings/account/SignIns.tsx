// Your sign-ins, one per device: which browser or app, when it signed in and
// was last used, and which one is this. Ending one closes its live
// connections at once (the server does that); ending this one signs out here.
import type { SignIn } from '@orrery/shared';
import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../../api/api-error.js';
import { useServices } from '../../app/services-context.js';
import { RelativeTime } from '../../common/RelativeTime.js';
import { deviceLabel } from './device-label.js';

type State =
  { status: 'loading' } | { status: 'ready'; signIns: SignIn[] } | { status: 'error'; message: string };

export function SignIns({ version }: { version: number }) {
  const { api, signOut } = useServices();
  const [state, setState] = useState<State>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [notice, setNotice] = useState<{ error: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let cancelled = false;
    api.signIns().then(
      (res) => !cancelled && setState({ status: 'ready', signIns: res.signIns }),
      (error: unknown) => !cancelled && setState({ status: 'error', message: describeError(error) }),
    );
    return () => {
      cancelled = true;
    };
  }, [api, attempt, version]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  const act = async (run: () => Promise<string>) => {
    setBusy(true);
    setNotice(null);
    try {
      setNotice({ error: false, text: await run() });
      reload();
    } catch (error) {
      setNotice({ error: true, text: describeError(error) });
    } finally {
      setBusy(false);
    }
  };

  const endOne = (signIn: SignIn) => {
    if (signIn.current) return void signOut();
    void act(async () => {
      await api.signOutSignIn(signIn.id);
      return `Signed out of ${deviceLabel(signIn.userAgent)}.`;
    });
  };

  const endOthers = () =>
    void act(async () => {
      const { signedOut } = await api.signOutOthers();
      return signedOut === 1 ? 'Signed out of 1 other device.' : `Signed out of ${signedOut} other devices.`;
    });

  const others = state.status === 'ready' ? state.signIns.filter((s) => !s.current).length : 0;
  return (
    <section className="account-card" aria-labelledby="account-sign-ins-heading">
      <div className="account-card-head">
        <h3 id="account-sign-ins-heading">Where you are signed in</h3>
        <button type="button" className="secondary small" disabled={busy || others === 0} onClick={endOthers}>
          Sign out of other devices
        </button>
      </div>
      {state.status === 'loading' && <p className="muted">Loading your sign-ins…</p>}
      {state.status === 'error' && (
        <div className="inline-error" role="alert">
          <p>{state.message}</p>
          <button type="button" className="secondary small" onClick={reload}>
            Try again
          </button>
        </div>
      )}
      {state.status === 'ready' && (
        <ul className="sign-in-list" aria-label="Sign-ins">
          {state.signIns.map((signIn) => (
            <SignInRow key={signIn.id} signIn={signIn} busy={busy} onEnd={() => endOne(signIn)} />
          ))}
        </ul>
      )}
      {notice && (
        <p className={notice.error ? 'field-error' : 'muted'} role={notice.error ? 'alert' : 'status'}>
          {notice.text}
        </p>
      )}
    </section>
  );
}

function SignInRow({ signIn, busy, onEnd }: { signIn: SignIn; busy: boolean; onEnd: () => void }) {
  const label = deviceLabel(signIn.userAgent);
  return (
    <li className="sign-in-row">
      <div className="sign-in-main">
        <p className="sign-in-device">
          {label}
          {signIn.current && <span className="this-device">This device</span>}
        </p>
        <p className="sign-in-meta">
          Signed in <RelativeTime ms={signIn.createdAt} />
          {signIn.lastUsedAt !== null && (
            <>
              {' · '}last used <RelativeTime ms={signIn.lastUsedAt} />
            </>
          )}
        </p>
      </div>
      <button type="button" className="secondary small" disabled={busy} onClick={onEnd}>
        Sign out<span className="visually-hidden"> of {signIn.current ? 'this device' : label}</span>
      </button>
    </li>
  );
}
