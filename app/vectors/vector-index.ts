// The HNSW index of one model's photo vectors (hnswlib-node, inner-product space, label =
// photo id). SQLite holds the truth; this file is a cache that is saved atomically with a small
// sidecar and rebuilt or caught up from SQLite when it is missing, corrupt or stale.
import hnswlib from 'hnswlib-node';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Catalog } from '../library/catalog.js';
import { appError, err, ok, toAppError, type Result } from '../shared/result.js';
import type { ScoredId } from './exact.js';

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

export interface IndexSidecar {
  format: 1;
  model: string;
  dims: number;
  /** Points in the file, deleted ones included. */
  count: number;
  /** Highest vectors.seq the file holds: everything after it is replayed from SQLite on load. */
  seq: number;
  /** SHA-256 of the index file. */
  checksum: string;
  savedAt: string;
}

export interface VectorIndexOptions {
  /** Folder for the index files (the library folder). */
  dir: string;
  model: string;
  dims: number;
  catalog: Catalog;
  /** Rebuild when deleted points exceed this fraction of the file (and `minDeletedForRebuild`). */
  maxDeletedFraction?: number;
  minDeletedForRebuild?: number;
}

/** How the index came to be at open: read from disk, caught up, or rebuilt (and why). */
export interface OpenReport {
  action: 'loaded' | 'rebuilt' | 'created';
  reason: string | null;
  replayed: number;
  removed: number;
}

// M 32 and ef ≥ 256: recall@10 1.000 at 100k text-like queries, p99 3 ms (bench/README.md, "Chosen defaults").
const M = 32;

/**
 * Search ef for k results in an index of n vectors. Recall at a fixed ef falls as the graph grows:
 * measured at 871k × 512 (efConstruction 200), ef 256 → recall@10 0.888, 512 → 0.95, 1,024 → 0.99,
 * 1,536 → 1.0, at p99 2.6 / 5.4 / 6.2 / 8.6 ms; at 100k ef 256 already gives 1.000. So ef grows with
 * n (n / 800: 256 up to ~200k, ~1,090 at 871k, 1,250 at 1M), capped at 2,048.
 */
export function searchEf(k: number, n: number): number {
  return Math.max(256, 2 * k, Math.min(2048, Math.round(n / 800)));
}
const EF_CONSTRUCTION = 200;
const SEED = 100;

const sha256File = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const safeName = (model: string): string => model.replace(/[^a-zA-Z0-9._-]/g, '_');

export class VectorIndex {
  private hnsw: Hnsw;
  /** Labels present and not deleted. */
  private live = new Set<number>();
  private deleted = 0;
  private dirty = false;
  private seq = 0;
  readonly file: string;
  readonly sidecarFile: string;
  openReport: OpenReport = { action: 'created', reason: null, replayed: 0, removed: 0 };

  private constructor(private readonly opts: VectorIndexOptions) {
    this.file = path.join(opts.dir, `vectors-${safeName(opts.model)}.hnsw`);
    this.sidecarFile = `${this.file}.json`;
    this.hnsw = VectorIndex.fresh(opts.dims, 1024);
  }

  get model(): string {
    return this.opts.model;
  }
  get dims(): number {
    return this.opts.dims;
  }

  private static fresh(dims: number, capacity: number): Hnsw {
    const h = new HierarchicalNSW('ip', dims);
    h.initIndex({ maxElements: Math.max(16, capacity), m: M, efConstruction: EF_CONSTRUCTION, randomSeed: SEED, allowReplaceDeleted: false });
    return h;
  }

  /** Deletes the saved index files of `model` in `dir` (a removed model). */
  static removeFiles(dir: string, model: string): void {
    const file = path.join(dir, `vectors-${safeName(model)}.hnsw`);
    for (const f of [file, `${file}.json`]) fs.rmSync(f, { force: true });
  }

  /** Loads the saved index if it is sound and matches the catalog, else rebuilds it from SQLite. */
  static open(opts: VectorIndexOptions): Result<VectorIndex> {
    const vi = new VectorIndex(opts);
    try {
      const why = vi.tryLoad();
      if (why === null) {
        const { replayed, removed } = vi.catchUp();
        vi.openReport = { action: 'loaded', reason: null, replayed, removed };
      } else {
        const existed = fs.existsSync(vi.file);
        const n = vi.rebuild();
        vi.openReport = { action: existed ? 'rebuilt' : 'created', reason: why, replayed: n, removed: 0 };
      }
      if (vi.needsCompaction()) vi.rebuild();
      return ok(vi);
    } catch (e) {
      return err(toAppError(e, 'internal', vi.file));
    }
  }

  /** Returns null when the file was loaded, else why it could not be used. */
  private tryLoad(): string | null {
    if (!fs.existsSync(this.file) || !fs.existsSync(this.sidecarFile)) return 'no index file';
    let side: IndexSidecar;
    try {
      side = JSON.parse(fs.readFileSync(this.sidecarFile, 'utf8')) as IndexSidecar;
    } catch {
      return 'unreadable sidecar';
    }
    if (side.format !== 1 || side.model !== this.opts.model) return `index is for another model (${String(side.model)})`;
    if (side.dims !== this.opts.dims) return `index has ${side.dims} dimensions, the model ${this.opts.dims}`;
    if (side.seq > this.opts.catalog.maxVectorSeq(this.opts.model)) return 'index is newer than the catalog';
    if (sha256File(this.file) !== side.checksum) return 'index file does not match its checksum';
    const h = new HierarchicalNSW('ip', this.opts.dims);
    try {
      h.readIndexSync(this.file, false);
    } catch (e) {
      return `index file is corrupt (${toAppError(e).message})`;
    }
    if (h.getCurrentCount() !== side.count) return 'index count does not match its sidecar';
    this.hnsw = h;
    this.seq = side.seq;
    return null;
  }

  /** Brings a loaded index in line with SQLite: replays newer vectors, deletes vanished ids. */
  private catchUp(): { replayed: number; removed: number } {
    const truth = this.opts.catalog.vectorIds(this.opts.model);
    let replayed = 0;
    let removed = 0;
    this.live.clear();
    for (const id of this.hnsw.getIdsList()) {
      if (truth.has(id)) this.live.add(id);
      else {
        try {
          this.hnsw.markDelete(id);
          removed++;
        } catch {
          // already deleted in the file
        }
      }
    }
    for (const { id, seq, vector } of this.opts.catalog.iterateVectors(this.opts.model, this.seq)) {
      this.addPoint(id, vector);
      this.seq = Math.max(this.seq, seq);
      replayed++;
    }
    // An id in SQLite with an old seq but absent from the file (should not happen): add it too.
    for (const id of truth) {
      if (!this.live.has(id)) {
        const v = this.opts.catalog.vectorFor(this.opts.model, id);
        if (v) {
          this.addPoint(id, v);
          replayed++;
        }
      }
    }
    this.deleted = this.hnsw.getCurrentCount() - this.live.size;
    if (replayed || removed) this.dirty = true;
    return { replayed, removed };
  }

  /** Builds a fresh index from every vector of the model in SQLite; returns the count. */
  rebuild(): number {
    const n = this.opts.catalog.vectorCount(this.opts.model);
    this.hnsw = VectorIndex.fresh(this.opts.dims, Math.ceil(n * 1.25) + 64);
    this.live.clear();
    this.deleted = 0;
    this.seq = 0;
    for (const { id, seq, vector } of this.opts.catalog.iterateVectors(this.opts.model)) {
      this.addPoint(id, vector);
      this.seq = Math.max(this.seq, seq);
    }
    this.dirty = true;
    return this.live.size;
  }

  private addPoint(id: number, v: Float32Array): void {
    if (v.length !== this.opts.dims) throw new Error(`vector of ${v.length} dimensions for an index of ${this.opts.dims}`);
    const wasDeleted = !this.live.has(id) && this.hnsw.getCurrentCount() > 0 && this.deletedHas(id);
    if (this.hnsw.getCurrentCount() >= this.hnsw.getMaxElements()) {
      this.hnsw.resizeIndex(Math.ceil(this.hnsw.getMaxElements() * 1.5) + 64);
    }
    this.hnsw.addPoint(Array.from(v), id);
    if (wasDeleted) this.deleted--;
    this.live.add(id);
  }

  private deletedHas(id: number): boolean {
    if (this.deleted === 0) return false;
    try {
      this.hnsw.getPoint(id);
      return true; // present in the file but not live = marked deleted
    } catch {
      return false;
    }
  }

  /** Adds or replaces a photo's vector (call after the batch's transaction committed). */
  add(id: number, vector: Float32Array, seq?: number): void {
    this.addPoint(id, vector);
    if (seq !== undefined) this.seq = Math.max(this.seq, seq);
    this.dirty = true;
  }

  /** Records that every SQLite vector up to `seq` is in the index (after a batch was added). */
  syncedTo(seq: number): void {
    this.seq = Math.max(this.seq, seq);
  }

  remove(id: number): boolean {
    if (!this.live.has(id)) return false;
    this.hnsw.markDelete(id);
    this.live.delete(id);
    this.deleted++;
    this.dirty = true;
    return true;
  }

  has(id: number): boolean {
    return this.live.has(id);
  }
  /** Live (searchable) points. */
  get size(): number {
    return this.live.size;
  }
  get deletedCount(): number {
    return this.deleted;
  }
  ids(): number[] {
    return [...this.live];
  }

  needsCompaction(): boolean {
    const frac = this.opts.maxDeletedFraction ?? 0.25;
    const min = this.opts.minDeletedForRebuild ?? 256;
    return this.deleted >= min && this.deleted > frac * (this.deleted + this.live.size);
  }

  /** Rebuilds when deletions piled up; returns true when it did. */
  compactIfNeeded(): boolean {
    if (!this.needsCompaction()) return false;
    this.rebuild();
    return true;
  }

  /**
   * Approximate k nearest by inner product, best first. `filter` keeps only the ids it accepts
   * (hnswlib applies it during the graph walk, so k results come back when k exist).
   */
  search(query: Float32Array, k: number, filter?: (id: number) => boolean): ScoredId[] {
    const kk = Math.min(k, this.live.size);
    if (kk <= 0) return [];
    this.hnsw.setEf(searchEf(kk, this.live.size));
    const r = this.hnsw.searchKnn(Array.from(query), kk, filter);
    const out = r.neighbors.map((id, i) => ({ id, score: 1 - r.distances[i]! }));
    out.sort((a, b) => b.score - a.score || a.id - b.id);
    return out;
  }

  /**
   * Saves atomically: index and sidecar go to temp files, then are renamed into place. A crash
   * between the two renames leaves a checksum mismatch, which the next open repairs by rebuilding.
   */
  save(): Result<void> {
    if (!this.dirty && fs.existsSync(this.file)) return ok(undefined);
    const tmp = `${this.file}.tmp-${process.pid}`;
    const tmpSide = `${this.sidecarFile}.tmp-${process.pid}`;
    try {
      this.hnsw.writeIndexSync(tmp);
      const side: IndexSidecar = { format: 1, model: this.opts.model, dims: this.opts.dims, count: this.hnsw.getCurrentCount(), seq: this.seq, checksum: sha256File(tmp), savedAt: new Date().toISOString() };
      fs.writeFileSync(tmpSide, JSON.stringify(side));
      fs.renameSync(tmp, this.file);
      fs.renameSync(tmpSide, this.sidecarFile);
      this.dirty = false;
      return ok(undefined);
    } catch (e) {
      for (const f of [tmp, tmpSide]) fs.rmSync(f, { force: true });
      return err(appError('io', `could not save the vector index: ${toAppError(e).message}`, { path: this.file }));
    }
  }
}
