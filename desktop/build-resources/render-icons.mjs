// Renders icon.svg into the PNG sizes packaging needs, with Chromium.
// Run: node desktop/build-resources/render-icons.mjs (after build/setup.sh).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_LAUNCH } from '../../build/chromium.mjs';

const here = import.meta.dirname;
const svg = readFileSync(path.join(here, 'icon.svg'), 'utf8');
const browser = await chromium.launch(CHROMIUM_LAUNCH);
try {
  for (const size of [16, 32, 48, 64, 128, 256, 512]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(
      `<html><body style="margin:0;background:transparent">${svg.replace('width="512" height="512"', `width="${size}" height="${size}"`)}</body></html>`,
    );
    const out = path.join(here, 'icons', `${size}x${size}.png`);
    await page.screenshot({ path: out, omitBackground: true });
    if (size === 512) await page.screenshot({ path: path.join(here, 'icon.png'), omitBackground: true });
    await page.close();
  }
} finally {
  await browser.close();
}
console.log('icons written to desktop/build-resources');
