// Off loopback, every request needs the token printed at start. The page opened from the printed
// URL keeps working (API calls, events, thumbnails, assets); the same page without it gets nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { startServer, type RunningServer } from '../../app/server/server.js';
import { createFakeLibrary } from '../../app/server/testing/fake-library.js';
import type { Thumbnailer } from '../../app/thumbnails/thumbnailer.js';
import { chromiumAvailable, launchChromium } from './support/browser.js';
import { ensureRendererBuilt } from './support/renderer-build.js';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  if (!chromiumAvailable()) return;
  const dist = ensureRendererBuilt();
  const fake = createFakeLibrary(['/photos'], Array.from({ length: 30 }, (_, i) => ({ id: i + 1, path: `/photos/p${i + 1}.png` })));
  const webp = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c33' } }).webp().toBuffer();
  const thumbnails: Thumbnailer = { get: async () => ({ ok: true, value: { bytes: webp, contentType: 'image/webp', key: 'k' } }) };
  const s = await startServer({ api: fake, host: '0.0.0.0', port: 0, staticDir: dist, thumbnails });
  if (!s.ok) throw new Error(s.error.message);
  server = s.value;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe.skipIf(!chromiumAvailable())('web mode on a non-loopback address', () => {
  it('works from the printed URL with its token', async () => {
    const page = await browser.newPage();
    const failures: string[] = [];
    // Refusals are what the token prevents (the fake library has no model files, so /model/ 404s).
    page.on('response', (r) => void ([401, 403].includes(r.status()) && failures.push(`${r.status()} ${r.url()}`)));
    await page.goto(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    await page.locator('.cell[data-photo-id="1"] img').waitFor();
    await expect.poll(() => page.$eval('.cell[data-photo-id="1"] img', (img) => (img as HTMLImageElement).naturalWidth)).toBe(8);
    expect(page.url()).not.toContain('token='); // dropped from the address bar once stored
    expect(failures.join('\n')).toBe('');
    await page.close();
  });

  it('refuses a page without the token', async () => {
    const page = await browser.newPage();
    const res = await page.goto(`http://127.0.0.1:${server.port}/`);
    expect(res?.status()).toBe(401);
    await page.close();
  });
});
