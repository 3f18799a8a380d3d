// The adapters over the real engine (SQLite catalog, HNSW index, tiny fixture model).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../engine/engine.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tinyModel = path.join(repo, 'app/embed/node/fixtures/tiny-clip');

let tmp: string;
let photos: string;
let engine: Engine;

async function disc(file: string, i: number): Promise<void> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="48"><rect width="64" height="48" fill="#${(i * 0x2a3b5c) % 0xffffff}"/><circle cx="${10 + i * 5}" cy="24" r="${6 + i}" fill="#fff"/></svg>`;
  await sharp(Buffer.from(svg)).png().toFile(file);
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-search-adapter-'));
  photos = path.join(tmp, 'photos');
  fs.mkdirSync(path.join(photos, 'a'), { recursive: true });
  fs.mkdirSync(path.join(photos, 'b'), { recursive: true });
  for (let i = 0; i < 6; i++) await disc(path.join(photos, i % 2 ? 'a' : 'b', `p${i}.png`), i);
  const e = await createEngine({ libraryDir: path.join(tmp, 'lib'), modelDir: tinyModel, threads: 1 });
  if (!e.ok) throw new Error(e.error.message);
  engine = e.value;
  const r = await engine.indexFolders([photos]);
  if (!r.ok) throw new Error(r.error.message);
});

afterAll(async () => {
  await engine?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('search through the engine', () => {
  it('treats dropped image bytes like the same file on disk', async () => {
    const file = path.join(photos, 'a', 'p1.png');
    const byPath = await engine.search({ terms: [{ kind: 'image', path: file }], limit: 6 });
    const byBytes = await engine.search({ terms: [{ kind: 'image', dataBase64: fs.readFileSync(file).toString('base64') }], limit: 6 });
    if (!byPath.ok || !byBytes.ok) throw new Error('search failed');
    expect(byBytes.value.results.map((h) => h.id)).toEqual(byPath.value.results.map((h) => h.id));
    expect(byPath.value.results[0]!.path).toBe(file);
    expect(byPath.value.results[0]!.score).toBeCloseTo(1, 4);
  });

  it('refuses a renderer vector from another model', async () => {
    const r = await engine.search({ terms: [{ kind: 'vector', vector: [1, 0, 0], model: 'other-model' }] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/made with model 'other-model'/);
  });

  it('tags new photos as they are indexed, only in folders the set was run on', async () => {
    const set = await engine.createLabelSet({ name: 'kinds', labels: ['cat', 'dog'], threshold: 0 });
    if (!set.ok) throw new Error(set.error.message);
    const run = await engine.runTagging({ set: 'kinds', folder: path.join(photos, 'a') });
    if (!run.ok) throw new Error(run.error.message);
    expect(run.value).toMatchObject({ photos: 3, tagged: 3 });

    await disc(path.join(photos, 'a', 'new-a.png'), 7);
    await disc(path.join(photos, 'b', 'new-b.png'), 8);
    const r = await engine.indexFolders([photos]);
    if (!r.ok) throw new Error(r.error.message);
    const counts = await engine.tagCounts({ set: 'kinds' });
    if (!counts.ok) throw new Error(counts.error.message);
    expect(counts.value.reduce((a, c) => a + c.count, 0)).toBe(4);
    const id = engine.ctx.catalog.photoIdByPath(path.join(photos, 'a', 'new-a.png'))!;
    expect(engine.ctx.catalog.photo(id)!.tags.map((t) => t.set)).toEqual(['kinds']);
    const other = engine.ctx.catalog.photoIdByPath(path.join(photos, 'b', 'new-b.png'))!;
    expect(engine.ctx.catalog.photo(other)!.tags).toEqual([]);
  });
});
