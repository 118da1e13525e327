import { ApiError, type PutRepositoryCredentialRequest } from '@orrery/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { createTestServices, renderWithServices, testAccount } from '../testing/test-services.js';
import { AddRepositoryCredentialForm } from './AddRepositoryCredentialForm.js';
import { CredentialList } from './RepositoryCredentialsSection.js';

let stop: (() => Promise<void>) | null = null;
afterEach(async () => {
  await stop?.();
  stop = null;
});

type Saved = { scope: string; name: string; body: PutRepositoryCredentialRequest };

async function renderForm(role: 'admin' | 'member', onSave: (s: Saved) => Promise<void>) {
  const services = await createTestServices({ account: testAccount({ role }) });
  stop = () => services.stop();
  await renderWithServices(
    <AddRepositoryCredentialForm
      isAdmin={role === 'admin'}
      onSave={async (scope, name, body) => {
        await onSave({ scope, name, body });
        return { name, scope, host: body.host, kind: body.kind, updatedAt: Date.now(), updatedBy: 'Ada' };
      }}
    />,
    services,
  );
}

const field = (name: string) => page.getByRole('textbox', { name });

describe('Add a repository credential', () => {
  it('checks name and host with the server’s own rules before sending, next to each field', async () => {
    const sent: Saved[] = [];
    await renderForm('member', async (s) => void sent.push(s));
    await userEvent.fill(field('Name'), 'github-deploy');
    await userEvent.fill(field('Host'), 'https://github.com');
    await userEvent.click(page.getByRole('button', { name: 'Add credential' }));
    await expect.element(field('Name')).toHaveAccessibleDescription(/Must be UPPER_SNAKE_CASE/);
    await expect
      .element(field('Host'))
      .toHaveAccessibleDescription(/Must be a host name, optionally with :port/);
    expect(sent).toEqual([]);
    // Members cannot pick the organisation's scope, and are told why.
    await expect.element(page.getByRole('radio', { name: /Shared/ })).toBeDisabled();
    await expect.element(page.getByText(/Managed by admins/)).toBeVisible();
  });

  it('sends name, host, kind and value, and shows the server’s answer beside the value', async () => {
    const sent: Saved[] = [];
    let refuse = true;
    await renderForm('admin', async (s) => {
      sent.push(s);
      if (refuse)
        throw new ApiError('validation_failed', 'The value must be an SSH private key.', 400, {
          value: 'must be an SSH private key without a passphrase',
        });
    });
    await userEvent.fill(field('Name'), 'DEPLOY_KEY');
    await userEvent.fill(field('Host'), 'Git.Example.com:8443');
    await userEvent.click(page.getByRole('radio', { name: /SSH private key/ }));
    await userEvent.fill(field('Value'), 'not a key');
    await userEvent.click(page.getByRole('button', { name: 'Add credential' }));
    await expect.element(page.getByText('Must be an SSH private key without a passphrase')).toBeVisible();
    expect(sent).toEqual([
      {
        scope: 'private',
        name: 'DEPLOY_KEY',
        body: { host: 'git.example.com:8443', kind: 'ssh-key', value: 'not a key', forge: null },
      },
    ]);
    // What was typed is still there to correct.
    await expect.element(field('Host')).toHaveValue('Git.Example.com:8443');
    refuse = false;
    await userEvent.click(page.getByRole('radio', { name: /Shared/ }));
    await userEvent.click(page.getByRole('button', { name: 'Add credential' }));
    await expect
      .element(page.getByRole('status'))
      .toHaveTextContent('Saved DEPLOY_KEY for git.example.com:8443. Its value cannot be shown again.');
    expect(sent[1]?.scope).toBe('shared');
    await expect.element(field('Name')).toHaveValue('');
  });
});

describe('A repository credential’s pull requests', () => {
  const forge = () => page.getByRole('combobox', { name: 'Pull requests' });

  it('follow the host as it is typed, and are sent as the person chose', async () => {
    const sent: Saved[] = [];
    await renderForm('member', async (s) => void sent.push(s));
    await expect.element(forge()).toHaveValue('none');
    await userEvent.fill(field('Host'), 'github.com');
    await expect.element(forge()).toHaveValue('github');
    await userEvent.fill(field('Host'), 'GitLab.com');
    await expect.element(forge()).toHaveValue('gitlab');
    await userEvent.fill(field('Name'), 'GITLAB_TOKEN');
    await userEvent.fill(field('Value'), 'glpat-example');
    await userEvent.click(page.getByRole('button', { name: 'Add credential' }));
    await expect.element(page.getByRole('status')).toHaveTextContent(/Saved GITLAB_TOKEN/);
    expect(sent[0]?.body.forge).toBe('gitlab');

    // A self-hosted forge says nothing of itself: the person says which it is.
    await userEvent.fill(field('Host'), 'git.corp.example:8443');
    await expect.element(forge()).toHaveValue('none');
    await userEvent.selectOptions(forge(), 'GitLab');
    await userEvent.fill(field('Host'), 'git.corp.example');
    await expect.element(forge()).toHaveValue('gitlab');
    await userEvent.fill(field('Name'), 'CORP_GIT');
    await userEvent.fill(field('Value'), 'token');
    await userEvent.click(page.getByRole('button', { name: 'Add credential' }));
    await expect.element(page.getByRole('status')).toHaveTextContent(/Saved CORP_GIT/);
    expect(sent[1]?.body).toEqual({
      host: 'git.corp.example',
      kind: 'https-token',
      value: 'token',
      forge: 'gitlab',
    });
  });

  it('are listed with each credential', async () => {
    const services = await createTestServices();
    stop = () => services.stop();
    await renderWithServices(
      <CredentialList
        isAdmin
        credentials={[
          {
            name: 'CORP',
            scope: 'private',
            host: 'git.corp',
            kind: 'https-token',
            forge: 'gitlab',
            updatedAt: 0,
            updatedBy: 'Ada',
          },
          {
            name: 'OLD',
            scope: 'private',
            host: 'git.old',
            kind: 'https-token',
            updatedAt: 0,
            updatedBy: 'Ada',
          },
        ]}
        onDelete={async () => undefined}
      />,
      services,
    );
    await expect.element(page.getByText(/HTTPS token for git.corp · pull requests: GitLab/)).toBeVisible();
    await expect.element(page.getByText(/HTTPS token for git.old · pull requests: None/)).toBeVisible();
  });
});

describe('Repository credential list', () => {
  it('shows host and kind, never a value, and the organisation’s ones as managed by admins for a member', async () => {
    const services = await createTestServices();
    stop = () => services.stop();
    const deleted: string[] = [];
    await renderWithServices(
      <CredentialList
        isAdmin={false}
        credentials={[
          {
            name: 'MINE',
            scope: 'private',
            host: 'github.com',
            kind: 'https-token',
            updatedAt: 0,
            updatedBy: 'Ada',
          },
          {
            name: 'ORG',
            scope: 'shared',
            host: 'git.corp:8443',
            kind: 'ssh-key',
            updatedAt: 0,
            updatedBy: 'Grace',
          },
        ]}
        onDelete={async (scope, name) => void deleted.push(`${scope}/${name}`)}
      />,
      services,
    );
    await expect.element(page.getByText(/HTTPS token for github.com/)).toBeVisible();
    await expect.element(page.getByText(/SSH key for git.corp:8443/)).toBeVisible();
    await expect.element(page.getByText('Managed by admins')).toBeVisible();
    expect(page.getByRole('button', { name: 'Delete ORG (shared)' }).elements()).toHaveLength(0);
    await userEvent.click(page.getByRole('button', { name: 'Delete MINE (private)' }));
    await userEvent.click(page.getByRole('button', { name: 'Delete MINE (private) for good' }));
    expect(deleted).toEqual(['private/MINE']);
  });
});
