// Sign in to a server with an address, an email and a password.
import { useState, type FormEvent } from 'react';
import type { StoredAccount } from '../../platform/common/platform.js';
import { ApiClient, normaliseServerUrl } from '../api/api-client.js';
import { ApiError, describeError } from '../api/api-error.js';

export interface SignInProps {
  defaultServerUrl: string;
  notice: string | null;
  onSignedIn: (account: StoredAccount) => Promise<void>;
}

export function SignIn({ defaultServerUrl, notice, onSignedIn }: SignInProps) {
  const [serverUrl, setServerUrl] = useState(defaultServerUrl);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const url = normaliseServerUrl(serverUrl);
      const res = await ApiClient.login(url, email.trim(), password);
      await onSignedIn({ serverUrl: url, token: res.token, user: res.user, organisation: res.organisation });
    } catch (e) {
      setError(
        e instanceof ApiError && e.code === 'unauthenticated'
          ? 'The email or password is not right.'
          : describeError(e),
      );
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="sign-in-title">
        <div className="brand" aria-hidden="true">
          ◎
        </div>
        <h1 id="sign-in-title">Sign in to Orrery</h1>
        {notice && <p className="notice">{notice}</p>}
        <label>
          Server address
          <input
            name="server"
            value={serverUrl}
            onChange={(e) => setServerUrl(e.target.value)}
            placeholder="http://localhost:8787"
            autoComplete="url"
            inputMode="url"
            required
          />
        </label>
        <label>
          Email
          <input
            name="email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            autoComplete="username"
            required
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="current-password"
            required
          />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
