// Issue 5's last point as a person sees it, in Debian's Chromium against web mode on a real
// engine: Settings lists the model catalog (the bundled model in use, two models on a local hub
// with their size and a Download button); a download shows its progress, ends installed, and
// "Use" switches the library to it (background re-index, then the new model answers searches);
// a download whose bytes fail their checksum says so in one line and installs nothing, and the
// library keeps working. The hub is tests/hub's, holding the bundled demo model re-exported in
// the Immich and transformers.js layouts, paced like a slow link so progress can be seen.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { CatalogEntry } from '../../app/api/contract.js';
import { createEngine, type Engine } from '../../app/engine/engine.js';
import { installedModelDir } from '../../app/models/installed.js';
import type { RunningServer } from '../../app/server/server.js';
import { startWebMode } from '../../app/server/web-mode.js';
import { writeDemoLibrary } from '../../app/world/demo-library.js';
import { formatBytes } from '../../renderer/src/lib/format.js';
import { fixtureCatalogEntry, immichRepo, transformersJsRepo } from '../hub/fixtures.js';
import { startHub, type HubServer } from '../hub/hub-server.js';
import { chromiumAvailable, collectConsoleErrors, launchChromium, screenshots } from './support/browser.js';
import { ensureRendererBuilt, repoRoot } from './support/renderer-build.js';

const COUNT = 12;
const BUNDLED = 'shoebox-demo-v1';
const TJS = 'demo-tjs';
const IMMICH = 'demo-immich';
// The fixture models are ~4 MB each: at 1.5 MB/s a download takes a few seconds, long enough to be seen.
const THROTTLE = 1.5 * 1024 * 1024;
const shots = screenshots(join(repoRoot, 'test-results', 'model-download'));

const immich = immichRepo();
const tjs = transformersJsRepo();
const catalog = { schema: 1 as const, models: [fixtureCatalogEntry('immich', immich), fixtureCatalogEntry('transformers.js', tjs)] };
const nameOf = (id: string): string => catalog.models.find((m) => m.id === id)!.name;

let dir: string;
let libraryDir: string;
let hub: HubServer;
let engine: Engine;
let server: RunningServer;
let browser: Browser;
let page: Page;
let errors: string[];

const row = (id: string) => page.locator(`ul[aria-label="Models"] li[data-model="${id}"]`);

async function listed(id: string): Promise<CatalogEntry> {
  const r = await engine.models({});
  if (!r.ok) throw new Error(r.error.message);
  const m = r.value.find((x) => x.id === id);
  if (!m) throw new Error(`${id} is not in the catalog`);
  return m;
}

async function openSettings(): Promise<void> {
  if (await page.getByRole('heading', { name: 'Settings' }).isVisible()) return;
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('heading', { name: 'Settings' }).waitFor();
}

async function closeSettings(): Promise<void> {
  if (!(await page.getByRole('heading', { name: 'Settings' }).isVisible())) return;
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('heading', { name: 'Settings' }).waitFor({ state: 'detached' });
}

/** Types a query the way a person does and waits for photos in the results. */
async function searchFor(text: string): Promise<number> {
  await closeSettings();
  const box = page.getByRole('searchbox');
  await box.fill('');
  await box.pressSequentially(text, { delay: 20 });
  await page.getByRole('heading', { name: `Results for “${text}”` }).waitFor();
  await page.locator('main[aria-busy="false"] .cell[data-photo-id]').first().waitFor();
  return page.locator('.cell[data-photo-id]').count();
}

beforeAll(async () => {
  if (!chromiumAvailable()) return;
  ensureRendererBuilt();
  hub = await startHub({ throttleBytesPerSec: THROTTLE });
  hub.addRepo('shoebox-test/demo-immich', { files: immich });
  hub.addRepo('shoebox-test/demo-tjs', { files: tjs });
  dir = await mkdtemp(join(tmpdir(), 'shoebox-e2e-models-'));
  const photos = join(dir, 'Demo Photos');
  const demo = await writeDemoLibrary(photos, { count: COUNT, seed: 11, size: { width: 256, height: 256 }, concurrency: 1 });
  if (!demo.ok) throw new Error(demo.error.message);
  libraryDir = join(dir, 'library');
  // As the app hosts open it (switchInBackground), with the model manager pointed at the local hub.
  const e = await createEngine({
    libraryDir,
    threads: 1,
    decodeConcurrency: 1,
    switchInBackground: true,
    models: { catalog, env: {}, hub: { endpoint: hub.url, retries: 1, backoffMs: 1 } },
  });
  if (!e.ok) throw new Error(e.error.message);
  engine = e.value;
  const idx = await engine.indexFolders([photos]);
  if (!idx.ok) throw new Error(idx.error.message);
  const s = await startWebMode({ engine, port: 0 });
  if (!s.ok) throw new Error(s.error.message);
  server = s.value;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
  page.setDefaultTimeout(30_000);
  errors = collectConsoleErrors(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await engine?.close();
  await hub?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!chromiumAvailable())('models in Settings', () => {
  it('lists the catalog: the bundled model in use, the hub models with their size and a Download button', async () => {
    await page.goto(server.url);
    await page.locator('.cell[data-photo-id]').first().waitFor();
    await openSettings();
    await row(TJS).waitFor();
    const bundled = row(BUNDLED);
    expect(await bundled.locator('.badge').innerText()).toBe('in use');
    expect(await bundled.innerText()).toContain('100% of the library indexed');
    for (const id of [TJS, IMMICH]) {
      const r = row(id);
      const entry = await listed(id);
      expect(entry).toMatchObject({ installed: false, active: false });
      expect(entry.sizeBytes).toBeGreaterThan(1024 * 1024);
      expect(await r.innerText()).toContain(nameOf(id));
      expect(await r.innerText()).toContain(formatBytes(entry.sizeBytes));
      expect(await r.getByRole('button', { name: 'Download' }).isVisible()).toBe(true);
      expect(await r.getByRole('button', { name: 'Use' }).count()).toBe(0);
    }
    await shots(page, 'catalog');
  });

  it('downloads a model with progress, installs it, and switches the library to it', async () => {
    const r = row(TJS);
    await r.getByRole('button', { name: 'Download' }).click();
    const bar = r.getByRole('progressbar', { name: `Downloading ${nameOf(TJS)}` });
    await bar.waitFor();
    // Bytes arrive: the bar moves (a quarter of the way into the encoders), against the total the hub listed.
    const total = [...tjs.values()].reduce((s, b) => s + b.length, 0);
    await page.waitForFunction(([id, quarter]) => {
      const el = document.querySelector(`li[data-model="${id}"] [role="progressbar"]`);
      return !!el && Number(el.getAttribute('aria-valuenow')) >= quarter;
    }, [TJS, total / 4] as const);
    expect(Number(await bar.getAttribute('aria-valuemax'))).toBe(total);
    expect(Number(await bar.getAttribute('aria-valuenow'))).toBeLessThanOrEqual(total);
    expect(await r.getByRole('button', { name: 'Cancel' }).isVisible()).toBe(true);
    // "1.2 MB of 4.0 MB · 1.4 MB/s · about 2 s left" (no ETA in the first second; for a moment at the end, "Checking the files…").
    const said = await bar.locator('xpath=following-sibling::div[1]').innerText();
    expect(said).toMatch(new RegExp(`^(\\S+ [KMG]?B of ${formatBytes(total).replace(".", "\\.")} · \\S+ [KMG]?B/s( · about .+ left)?|Checking the files…|Installing…)$`));
    await shots(page, 'downloading');

    // Installed: Use and Remove take the place of the progress.
    await r.getByRole('button', { name: 'Use' }).waitFor();
    expect(await r.getByRole('button', { name: /^Remove/ }).count()).toBe(1);
    expect(await r.getByRole('progressbar').count()).toBe(0);
    expect(await r.innerText()).toContain('0% of the library indexed');
    expect(await listed(TJS)).toMatchObject({ installed: true, active: false });
    await shots(page, 'installed');

    await r.getByRole('button', { name: 'Use' }).click();
    await page.getByText(`Now using ${nameOf(TJS)}.`).waitFor();
    // "in use" at once; the library is re-indexed in the background and then the model answers.
    await r.locator('.badge', { hasText: 'in use' }).waitFor();
    await shots(page, 'switching');
    await r.getByText('100% of the library indexed').waitFor({ timeout: 120_000 });
    await page.getByText(`(${TJS}, 128-d)`).waitFor();
    expect(await row(BUNDLED).getByRole('button', { name: 'Use' }).isVisible()).toBe(true);
    // the bundled model ships with the app: it can be switched back to but not removed
    expect(await row(BUNDLED).getByRole('button', { name: /^Remove/ }).count()).toBe(0);
    await shots(page, 'switched');

    const found = await searchFor('a red shape');
    expect(found).toBeGreaterThan(0);
    const direct = await engine.search({ terms: [{ kind: 'text', text: 'a red shape' }], limit: 3 });
    expect(direct.ok && direct.value.model).toBe(TJS);
    await shots(page, 'search-on-new-model');
    // The page embeds queries itself with the new model's text encoder (its files sit in onnx/).
    await openSettings();
    await page.getByText('Text queries are embedded in this window (WebAssembly)').waitFor();
  });

  it('a download that fails its checksum says why in one line, installs nothing, and the library keeps working', async () => {
    hub.fault({ path: 'visual/model.onnx', corrupt: true });
    await openSettings();
    const r = row(IMMICH);
    await r.getByRole('button', { name: 'Download' }).click();
    const alert = r.getByRole('alert');
    await alert.waitFor({ timeout: 60_000 });
    const message = await alert.innerText();
    expect(message).toMatch(/^visual\/model\.onnx failed its checksum \(sha256 [0-9a-f]{12}…, expected [0-9a-f]{12}…\) — /);
    expect(message).not.toContain('\n');
    await shots(page, 'download-failed');
    // Nothing installed: the Download button is back, no Use, no folder the engine would load.
    await r.getByRole('button', { name: 'Download' }).waitFor();
    expect(await r.getByRole('button', { name: 'Use' }).count()).toBe(0);
    expect(await listed(IMMICH)).toMatchObject({ installed: false, active: false });
    expect(existsSync(installedModelDir(libraryDir, IMMICH))).toBe(false);
    expect(await listed(TJS)).toMatchObject({ installed: true, active: true });

    const found = await searchFor('a blue shape');
    expect(found).toBeGreaterThan(0);
    await shots(page, 'still-searching');
  });

  it('logged no console errors', () => {
    expect(errors).toEqual([]);
  });
});
