// A file the agent wrote holds markup meant to run in the app: a script, an
// image whose error handler runs code and that fetches from a server (here a
// loopback one that counts requests), and text that tries to close the
// highlighter's spans. The diff must show it all as text and fetch nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { loopbackRequests, startLoopbackServer, stopLoopbackServer } from '../../testing/browser-commands.js';
import { createTestServices, renderWithServices, uniqueId } from '../../testing/test-services.js';
import { setChangesPrefs } from './changes-prefs.js';
import {
  changedFile,
  dataSource,
  repository,
  sampleChanges,
  summaryOf,
} from '../../testing/changes-fixtures.js';
import { ChangesPanel } from './ChangesPanel.js';
import { loadHighlighter } from '../../common/highlight.js';
import { highlightLine, tokensOfHtml } from './highlight-line.js';

let port: number;
let stop: (() => Promise<void>) | null = null;
beforeEach(async () => {
  port = await startLoopbackServer();
  setChangesPrefs({ open: true, layout: 'unified', wrap: false });
});
afterEach(async () => {
  await stop?.();
  stop = null;
  await stopLoopbackServer(port);
  delete (window as { pwned?: unknown }).pwned;
});

const attack = (port: number) => [
  '<script>window.pwned = "script"</script>',
  `<img src="http://127.0.0.1:${port}/track.png" onerror="window.pwned = 'img'">`,
  `</span><img src="http://127.0.0.1:${port}/span.png" onerror="window.pwned = 'span'"><span class="`,
  '&lt;b&gt;entity&lt;/b&gt; &amp; <b>bold</b>',
];

function patchOf(path: string, lines: string[]): string {
  return [
    `diff --git a/${path} b/${path}`,
    `--- a/${path}`,
    `+++ b/${path}`,
    `@@ -1,${lines.length} +1,${lines.length} @@`,
    ...lines.map((l) => `-${l}`),
    ...lines.map((l) => `+${l}`),
    '',
  ].join('\n');
}

describe('the diff of a file holding markup', () => {
  for (const [path, layout] of [
    ['public/index.html', 'unified'],
    ['src/page.tsx', 'split'],
    ['notes.txt', 'unified'],
  ] as const) {
    it(`shows ${path} (${layout}) as text and runs or fetches nothing`, async () => {
      setChangesPrefs({ layout });
      const lines = attack(port);
      const changes = () => ({
        ...sampleChanges(),
        repositories: [repository('app', { files: [changedFile(path, { added: 4, removed: 4 })] })],
      });
      const services = await createTestServices();
      stop = () => services.stop();
      await renderWithServices(
        <ChangesPanel
          sessionId={uniqueId('s')}
          summary={summaryOf(changes())}
          environment={{ status: 'running', detail: '', updatedAt: 1 }}
          source={dataSource(changes, { [path]: patchOf(path, lines) })}
        />,
        services,
      );
      await userEvent.click(page.getByRole('button', { name: new RegExp(path.split('/').pop()!) }));
      const diff = page.getByRole('region', { name: `Diff of ${path}` });
      await expect.element(diff.getByText(lines[0]!).first()).toBeVisible();
      // Highlighting has happened (for the languages it knows) before we look for markup.
      if (!path.endsWith('.txt'))
        await expect.poll(() => diff.element().querySelector('[class^="hljs-"]')).not.toBeNull();
      for (const line of lines) expect(diff.element().textContent).toContain(line);
      expect(diff.element().querySelectorAll('script, img, b')).toHaveLength(0);
      expect(diff.element().querySelectorAll('span:not([class])')).toHaveLength(0);
      expect((window as { pwned?: unknown }).pwned).toBeUndefined();
      await fetch(`http://127.0.0.1:${port}/probe`);
      expect(await loopbackRequests(port)).toEqual(['/probe']);
    });
  }

  it('reads back only highlight.js’s own spans; any other markup stays text', async () => {
    expect(tokensOfHtml('<img src=x onerror=alert(1)>')).toEqual(['<img src=x onerror=alert(1)>']);
    expect(tokensOfHtml('<span class="hljs-keyword">const</span> a &lt; b')).toEqual([
      { scope: 'hljs-keyword', children: ['const'] },
      ' a < b',
    ]);
    expect(tokensOfHtml('<span class="x" onclick="y">z</span>')).toEqual(['<span class="x" onclick="y">z']);
    const hljs = await loadHighlighter();
    const flat = (t: ReturnType<typeof highlightLine>): string =>
      t.map((x) => (typeof x === 'string' ? x : flat(x.children))).join('');
    for (const line of attack(1)) expect(flat(highlightLine(hljs, 'xml', line))).toBe(line);
  });
});
