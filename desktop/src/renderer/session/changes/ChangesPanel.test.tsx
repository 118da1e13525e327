import { ApiError, SessionDoc, type EnvironmentState } from '@orrery/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import * as Y from 'yjs';
import { ServicesContext } from '../../app/services-context.js';
import { createTestServices, renderWithServices, uniqueId } from '../../testing/test-services.js';
import { setChangesPrefs } from './changes-prefs.js';
import {
  SERVER_PATCH,
  changedFile,
  dataSource,
  repository,
  sampleChanges,
  summaryOf,
} from '../../testing/changes-fixtures.js';
import { ChangesPanel, type ChangesPanelProps } from './ChangesPanel.js';
import { useChangesSummary } from './use-changes-summary.js';
import type { ChangesSource } from './use-changes.js';

const RUNNING: EnvironmentState = { status: 'running', detail: '', updatedAt: 1 };
let stop: (() => Promise<void>) | null = null;
beforeEach(() => setChangesPrefs({ open: true, layout: 'unified', wrap: false, wide: false }));
afterEach(async () => {
  await stop?.();
  stop = null;
});

async function show(props: Partial<ChangesPanelProps> & { source: ChangesSource }) {
  const services = await createTestServices();
  stop = () => services.stop();
  const changes = sampleChanges();
  return renderWithServices(
    <ChangesPanel sessionId={uniqueId('s')} summary={summaryOf(changes)} environment={RUNNING} {...props} />,
    services,
  );
}

/** The panel fed by a real session document: the runner's setChanges moves its rev. */
function LivePanel({
  doc,
  source,
  sessionId,
}: {
  doc: SessionDoc;
  source: ChangesSource;
  sessionId: string;
}) {
  const summary = useChangesSummary(doc);
  return <ChangesPanel sessionId={sessionId} summary={summary} environment={RUNNING} source={source} />;
}

const panel = () => page.getByRole('complementary', { name: 'Changes' });
const repo = (name: string) => panel().getByRole('region', { name: `Repository ${name}` });

describe('ChangesPanel', () => {
  it('shows each repository’s branch, commits, unusual state and changed files', async () => {
    await show({ source: dataSource(sampleChanges) });
    const app = repo('app');
    await expect.element(app.getByRole('heading', { name: 'app' })).toBeVisible();
    await expect.element(app.getByText('https://github.com/acme/app.git')).toBeVisible();
    await expect.element(app.getByText('orrery/fix-health-check-s1a2b3')).toBeVisible();

    // The commits are listed on request.
    const commits = app.getByText('2 commits ahead of where the session started');
    await expect.element(commits).toBeVisible();
    await expect.element(app.getByText('Add a health check route')).not.toBeVisible();
    await userEvent.click(commits);
    await expect.element(app.getByText('Add a health check route')).toBeVisible();

    const row = (path: string) => app.getByRole('button', { name: new RegExp(path.split('/').pop()!) });
    await expect
      .element(row('server.ts'))
      .toHaveAccessibleName(/^Modified server\.ts.*6 lines added, 3 removed$/);
    await expect.element(row('health.ts')).toHaveTextContent(/untracked/);
    await expect.element(row('health.ts')).toHaveAccessibleName(/^Added/);
    await expect.element(row('legacy.js')).toHaveAccessibleName(/^Deleted legacy\.js/);
    await expect.element(row('getting started.md')).toHaveTextContent('from docs/old guide.md');
    await expect.element(row('deploy.sh')).toHaveTextContent('now executable');
    await expect.element(row('logo.png')).toHaveTextContent('Binary, 2.1 MB');
    await expect.element(row('dump.sql')).toHaveTextContent('Too large to show, 50.0 MB');
    // Files are grouped under their folders.
    await expect.element(app.getByText('src/routes/', { exact: true })).toBeVisible();

    const lib = repo('vendor/lib');
    await expect.element(lib.getByText('detached HEAD at 1234567')).toBeVisible();
    await expect.element(lib.getByRole('note')).toHaveTextContent(/A rebase is in progress in vendor\/lib/);
    await expect
      .element(repo('tools').getByRole('note'))
      .toHaveTextContent('The folder /workspace/tools is gone: the agent removed it in this session.');
  });

  it('filters a long list of files and counts the files it does not list', async () => {
    const files = Array.from({ length: 80 }, (_, i) => changedFile(`src/module-${i}.ts`));
    const changes = () => ({
      ...sampleChanges(),
      repositories: [repository('big', { files, moreFiles: 4920 })],
    });
    await show({ source: dataSource(changes) });
    await expect.element(panel().getByText(/and 4920 files more, not listed/)).toBeVisible();
    await userEvent.fill(
      panel().getByRole('searchbox', { name: 'Filter the changed files of big' }),
      'module-7',
    );
    // module-7 and module-70 … module-79.
    await expect
      .poll(
        () =>
          panel()
            .getByRole('button', { name: /module-7/ })
            .elements().length,
      )
      .toBe(11);
    await userEvent.fill(panel().getByRole('searchbox'), 'nothing-like-this');
    await expect.element(panel().getByText('No changed file matches “nothing-like-this”.')).toBeVisible();
  });

  it('opens a file as a highlighted diff with line numbers, side by side on request, and back', async () => {
    await show({ source: dataSource(sampleChanges) });
    const row = repo('app').getByRole('button', { name: /server\.ts/ });
    await userEvent.click(row);
    const diff = panel().getByRole('region', { name: 'Diff of src/server.ts' });
    await expect.element(diff.getByText('@@ -1,9 +1,12 @@')).toBeVisible();
    await expect.element(diff.getByText(/Answer the load balancer/)).toBeVisible();
    const added = [...document.querySelectorAll('.diff-row.diff-add')];
    expect(added.map((r) => r.querySelector('.diff-ln:nth-child(2)')?.textContent).slice(0, 2)).toEqual([
      '2',
      '3',
    ]);
    // Highlighted: the comment and the keywords are tokens of their own.
    await expect
      .poll(() => document.querySelector('.diff-add .hljs-comment')?.textContent)
      .toBe('// Answer the load balancer before anything else is ready.');

    await userEvent.click(panel().getByRole('button', { name: 'Side by side' }));
    await expect
      .element(panel().getByRole('button', { name: 'Side by side' }))
      .toHaveAttribute('aria-pressed', 'true');
    const pair = document.querySelector('.diff-row.split .diff-half.diff-del')?.parentElement;
    expect(pair?.textContent).toContain("import { routes } from './routes';");
    expect(pair?.textContent).toContain("import { routes } from './routes/index.js';");
    expect(JSON.parse(localStorage.getItem('orrery.changes-panel')!)).toMatchObject({ layout: 'split' });

    // Side by side always wraps; unified wraps on request.
    await expect.element(diff).toHaveClass('wrap');
    await expect.element(panel().getByRole('button', { name: 'Wrap lines' })).not.toBeInTheDocument();
    await userEvent.click(panel().getByRole('button', { name: 'Side by side' }));
    await expect.element(diff).toHaveClass('nowrap');
    await userEvent.click(panel().getByRole('button', { name: 'Wrap lines' }));
    await expect.element(diff).toHaveClass('wrap');
    expect(JSON.parse(localStorage.getItem('orrery.changes-panel')!)).toMatchObject({
      layout: 'unified',
      wrap: true,
    });

    await userEvent.click(panel().getByRole('button', { name: '← All changes' }));
    await expect.element(repo('app').getByRole('button', { name: /server\.ts/ })).toHaveFocus();
  });

  it('says why a binary, too large or mode-only file has no lines to show', async () => {
    const source = dataSource(sampleChanges, {
      'scripts/deploy.sh':
        'diff --git a/scripts/deploy.sh b/scripts/deploy.sh\nold mode 100644\nnew mode 100755\n',
    });
    await show({ source });
    await userEvent.click(repo('app').getByRole('button', { name: /logo\.png/ }));
    await expect
      .element(panel().getByText('This is a binary file (2.1 MB): there are no lines to compare.'))
      .toBeVisible();
    await userEvent.click(panel().getByRole('button', { name: '← All changes' }));
    await userEvent.click(repo('app').getByRole('button', { name: /dump\.sql/ }));
    await expect
      .element(panel().getByText(/This file’s diff is too large to show here \(50\.0 MB\)/))
      .toBeVisible();
    await userEvent.click(panel().getByRole('button', { name: '← All changes' }));
    await userEvent.click(repo('app').getByRole('button', { name: /deploy\.sh/ }));
    await expect
      .element(panel().getByText('Only the file’s mode changed: it is now executable.'))
      .toBeVisible();
    // Files with no kept diff are not asked for.
    expect(source.asked.filter((a) => a.startsWith('diff'))).toEqual(['diff app:scripts/deploy.sh']);
  });

  it('opens a 20,000-line diff with only the rows on screen in the page', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `+export const value${i} = ${i};`);
    const patch = ['--- /dev/null', '+++ b/src/generated.ts', '@@ -0,0 +1,20000 @@', ...lines, ''].join('\n');
    const changes = () => ({
      ...sampleChanges(),
      repositories: [
        repository('app', { files: [changedFile('src/generated.ts', { added: 20_000, removed: 0 })] }),
      ],
    });
    await show({ source: dataSource(changes, { 'src/generated.ts': patch }) });
    await userEvent.click(panel().getByRole('button', { name: /generated\.ts/ }));
    const diff = panel().getByRole('region', { name: 'Diff of src/generated.ts' });
    await expect.element(diff.getByText('export const value0 = 0;')).toBeVisible();
    expect(document.querySelectorAll('.diff-row').length).toBeLessThan(200);
    const scroller = diff.element();
    scroller.scrollTop = scroller.scrollHeight;
    await expect.element(diff.getByText('export const value19999 = 19999;')).toBeVisible();
    expect(document.querySelectorAll('.diff-row').length).toBeLessThan(200);
  });

  it('reloads when the runner reports again, keeping the open file and where the reader was', async () => {
    const services = await createTestServices();
    stop = () => services.stop();
    const doc = new SessionDoc(new Y.Doc()).init();
    const long = Array.from({ length: 400 }, (_, i) => `+line ${i}`);
    let patch = ['--- a/notes.txt', '+++ b/notes.txt', '@@ -0,0 +1,400 @@', ...long, ''].join('\n');
    let current = sampleChanges();
    current = {
      ...current,
      repositories: [repository('app', { files: [changedFile('notes.txt', { added: 400 })] })],
    };
    const source = dataSource(() => current, {
      get 'notes.txt'() {
        return patch;
      },
    });
    doc.setChanges({ computedAt: current.computedAt, repositories: 1, files: 1, added: 400, removed: 0 });
    await renderWithServices(<LivePanel doc={doc} source={source} sessionId={uniqueId('s')} />, services);
    await userEvent.click(panel().getByRole('button', { name: /notes\.txt/ }));
    const diff = panel().getByRole('region', { name: 'Diff of notes.txt' });
    await expect.element(diff.getByText(/^Added: line 0$/)).toBeVisible();
    diff.element().scrollTop = 3000;
    await expect.element(diff.getByText(/^Added: line 160$/)).toBeInTheDocument();

    // The agent edits the file again; the runner's report bumps the document's rev.
    patch = patch.replace('+line 160\n', '+line 160 (edited)\n');
    current = { ...current, computedAt: current.computedAt! + 5_000 };
    doc.setChanges({ computedAt: current.computedAt, repositories: 1, files: 1, added: 400, removed: 0 });
    await expect.element(diff.getByText('line 160 (edited)')).toBeVisible();
    expect(diff.element().scrollTop).toBe(3000);
    // Each report: the summary and the open file, once each.
    expect(source.asked.sort()).toEqual(['changes', 'changes', 'diff app:notes.txt', 'diff app:notes.txt']);
  });

  it('shows the last changes of a paused Environment with a note, and never wakes it', async () => {
    const source = dataSource(sampleChanges);
    const pausedAt = Date.parse('2026-12-01T14:02:00');
    const paused: EnvironmentState = { status: 'paused', detail: '', updatedAt: pausedAt };
    await show({ source, environment: paused });
    const time = new Date(pausedAt).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    expect(time).toMatch(/02/);
    await expect
      .element(panel().getByRole('note').first())
      .toHaveTextContent(
        `The Environment is paused: these are the changes as they were when it paused (${time}). They update when it runs again.`,
      );
    await expect.element(repo('app')).toBeVisible();
    expect(source.asked).toEqual(['changes']);
  });

  it('says when no turn has run yet', async () => {
    await show({
      source: dataSource(() => ({ repositories: [], computedAt: null })),
      summary: summaryOf({ repositories: [], computedAt: null }, 0),
    });
    await expect.element(panel().getByText(/No changes yet: what the agent changes/)).toBeVisible();
  });

  it('says when the Environment has no repositories', async () => {
    await show({ source: dataSource(() => ({ repositories: [], computedAt: Date.now() })) });
    await expect.element(panel().getByText(/This Environment has no git repositories/)).toBeVisible();
  });

  it('says the changes are not on this device yet while the server cannot be reached, and tries again', async () => {
    let online = false;
    const inner = dataSource(sampleChanges);
    const source: ChangesSource = {
      changes: (...args) =>
        online
          ? inner.changes(...args)
          : Promise.reject(new ApiError('offline', 'Cannot reach the server.', null)),
      diff: (...args) => inner.diff(...args),
    };
    await show({ source });
    const alert = panel().getByRole('alert');
    await expect
      .element(alert)
      .toHaveTextContent(
        'The changes are not on this device yet: they load from the server when it can be reached.',
      );
    online = true;
    await userEvent.click(alert.getByRole('button', { name: 'Try again' }));
    await expect.element(repo('app')).toBeVisible();
    await expect.element(panel().getByRole('alert')).not.toBeInTheDocument();
  });

  it('loads again by itself when the session’s connection comes back', async () => {
    let online = false;
    const inner = dataSource(sampleChanges);
    const source: ChangesSource = {
      changes: (...args) =>
        online
          ? inner.changes(...args)
          : Promise.reject(new ApiError('offline', 'Cannot reach the server.', null)),
      diff: (...args) => inner.diff(...args),
    };
    const services = await createTestServices();
    stop = () => services.stop();
    const props = {
      sessionId: uniqueId('s'),
      summary: summaryOf(sampleChanges()),
      environment: RUNNING,
      source,
    };
    const screen = await renderWithServices(<ChangesPanel {...props} online={false} />, services);
    await expect.element(panel().getByRole('alert')).toBeVisible();
    online = true;
    await screen.rerender(
      <ServicesContext.Provider value={services}>
        <ChangesPanel {...props} online />
      </ServicesContext.Provider>,
    );
    await expect.element(repo('app')).toBeVisible();
  });

  it('says so when the open file has no changes any more after the agent put it back', async () => {
    const services = await createTestServices();
    stop = () => services.stop();
    const doc = new SessionDoc(new Y.Doc()).init();
    let current = sampleChanges();
    const source = dataSource(() => current);
    doc.setChanges({ computedAt: current.computedAt, repositories: 3, files: 8, added: 1, removed: 1 });
    await renderWithServices(<LivePanel doc={doc} source={source} sessionId={uniqueId('s')} />, services);
    await userEvent.click(panel().getByRole('button', { name: /server\.ts/ }));
    await expect.element(panel().getByText('@@ -1,9 +1,12 @@')).toBeVisible();
    current = { ...current, repositories: [repository('app')], computedAt: current.computedAt! + 1 };
    doc.setChanges({ computedAt: current.computedAt, repositories: 1, files: 0, added: 0, removed: 0 });
    await expect
      .element(panel().getByRole('alert'))
      .toHaveTextContent('This file has no changes any more: it is as it was when the session started.');
  });

  it('leaves each repository’s header a place for its ship controls', async () => {
    await show({
      source: dataSource(sampleChanges),
      renderRepositoryActions: (r) => (
        <button type="button" className="secondary small">
          Commit {r.path}
        </button>
      ),
    });
    await expect.element(repo('app').getByRole('button', { name: 'Commit app' })).toBeVisible();
    await expect.element(repo('vendor/lib').getByRole('button', { name: 'Commit vendor/lib' })).toBeVisible();
  });

  it('opens the diff of the first file shown in the list from the keyboard', async () => {
    await show({ source: dataSource(sampleChanges) });
    const row = repo('app').getByRole('button', { name: /server\.ts/ });
    await expect.element(row).toBeVisible();
    row.element().focus();
    await userEvent.keyboard('{Enter}');
    await expect.element(panel().getByText('@@ -1,9 +1,12 @@')).toBeVisible();
    expect(SERVER_PATCH).toContain('@@ -1,9 +1,12 @@');
  });
});
