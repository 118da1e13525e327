// The ship controls and their dialogs on their own: nobody but the owner
// sees them, each says why it is disabled, the dialogs start from the
// server's draft and keep what is typed, and a failure shows the server's
// sentence with what to do next. (The routes' own behaviour is tested on the
// server; here the device cannot reach one, which is a real failure too.)
import { ApiError, type RepositoryChanges, type SessionListItem, type ShipDraft } from '@orrery/shared';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import {
  createTestServices,
  renderWithServices,
  sessionItem,
  testAccount,
} from '../../testing/test-services.js';
import { ServicesContext } from '../../app/services-context.js';
import { ShipContext } from './ship-context.js';
import { shipFailure } from './ship-errors.js';
import { ShipActions, patchFileName } from './ShipActions.js';
import { CommitDialog, PullRequestDialog, PushDialog } from './ShipDialogs.js';
import { ShipFailureText } from './ShipFailureText.js';

const account = testAccount();
let stop: (() => Promise<void>) | null = null;
afterEach(async () => {
  await stop?.();
  stop = null;
  sessionStorage.clear();
});

async function show(ui: ReactNode) {
  const services = await createTestServices({ account });
  stop = () => services.stop();
  const screen = await renderWithServices(ui, services);
  // The same tree as the first render, so only the props change.
  const rerender = (next: ReactNode) =>
    screen.rerender(
      <ServicesContext.Provider value={services}>
        <div style={{ width: 1000, height: 700, display: 'flex', flexDirection: 'column' }}>{next}</div>
      </ServicesContext.Provider>,
    );
  return { container: screen.container, rerender };
}

const SHA = 'a'.repeat(40);
function repository(overrides: Partial<RepositoryChanges> = {}): RepositoryChanges {
  return {
    path: 'shop',
    url: 'https://github.com/acme/shop.git',
    state: 'ok',
    detail: '',
    branch: 'main',
    head: SHA,
    base: SHA,
    operation: 'none',
    ahead: 0,
    commits: [],
    files: [
      {
        path: 'src/login.ts',
        oldPath: null,
        status: 'modified',
        untracked: false,
        added: 3,
        removed: 1,
        binary: false,
        oldMode: null,
        newMode: null,
        size: 120,
        diff: 'kept',
      },
    ],
    moreFiles: 0,
    added: 3,
    removed: 1,
    ...overrides,
  };
}

const draft: ShipDraft = {
  repo: 'shop',
  commitMessage: 'Wait longer for the login token\n\nThe test timed out on slow machines.',
  branch: 'orrery/fix-login-abc123',
  baseBranch: 'main',
  pullRequest: { title: 'Fix the flaky login test', body: '## What\nA longer wait.' },
  remote: 'https://github.com/acme/shop.git',
  forge: 'github',
  blocked: null,
  pullRequestUrl: null,
};

function actions(session: SessionListItem, repo: RepositoryChanges, running = false, offline = false) {
  return (
    <ShipContext.Provider
      value={{
        session,
        sessionDoc: null,
        checkpoints: [],
        changesRev: 0,
        running,
        offline,
        askRestore: () => {},
      }}
    >
      <ShipActions session={session} repo={repo} />
    </ShipContext.Provider>
  );
}

const noop = () => undefined;

describe('the ship controls', () => {
  it('are not there at all for a viewer', async () => {
    const viewer = sessionItem('owner-1', { access: 'viewer' });
    const screen = await show(actions(viewer, repository({ ahead: 2 })));
    expect(screen.container.querySelectorAll('button')).toHaveLength(0);
  });

  it('say why each is disabled: nothing committed yet, the server out of reach, a turn running', async () => {
    const owner = sessionItem(account.user.id);
    const screen = await show(actions(owner, repository()));
    await expect.element(page.getByRole('button', { name: 'Commit…' })).toBeEnabled();
    await expect.element(page.getByRole('button', { name: 'Download patch' })).toBeEnabled();
    // The draft cannot be read from here, so where to push is not known.
    await expect.element(page.getByRole('button', { name: 'Push branch' })).toBeDisabled();
    await expect
      .element(page.getByRole('button', { name: 'Push branch' }))
      .toHaveAccessibleDescription(/Where to push could not be read: Cannot reach the server/);
    await expect.element(page.getByRole('button', { name: 'Open pull request…' })).toBeDisabled();

    await screen.rerender(actions(owner, repository({ files: [], added: 0, removed: 0 })));
    await expect
      .element(page.getByRole('button', { name: 'Commit…' }))
      .toHaveAccessibleDescription(/Nothing changed to commit./);
    await expect.element(page.getByRole('button', { name: 'Download patch' })).toBeDisabled();

    await screen.rerender(actions(owner, repository(), true));
    await expect.element(page.getByRole('button', { name: 'Commit…' })).toBeDisabled();
    await expect
      .element(page.getByRole('button', { name: 'Commit…' }))
      .toHaveAccessibleDescription(/The agent is working/);

    await screen.rerender(actions(owner, repository({ ahead: 1 }), false, true));
    for (const name of ['Commit…', 'Push branch', 'Open pull request…', 'Download patch'])
      await expect
        .element(page.getByRole('button', { name }))
        .toHaveAccessibleDescription(/You are offline; this needs the server./);
  });

  it('commit from a dialog whose message survives closing it', async () => {
    await show(actions(sessionItem(account.user.id), repository()));
    await userEvent.click(page.getByRole('button', { name: 'Commit…' }));
    const dialog = page.getByRole('dialog', { name: 'Commit changes' });
    await expect.element(dialog.getByRole('note')).toHaveTextContent(/No proposal could be read/);
    const message = dialog.getByRole('textbox', { name: 'Commit message' });
    await expect.element(message).toHaveFocus();
    await userEvent.click(dialog.getByRole('button', { name: 'Commit' }));
    await expect.element(message).toHaveAccessibleDescription(/Write a commit message./);
    await userEvent.fill(message, 'My own message');
    await userEvent.click(dialog.getByRole('button', { name: 'Cancel' }));
    await expect.element(dialog).not.toBeInTheDocument();
    await userEvent.click(page.getByRole('button', { name: 'Commit…' }));
    await expect.element(message).toHaveValue('My own message');
  });
});

describe('the ship dialogs', () => {
  it('start from the server’s draft, and a failure keeps what was typed', async () => {
    await show(<CommitDialog sessionId="s-prefill" repo="shop" draft={draft} onClose={noop} onDone={noop} />);
    const message = page.getByRole('textbox', { name: 'Commit message' });
    await expect.element(message).toHaveValue(draft.commitMessage);
    await userEvent.fill(message, `${draft.commitMessage} Also the retries.`);
    await userEvent.click(page.getByRole('button', { name: 'Commit' }));
    const alert = page.getByRole('dialog').getByRole('alert');
    await expect.element(alert).toHaveTextContent(/Cannot reach the server/);
    await expect
      .element(alert)
      .toHaveTextContent(/Nothing was sent; try again once the server is reachable./);
    await expect.element(message).toHaveValue(`${draft.commitMessage} Also the retries.`);
  });

  it('open a pull request with the drafted title, body and base branch', async () => {
    await show(<PullRequestDialog sessionId="s-pr" repo="shop" draft={draft} onClose={noop} onDone={noop} />);
    const dialog = page.getByRole('dialog', { name: 'Open pull request' });
    await expect
      .element(dialog.getByRole('textbox', { name: 'Title' }))
      .toHaveValue('Fix the flaky login test');
    await expect
      .element(dialog.getByRole('textbox', { name: 'Description' }))
      .toHaveValue('## What\nA longer wait.');
    await expect.element(dialog.getByRole('textbox', { name: 'Base branch' })).toHaveValue('main');
    await userEvent.fill(dialog.getByRole('textbox', { name: 'Title' }), '');
    await userEvent.fill(dialog.getByRole('textbox', { name: 'Base branch' }), 'release..1');
    await userEvent.click(dialog.getByRole('button', { name: 'Open pull request' }));
    await expect
      .element(dialog.getByRole('textbox', { name: 'Title' }))
      .toHaveAccessibleDescription('Give it a title.');
    await expect
      .element(dialog.getByRole('textbox', { name: 'Base branch' }))
      .toHaveAccessibleDescription(/Not a branch name git accepts/);
  });

  it('name a GitLab merge request as GitLab does', async () => {
    await show(
      <PullRequestDialog
        sessionId="s-mr"
        repo="shop"
        draft={{ ...draft, forge: 'gitlab' }}
        onClose={noop}
        onDone={noop}
      />,
    );
    await expect.element(page.getByRole('dialog', { name: 'Open merge request' })).toBeVisible();
  });

  it('push to the drafted branch, which can be changed under Advanced', async () => {
    await show(<PushDialog sessionId="s-push" repo="shop" draft={draft} onClose={noop} onDone={noop} />);
    const dialog = page.getByRole('dialog', { name: 'Push branch' });
    await expect
      .element(dialog)
      .toHaveTextContent(/orrery\/fix-login-abc123 on https:\/\/github.com\/acme\/shop.git/);
    await userEvent.click(dialog.getByText('Advanced'));
    const branch = dialog.getByRole('textbox', { name: 'Branch' });
    await expect.element(branch).toHaveValue('orrery/fix-login-abc123');
    await userEvent.fill(branch, 'my branch');
    await userEvent.click(dialog.getByRole('button', { name: 'Push' }));
    await expect.element(branch).toHaveAccessibleDescription(/Not a branch name git accepts/);
  });
});

describe('a failed action', () => {
  it('says what the server said and what to do next', async () => {
    const screen = await show(
      <ShipFailureText
        failure={shipFailure(
          new ApiError('auth_failed', 'github.com refused the credential GITHUB_DEPLOY.', 403),
        )}
      />,
    );
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent(/github.com refused the credential GITHUB_DEPLOY./);
    await expect
      .element(page.getByRole('link', { name: 'Settings → Secrets' }))
      .toHaveAttribute('href', '#/settings/secrets');
    await screen.rerender(
      <ShipFailureText
        failure={shipFailure(new ApiError('not_fast_forward', 'The remote branch main has moved on.', 409))}
      />,
    );
    await expect.element(page.getByRole('alert')).toHaveTextContent(/push to a new branch name instead/);
    await screen.rerender(
      <ShipFailureText failure={shipFailure(new ApiError('nothing_to_commit', 'Nothing to commit.', 409))} />,
    );
    await expect.element(page.getByRole('alert')).toHaveTextContent(/^Nothing to commit.$/);
  });
});

describe('a downloaded patch', () => {
  it('is named as the server says, else after the repository', () => {
    expect(patchFileName('attachment; filename="shop-orrery.patch"', 'shop')).toBe('shop-orrery.patch');
    expect(patchFileName("attachment; filename*=UTF-8''caf%C3%A9.patch", 'shop')).toBe('café.patch');
    expect(patchFileName('attachment; filename="../../etc/passwd"', 'x')).toBe('.._.._etc_passwd');
    expect(patchFileName(null, 'apps/web')).toBe('web-changes.patch');
    expect(patchFileName(null, '')).toBe('workspace-changes.patch');
  });
});
