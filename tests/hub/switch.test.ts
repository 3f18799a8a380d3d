// Issue 5 end to end: through the engine's LibraryApi against the local hub — pullModel with
// download events, useModel re-indexing in the background until the new model covers the
// library, search on the new model, switching back instantly; and the CLI path (models pull --use,
// then index + search run on the pulled model).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent, DownloadProgress } from '../../app/api/contract.js';
import { main } from '../../app/cli/main.js';
import { createEngine } from '../../app/engine/engine.js';
import { writeDemoLibrary } from '../../app/world/demo-library.js';
import { fixtureCatalogEntry, immichRepo, transformersJsRepo } from './fixtures.js';
import { startHub, type HubServer } from './hub-server.js';

let hub: HubServer;
let tmp: string;
let photos: string;
let caption: string;
const immich = immichRepo();
const tjs = transformersJsRepo();
const catalog = { schema: 1 as const, models: [fixtureCatalogEntry('immich', immich), fixtureCatalogEntry('transformers.js', tjs)] };

beforeAll(async () => {
  hub = await startHub();
  hub.addRepo('shoebox-test/demo-immich', { files: immich });
  hub.addRepo('shoebox-test/demo-tjs', { files: tjs });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-switch-'));
  photos = path.join(tmp, 'photos');
  const demo = await writeDemoLibrary(photos, { count: 6, seed: 5, size: { width: 96, height: 72 }, concurrency: 1 });
  if (!demo.ok) throw new Error(demo.error.message);
  caption = demo.value.photos[0]!.caption;
});
afterAll(async () => {
  await hub.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('switching models through the engine', () => {
  it('pull → use (background re-index, then swap) → search on the new model → switch back instantly', async () => {
    const lib = path.join(tmp, 'lib-engine');
    const opened = await createEngine({ libraryDir: lib, threads: 1, models: { catalog, env: {}, hub: { endpoint: hub.url, backoffMs: 1, retries: 1 } } });
    if (!opened.ok) throw new Error(opened.error.message);
    const eng = opened.value;
    const events: ApiEvent[] = [];
    const unsubscribe = eng.subscribe((e) => events.push(e));
    try {
      const idx = await eng.indexFolders([photos]);
      if (!idx.ok) throw new Error(idx.error.message);
      const before = await eng.search({ terms: [{ kind: 'text', text: caption }], limit: 6 });
      expect(before.ok && before.value.model).toBe('shoebox-demo-v1');

      const started = await eng.pullModel({ id: 'demo-tjs' });
      expect(started.ok && started.value.state).toBe('downloading');
      while (!events.some((e) => e.type === 'download' && (e.progress.state === 'done' || e.progress.state === 'failed'))) await new Promise((r) => setTimeout(r, 20));
      const downloads = events.filter((e): e is { type: 'download'; progress: DownloadProgress } => e.type === 'download').map((e) => e.progress);
      expect(downloads.at(-1)).toMatchObject({ model: 'demo-tjs', state: 'done' });

      const listed = await eng.models({});
      expect(listed.ok && listed.value.find((m) => m.id === 'demo-tjs')).toMatchObject({ installed: true, active: false, coverage: 0, removable: true });

      const used = await eng.useModel({ id: 'demo-tjs' });
      expect(used.ok && used.value.id).toBe('demo-tjs');
      const sw = eng.modelSwitch();
      expect(sw?.id).toBe('demo-tjs'); // no vectors yet: re-index in the background first
      const done = await sw!.done;
      expect(done.ok && done.value).toBe('swapped');

      const after = await eng.search({ terms: [{ kind: 'text', text: caption }], limit: 6 });
      if (!after.ok) throw new Error(after.error.message);
      expect(after.value.model).toBe('demo-tjs');
      expect(after.value.results).toHaveLength(6);
      const cov = await eng.models({});
      expect(cov.ok && cov.value.find((m) => m.id === 'demo-tjs')).toMatchObject({ active: true, coverage: 1 });

      // The same weights: the ranking on the pulled model matches the bundled one's.
      expect(after.value.results.map((r) => r.id)).toEqual(before.ok && before.value.results.map((r) => r.id));

      const back = await eng.useModel({ id: 'shoebox-demo-v1' });
      expect(back.ok).toBe(true);
      expect(eng.modelSwitch()).toBeNull(); // its vectors cover the library: instant
      const again = await eng.search({ terms: [{ kind: 'text', text: caption }], limit: 6 });
      expect(again.ok && again.value.model).toBe('shoebox-demo-v1');
    } finally {
      unsubscribe();
      await eng.close();
    }
  });
});

async function cli(args: string[], lib: string): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let errText = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (errText += d.toString()));
  const code = await main([...args, '--library', lib], { stdout, stderr, stdin: new PassThrough(), env: { HF_ENDPOINT: hub.url, SHOEBOX_MODEL_CATALOG: path.join(tmp, 'catalog.json'), SHOEBOX_CACHE_DIR: tmp, SHOEBOX_THREADS: '1' }, cwd: tmp });
  return { code, out, err: errText };
}

describe('switching models from the CLI', () => {
  it.each([['demo-immich'], ['demo-tjs']])('models pull %s --use, then index and search run on it', async (id) => {
    fs.writeFileSync(path.join(tmp, 'catalog.json'), JSON.stringify(catalog));
    const lib = path.join(tmp, `lib-cli-${id}`);
    const pulled = await cli(['models', 'pull', id, '--use'], lib);
    expect(pulled.code).toBe(0);
    const idx = await cli(['index', photos], lib);
    expect(idx.code).toBe(0);
    const s = await cli(['search', caption, '--json'], lib);
    expect(s.code).toBe(0);
    const lines = s.out.trim().split('\n').map((l) => JSON.parse(l) as { model?: string });
    expect(lines.some((l) => l.model === id)).toBe(true);
  });
});
