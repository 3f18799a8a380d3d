// The app as a person uses it, in Debian's Chromium against web mode: start on an empty library,
// add a generated demo library, watch indexing finish, search "two red circles", open a photo,
// "more like this", create and run a colour label set, browse a tag, switch theme. No console
// errors anywhere; a screenshot of each step goes to test-results/e2e/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createEngine, type Engine } from '../../app/engine/engine.js';
import { startWebMode } from '../../app/server/web-mode.js';
import type { RunningServer } from '../../app/server/server.js';
import { writeDemoLibrary, type DemoPhoto } from '../../app/world/demo-library.js';
import { chromiumAvailable, collectConsoleErrors, launchChromium, screenshots } from './support/browser.js';
import { ensureRendererBuilt, repoRoot } from './support/renderer-build.js';

const COUNT = 200;
const shots = screenshots(join(repoRoot, 'test-results', 'e2e'));

let dir: string;
let demoDir: string;
let photos: DemoPhoto[];
let engine: Engine;
let server: RunningServer;
let browser: Browser;
let page: Page;
let errors: string[];

type Scene = DemoPhoto['scene'];
const sceneOf = new Map<string, Scene>();

/** Scenes of the cells on screen, in grid order (the grid's data-photo-id → catalog path → scene). */
async function visibleScenes(n: number): Promise<{ id: number; scene: Scene }[]> {
  const ids = await page.$$eval('.cell[data-photo-id]', (els) => els.map((e) => Number((e as HTMLElement).dataset.photoId)));
  const out: { id: number; scene: Scene }[] = [];
  for (const id of ids.slice(0, n)) {
    const p = await engine.photo({ id });
    if (!p.ok) throw new Error(p.error.message);
    out.push({ id, scene: sceneOf.get(relative(demoDir, p.value.path).split('\\').join('/'))! });
  }
  return out;
}

const has = (s: Scene, colour: string | null, shape: string | null, count?: number) =>
  s.groups.some((g) => (colour === null || g.colour === colour) && (shape === null || g.shape === shape) && (count === undefined || g.count === count));

beforeAll(async () => {
  if (!chromiumAvailable()) return;
  ensureRendererBuilt();
  dir = await mkdtemp(join(tmpdir(), 'shoebox-e2e-'));
  demoDir = join(dir, 'Demo Photos');
  const demo = await writeDemoLibrary(demoDir, { count: COUNT, seed: 11, size: { width: 256, height: 256 }, concurrency: 2 });
  if (!demo.ok) throw new Error(demo.error.message);
  photos = demo.value.photos;
  // One file that is not a photo: it must show up as skipped, with a reason.
  await writeFile(join(demoDir, 'broken.jpg'), 'this is not a JPEG');
  for (const p of photos) sceneOf.set(p.file, p.scene);
  const e = await createEngine({ libraryDir: join(dir, 'library'), threads: 2 });
  if (!e.ok) throw new Error(e.error.message);
  engine = e.value;
  const s = await startWebMode({ engine, port: 0 });
  if (!s.ok) throw new Error(s.error.message);
  server = s.value;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  page.setDefaultTimeout(20_000);
  errors = collectConsoleErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await engine?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!chromiumAvailable())('Shoebox in the browser', () => {
  it('starts on an empty library and says what to do', async () => {
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();
    await shots(page, 'empty-library');
  });

  it('adds the demo library and shows indexing progress to the end', async () => {
    await page.getByRole('button', { name: 'Add a folder' }).click();
    const field = page.getByLabel('Folder to add');
    await field.fill(demoDir);
    await field.press('Enter');
    const bar = page.locator('.side [role="progressbar"]');
    await bar.waitFor();
    await shots(page, 'indexing');
    await page.waitForFunction(
      (n) => {
        const el = document.querySelector('.side [role="progressbar"]');
        const max = Number(el?.getAttribute('aria-valuemax'));
        return !!el && max >= n && el.getAttribute('aria-valuenow') === String(max);
      },
      COUNT,
      { timeout: 240_000 },
    );
    await page.getByText(/^Indexed \d+ of \d+/).waitFor();
    await page.getByText(new RegExp(`^${COUNT} of ${COUNT + 1} indexed · 1 skipped`)).waitFor();
    await page.getByRole('button', { name: 'Show 1 skipped files' }).click();
    const skipped = page.getByRole('list', { name: 'Skipped files' });
    await skipped.getByText('broken.jpg').waitFor();
    expect((await skipped.innerText()).length).toBeGreaterThan('broken.jpg'.length + 10); // with a reason
    await shots(page, 'indexed');
    await page.keyboard.press('Escape');
    await page.locator('.cell[data-photo-id]').first().waitFor();
  });

  it('answers "two red circles" while typing, with red circles first', async () => {
    await page.keyboard.press('/');
    await page.keyboard.type('two red circles', { delay: 30 });
    await page.getByRole('heading', { name: 'Results for “two red circles”' }).waitFor();
    await page.locator('main[aria-busy="false"] .cell[data-photo-id]').first().waitFor();
    await page.getByLabel('Scores').check();
    const shot = await shots(page, 'search-two-red-circles');
    // The README's picture of the real UI: refreshed on demand, never by a plain test run.
    if (process.env.SHOEBOX_UPDATE_SCREENSHOT === '1') await copyFile(shot, join(repoRoot, 'docs', 'screenshot.png'));
    // The query was embedded in the page (onnxruntime-web), not sent to the engine as text.
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByText('Text queries are embedded in this window (WebAssembly)').waitFor();
    await page.getByRole('button', { name: 'Settings' }).click();
    const redCircleScenes = photos.filter((p) => has(p.scene, 'red', 'circle')).length;
    expect(redCircleScenes).toBeGreaterThanOrEqual(3);
    // Red circles are rare in the library (a few in 200): the best match must show one, and most of the top 3 (issue 4's target).
    const top = await visibleScenes(3);
    const hits = top.map((t) => has(t.scene, 'red', 'circle'));
    expect(hits[0], JSON.stringify(top.map((t) => t.scene.groups))).toBe(true);
    expect(hits.filter(Boolean).length, JSON.stringify(top.map((t) => t.scene.groups))).toBeGreaterThanOrEqual(2);
  });

  it('opens a photo, moves with the keyboard, and finds more like it', async () => {
    const first = page.locator('.cell[data-photo-id]').first();
    const firstId = Number(await first.getAttribute('data-photo-id'));
    await first.dblclick();
    const viewer = page.getByRole('dialog');
    await viewer.waitFor();
    const shown = await engine.photo({ id: firstId });
    if (!shown.ok) throw new Error(shown.error.message);
    const demoPhoto = photos.find((p) => p.file === relative(demoDir, shown.value.path).split('\\').join('/'))!;
    await viewer.getByText(`${demoPhoto.camera.make} ${demoPhoto.camera.model}`).waitFor(); // camera from EXIF
    await shots(page, 'viewer');
    await page.keyboard.press('ArrowRight');
    await viewer.getByText('2 of').waitFor();
    await page.keyboard.press('ArrowLeft');
    await viewer.getByText('1 of').waitFor();
    await viewer.getByRole('button', { name: 'More like this' }).click();
    await page.getByRole('heading', { name: /^Photos like / }).waitFor();
    await page.locator('.cell[data-photo-id]').first().waitFor();
    await shots(page, 'more-like-this');
    const query = await engine.photo({ id: firstId });
    if (!query.ok) throw new Error(query.error.message);
    const qScene = sceneOf.get(relative(demoDir, query.value.path))!;
    const largest = qScene.groups.find((g) => g.size === 'large') ?? qScene.groups[0]!;
    const neighbours = (await visibleScenes(6)).filter((s) => s.id !== firstId).slice(0, 3);
    // Neighbours look like the photo: most share the colour or the shape of its main object.
    const alike = neighbours.filter((n) => has(n.scene, largest.colour, null) || has(n.scene, null, largest.shape)).length;
    expect(alike, JSON.stringify({ q: qScene.groups, n: neighbours.map((n) => n.scene.groups) })).toBeGreaterThanOrEqual(2);
  });

  it('searches by a photo dropped on the window', async () => {
    const target = Number(await page.locator('.cell[data-photo-id]').nth(2).getAttribute('data-photo-id'));
    await page.evaluate(async (id) => {
      const blob = await (await fetch(`preview/${id}`)).blob();
      const dt = new DataTransfer();
      dt.items.add(new File([blob], 'dropped.webp', { type: 'image/webp' }));
      window.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, cancelable: true }));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, cancelable: true }));
    }, target);
    await page.getByRole('heading', { name: 'Photos like dropped.webp (dropped)' }).waitFor();
    await page.locator('main[aria-busy="false"] .cell[data-photo-id]').first().waitFor();
    await shots(page, 'dropped-photo');
    // The photo itself (re-encoded) is its own nearest neighbour.
    expect(Number(await page.locator('.cell[data-photo-id]').first().getAttribute('data-photo-id'))).toBe(target);
  });

  it('creates a colour label set, runs it and browses a tag', async () => {
    await page.getByRole('button', { name: 'Tags', exact: true }).click();
    const form = page.getByRole('form', { name: 'New label set' });
    await form.getByLabel('Name').fill('colours');
    // all ten of the world's colours: with pink and brown left out, their scenes land on the nearest label (red)
    await form.getByLabel(/^Labels/).fill('red, orange, yellow, green, blue, purple, pink, brown, white, black');
    await form.getByLabel('Threshold').fill('0.3');
    await form.getByRole('button', { name: 'Save label set' }).click();
    const set = page.locator('.label-set[data-set="colours"]');
    await set.waitFor();
    await set.getByRole('button', { name: 'Run' }).click();
    await page.getByText(/^Tagged \d+ of 200 photos with “colours”/).waitFor({ timeout: 120_000 });
    const red = set.getByRole('button', { name: /^red \d+/ });
    await red.waitFor();
    await shots(page, 'label-set');
    await red.click();
    await page.getByRole('heading', { name: 'Tagged colours/red' }).waitFor();
    await page.locator('.cell[data-photo-id]').first().waitFor();
    const tagged = await visibleScenes(12);
    const withRed = tagged.filter((t) => has(t.scene, 'red', null)).length;
    expect(withRed / tagged.length).toBeGreaterThan(0.5);
    await shots(page, 'browse-tag-red');
  });

  it('filters by format', async () => {
    await page.getByRole('button', { name: /^Filters/ }).click();
    await page.getByRole('group', { name: 'Filters' }).getByLabel('Format').selectOption('png');
    await page.locator('main[aria-busy="false"] .cell[data-photo-id]').first().waitFor();
    await expect.poll(async () => {
      const ids = await page.$$eval('.cell[data-photo-id]', (els) => els.slice(0, 8).map((e) => Number((e as HTMLElement).dataset.photoId)));
      const formats = await Promise.all(ids.map(async (id) => { const p = await engine.photo({ id }); return p.ok ? p.value.format : null; }));
      return formats.length > 0 && formats.every((f) => f === 'png');
    }).toBe(true);
    expect(photos.some((p) => p.format !== 'png')).toBe(true); // the filter had something to remove
    await page.getByRole('group', { name: 'Filters' }).getByRole('button', { name: 'Clear' }).click();
    await page.getByRole('button', { name: /^Filters/ }).click();
  });

  it('switches theme', async () => {
    const before = await page.evaluate(() => document.documentElement.dataset.theme);
    await page.getByRole('button', { name: /^Switch to (dark|light) theme$/ }).click();
    const after = await page.evaluate(() => document.documentElement.dataset.theme);
    expect(before).toBe('light');
    expect(after).toBe('dark');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(19, 20, 23)');
    await page.getByRole('heading', { name: 'All photos' }).waitFor(); // "Clear" in the filters removed the tag
    await page.locator('.cell[data-photo-id]').first().waitFor();
    await shots(page, 'dark-theme');
  });

  it('logged no console errors', () => {
    expect(errors).toEqual([]);
  });
});
