import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from './catalog.js';
import { migrations } from './migrations.js';
import { defaultLibraryDir } from './paths.js';

let dir: string;
let cat: Catalog;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-cat-'));
  const c = Catalog.open(path.join(dir, 'catalog.sqlite'));
  if (!c.ok) throw new Error(c.error.message);
  cat = c.value;
});
afterEach(() => {
  cat.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const meta = (o: Partial<{ takenAt: string; format: string; cameraMake: string; cameraModel: string }> = {}) => ({
  width: 10, height: 10, format: o.format ?? 'jpeg', takenAt: o.takenAt ?? '2020-01-01T00:00:00.000Z', takenAtSource: 'exif' as const,
  cameraMake: o.cameraMake ?? null, cameraModel: o.cameraModel ?? null, orientation: null,
});
const vec = (...xs: number[]): Float32Array => new Float32Array(xs);

describe('Catalog', () => {
  it('migrates to the latest schema, WAL, foreign keys, and refuses a newer schema', () => {
    expect(cat.schemaVersion()).toBe(migrations.length);
    expect(cat.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(cat.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(cat.getMeta('library_id')).toMatch(/^[0-9a-f-]{36}$/);
    cat.db.pragma(`user_version = ${migrations.length + 1}`);
    cat.close();
    const again = Catalog.open(path.join(dir, 'catalog.sqlite'));
    expect(again.ok ? null : again.error.code).toBe('unsupported');
    const c = Catalog.open(path.join(dir, 'x.sqlite'));
    if (c.ok) cat = c.value;
  });

  it('filters by folder, date range, format, camera and tag; pages and sorts', () => {
    const r = cat.addRoot('/p');
    const ids = [
      cat.insertPhoto({ rootId: r.id, path: '/p/a/1.jpg', size: 1, mtimeMs: 0, hash: 'h1' }),
      cat.insertPhoto({ rootId: r.id, path: '/p/a/b/2.png', size: 1, mtimeMs: 0, hash: 'h2' }),
      cat.insertPhoto({ rootId: r.id, path: '/p/ab/3.jpg', size: 1, mtimeMs: 0, hash: 'h3' }),
    ];
    cat.writeBatch('m', [
      { id: ids[0]!, vector: vec(1, 0), meta: meta({ takenAt: '2020-05-01T10:00:00.000Z', cameraMake: 'Canon', cameraModel: 'EOS 5D' }) },
      { id: ids[1]!, vector: vec(0, 1), meta: meta({ takenAt: '2021-05-01T10:00:00.000Z', format: 'png' }) },
      { id: ids[2]!, vector: vec(1, 1), meta: meta({ takenAt: '2022-05-01T10:00:00.000Z' }) },
    ], []);
    expect(cat.photoIds({ folder: 'a' })).toEqual([ids[0], ids[1]]); // not /p/ab
    expect(cat.photoIds({ folder: '/p/a/b' })).toEqual([ids[1]]);
    // Neighbours of "/p/a/" in byte order ("/p/a.jpg", "/p/a-x/", "/p/a0/") and non-ASCII names.
    const edge = [
      cat.insertPhoto({ rootId: r.id, path: '/p/a.jpg', size: 1, mtimeMs: 0, hash: 'e1', status: 'indexed' }),
      cat.insertPhoto({ rootId: r.id, path: '/p/a-x/4.jpg', size: 1, mtimeMs: 0, hash: 'e2', status: 'indexed' }),
      cat.insertPhoto({ rootId: r.id, path: '/p/a0/5.jpg', size: 1, mtimeMs: 0, hash: 'e3', status: 'indexed' }),
      cat.insertPhoto({ rootId: r.id, path: '/p/été/6.jpg', size: 1, mtimeMs: 0, hash: 'e4', status: 'indexed' }),
      cat.insertPhoto({ rootId: r.id, path: '/p/été/日本/7.jpg', size: 1, mtimeMs: 0, hash: 'e5', status: 'indexed' }),
    ];
    expect(cat.photoIds({ folder: 'a' })).toEqual([ids[0], ids[1]]);
    expect(cat.photoIds({ folder: 'été' })).toEqual([edge[3], edge[4]]);
    expect(cat.photoIds({ folder: '/p/été/日本' })).toEqual([edge[4]]);
    const plan = cat.db.prepare("EXPLAIN QUERY PLAN SELECT p.id FROM photos p WHERE p.path >= '/p/a/' AND p.path < '/p/a0'").all() as { detail: string }[];
    expect(plan.map((x) => x.detail).join(' ')).toMatch(/USING (COVERING )?INDEX .*\(path>\? AND path<\?\)/);
    cat.deletePhotos(edge);
    expect(cat.photoIds({ dateFrom: '2021-01-01', dateTo: '2021-05-01' })).toEqual([ids[1]]);
    expect(cat.photoIds({ format: ['jpg'] })).toEqual([ids[0], ids[2]]);
    expect(cat.photoIds({ camera: 'eos' })).toEqual([ids[0]]);
    expect(cat.photoIds({}, { sort: 'date-desc', limit: 2 })).toEqual([ids[2], ids[1]]);
    expect(cat.countPhotos({ format: ['jpeg'] })).toBe(2);
    const set = cat.upsertLabelSet({ name: 'animals', labels: ['cat', 'dog'], templates: ['a photo of a {}'], threshold: 0.5 });
    cat.replaceTags(set.id, 'm', [ids[0]!, ids[1]!], [{ photoId: ids[0]!, labelId: set.labels[0]!.id, score: 0.9 }]);
    expect(cat.photoIds({ tag: 'cat' })).toEqual([ids[0]]);
    expect(cat.photoIds({ tag: 'animals/dog' })).toEqual([]);
    expect(cat.tagCounts()).toEqual([{ set: 'animals', label: 'cat', count: 1 }, { set: 'animals', label: 'dog', count: 0 }]);
    expect(cat.photo(ids[0]!)!.tags).toEqual([{ set: 'animals', label: 'cat', score: expect.closeTo(0.9, 5) }]);
    expect([...cat.vectorsFor('m', ids).values()].map((v) => [...v])).toEqual([[1, 0], [0, 1], [1, 1]]);
  });

  it('label sets: version goes up on change, stale label vectors and removed labels go', () => {
    const s1 = cat.upsertLabelSet({ name: 's', labels: ['a', 'b'], templates: ['{}'], threshold: 0.5 });
    cat.putLabelVectors(s1.id, 'm', new Map(s1.labels.map((l) => [l.id, vec(1, 2)])));
    expect(cat.labelVectors(s1.id, 'm').size).toBe(2);
    expect(cat.upsertLabelSet({ name: 's', labels: ['a', 'b'], templates: ['{}'], threshold: 0.5 }).version).toBe(1);
    const s2 = cat.upsertLabelSet({ name: 's', labels: ['a', 'c'], templates: ['{}'], threshold: 0.5 });
    expect(s2.version).toBe(2);
    expect(s2.labels.map((l) => l.name)).toEqual(['a', 'c']);
    expect(cat.labelVectors(s2.id, 'm').size).toBe(0); // cached for version 1 only
    cat.addLabelSetFolder(s2.id, '/p/x');
    expect(cat.labelSetsCovering('/p/x/1.jpg').map((s) => s.name)).toEqual(['s']);
    expect(cat.labelSetsCovering('/p/xy/1.jpg')).toEqual([]);
    expect(cat.deleteLabelSet('s')).toBe(true);
    expect(cat.db.prepare('SELECT COUNT(*) FROM labels').pluck().get()).toBe(0);
  });

  it('a re-encoded vector gets a higher seq; deleting a photo cascades to vectors and tags', () => {
    const r = cat.addRoot('/p');
    const id = cat.insertPhoto({ rootId: r.id, path: '/p/1.jpg', size: 1, mtimeMs: 0, hash: 'h' });
    cat.writeBatch('m', [{ id, vector: vec(1, 0), meta: meta() }], []);
    const s1 = cat.maxVectorSeq('m');
    cat.writeBatch('m', [{ id, vector: vec(0, 1), meta: meta() }], []);
    expect(cat.maxVectorSeq('m')).toBeGreaterThan(s1);
    expect([...cat.iterateVectors('m', s1)].map((x) => x.id)).toEqual([id]);
    cat.deletePhotos([id]);
    expect(cat.vectorCount('m')).toBe(0);
  });
});

describe('defaultLibraryDir', () => {
  it('--library beats SHOEBOX_HOME beats the per-user folder of each OS', () => {
    expect(defaultLibraryDir({ SHOEBOX_HOME: '/s' }, { library: 'rel', cwd: '/w' })).toBe('/w/rel');
    expect(defaultLibraryDir({ SHOEBOX_HOME: '/s' }, {})).toBe('/s');
    expect(defaultLibraryDir({}, { platform: 'linux', home: '/h' })).toBe('/h/.local/share/shoebox');
    expect(defaultLibraryDir({ XDG_DATA_HOME: '/x' }, { platform: 'linux', home: '/h' })).toBe('/x/shoebox');
    expect(defaultLibraryDir({}, { platform: 'darwin', home: '/h' })).toBe('/h/Library/Application Support/Shoebox');
    expect(defaultLibraryDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, { platform: 'win32', home: 'C:\\Users\\u' })).toBe('C:\\Users\\u\\AppData\\Roaming\\Shoebox');
  });
});

describe('Catalog counts cache', () => {
  it('answers unfiltered counts from a cache that any write, here or in another connection, invalidates', () => {
    const r = cat.addRoot('/q');
    const a = cat.insertPhoto({ rootId: r.id, path: '/q/a.jpg', size: 1, mtimeMs: 0, hash: 'a' });
    expect(cat.countPhotos({})).toBe(0);
    expect(cat.counts()).toMatchObject({ total: 1, pending: 1, indexed: 0 });
    cat.writeBatch('m', [{ id: a, vector: vec(1, 0), meta: meta() }], []);
    expect(cat.countPhotos({})).toBe(1);
    expect(cat.counts()).toMatchObject({ total: 1, pending: 0, indexed: 1 });
    // A removal that reaches photos only through ON DELETE CASCADE.
    cat.removeRoot(r.id);
    expect(cat.countPhotos({})).toBe(0);
    expect(cat.counts().total).toBe(0);
    // Another connection writes: data_version tells this one.
    const other = Catalog.open(cat.file);
    if (!other.ok) throw new Error(other.error.message);
    const r2 = other.value.addRoot('/r');
    other.value.insertPhoto({ rootId: r2.id, path: '/r/b.jpg', size: 1, mtimeMs: 0, hash: 'b', status: 'indexed' });
    other.value.close();
    expect(cat.countPhotos({})).toBe(1);
    expect(cat.counts()).toMatchObject({ total: 1, indexed: 1 });
    // Rolled back: still right.
    expect(() => cat.tx(() => {
      cat.setPhotoStatus(cat.photoIds({})[0]!, 'failed', 'x');
      expect(cat.countPhotos({})).toBe(0);
      throw new Error('rollback');
    })).toThrow('rollback');
    expect(cat.countPhotos({})).toBe(1);
  });
  it('model fingerprints: recorded when none, vectors dropped only for a changed image encoder, label vectors for a changed text encoder', () => {
    const r = cat.addRoot(dir);
    const ids = [1, 2, 3].map((i) => cat.insertPhoto({ rootId: r.id, path: path.join(dir, `${i}.jpg`), size: 1, mtimeMs: 1, hash: null }));
    cat.writeBatch('m', ids.map((id) => ({ id, vector: vec(1, 0), meta: meta() })), []);
    cat.writeBatch('other', ids.map((id) => ({ id, vector: vec(0, 1), meta: meta() })), []);
    const set = cat.upsertLabelSet({ name: 's', labels: ['a'], templates: ['{}'], threshold: 0 });
    cat.putLabelVectors(set.id, 'm', new Map([[set.labels[0]!.id, vec(1, 0)]]));
    const fp = { image: 'a'.repeat(64), text: 'b'.repeat(64) };
    expect(cat.modelFingerprint('m')).toBeNull();
    expect(cat.reconcileModelFingerprint('m', fp)).toMatchObject({ state: 'recorded', droppedVectors: 0 });
    expect(cat.reconcileModelFingerprint('m', fp)).toMatchObject({ state: 'same', imageChanged: false, textChanged: false });
    expect(cat.vectorCount('m')).toBe(3);

    // Text side only: label vectors go, photo vectors stay.
    expect(cat.reconcileModelFingerprint('m', { ...fp, text: 'c'.repeat(64) })).toMatchObject({ state: 'changed', imageChanged: false, textChanged: true, droppedVectors: 0, droppedLabelVectors: 1 });
    expect(cat.labelVectors(set.id, 'm').size).toBe(0);
    expect(cat.vectorCount('m')).toBe(3);

    // Image side, not the library's model: its vectors go, statuses (another model's) stay.
    const fp2 = { image: 'd'.repeat(64), text: 'c'.repeat(64) };
    expect(cat.reconcileModelFingerprint('m', fp2, { requeue: false })).toMatchObject({ imageChanged: true, droppedVectors: 3, requeued: 0 });
    expect(cat.vectorCount('m')).toBe(0);
    expect(cat.vectorCount('other')).toBe(3);
    expect(cat.counts()).toMatchObject({ indexed: 3, pending: 0 });
    expect(cat.modelFingerprint('m')).toEqual(fp2);

    // The library's model: its photos go back to pending.
    cat.reconcileModelFingerprint('other', fp);
    expect(cat.reconcileModelFingerprint('other', { ...fp, image: 'e'.repeat(64) }, { requeue: true })).toMatchObject({ droppedVectors: 3, requeued: 3 });
    expect(cat.counts()).toMatchObject({ indexed: 0, pending: 3 });
    expect(cat.countPending('other')).toBe(3);

    // A removed model leaves no fingerprint behind.
    cat.dropModelVectors('m');
    expect(cat.modelFingerprint('m')).toBeNull();
  });
});

