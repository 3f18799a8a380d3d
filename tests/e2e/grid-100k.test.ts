// The thumbnail grid is virtualised: with 100,000 photos only the rows near the viewport are in
// the DOM, scrolling far down fetches just the pages on screen, and arrow keys keep working.
// The library behind it is the in-memory fake (this tests the renderer, not the engine);
// thumbnails are served as one tiny image so nothing 404s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../app/server/server.js';
import { createFakeLibrary } from '../../app/server/testing/fake-library.js';
import type { Thumbnailer } from '../../app/thumbnails/thumbnailer.js';
import { chromiumAvailable, launchChromium } from './support/browser.js';
import { ensureRendererBuilt } from './support/renderer-build.js';
import sharp from 'sharp';

const N = 100_000;
let server: RunningServer;
let browser: Browser;
let page: Page;
const browseCalls: Array<{ offset: number; limit: number }> = [];

beforeAll(async () => {
  if (!chromiumAvailable()) return;
  const dist = ensureRendererBuilt();
  const photos = Array.from({ length: N }, (_, i) => ({ id: i + 1, path: `/photos/img-${i + 1}.png` }));
  const fake = createFakeLibrary(['/photos'], photos);
  const browse = fake.browse.bind(fake);
  fake.browse = (input) => {
    browseCalls.push({ offset: input.offset ?? 0, limit: input.limit ?? 120 });
    return browse(input);
  };
  const webp = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } }).webp().toBuffer();
  const thumbnails: Thumbnailer = { get: async () => ({ ok: true, value: { bytes: webp, contentType: 'image/webp', key: 'x' } }) };
  const s = await startServer({ api: fake, port: 0, staticDir: dist, thumbnails });
  if (!s.ok) throw new Error(s.error.message);
  server = s.value;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(20_000);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe.skipIf(!chromiumAvailable())('virtualised grid at 100k photos', () => {
  it('keeps only the visible rows in the DOM while scrolling', async () => {
    await page.goto(server.url);
    await page.locator('.cell[data-photo-id="1"]').waitFor();
    const cellsAtTop = await page.locator('.cell').count();
    expect(cellsAtTop).toBeGreaterThan(10);
    expect(cellsAtTop).toBeLessThan(400);
    const height = await page.$eval('.grid-canvas', (el) => (el as HTMLElement).offsetHeight);
    expect(height).toBeGreaterThan(N * 20); // the full list's height, not the DOM's

    await page.$eval('.grid-scroller', (el) => (el.scrollTop = el.scrollHeight / 2));
    const mid = page.locator('.cell[data-photo-id]').first();
    await page.waitForFunction(() => {
      const first = document.querySelector('.cell[data-photo-id]') as HTMLElement | null;
      return !!first && Number(first.dataset.photoId) > 40_000;
    });
    const midId = Number(await mid.getAttribute('data-photo-id'));
    expect(midId).toBeGreaterThan(40_000);
    expect(midId).toBeLessThan(60_000);
    expect(await page.locator('.cell').count()).toBeLessThan(400);
    // Only the pages on screen were fetched, not everything in between.
    expect(browseCalls.length).toBeLessThan(10);
    expect(browseCalls.some((c) => c.offset > 40_000)).toBe(true);
  });

  it('moves the selection with the arrow keys and opens it with Enter', async () => {
    await page.$eval('.grid-scroller', (el) => (el.scrollTop = 0));
    await page.locator('.cell[data-photo-id="1"]').click();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    const selected = page.locator('.cell.selected');
    const cols = await page.evaluate(() => {
      const cells = [...document.querySelectorAll('.cell')].map((c) => c.getBoundingClientRect().top);
      return cells.filter((t) => t === cells[0]).length;
    });
    expect(Number(await selected.getAttribute('data-photo-id'))).toBe(2 + cols);
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: `Photo img-${2 + cols}.png` }).waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
  });
});
