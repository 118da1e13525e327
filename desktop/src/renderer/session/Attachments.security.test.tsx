// A teammate attaches a web page (or a scripted SVG that says it is an image)
// to a message in a shared session. Opening it must not run it in the app's
// origin, where it could read the signed-in account: files are downloaded,
// and only real raster images are shown, as images.
import type { AttachmentRef } from '@orrery/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import {
  base64,
  startLoopbackServer,
  stopLoopbackServer,
  watchBrowser,
  watchedBrowser,
} from '../testing/browser-commands.js';
import { createTestServices, renderWithServices, testAccount } from '../testing/test-services.js';
import { UserMessageView } from './EntryViews.js';

const HTML = '<!doctype html><script>document.title = localStorage.length + " keys read"</script>';
const SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" onload="document.title = localStorage.length + \' keys\'"/>';
const PNG = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='),
  (c) => c.charCodeAt(0),
);

const sha = (n: number) => n.toString(16).padStart(64, '0');
const refs: AttachmentRef[] = [
  { id: sha(1), name: 'report.html', kind: 'file', mediaType: 'text/html', size: HTML.length },
  { id: sha(2), name: 'logo.svg', kind: 'image', mediaType: 'image/svg+xml', size: SVG.length },
  { id: sha(3), name: 'dot.png', kind: 'image', mediaType: 'image/png', size: PNG.length },
];

let port: number;
beforeEach(async () => {
  port = await startLoopbackServer([
    { path: `/api/attachments/${sha(1)}`, type: 'text/html', body: base64(HTML) },
    { path: `/api/attachments/${sha(2)}`, type: 'image/svg+xml', body: base64(SVG) },
    { path: `/api/attachments/${sha(3)}`, type: 'image/png', body: base64(PNG) },
  ]);
  await watchBrowser();
});
afterEach(() => stopLoopbackServer(port));

async function showMessage() {
  const account = { ...testAccount(), serverUrl: `http://127.0.0.1:${port}` };
  const services = await createTestServices({ account });
  const entry = {
    kind: 'user' as const,
    id: 'm1',
    createdAt: Date.now(),
    turnId: null,
    authorId: 'teammate',
    text: 'Here are the files',
    attachments: refs,
  };
  return renderWithServices(<UserMessageView entry={entry} sessionId="s1" authorName="Teammate" />, services);
}

describe('attachments a teammate sent', () => {
  it('downloads a web page instead of opening it in the app', async () => {
    await showMessage();
    await page.getByRole('button', { name: /report\.html/ }).click();
    await expect
      .poll(async () => (await watchedBrowser()).downloads)
      .toEqual([{ name: 'report.html', text: HTML }]);
    expect((await watchedBrowser()).windows).toEqual([]);
  });

  it('shows a scripted SVG as a file to download, never as an image or a page', async () => {
    await showMessage();
    const chip = page.getByRole('button', { name: /logo\.svg/ });
    await expect.element(chip).toBeVisible();
    await expect.element(page.getByRole('img', { name: 'dot.png' })).toBeVisible();
    expect(document.querySelector('img[alt="logo.svg"]')).toBeNull();
    await chip.click();
    await expect
      .poll(async () => (await watchedBrowser()).downloads)
      .toEqual([{ name: 'logo.svg', text: SVG }]);
    expect((await watchedBrowser()).windows).toEqual([]);
  });

  it('shows a PNG as an image, and opening it downloads it rather than navigating to it', async () => {
    await showMessage();
    const img = page.getByRole('img', { name: 'dot.png' });
    await expect.element(img).toBeVisible();
    await expect.poll(() => (img.element() as HTMLImageElement).naturalWidth).toBe(1);
    await page.getByRole('button', { name: /dot\.png/ }).click();
    await expect.poll(async () => (await watchedBrowser()).downloads.map((d) => d.name)).toEqual(['dot.png']);
    expect((await watchedBrowser()).windows).toEqual([]);
  });
});
