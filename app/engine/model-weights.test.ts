// New weights under the same model id (a retrained bundled model, a re-pulled hub model), on role
// rt's tiny fixtures with real ONNX Runtime, SQLite and files. "New weights" is real: an encoder
// file of another fixture (same I/O, other random weights) copied in, with model.json's checksum
// updated to match, as an app update or a re-pull would leave the folder.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makePhotos } from '../../tests/faults/helpers.js';
import { createEngine, type Engine } from './engine.js';
import { countingLoader } from './testing/counting-loader.js';

const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../embed/node/fixtures');
const ALT = 'tiny-clip-alt';

let tmp: string;
let lib: string;
/** The model folder the engine opens (id tiny-clip), rewritten in place between opens. */
let modelDir: string;
let root: string;
let engine: Engine | null = null;
let encodes: Record<string, number>;

const counting = countingLoader(() => encodes);

async function open(extra: { lazyModel?: boolean; modelDir?: string } = {}): Promise<Engine> {
  const r = await createEngine({ libraryDir: lib, modelDir, bundledModelDir: modelDir, loadModel: counting, threads: 1, decodeConcurrency: 1, batchSize: 2, ...extra });
  if (!r.ok) throw new Error(r.error.message);
  engine = r.value;
  return r.value;
}
async function reopen(extra: { lazyModel?: boolean; modelDir?: string } = {}): Promise<Engine> {
  await engine?.close();
  engine = null;
  return open(extra);
}

type Side = 'image' | 'text';
/** Puts `side`'s encoder of fixture `donor` into the model folder `dir` (file + its model.json section + checksum). */
function swapEncoder(dir: string, side: Side, donor: string): void {
  const donorDir = path.join(FIXTURES, donor);
  const donorManifest = JSON.parse(fs.readFileSync(path.join(donorDir, 'model.json'), 'utf8')) as Record<string, { file: string }> & { files: { path: string; sha256: string; bytes: number }[] };
  const manifestFile = path.join(dir, 'model.json');
  const m = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as typeof donorManifest;
  const file = m[side]!.file;
  fs.copyFileSync(path.join(donorDir, donorManifest[side]!.file), path.join(dir, file));
  m[side] = { ...donorManifest[side]!, file };
  const entry = m.files.find((f) => f.path === file)!;
  entry.sha256 = createHash('sha256').update(fs.readFileSync(path.join(dir, file))).digest('hex');
  entry.bytes = fs.statSync(path.join(dir, file)).size;
  fs.writeFileSync(manifestFile, JSON.stringify(m, null, 2));
}
const fileSha = (dir: string, side: Side): string => {
  const m = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as Record<string, { file: string }> & { files: { path: string; sha256: string }[] };
  return m.files.find((f) => f.path === m[side]!.file)!.sha256;
};

const textQuery = { terms: [{ kind: 'text' as const, text: 'a photo of a red circle' }], limit: 50 };

/** Per photo, how many vectors `model` has: every photo exactly one is the healthy state. */
function vectorsPerPhoto(e: Engine, model: string): number[] {
  return e.ctx.catalog.db.prepare('SELECT COUNT(v.seq) FROM photos p LEFT JOIN vectors v ON v.photo_id = p.id AND v.model = ? GROUP BY p.id ORDER BY p.id').pluck().all(model) as number[];
}
function allVectors(e: Engine, model: string): Map<number, Float32Array> {
  return new Map([...e.ctx.catalog.iterateVectors(model)].map((x) => [x.id, x.vector]));
}
/** A label set with cached label vectors and one tag per photo, as a tagging run leaves them. */
function tagEverything(e: Engine): void {
  const c = e.ctx.catalog;
  const set = c.upsertLabelSet({ name: 'colours', labels: ['red', 'blue'], templates: ['a photo of a {}'], threshold: 0 });
  const unit = (i: number): Float32Array => Float32Array.from({ length: 16 }, (_, j) => (j === i ? 1 : 0));
  c.putLabelVectors(set.id, e.ctx.modelId, new Map(set.labels.map((l, i) => [l.id, unit(i)])));
  const ids = c.photoIds({});
  c.replaceTags(set.id, e.ctx.modelId, ids, ids.map((photoId, i) => ({ photoId, labelId: set.labels[i % 2]!.id, score: 0.5 + i / 100 })));
}
const tagRows = (e: Engine): unknown[] => e.ctx.catalog.db.prepare('SELECT photo_id, label_id, score, model FROM tags ORDER BY photo_id').all();
const labelVectorCount = (e: Engine, model: string): number => e.ctx.catalog.db.prepare('SELECT COUNT(*) FROM label_vectors WHERE model = ?').pluck().get(model) as number;

beforeEach(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-weights-'));
  lib = path.join(tmp, 'lib');
  modelDir = path.join(tmp, 'model');
  fs.cpSync(path.join(FIXTURES, 'tiny-clip'), modelDir, { recursive: true });
  root = path.join(tmp, 'photos');
  await makePhotos(root, 5, 21);
  encodes = {};
});
afterEach(async () => {
  await engine?.close();
  engine = null;
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('model weights changed under the same id', () => {
  it('nothing changed: the fingerprint is recorded and the vectors are kept as they are', async () => {
    let e = await open();
    await e.indexFolders([root]);
    expect(e.ctx.catalog.modelFingerprint('tiny-clip')).toEqual({ image: fileSha(modelDir, 'image'), text: fileSha(modelDir, 'text') });
    const before = allVectors(e, 'tiny-clip');
    const seq = e.ctx.catalog.maxVectorSeq('tiny-clip');
    e = await reopen();
    expect(e.modelNotice).toBeNull();
    expect(e.ctx.vectors.openReport.action).toBe('loaded');
    expect(allVectors(e, 'tiny-clip')).toEqual(before);
    expect(e.ctx.catalog.maxVectorSeq('tiny-clip')).toBe(seq);
    await e.indexFolders([root]);
    expect(encodes).toEqual({ 'tiny-clip': 5 });
  });

  it('image encoder changed: its vectors and HNSW files go, the photos are re-indexed once each, search works', async () => {
    let e = await open();
    await e.indexFolders([root]);
    tagEverything(e);
    const old = allVectors(e, 'tiny-clip');
    const tags = tagRows(e);
    await e.close();
    engine = null;
    expect(fs.existsSync(path.join(lib, 'vectors-tiny-clip.hnsw'))).toBe(true);
    const oldText = fileSha(modelDir, 'text');
    swapEncoder(modelDir, 'image', 'tiny-clip-hf');

    // `shoebox status` opens lazily: model.json's checksums decide, no ONNX session is created.
    e = await open({ lazyModel: true });
    expect(e.ctx.model.loaded).toBe(false);
    expect(e.modelNotice).toBe("the weights of model 'tiny-clip' changed since the library was indexed: 5 photos will be re-indexed");
    expect(e.ctx.catalog.vectorCount('tiny-clip')).toBe(0);
    expect(e.ctx.vectors.openReport.action).toBe('created'); // the old file was deleted, not rebuilt
    expect(e.ctx.vectors.size).toBe(0);
    const st = await e.status({});
    expect(st.ok && st.value.photos).toMatchObject({ total: 5, indexed: 0, pending: 5 });
    expect(e.ctx.catalog.modelFingerprint('tiny-clip')).toEqual({ image: fileSha(modelDir, 'image'), text: oldText });
    // The text encoder did not change: label vectors stay; tags stay until the photos are re-tagged.
    expect(labelVectorCount(e, 'tiny-clip')).toBe(2);
    expect(tagRows(e)).toEqual(tags);
    expect(encodes).toEqual({ 'tiny-clip': 5 });

    // The normal indexing path re-encodes every photo, once.
    e = await reopen();
    expect(e.modelNotice).toBeNull(); // recorded at the previous open
    const r = await e.indexFolders([root]);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.scan.unchanged).toBe(5);
    expect(r.value.run.indexed).toBe(5);
    expect(encodes).toEqual({ 'tiny-clip': 10 });
    expect(vectorsPerPhoto(e, 'tiny-clip')).toEqual([1, 1, 1, 1, 1]);
    const fresh = allVectors(e, 'tiny-clip');
    expect([...fresh.keys()].sort()).toEqual([...old.keys()].sort());
    for (const [id, v] of fresh) expect(v).not.toEqual(old.get(id));
    expect(e.ctx.vectors.size).toBe(5);
    const s = await e.search(textQuery);
    if (!s.ok) throw new Error(s.error.message);
    expect(s.value.results.map((x) => x.id).sort()).toEqual([...old.keys()].sort());
    const st2 = await e.status({});
    expect(st2.ok && st2.value.photos).toMatchObject({ total: 5, indexed: 5, pending: 0 });
  });

  it('text encoder changed only: cached label vectors go, photo vectors and tags stay, nothing is re-encoded', async () => {
    let e = await open();
    await e.indexFolders([root]);
    tagEverything(e);
    const vectors = allVectors(e, 'tiny-clip');
    const tags = tagRows(e);
    const oldImage = fileSha(modelDir, 'image');
    swapEncoder(modelDir, 'text', ALT);
    e = await reopen();
    expect(e.modelNotice).toBe("the text encoder of model 'tiny-clip' changed since tags were computed: run tagging again to refresh them");
    expect(labelVectorCount(e, 'tiny-clip')).toBe(0);
    expect(tagRows(e)).toEqual(tags);
    expect(allVectors(e, 'tiny-clip')).toEqual(vectors);
    expect(e.ctx.vectors.openReport.action).toBe('loaded');
    expect(e.ctx.catalog.modelFingerprint('tiny-clip')).toEqual({ image: oldImage, text: fileSha(modelDir, 'text') });
    // Text search runs on the new text encoder over the kept photo vectors.
    const s = await e.search(textQuery);
    expect(s.ok && s.value.results.length).toBe(5);
    await e.indexFolders([root]);
    expect(encodes).toEqual({ 'tiny-clip': 5 });
  });

  it('a library from before fingerprints: the current weights are recorded and the vectors kept (nothing tells which made them)', async () => {
    let e = await open();
    await e.indexFolders([root]);
    const vectors = allVectors(e, 'tiny-clip');
    // Back to schema 1, as the previous release left the catalog.
    e.ctx.catalog.db.exec('DROP TABLE model_fingerprints');
    e.ctx.catalog.db.pragma('user_version = 1');
    swapEncoder(modelDir, 'image', 'tiny-clip-hf');
    e = await reopen();
    expect(e.ctx.catalog.schemaVersion()).toBeGreaterThanOrEqual(2);
    expect(e.modelNotice).toBeNull();
    expect(allVectors(e, 'tiny-clip')).toEqual(vectors);
    expect(e.ctx.vectors.size).toBe(5);
    expect(e.ctx.catalog.modelFingerprint('tiny-clip')).toEqual({ image: fileSha(modelDir, 'image'), text: fileSha(modelDir, 'text') });
    await e.indexFolders([root]);
    expect(encodes).toEqual({ 'tiny-clip': 5 });
  });

  it('switching to a model re-pulled with new weights re-indexes it in the background, not instantly', async () => {
    fs.mkdirSync(path.join(lib, 'models'), { recursive: true });
    const altDir = path.join(lib, 'models', ALT);
    fs.cpSync(path.join(FIXTURES, ALT), altDir, { recursive: true });
    const e = await open();
    await e.indexFolders([root]);
    await e.useModel({ id: ALT });
    expect((await e.modelSwitch()!.done).ok).toBe(true);
    expect(e.ctx.modelId).toBe(ALT);
    await e.useModel({ id: 'tiny-clip' }); // back: instant, alt's vectors stay
    expect(e.ctx.catalog.vectorCount(ALT)).toBe(5);
    expect(encodes).toEqual({ 'tiny-clip': 5, [ALT]: 5 });

    swapEncoder(altDir, 'image', 'tiny-clip'); // `shoebox models pull tiny-clip-alt` at a newer revision
    const used = await e.useModel({ id: ALT });
    expect(used.ok).toBe(true);
    expect(e.modelNotice).toBe("the weights of model 'tiny-clip-alt' changed since the library was indexed: 5 photos will be re-indexed");
    const sw = e.modelSwitch();
    expect(sw?.id).toBe(ALT);
    // Meanwhile the active model's photos stay indexed and searchable.
    const during = await e.search(textQuery);
    expect(during.ok && during.value.model === 'tiny-clip' && during.value.results.length).toBe(5);
    expect((await sw!.done).ok).toBe(true);
    expect(e.ctx.modelId).toBe(ALT);
    expect(encodes).toEqual({ 'tiny-clip': 5, [ALT]: 10 });
    expect(vectorsPerPhoto(e, ALT)).toEqual([1, 1, 1, 1, 1]);
    expect(e.ctx.vectors.size).toBe(5);
    const after = await e.search(textQuery);
    expect(after.ok && after.value.model === ALT && after.value.results.length).toBe(5);
  });
});
