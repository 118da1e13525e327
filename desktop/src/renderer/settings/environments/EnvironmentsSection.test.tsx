// Settings → Environments against a real Orrery server (its own process on
// loopback): the form's checks, the server's answers beside the fields,
// drafts that survive, the time limits in human units, members read-only.
import type { Environment, LoginResponse } from '@orrery/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { ApiClient } from '../../api/api-client.js';
import {
  startOrreryServer,
  stopOrreryServer,
  type OrreryServerInfo,
} from '../../testing/browser-commands.js';
import { createTestServices, renderWithServices, uniqueId } from '../../testing/test-services.js';
import { EnvironmentsSection } from './EnvironmentsSection.js';
import { NEW_ENVIRONMENT_DRAFT_KEY, saveNewEnvironmentDraft } from '../../session/environment-draft.js';

let server: OrreryServerInfo;
let stop: (() => Promise<void>) | null = null;

beforeAll(async () => {
  server = await startOrreryServer();
}, 90_000);

afterAll(async () => {
  if (server) await stopOrreryServer(server.url);
});

afterEach(async () => {
  await stop?.();
  stop = null;
  location.hash = '';
});

const clientOf = (who: LoginResponse) => new ApiClient(server.url, who.token);

async function renderAs(who: 'admin' | 'member', item: string | null) {
  const login = server[who];
  const services = await createTestServices({
    account: {
      serverUrl: server.url,
      token: login.token,
      user: login.user,
      organisation: login.organisation,
    },
  });
  const view = await renderWithServices(<EnvironmentsSection item={item} />, services);
  stop = async () => {
    await view.unmount();
    await services.stop();
  };
  return { services, view };
}

async function namesOnServer(): Promise<string[]> {
  return (await clientOf(server.admin).environments()).environments.map((e) => e.name);
}

async function made(input: Partial<Environment> & { name: string }, who: 'admin' | 'member' = 'admin') {
  const res = await clientOf(server[who]).createEnvironment({
    image: 'orrery/env-base:bookworm',
    repositories: [],
    setupScript: '',
    variables: {},
    idleTimeoutMs: 20 * 60_000,
    maxRunTimeMs: 24 * 3_600_000,
    cleanRestartAfterMs: 7 * 24 * 3_600_000,
    network: 'none',
    scope: 'personal',
    ...input,
  });
  return res.environment;
}

describe('creating an Environment', () => {
  it('checks fields as they are typed with the shared rules, and sends nothing while one is wrong', async () => {
    const name = uniqueId('Env');
    await renderAs('admin', 'new');
    const nameBox = page.getByRole('textbox', { name: 'Name', exact: true });
    await userEvent.fill(nameBox, '-oops');
    await expect.element(nameBox).toHaveAccessibleDescription(/Must start with a letter or digit/);
    await expect.element(nameBox).toHaveAttribute('aria-invalid', 'true');

    await userEvent.click(page.getByRole('button', { name: 'Add variable' }));
    const varName = page.getByRole('textbox', { name: 'Name of variable 1' });
    await expect.element(varName).toHaveFocus();
    await userEvent.keyboard('BASH_ENV');
    await expect
      .element(varName)
      .toHaveAccessibleDescription(
        "BASH_ENV can't be used as a variable name: bash runs the file it names at start-up. Pick another name.",
      );
    await userEvent.fill(varName, '1X');
    await expect.element(varName).toHaveAccessibleDescription(/1X is not a shell variable name/);
    await userEvent.fill(varName, 'RAILS_ENV');
    await expect.element(varName).not.toHaveAttribute('aria-invalid');

    await userEvent.click(page.getByRole('button', { name: 'Add repository' }));
    await userEvent.click(page.getByRole('button', { name: 'Create Environment' }));
    const url = page.getByRole('textbox', { name: 'Repository 1 URL' });
    await expect.element(url).toHaveAccessibleDescription("Enter the repository's URL, or remove the row.");
    // The first field to fix gets the keyboard.
    await expect.element(nameBox).toHaveFocus();
    await expect.element(page.getByRole('alert')).toHaveTextContent('Fix the fields marked above');
    await userEvent.fill(nameBox, name);
    expect(await namesOnServer()).not.toContain(name);

    await userEvent.fill(url, 'https://git.example.com/acme/shop.git');
    await userEvent.fill(page.getByRole('textbox', { name: 'Value of RAILS_ENV' }), 'test');
    await userEvent.click(page.getByRole('button', { name: 'Create Environment' }));
    await expect.poll(namesOnServer).toContain(name);
    const saved = (await clientOf(server.admin).environments()).environments.find((e) => e.name === name)!;
    expect(saved.repositories).toEqual([{ url: 'https://git.example.com/acme/shop.git' }]);
    expect(saved.variables).toEqual({ RAILS_ENV: 'test' });
    expect(location.hash).toBe(`#/settings/environments/${saved.id}`);
  });

  it("shows the server's refusal of a taken name beside the name, and keeps the draft", async () => {
    const taken = await made({ name: uniqueId('Rails') });
    const first = await renderAs('admin', 'new');
    const nameBox = page.getByRole('textbox', { name: 'Name', exact: true });
    await userEvent.fill(nameBox, taken.name.toLowerCase());
    await userEvent.fill(page.getByRole('textbox', { name: 'Image' }), 'ruby:3.4');
    await userEvent.click(page.getByRole('button', { name: 'Add variable' }));
    await userEvent.keyboard('DATABASE_URL');
    await userEvent.click(page.getByRole('button', { name: 'Create Environment' }));
    await expect
      .element(nameBox)
      .toHaveAccessibleDescription(
        new RegExp(
          `An Environment named "${taken.name.toLowerCase()}" already exists in your organisation; pick another name\\.`,
        ),
      );
    await expect.element(nameBox).toHaveFocus();
    await expect.element(page.getByRole('textbox', { name: 'Image' })).toHaveValue('ruby:3.4');

    // Away and back: what was typed is still there.
    await first.view.unmount();
    await renderWithServices(<EnvironmentsSection item={null} />, first.services);
    await expect.element(page.getByRole('heading', { name: 'Environments', level: 2 })).toBeVisible();
    await first.view.unmount();
    await renderWithServices(<EnvironmentsSection item="new" />, first.services);
    await expect
      .element(page.getByRole('textbox', { name: 'Name', exact: true }))
      .toHaveValue(taken.name.toLowerCase());
    await expect.element(page.getByRole('textbox', { name: 'Image' })).toHaveValue('ruby:3.4');
    await expect
      .element(page.getByRole('textbox', { name: 'Name of variable 1' }))
      .toHaveValue('DATABASE_URL');
    await expect
      .element(page.getByRole('note'))
      .toHaveTextContent(/Your unsaved changes from before are back/);
    // Discarding starts again from a blank form.
    await userEvent.click(page.getByRole('button', { name: 'Discard changes' }));
    await expect.element(page.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue('');
    expect(page.getByRole('note').elements()).toHaveLength(0);
  });

  it('picks a repository credential by name, never asks for a token, and says when none can be had', async () => {
    await renderAs('admin', 'new');
    await userEvent.click(page.getByRole('button', { name: 'Add repository' }));
    const credential = page.getByRole('combobox', { name: 'Credential' });
    await expect.element(credential).toHaveValue('');
    await expect.element(page.getByText(/only public repositories can be cloned/)).toBeVisible();
    expect(page.getByRole('textbox', { name: /token|credential|key/i }).elements()).toHaveLength(0);
  });
});

describe('repository rows', () => {
  it('adds, reorders and removes rows from the keyboard, and saves them in that order', async () => {
    const env = await made({ name: uniqueId('Repos') });
    await renderAs('admin', env.id);
    await userEvent.click(page.getByRole('button', { name: 'Add repository' }));
    await expect.element(page.getByRole('textbox', { name: 'Repository 1 URL' })).toHaveFocus();
    await userEvent.keyboard('https://git.example.com/first.git');
    await userEvent.click(page.getByRole('button', { name: 'Add repository' }));
    await userEvent.keyboard('https://git.example.com/second.git');
    await userEvent.fill(page.getByRole('textbox', { name: 'Branch or tag' }).nth(1), 'v2.0');
    await userEvent.click(page.getByRole('button', { name: 'Add repository' }));
    await userEvent.keyboard('https://git.example.com/third.git');

    await userEvent.click(page.getByRole('button', { name: 'Move repository 2 up' }));
    await expect
      .element(page.getByRole('textbox', { name: 'Repository 1 URL' }))
      .toHaveValue('https://git.example.com/second.git');
    // The keyboard stays with the row that moved.
    await expect.element(page.getByRole('button', { name: 'Move repository 1 up' })).toBeDisabled();
    await expect.element(page.getByRole('button', { name: 'Move repository 1 down' })).toHaveFocus();
    await userEvent.click(page.getByRole('button', { name: 'Remove repository 3' }));
    expect(page.getByRole('textbox', { name: /^Repository \d URL$/ }).elements()).toHaveLength(2);
    await userEvent.click(page.getByRole('button', { name: 'Save changes' }));
    await expect.element(page.getByText('Saved.', { exact: true })).toBeVisible();
    const stored = (await clientOf(server.admin).environment(env.id)).environment;
    expect(stored.repositories).toEqual([
      { url: 'https://git.example.com/second.git', ref: 'v2.0' },
      { url: 'https://git.example.com/first.git' },
    ]);
  });
});

describe('time limits in human units', () => {
  it('shows the stored milliseconds as minutes, hours or days, and saves what is typed', async () => {
    const env = await made({ name: uniqueId('Times') });
    await renderAs('admin', env.id);
    const idle = page.getByRole('textbox', { name: 'Idle timeout', exact: true });
    await expect.element(idle).toHaveValue('20');
    await expect.element(page.getByRole('combobox', { name: 'Idle timeout unit' })).toHaveValue('minutes');
    await expect
      .element(page.getByRole('textbox', { name: 'Maximum run time', exact: true }))
      .toHaveValue('24');
    await expect.element(page.getByRole('combobox', { name: 'Maximum run time unit' })).toHaveValue('hours');
    await expect
      .element(page.getByRole('textbox', { name: 'Clean restart after', exact: true }))
      .toHaveValue('7');
    await expect
      .element(page.getByRole('combobox', { name: 'Clean restart after unit' }))
      .toHaveValue('days');

    await userEvent.fill(idle, '25');
    await userEvent.selectOptions(page.getByRole('combobox', { name: 'Idle timeout unit' }), 'hours');
    await expect.element(idle).toHaveAccessibleDescription(/Idle timeout: between 1 minute and 24 hours\./);
    await userEvent.fill(idle, 'soon');
    await expect
      .element(idle)
      .toHaveAccessibleDescription(/Enter a number for the idle timeout, e\.g\. 30\./);
    await userEvent.fill(idle, '1.5');
    await expect.element(page.getByText('= 1 h 30 min')).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Save changes' }));
    await expect.element(page.getByText('Saved.', { exact: true })).toBeVisible();
    const stored = (await clientOf(server.admin).environment(env.id)).environment;
    expect(stored.idleTimeoutMs).toBe(90 * 60_000);
    expect(stored.maxRunTimeMs).toBe(24 * 3_600_000);
  });
});

describe('the setup script editor', () => {
  it('numbers its lines, indents with Tab, outdents with Shift+Tab, and lets Esc then Tab leave', async () => {
    await renderAs('admin', 'new');
    const script = page.getByRole('textbox', { name: 'Setup script' });
    await expect.element(script).toHaveAccessibleDescription(/press Esc, then Tab, to move on/);
    await userEvent.click(script);
    await userEvent.keyboard('if true; then{Enter}{Tab}bundle install{Enter}fi');
    await expect.element(script).toHaveValue('if true; then\n  bundle install\nfi');
    const gutter = document.querySelector('.code-editor-gutter')!;
    expect(gutter.textContent).toBe('123');
    expect(getComputedStyle(script.element()).fontFamily).toMatch(/mono/i);

    // Shift+Tab on the middle line takes its indent back.
    const box = script.element() as HTMLTextAreaElement;
    box.setSelectionRange(18, 18);
    await userEvent.keyboard('{Shift>}{Tab}{/Shift}');
    await expect.element(script).toHaveValue('if true; then\nbundle install\nfi');
    await expect.element(script).toHaveFocus();

    await userEvent.keyboard('{Escape}{Tab}');
    await expect.element(script).not.toHaveFocus();
    await expect.element(script).toHaveValue('if true; then\nbundle install\nfi');
  });
});

describe('what a member sees', () => {
  it('shows an organisation Environment read-only, says why, and offers no save or delete', async () => {
    const shared = await made({ name: uniqueId('Shared'), scope: 'organisation', setupScript: 'make' });
    await renderAs('member', shared.id);
    await expect.element(page.getByRole('note')).toHaveTextContent(/is managed by admins/);
    await expect.element(page.getByRole('textbox', { name: 'Name', exact: true })).toBeDisabled();
    await expect.element(page.getByRole('textbox', { name: 'Setup script' })).toHaveAttribute('readonly');
    expect(
      page.getByRole('button', { name: /Save|Delete|Add repository|Add variable/ }).elements(),
    ).toHaveLength(0);
  });

  it('cannot choose the whole organisation for a new one, and is told why', async () => {
    await renderAs('member', 'new');
    const everyone = page.getByRole('radio', { name: /^Everyone in/ });
    await expect.element(everyone).toBeDisabled();
    await expect
      .element(everyone)
      .toHaveAccessibleDescription('Only admins can make an Environment for the whole organisation.');
    await expect.element(page.getByRole('radio', { name: 'Only me' })).toBeChecked();
  });
});

describe('the list and deleting', () => {
  it('lists name, image, repositories, scope and who made it', async () => {
    const name = uniqueId('Listed');
    await made(
      { name, image: 'node:22', repositories: [{ url: 'https://git.example.com/a.git' }] },
      'member',
    );
    await renderAs('member', null);
    const row = page.getByRole('listitem', { name });
    await expect.element(row).toHaveTextContent(`${name}Personalnode:22 · 1 repository · made by you`);
    const id = (await clientOf(server.member).environments()).environments.find((e) => e.name === name)!.id;
    await expect
      .element(row.getByRole('link', { name }))
      .toHaveAttribute('href', `#/settings/environments/${id}`);
  });

  it('asks before deleting, says what happens to sessions, and deletes on the server', async () => {
    const env = await made({ name: uniqueId('Doomed') });
    await renderAs('admin', env.id);
    await userEvent.click(page.getByRole('button', { name: 'Delete Environment' }));
    const confirm = page.getByRole('group', { name: `Confirm deleting ${env.name}` });
    await expect.element(confirm).toHaveTextContent(/Sessions already started on it keep running on it/);
    await expect.element(confirm.getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    await expect.element(page.getByRole('button', { name: 'Delete Environment' })).toHaveFocus();
    await userEvent.click(page.getByRole('button', { name: 'Delete Environment' }));
    await userEvent.click(page.getByRole('button', { name: 'Delete', exact: true }));
    await expect.poll(() => location.hash).toBe('#/settings/environments');
    expect(await namesOnServer()).not.toContain(env.name);
  });
});

describe('an Environment the Advisor proposed', () => {
  it('opens in the editor filled in after "Review in Settings", and is created from there', async () => {
    const name = `Proposed ${uniqueId('env')}`;
    saveNewEnvironmentDraft({
      name,
      image: 'orrery/env-base:bookworm',
      repositories: [],
      setupScript: 'test -d /workspace',
      variables: { NODE_ENV: 'test' },
      idleTimeoutMs: 20 * 60_000,
      maxRunTimeMs: 24 * 3_600_000,
      cleanRestartAfterMs: 7 * 24 * 3_600_000,
      network: 'none',
      scope: 'personal',
    });
    await renderAs('admin', 'new');
    await expect.element(page.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue(name);
    await expect
      .element(page.getByRole('textbox', { name: 'Setup script' }))
      .toHaveValue('test -d /workspace');
    await userEvent.click(page.getByRole('button', { name: 'Create Environment' }));
    await expect.poll(namesOnServer).toContain(name);
    // Saved: the hand-over is used up, so the next new Environment starts blank.
    expect(sessionStorage.getItem(NEW_ENVIRONMENT_DRAFT_KEY)).toBeNull();
  });
});
