// The engine's model notice in the app: a banner (role="status") under the indexing progress that
// the user can close, shown again when the engine says something new, and kept in Settings next
// to the model. The library behind it is the in-memory fake (this tests the renderer).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { startServer, type RunningServer } from '../../app/server/server.js';
import { createFakeLibrary, type FakeLibrary } from '../../app/server/testing/fake-library.js';
import type { Thumbnailer } from '../../app/thumbnails/thumbnailer.js';
import { chromiumAvailable, collectConsoleErrors, launchChromium, screenshots } from './support/browser.js';
import { ensureRendererBuilt, repoRoot } from './support/renderer-build.js';

const FIRST = "the weights of model 'fake' changed since the library was indexed: 3 photos will be re-indexed";
const SECOND = "the text encoder of model 'fake' changed since tags were computed: run tagging again to refresh them";
const options: { modelNotice: string | null } = { modelNotice: FIRST };
let fake: FakeLibrary;
let server: RunningServer;
let browser: Browser;
let page: Page;
let errors: string[];
const shot = screenshots(join(repoRoot, 'test-results', 'model-notice'));

beforeAll(async () => {
  if (!chromiumAvailable()) return;
  const dist = ensureRendererBuilt();
  fake = createFakeLibrary(['/photos'], [1, 2, 3].map((id) => ({ id, path: `/photos/p${id}.png` })), options);
  const webp = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#5a8' } }).webp().toBuffer();
  const thumbnails: Thumbnailer = { get: async () => ({ ok: true, value: { bytes: webp, contentType: 'image/webp', key: 'k' } }) };
  const s = await startServer({ api: fake, port: 0, staticDir: dist, thumbnails });
  if (!s.ok) throw new Error(s.error.message);
  server = s.value;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
  page.setDefaultTimeout(15_000);
  errors = collectConsoleErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe.skipIf(!chromiumAvailable())('model notice banner', () => {
  it('shows the notice in a status region, closes on request, and stays in Settings', async () => {
    await page.goto(server.url);
    const banner = page.locator('[role="status"] .model-notice');
    await banner.waitFor();
    expect(await banner.innerText()).toContain("The weights of model 'fake' changed since the library was indexed: 3 photos will be re-indexed.");
    await shot(page, 'banner');

    await page.getByRole('button', { name: 'Settings' }).click();
    const inSettings = page.locator('.model-notice-settings');
    await inSettings.waitFor();
    expect(await inSettings.innerText()).toContain("The weights of model 'fake' changed");

    await page.getByRole('button', { name: 'Dismiss the model notice' }).click();
    await banner.waitFor({ state: 'detached' });
    // Closed for this notice only: Settings still says it, and the live region stays for the next one.
    expect(await inSettings.isVisible()).toBe(true);
    expect(await page.locator('.model-notice-region[role="status"]').count()).toBe(1);
  });

  it('shows a new notice again after the engine says something else', async () => {
    options.modelNotice = SECOND;
    fake.emit({ type: 'library-changed', reason: 'tags' }); // the page refreshes its status on it
    const banner = page.locator('[role="status"] .model-notice');
    await banner.waitFor();
    expect(await banner.innerText()).toContain('The text encoder of model');
    await page.locator('html').evaluate((el) => el.setAttribute('data-theme', 'dark'));
    await shot(page, 'banner-dark');
    // The fake has no model files (the in-page encoder's fetches 404); the page itself must not throw.
    expect(errors.filter((e) => e.startsWith('pageerror')).join('\n')).toBe('');
  });
});
