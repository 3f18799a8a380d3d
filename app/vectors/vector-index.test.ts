import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from '../library/catalog.js';
import { exactSearch, normalise } from './exact.js';
import { VectorIndex, searchEf } from './vector-index.js';

let dir: string;
let cat: Catalog;
const DIMS = 8;
let s = 42;
const rnd = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5);
const randVec = (): Float32Array => normalise(Float32Array.from({ length: DIMS }, rnd));

function addPhotos(n: number, model = 'm'): number[] {
  const root = cat.addRoot('/p');
  const ids: number[] = [];
  const done = [];
  for (let i = 0; i < n; i++) {
    const id = cat.insertPhoto({ rootId: root.id, path: `/p/${ids.length}-${Math.random()}.jpg`, size: 1, mtimeMs: 0, hash: null });
    ids.push(id);
    done.push({ id, vector: randVec(), meta: { width: 1, height: 1, format: 'jpeg', takenAt: null, takenAtSource: null, cameraMake: null, cameraModel: null, orientation: null } });
  }
  cat.writeBatch(model, done, []);
  return ids;
}
const open = (model = 'm', dims = DIMS): VectorIndex => {
  const r = VectorIndex.open({ dir, model, dims, catalog: cat, minDeletedForRebuild: 10 });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-vi-'));
  const c = Catalog.open(path.join(dir, 'catalog.sqlite'));
  if (!c.ok) throw new Error(c.error.message);
  cat = c.value;
});
afterEach(() => {
  cat.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('VectorIndex', () => {
  it('builds from SQLite, grows past its first capacity, and agrees with exact search', () => {
    const ids = addPhotos(1500); // > the initial capacity: resizeIndex runs
    const vi = open();
    expect(vi.openReport.action).toBe('created');
    expect(vi.size).toBe(1500);
    const all = new Map([...cat.iterateVectors('m')].map((x) => [x.id, x.vector]));
    const q = randVec();
    const exact = exactSearch(q, all, 10);
    const approx = vi.search(q, 10);
    // HNSW at this size and ef finds the true top 10.
    expect(approx.map((x) => x.id)).toEqual(exact.map((x) => x.id));
    expect(approx[0]!.score).toBeCloseTo(exact[0]!.score, 5);
    expect(vi.search(q, 5, (id) => id % 2 === 0).every((h) => h.id % 2 === 0)).toBe(true);
    expect(ids.length).toBe(1500);
  });

  it('saves atomically and loads; catches up with vectors written after the save (a crash)', () => {
    addPhotos(50);
    const vi = open();
    expect(vi.save().ok).toBe(true);
    const later = addPhotos(7); // committed to SQLite, never saved to the index file
    const removed = cat.photoIds({}, { limit: 3 });
    cat.deletePhotos(removed);
    const again = open();
    expect(again.openReport).toMatchObject({ action: 'loaded', replayed: 7, removed: 3 });
    expect(again.size).toBe(54);
    for (const id of later) expect(again.has(id)).toBe(true);
    for (const id of removed) expect(again.has(id)).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('rebuilds when the file is corrupt, missing its sidecar, or for another model', () => {
    addPhotos(30);
    open().save();
    const vi = open();
    fs.writeFileSync(vi.file, 'garbage');
    const r1 = open();
    expect(r1.openReport).toMatchObject({ action: 'rebuilt', reason: 'index file does not match its checksum' });
    expect(r1.size).toBe(30);
    r1.save();
    const side = JSON.parse(fs.readFileSync(r1.sidecarFile, 'utf8'));
    fs.writeFileSync(r1.sidecarFile, JSON.stringify({ ...side, dims: 4 }));
    expect(open().openReport.reason).toMatch(/dimensions/);
    fs.rmSync(r1.sidecarFile);
    expect(open().openReport.reason).toBe('no index file');
  });

  it('markDelete on removal; rebuilds when deletions pile up', () => {
    const ids = addPhotos(40);
    const vi = open();
    for (const id of ids.slice(0, 8)) vi.remove(id);
    expect(vi.deletedCount).toBe(8);
    expect(vi.compactIfNeeded()).toBe(false); // below the minimum
    cat.deletePhotos(ids.slice(0, 20));
    for (const id of ids.slice(8, 20)) vi.remove(id);
    expect(vi.search(randVec(), 40).length).toBe(20);
    expect(vi.compactIfNeeded()).toBe(true);
    expect(vi.deletedCount).toBe(0);
    expect(vi.size).toBe(20);
    // Re-adding a deleted id brings it back.
    const v = randVec();
    vi.add(ids[25]!, v);
    expect(vi.search(v, 1)[0]!.id).toBe(ids[25]);
  });
});

describe('searchEf', () => {
  it('keeps 256 for libraries up to ~200k, grows with the index (the 1M benchmark), respects k, caps at 2,048', () => {
    expect(searchEf(10, 1_000)).toBe(256);
    expect(searchEf(10, 100_000)).toBe(256);
    expect(searchEf(200, 100_000)).toBe(400);
    expect(searchEf(10, 871_000)).toBeGreaterThanOrEqual(1024); // recall@10 0.99 measured at ef 1,024 there
    expect(searchEf(10, 1_000_000)).toBeGreaterThan(searchEf(10, 500_000));
    expect(searchEf(10, 50_000_000)).toBe(2048);
  });
});
