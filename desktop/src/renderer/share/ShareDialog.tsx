// The Share dialog, for a session's owner: its visibility, teammates with
// viewer access (search, grant, revoke) and links that open the session in
// the web app or the desktop app.
import type { Grant, SessionListItem, Teammate, Visibility } from '@orrery/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError } from '../api/api-error.js';
import { useServices } from '../app/services-context.js';
import { hrefOf } from '../app/router.js';
import { displayName } from '../common/display-name.js';

export function webLinkOf(serverUrl: string, sessionId: string): string {
  return `${serverUrl}/${hrefOf({ name: 'session', id: sessionId })}`;
}
export function desktopLinkOf(sessionId: string): string {
  return `orrery://session/${sessionId}`;
}

export function ShareDialog({ session, onClose }: { session: SessionListItem; onClose: () => void }) {
  const { api, sessionList, account } = useServices();
  const ref = useRef<HTMLDialogElement>(null);
  const [grants, setGrants] = useState<Grant[] | null>(null);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Teammate[]>([]);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const link = webLinkOf(api.serverUrl, session.id);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  const fail = (error: unknown) => setMessage({ error: true, text: describeError(error) });
  const reload = useCallback(
    () => api.grants(session.id).then((r) => setGrants(r.grants), fail),
    [api, session.id],
  );
  useEffect(() => void reload(), [reload]);

  // Search as the owner types, a moment after the last key.
  useEffect(() => {
    const q = query.trim();
    if (!q) return setResults([]);
    let stale = false;
    const timer = setTimeout(() => {
      api.searchTeammates(q).then((r) => {
        if (!stale) setResults(r.users.filter((u) => u.id !== account.user.id));
      }, fail);
    }, 200);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [api, query, account.user.id]);

  async function grant(user: Teammate) {
    try {
      await api.grant(session.id, user.id);
      setMessage({ error: false, text: `${user.name} can now view this session.` });
      await reload();
    } catch (error) {
      fail(error);
    }
  }
  async function revoke(user: Teammate) {
    try {
      await api.revoke(session.id, user.id);
      setMessage({ error: false, text: `${user.name} no longer has access.` });
      await reload();
    } catch (error) {
      fail(error);
    }
  }
  async function setVisibility(visibility: Visibility) {
    try {
      sessionList.upsert((await api.setVisibility(session.id, visibility)).session);
    } catch (error) {
      fail(error);
    }
  }
  async function copy(text: string, what: string) {
    try {
      await navigator.clipboard.writeText(text);
      setMessage({ error: false, text: `${what} copied.` });
    } catch {
      setMessage({ error: true, text: `The clipboard is not available; select the link and copy it.` });
    }
  }

  const granted = new Set(grants?.map((g) => g.user.id));
  return (
    <dialog
      ref={ref}
      className="share-dialog"
      aria-labelledby="share-title"
      onClose={onClose}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <div className="dialog-head">
        <h2 id="share-title">Share session</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </div>

      <fieldset className="visibility-choice">
        <legend>Who can open it</legend>
        <label>
          <input
            type="radio"
            name="visibility"
            checked={session.visibility === 'shared'}
            onChange={() => void setVisibility('shared')}
          />{' '}
          Shared — everyone in {account.organisation.name}
        </label>
        <label>
          <input
            type="radio"
            name="visibility"
            checked={session.visibility === 'private'}
            onChange={() => void setVisibility('private')}
          />{' '}
          Private — only you and the people below
        </label>
      </fieldset>

      <label className="field">
        <span>Search teammates</span>
        <input
          type="search"
          value={query}
          autoFocus
          placeholder="Name or email"
          onChange={(e) => setQuery(e.target.value)}
        />
      </label>
      {query.trim() && (
        <ul className="people" aria-label="Teammates found">
          {results.length === 0 && <li className="muted">No teammate matches “{query.trim()}”.</li>}
          {results.map((u) => (
            <li key={u.id}>
              <Person user={u} />
              {granted.has(u.id) ? (
                <span className="muted">Has access</span>
              ) : (
                <button type="button" className="small" onClick={() => void grant(u)}>
                  Give viewer access<span className="visually-hidden"> to {displayName(u.name)}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}

      <h3>People with access</h3>
      <ul className="people" aria-label="People with access">
        <li>
          <Person user={{ name: session.ownerName, email: account.user.email }} />
          <span className="muted">Owner</span>
        </li>
        {grants === null && <li className="muted">Loading…</li>}
        {grants?.map((g) => (
          <li key={g.user.id}>
            <Person user={g.user} />
            <span className="muted">Viewer</span>
            <button type="button" className="secondary small" onClick={() => void revoke(g.user)}>
              Revoke<span className="visually-hidden"> access for {displayName(g.user.name)}</span>
            </button>
          </li>
        ))}
      </ul>

      <label className="field">
        <span>Link</span>
        <input type="text" readOnly value={link} onFocus={(e) => e.target.select()} />
      </label>
      <div className="dialog-actions">
        <button type="button" onClick={() => void copy(link, 'Link')}>
          Copy link
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => void copy(desktopLinkOf(session.id), 'Desktop link')}
        >
          Copy desktop link
        </button>
      </div>
      {message && (
        <p className={message.error ? 'error' : 'muted'} role={message.error ? 'alert' : 'status'}>
          {displayName(message.text)}
        </p>
      )}
    </dialog>
  );
}

function Person({ user }: { user: { name: string; email: string } }) {
  return (
    <span className="person">
      <span className="person-name">{displayName(user.name)}</span>{' '}
      <span className="muted">{user.email}</span>
    </span>
  );
}
