// The engine end to end on the real demo model (models/demo) and a small generated demo library:
// index through the engine, then text queries made of single-object captions from captions.jsonl
// must rank a scene holding that object first. Skipped while models/demo has no ONNX files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledModelDir } from '../embed/node/model-load.js';
import { writeDemoLibrary, type DemoPhoto } from '../world/demo-library.js';
import { createEngine, type Engine } from './engine.js';

const MODEL = bundledModelDir();
const haveModel = fs.existsSync(path.join(MODEL, 'model.json')) && fs.existsSync(path.join(MODEL, 'image.onnx'));
const COUNT = 60;
const SEED = 3;

describe.skipIf(!haveModel)('engine on the demo model', () => {
  let tmp: string;
  let engine: Engine;
  let photos: DemoPhoto[];
  const byPath = new Map<string, DemoPhoto>();

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-demo-engine-'));
    const dir = path.join(tmp, 'photos');
    const lib = await writeDemoLibrary(dir, { count: COUNT, seed: SEED, size: { width: 256, height: 256 }, concurrency: 2 });
    if (!lib.ok) throw new Error(lib.error.message);
    photos = lib.value.photos;
    for (const p of photos) byPath.set(path.join(dir, ...p.file.split('/')), p);
    const e = await createEngine({ libraryDir: path.join(tmp, 'lib'), modelDir: MODEL, threads: 1 });
    if (!e.ok) throw new Error(e.error.message);
    engine = e.value;
    const r = await engine.indexFolders([dir]);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.run.indexed).toBe(COUNT);
  }, 300_000);

  afterAll(async () => {
    await engine?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('a single-object caption ranks a scene with that object first', async () => {
    // Scenes of one large object: their captions are the simplest queries the world makes. The demo
    // model knows colour, position and background well and shape barely (its model card): the whole
    // caption finds the scene, and the object's shape then comes with it.
    const queries = photos.filter((p) => p.scene.groups.length === 1 && p.scene.groups[0]!.count === 1 && p.scene.groups[0]!.size === 'large');
    expect(queries.length, 'the seed must give a few single-object scenes').toBeGreaterThanOrEqual(3);
    const outcomes: { caption: string; top: string | undefined; ok: boolean }[] = [];
    for (const q of queries) {
      const { colour, shape } = q.scene.groups[0]!;
      const r = await engine.search({ terms: [{ kind: 'text', text: q.caption }], limit: 5 });
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value.model).toBe('shoebox-demo-v1');
      expect(r.value.results).toHaveLength(5);
      const top = byPath.get(r.value.results[0]!.path);
      expect(top, 'results are photos of the library').toBeDefined();
      outcomes.push({ caption: q.caption, top: top?.caption, ok: !!top?.scene.groups.some((g) => g.colour === colour && g.shape === shape) });
    }
    // Every query: its object (colour and shape) is in the first result.
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
  });

  it('the photo a caption was written for is among the first five results for it', async () => {
    const q = photos.find((p) => p.scene.groups.length === 1 && p.scene.groups[0]!.size === 'large')!;
    const r = await engine.search({ terms: [{ kind: 'text', text: q.caption }], limit: 5 });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.results.map((h) => byPath.get(h.path)?.file)).toContain(q.file);
  });
});
