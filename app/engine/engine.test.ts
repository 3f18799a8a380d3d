// The engine end to end in-process, on role rt's tiny CLIP fixture (real ONNX Runtime, random
// weights) with an encoder wrapper that counts how many images were encoded.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../api/contract.js';
import { loadModel } from '../embed/node/model-load.js';
import { makePhotos } from '../../tests/faults/helpers.js';
import { createEngine, type Engine } from './engine.js';
import type { EngineModel } from './context.js';

const MODEL = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../embed/node/fixtures/tiny-clip');
let tmp: string;
let engine: Engine | null = null;
let encoded = 0;

async function open(extra: { batchSize?: number; watch?: boolean } = {}): Promise<Engine> {
  const m = await loadModel(MODEL, { threads: 1, providers: ['cpu'] });
  if (!m.ok) throw new Error(m.error.message);
  const base = m.value;
  const counting: EngineModel = {
    ...base,
    image: { encode: async (px, n) => { encoded += n; return base.image.encode(px, n); } },
    close: () => base.close(),
  };
  const r = await createEngine({ libraryDir: path.join(tmp, 'lib'), model: counting, threads: 1, ...extra });
  if (!r.ok) throw new Error(r.error.message);
  engine = r.value;
  return r.value;
}

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-engine-'));
  encoded = 0;
});
afterEach(async () => {
  await engine?.close();
  engine = null;
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('engine', () => {
  it('indexes, skips unchanged, keeps vectors of moved files without re-encoding, drops deleted and re-encodes changed', async () => {
    const root = path.join(tmp, 'photos');
    const files = await makePhotos(root, 6, 1);
    const e = await open();
    const r1 = await e.indexFolders([root]);
    expect(r1.ok && r1.value.run.indexed).toBe(6);
    expect(encoded).toBe(6);
    const c = e.ctx.catalog;
    const movedId = c.photoIdByPath(files[0]!)!;
    const vecBefore = c.vectorFor(e.ctx.modelId, movedId);

    // Unchanged: nothing encoded.
    const r2 = await e.indexFolders([root]);
    expect(r2.ok && r2.value.scan.unchanged).toBe(6);
    expect(encoded).toBe(6);

    // Move one (another folder), delete one, change one in place.
    fs.mkdirSync(path.join(root, 'elsewhere'));
    const movedTo = path.join(root, 'elsewhere', 'renamed.jpg');
    fs.renameSync(files[0]!, movedTo);
    const deletedId = c.photoIdByPath(files[1]!)!;
    fs.rmSync(files[1]!);
    const changedId = c.photoIdByPath(files[2]!)!;
    await makePhotos(path.join(tmp, 'other'), 1, 99);
    fs.copyFileSync(path.join(tmp, 'other', 'img-0000.jpg'), files[2]!);
    const r3 = await e.indexFolders([root]);
    if (!r3.ok) throw new Error(r3.error.message);
    expect(r3.value.scan).toMatchObject({ moved: 1, changed: 1, removedIds: [deletedId] });
    expect(encoded).toBe(7); // only the changed file
    expect(c.photoIdByPath(movedTo)).toBe(movedId);
    expect(c.vectorFor(e.ctx.modelId, movedId)).toEqual(vecBefore);
    expect(e.ctx.vectors.has(deletedId)).toBe(false);
    expect(e.ctx.vectors.has(changedId)).toBe(true);
    expect(e.ctx.vectors.size).toBe(5);
    const s = await e.status({});
    expect(s.ok && s.value.photos).toEqual({ total: 5, indexed: 5, pending: 0, failed: 0, unsupported: 0 });
  });

  it('validates inputs with the contract and answers errors as values', async () => {
    const e = await open();
    const bad = await e.photo({ id: -1 });
    expect(bad.ok ? null : bad.error.code).toBe('bad-input');
    const missing = await e.photo({ id: 12345 });
    expect(missing.ok ? null : missing.error.code).toBe('not-found');
    const notDir = await e.addRoot({ path: path.join(tmp, 'nope') });
    expect(notDir.ok ? null : notDir.error.code).toBe('not-found');
    const browse = await e.browse({});
    expect(browse.ok && browse.value).toEqual({ results: [], total: 0 });
  });

  it('pause holds the pipeline between batches, resume continues, cancel stops; progress events flow', async () => {
    const root = path.join(tmp, 'photos');
    await makePhotos(root, 40, 2);
    const e = await open({ batchSize: 4 });
    const events: ApiEvent[] = [];
    e.subscribe((ev) => events.push(ev));
    let paused = false;
    let sawPaused = 0;
    e.indexer.onProgress((p) => {
      if (p.state === 'indexing' && p.done >= 8 && !paused) {
        paused = true;
        e.indexer.pause();
        setTimeout(() => {
          sawPaused = e.indexer.progress().done;
          e.indexer.resume();
        }, 200);
      }
      if (p.state === 'indexing' && p.done >= 24) e.indexer.cancel();
    });
    const r = await e.indexFolders([root]);
    expect(r.ok && r.value.run.state).toBe('cancelled');
    expect(sawPaused).toBe(8); // nothing moved while paused
    const done = e.ctx.catalog.counts().indexed;
    expect(done).toBeGreaterThanOrEqual(24);
    expect(done).toBeLessThan(40);
    const progress = events.filter((x) => x.type === 'progress');
    expect(progress.some((x) => x.type === 'progress' && x.progress.state === 'paused')).toBe(true);
    // Resumes where it stopped.
    const r2 = await e.indexFolders([root]);
    expect(r2.ok && r2.value.run.indexed).toBe(40 - done);
  });

  it('--watch picks up added, changed and removed photos', async () => {
    const root = path.join(tmp, 'photos');
    const files = await makePhotos(root, 2, 3);
    const e = await open();
    await e.indexFolders([root]);
    const w = await e.startWatching();
    expect(w.ok).toBe(true);
    const until = async (cond: () => boolean): Promise<void> => {
      for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
    };
    await makePhotos(path.join(tmp, 'incoming'), 2, 4);
    fs.copyFileSync(path.join(tmp, 'incoming', 'img-0000.jpg'), path.join(root, 'new.jpg'));
    await until(() => e.ctx.catalog.counts().indexed === 3);
    expect(e.ctx.catalog.counts().indexed).toBe(3);
    fs.rmSync(files[0]!);
    await until(() => e.ctx.catalog.counts().total === 2);
    expect(e.ctx.catalog.photoIdByPath(files[0]!)).toBeNull();
    expect(e.ctx.vectors.size).toBe(2);
  });

  it('similar goes to role search: an exact copy comes first', async () => {
    const root = path.join(tmp, 'photos');
    const files = await makePhotos(root, 5, 5);
    fs.copyFileSync(files[3]!, path.join(root, 'copy.jpg'));
    const e = await open();
    await e.indexFolders([root]);
    const id = e.ctx.catalog.photoIdByPath(files[3]!)!;
    const r = await e.similar({ photoId: id, limit: 3 });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.results.length).toBe(3);
    expect(r.value.results[0]!.path).toBe(path.join(root, 'copy.jpg'));
    expect(r.value.results[0]!.score).toBeGreaterThan(0.999);
    expect(r.value.results.map((x) => x.id)).not.toContain(id);
  });

  it('watch mode with no folders yet opens, and a folder added later is watched', async () => {
    const e = await open({ watch: true });
    const root = path.join(tmp, 'later');
    fs.mkdirSync(root);
    const added = await e.addRoot({ path: root });
    expect(added.ok && added.value.watching).toBe(true);
    await makePhotos(path.join(tmp, 'incoming'), 1, 6);
    // Give chokidar a moment to set up the new path before the file lands.
    await new Promise((r) => setTimeout(r, 500));
    fs.renameSync(path.join(tmp, 'incoming', 'img-0000.jpg'), path.join(root, 'dropped.jpg'));
    for (let i = 0; i < 300 && e.ctx.catalog.counts().indexed < 1; i++) await new Promise((r) => setTimeout(r, 50));
    expect(e.ctx.catalog.photoIdByPath(path.join(root, 'dropped.jpg'))).not.toBeNull();
    expect(e.ctx.catalog.counts().indexed).toBe(1);
  });

  it('startIndexing for a folder added while indexing runs is queued, not dropped', async () => {
    const a = path.join(tmp, 'a');
    const b = path.join(tmp, 'b');
    await makePhotos(a, 24, 7);
    await makePhotos(b, 3, 8);
    const e = await open({ batchSize: 4 });
    const ra = await e.addRoot({ path: a });
    if (!ra.ok) throw new Error(ra.error.message);
    const finished: number[] = [];
    e.indexer.onProgress((p) => {
      if (p.state === 'done') finished.push(p.done);
    });
    await e.startIndexing({ rootId: ra.value.id });
    while (!e.indexer.isRunning) await new Promise((r) => setTimeout(r, 5));
    const rb = await e.addRoot({ path: b });
    if (!rb.ok) throw new Error(rb.error.message);
    await e.startIndexing({ rootId: rb.value.id });
    for (let i = 0; i < 600 && e.ctx.catalog.counts().indexed < 27; i++) await new Promise((r) => setTimeout(r, 50));
    expect(e.ctx.catalog.counts()).toMatchObject({ total: 27, indexed: 27, pending: 0 });
    expect(finished.length).toBe(2); // the first run, then the queued one
  });
});
