// The top of the app: signed out → sign-in; signed in → the account's
// services are started (from the local cache first, so it opens offline too)
// and the shell is shown.
import { useCallback, useEffect, useState } from 'react';
import type { User } from '@orrery/shared';
import { accountKeyOf, type Platform, type StoredAccount } from '../../platform/common/platform.js';
import { describeError } from '../api/api-error.js';
import { useUi } from '../state/store.js';
import { AppShell } from './AppShell.js';
import { startAccount, type StartOptions } from './account-services.js';
import { ServicesContext, type AppServices } from './services-context.js';
import { SignIn } from './SignIn.js';
import { AcceptInvitation } from './AcceptInvitation.js';
import { inviteTokenOfHash } from './router.js';

export interface AppProps {
  platform: Platform;
  /** Defaults for the sign-in form (the web fallback knows its own server). */
  defaultServerUrl?: string;
  startOptions?: StartOptions;
}

type Phase =
  | { name: 'loading' }
  | { name: 'signed-out'; notice: string | null }
  | { name: 'starting'; account: StoredAccount }
  | { name: 'ready'; services: AppServices }
  | { name: 'failed'; account: StoredAccount; error: string };

export function App({ platform, defaultServerUrl = '', startOptions = {} }: AppProps) {
  const [phase, setPhase] = useState<Phase>({ name: 'loading' });
  const showToast = useUi((s) => s.showToast);
  // An invitation link (#/invite/<token>) opened while signed out shows its accept form instead of sign-in.
  const [inviteToken, setInviteToken] = useState(() => inviteTokenOfHash(location.hash));
  useEffect(() => {
    const onHash = () => setInviteToken(inviteTokenOfHash(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const signOut = useCallback(
    async (services: AppServices | null, account: StoredAccount, notice: string | null) => {
      if (services) {
        // Revoke the token while we still can; offline, it simply expires.
        await services.api.logout().catch(() => {});
        await services.stop();
      }
      await platform.deleteAccountStorage(accountKeyOf(account)).catch(() => {});
      await platform.credentials.clear();
      setPhase({ name: 'signed-out', notice });
    },
    [platform],
  );

  const start = useCallback(
    async (account: StoredAccount) => {
      setPhase({ name: 'starting', account });
      try {
        let services: AppServices | null = null;
        const base = await startAccount(platform, account, {
          ...startOptions,
          onUnauthenticated: () =>
            void signOut(services, account, 'Your sign-in has expired or was revoked. Sign in again.'),
          onSessionRevoked: () =>
            showToast('info', 'You no longer have access to a session; it was removed from this device.'),
          onError: (error) => {
            console.error(error);
            startOptions.onError?.(error);
          },
        });
        // A changed name is kept with the sign-in, so the app opens with it next time too.
        const updateUser = async (user: User) => {
          const next = { ...account, user };
          await platform.credentials.save(next);
          setPhase((p) =>
            p.name === 'ready' ? { name: 'ready', services: { ...p.services, account: next } } : p,
          );
        };
        services = { ...base, signOut: () => signOut(services, account, null), updateUser };
        setPhase({ name: 'ready', services });
      } catch (error) {
        setPhase({ name: 'failed', account, error: describeError(error) });
      }
    },
    [platform, signOut, showToast, startOptions],
  );

  useEffect(() => {
    let cancelled = false;
    void platform.credentials.load().then((account) => {
      if (cancelled) return;
      if (account) void start(account);
      else setPhase({ name: 'signed-out', notice: null });
    });
    return () => {
      cancelled = true;
    };
    // Runs once per platform: the stored account is read at launch only.
  }, [platform]);

  switch (phase.name) {
    case 'loading':
    case 'starting':
      return <div className="splash" aria-busy="true" />;
    case 'signed-out':
      if (inviteToken)
        return (
          <AcceptInvitation
            serverUrl={defaultServerUrl || location.origin}
            token={inviteToken}
            onSignedIn={async (account) => {
              history.replaceState(null, '', '#/');
              setInviteToken(null);
              await platform.credentials.save(account);
              await start(account);
            }}
            onSignInInstead={() => {
              history.replaceState(null, '', '#/');
              setInviteToken(null);
            }}
          />
        );
      return (
        <SignIn
          defaultServerUrl={defaultServerUrl}
          notice={phase.notice}
          onSignedIn={async (account) => {
            await platform.credentials.save(account);
            await start(account);
          }}
        />
      );
    case 'failed':
      return (
        <div className="splash">
          <div className="card">
            <h1>Orrery could not open</h1>
            <p className="error">{phase.error}</p>
            <button type="button" onClick={() => void start(phase.account)}>
              Try again
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => void signOut(null, phase.account, null)}
            >
              Sign out
            </button>
          </div>
        </div>
      );
    case 'ready':
      return (
        <ServicesContext.Provider value={phase.services}>
          <AppShell />
        </ServicesContext.Provider>
      );
  }
}
