// The catalog: SQLite is the source of truth for roots, photos, vectors, label sets and tags.
// Every query the engine, the indexer, search and tagging need lives here, typed, so that SQL
// stays in one file. Synchronous (better-sqlite3): each call is short and runs on one thread.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Filters, PhotoDetail, PhotoSummary } from '../api/contract.js';
import { appError, err, ok, toAppError, type Result } from '../shared/result.js';
import { migrations } from './migrations.js';

export type PhotoStatus = 'pending' | 'indexed' | 'failed' | 'unsupported';

export interface RootRow {
  id: number;
  path: string;
  addedAt: string;
  watch: boolean;
}

export interface RootCounts extends RootRow {
  photos: number;
  indexed: number;
  failed: number;
}

/** What the scanner knows about a file on disk. */
export interface PhotoFileRow {
  id: number;
  rootId: number;
  path: string;
  size: number;
  mtimeMs: number;
  hash: string | null;
  /** Set by the scanner only for RAW files ('raw'); otherwise filled from content at indexing. */
  format: string | null;
  status: PhotoStatus;
  error: string | null;
}

/** Metadata the indexer writes when a photo decodes. */
export interface PhotoMetadata {
  width: number | null;
  height: number | null;
  format: string | null;
  takenAt: string | null;
  takenAtSource: 'exif' | 'mtime' | null;
  cameraMake: string | null;
  cameraModel: string | null;
  orientation: number | null;
}

export interface LabelSetRow {
  id: number;
  name: string;
  templates: string[];
  threshold: number;
  version: number;
  labels: { id: number; name: string; position: number }[];
  /** Folders the set was run on; '' = the whole library. */
  folders: string[];
}

export interface TagRow {
  photoId: number;
  labelId: number;
  score: number;
}

export interface PhotoQuery {
  /** Default: 'indexed' (only photos with vectors are searchable). null = any status. */
  status?: PhotoStatus | null;
  sort?: 'date-desc' | 'date-asc' | 'path' | 'id';
  offset?: number;
  limit?: number;
}

export interface CatalogCounts {
  total: number;
  indexed: number;
  pending: number;
  failed: number;
  unsupported: number;
}

/** SHA-256s of a model's encoder files (from its model.json), standing for the weights. */
export interface ModelFingerprint {
  image: string;
  text: string;
}

/** What `reconcileModelFingerprint` found and did. */
export interface FingerprintCheck {
  /** 'recorded': none was on file; 'same': unchanged; 'changed': an encoder's weights changed. */
  state: 'recorded' | 'same' | 'changed';
  imageChanged: boolean;
  textChanged: boolean;
  /** Photo vectors of the model deleted (image encoder changed). */
  droppedVectors: number;
  /** Cached label vectors of the model deleted (text encoder changed). */
  droppedLabelVectors: number;
  /** Photos set back to 'pending' (with `requeue`). */
  requeued: number;
}

export interface SkippedRow {
  path: string;
  status: 'failed' | 'unsupported';
  reason: string;
}

const now = (): string => new Date().toISOString();

/** float32 vector <-> BLOB. Copies, so the result never aliases SQLite's buffer. */
export function vectorToBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
}
export function blobToVector(b: Buffer): Float32Array {
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

interface PhotoDbRow {
  id: number;
  root_id: number;
  path: string;
  size: number;
  mtime_ms: number;
  hash: string | null;
  width: number | null;
  height: number | null;
  format: string | null;
  taken_at: string | null;
  camera_make: string | null;
  camera_model: string | null;
  orientation: number | null;
  status: PhotoStatus;
  error: string | null;
}

const toSummary = (r: PhotoDbRow): PhotoSummary => ({ id: r.id, path: r.path, width: r.width, height: r.height, format: r.format, takenAt: r.taken_at });
const toFileRow = (r: PhotoDbRow): PhotoFileRow => ({ id: r.id, rootId: r.root_id, path: r.path, size: r.size, mtimeMs: r.mtime_ms, hash: r.hash, format: r.format, status: r.status, error: r.error });

/** Next calendar day of a YYYY-MM-DD date, so that `dateTo: '2024-05-01'` includes that whole day. */
function dayAfter(date: string): string {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString();
}

export class Catalog {
  private constructor(readonly db: Database.Database, readonly file: string) {}

  /** Opens (creating if needed) `<libraryDir>/catalog.sqlite` and migrates it. */
  static open(file: string, opts: { readonly?: boolean } = {}): Result<Catalog> {
    let db: Database.Database | undefined;
    try {
      db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false, timeout: 5000 });
      if (!opts.readonly) {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL'); // WAL + NORMAL: durable up to the last checkpoint-free commit, never corrupt
      }
      db.pragma('foreign_keys = ON');
      const c = new Catalog(db, file);
      if (!opts.readonly) {
        const m = c.migrate();
        if (!m.ok) {
          db.close();
          return m;
        }
      }
      return ok(c);
    } catch (e) {
      db?.close();
      const a = toAppError(e, 'io', file);
      if (/SQLITE_BUSY|database is locked/i.test(a.message)) return err(appError('busy', 'the library is in use by another process', { path: file }));
      if (/not a database|malformed/i.test(a.message)) return err(appError('io', `the catalog is damaged: ${a.message}`, { path: file, hint: 'move the library folder aside and index again' }));
      return err(a);
    }
  }

  private migrate(): Result<number> {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    if (current > migrations.length) {
      return err(appError('unsupported', `the catalog was written by a newer Shoebox (schema ${current}, this one knows ${migrations.length})`, { path: this.file, hint: 'update Shoebox' }));
    }
    for (let v = current; v < migrations.length; v++) {
      this.db.transaction(() => {
        this.db.exec(migrations[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
    if (this.getMeta('library_id') === null) this.setMeta('library_id', randomUUID());
    return ok(migrations.length);
  }

  schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Runs fn in one transaction (nested calls become savepoints). */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // ---- meta ----------------------------------------------------------------------------------
  getMeta(key: string): string | null {
    const r = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return r?.value ?? null;
  }
  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  // ---- roots ---------------------------------------------------------------------------------
  addRoot(absPath: string): RootRow {
    const p = path.resolve(absPath);
    this.db.prepare('INSERT INTO roots(path, added_at) VALUES (?, ?) ON CONFLICT(path) DO NOTHING').run(p, now());
    return this.rootByPath(p)!;
  }
  rootByPath(absPath: string): RootRow | null {
    const r = this.db.prepare('SELECT id, path, added_at, watch FROM roots WHERE path = ?').get(path.resolve(absPath)) as { id: number; path: string; added_at: string; watch: number } | undefined;
    return r ? { id: r.id, path: r.path, addedAt: r.added_at, watch: !!r.watch } : null;
  }
  root(id: number): RootRow | null {
    const r = this.db.prepare('SELECT id, path, added_at, watch FROM roots WHERE id = ?').get(id) as { id: number; path: string; added_at: string; watch: number } | undefined;
    return r ? { id: r.id, path: r.path, addedAt: r.added_at, watch: !!r.watch } : null;
  }
  roots(): RootCounts[] {
    const rows = this.db.prepare(`
      SELECT r.id, r.path, r.added_at, r.watch,
        COUNT(p.id) AS photos,
        COALESCE(SUM(p.status = 'indexed'), 0) AS indexed,
        COALESCE(SUM(p.status IN ('failed', 'unsupported')), 0) AS failed
      FROM roots r LEFT JOIN photos p ON p.root_id = r.id GROUP BY r.id ORDER BY r.path`).all() as { id: number; path: string; added_at: string; watch: number; photos: number; indexed: number; failed: number }[];
    return rows.map((r) => ({ id: r.id, path: r.path, addedAt: r.added_at, watch: !!r.watch, photos: r.photos, indexed: r.indexed, failed: r.failed }));
  }
  setRootWatch(id: number, watch: boolean): void {
    this.db.prepare('UPDATE roots SET watch = ? WHERE id = ?').run(watch ? 1 : 0, id);
  }
  /** Removes a root with its photos, vectors and tags; returns the removed photo ids. */
  removeRoot(id: number): number[] {
    return this.tx(() => {
      const ids = (this.db.prepare('SELECT id FROM photos WHERE root_id = ?').all(id) as { id: number }[]).map((r) => r.id);
      this.db.prepare('DELETE FROM roots WHERE id = ?').run(id);
      return ids;
    });
  }

  // ---- photos: scanner side -------------------------------------------------------------------
  photoFilesUnder(rootId: number): PhotoFileRow[] {
    return (this.db.prepare('SELECT * FROM photos WHERE root_id = ?').all(rootId) as PhotoDbRow[]).map(toFileRow);
  }
  photoFileByPath(absPath: string): PhotoFileRow | null {
    const r = this.db.prepare('SELECT * FROM photos WHERE path = ?').get(absPath) as PhotoDbRow | undefined;
    return r ? toFileRow(r) : null;
  }
  photoFilesByHash(hash: string): PhotoFileRow[] {
    return (this.db.prepare('SELECT * FROM photos WHERE hash = ?').all(hash) as PhotoDbRow[]).map(toFileRow);
  }
  insertPhoto(p: { rootId: number; path: string; size: number; mtimeMs: number; hash: string | null; status?: PhotoStatus; error?: string | null; format?: string | null }): number {
    const r = this.db.prepare(`INSERT INTO photos(root_id, path, size, mtime_ms, hash, status, error, format, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(p.rootId, p.path, p.size, Math.round(p.mtimeMs), p.hash, p.status ?? 'pending', p.error ?? null, p.format ?? null, now());
    return Number(r.lastInsertRowid);
  }
  /** The file changed in place: forget its vectors and tags and queue it again. */
  markChanged(id: number, f: { size: number; mtimeMs: number; hash: string | null; status?: PhotoStatus; error?: string | null; format?: string | null }): void {
    this.tx(() => {
      this.db.prepare(`UPDATE photos SET size = ?, mtime_ms = ?, hash = ?, status = ?, error = ?, format = COALESCE(?, format), width = NULL, height = NULL, updated_at = ? WHERE id = ?`)
        .run(f.size, Math.round(f.mtimeMs), f.hash, f.status ?? 'pending', f.error ?? null, f.format ?? null, now(), id);
      this.db.prepare('DELETE FROM vectors WHERE photo_id = ?').run(id);
      this.db.prepare('DELETE FROM tags WHERE photo_id = ?').run(id);
    });
  }
  /** The same content turned up at another path: keep the row (and so its vectors and tags). */
  movePhoto(id: number, to: { rootId: number; path: string; mtimeMs: number }): void {
    this.db.prepare('UPDATE photos SET root_id = ?, path = ?, mtime_ms = ?, updated_at = ? WHERE id = ?').run(to.rootId, to.path, Math.round(to.mtimeMs), now(), id);
  }
  deletePhotos(ids: readonly number[]): void {
    const del = this.db.prepare('DELETE FROM photos WHERE id = ?');
    this.tx(() => {
      for (const id of ids) del.run(id);
    });
  }

  // ---- photos: indexer side -------------------------------------------------------------------
  /** Photos that need an encoding for `model`: pending ones, and indexed ones missing its vector. */
  pendingPhotos(model: string, limit = 1_000_000, rootId?: number): PhotoFileRow[] {
    const rows = this.db.prepare(`
      SELECT p.* FROM photos p
      WHERE (p.status = 'pending' OR (p.status = 'indexed' AND NOT EXISTS (SELECT 1 FROM vectors v WHERE v.photo_id = p.id AND v.model = @model)))
        AND (@root IS NULL OR p.root_id = @root)
      ORDER BY p.id LIMIT @limit`).all({ model, limit, root: rootId ?? null }) as PhotoDbRow[];
    return rows.map(toFileRow);
  }
  countPending(model: string, rootId?: number): number {
    const r = this.db.prepare(`
      SELECT COUNT(*) AS n FROM photos p
      WHERE (p.status = 'pending' OR (p.status = 'indexed' AND NOT EXISTS (SELECT 1 FROM vectors v WHERE v.photo_id = p.id AND v.model = @model)))
        AND (@root IS NULL OR p.root_id = @root)`).get({ model, root: rootId ?? null }) as { n: number };
    return r.n;
  }
  /** One batch's outcome in one transaction: vectors + metadata for the good, reasons for the rest. */
  writeBatch(model: string, done: { id: number; vector: Float32Array; meta: PhotoMetadata }[], failed: { id: number; status: 'failed' | 'unsupported'; error: string; meta?: Partial<PhotoMetadata> }[]): void {
    // Delete + insert (not upsert) so a re-encoded photo gets a fresh, higher seq.
    const delVec = this.db.prepare('DELETE FROM vectors WHERE photo_id = ? AND model = ?');
    const putVec = this.db.prepare('INSERT INTO vectors(photo_id, model, dims, vector) VALUES (?, ?, ?, ?)');
    const putMeta = this.db.prepare(`UPDATE photos SET width = @width, height = @height, format = @format, taken_at = @takenAt, taken_at_source = @takenAtSource,
      camera_make = @cameraMake, camera_model = @cameraModel, orientation = @orientation, status = 'indexed', error = NULL, updated_at = @now WHERE id = @id`);
    const putFail = this.db.prepare(`UPDATE photos SET status = ?, error = ?, format = COALESCE(?, format), width = COALESCE(?, width), height = COALESCE(?, height), updated_at = ? WHERE id = ?`);
    const t = now();
    this.tx(() => {
      for (const d of done) {
        // The row may have been deleted (file removed) while the batch was in flight.
        const changes = putMeta.run({ ...d.meta, id: d.id, now: t }).changes;
        if (changes > 0) {
          delVec.run(d.id, model);
          putVec.run(d.id, model, d.vector.length, vectorToBlob(d.vector));
        }
      }
      for (const f of failed) putFail.run(f.status, f.error, f.meta?.format ?? null, f.meta?.width ?? null, f.meta?.height ?? null, t, f.id);
    });
  }
  setPhotoStatus(id: number, status: PhotoStatus, error: string | null = null): void {
    this.db.prepare('UPDATE photos SET status = ?, error = ?, updated_at = ? WHERE id = ?').run(status, error, now(), id);
  }

  // ---- vectors ---------------------------------------------------------------------------------
  /** Vectors of `model` for the given ids (missing ids are absent from the map). */
  vectorsFor(model: string, ids: readonly number[]): Map<number, Float32Array> {
    const out = new Map<number, Float32Array>();
    const q = this.db.prepare('SELECT vector FROM vectors WHERE photo_id = ? AND model = ?');
    for (const id of ids) {
      const r = q.get(id, model) as { vector: Buffer } | undefined;
      if (r) out.set(id, blobToVector(r.vector));
    }
    return out;
  }
  vectorFor(model: string, id: number): Float32Array | null {
    return this.vectorsFor(model, [id]).get(id) ?? null;
  }
  /** Streams every vector of `model` (optionally only those with seq > afterSeq). */
  *iterateVectors(model: string, afterSeq = 0): Generator<{ id: number; seq: number; vector: Float32Array }> {
    const it = this.db.prepare('SELECT photo_id, seq, vector FROM vectors WHERE model = ? AND seq > ? ORDER BY seq').iterate(model, afterSeq) as IterableIterator<{ photo_id: number; seq: number; vector: Buffer }>;
    for (const r of it) yield { id: r.photo_id, seq: r.seq, vector: blobToVector(r.vector) };
  }
  vectorIds(model: string): Set<number> {
    return new Set((this.db.prepare('SELECT photo_id FROM vectors WHERE model = ?').pluck().all(model) as number[]));
  }
  vectorCount(model: string): number {
    return (this.db.prepare('SELECT COUNT(*) FROM vectors WHERE model = ?').pluck().get(model) as number);
  }
  maxVectorSeq(model: string): number {
    return (this.db.prepare('SELECT COALESCE(MAX(seq), 0) FROM vectors WHERE model = ?').pluck().get(model) as number);
  }
  /**
   * Forgets everything computed with `model` (its photo and label vectors, and the fingerprint of
   * the weights that made them); returns the photo vectors dropped.
   */
  dropModelVectors(model: string): number {
    return this.tx(() => {
      const n = this.db.prepare('DELETE FROM vectors WHERE model = ?').run(model).changes;
      this.db.prepare('DELETE FROM label_vectors WHERE model = ?').run(model);
      this.db.prepare('DELETE FROM model_fingerprints WHERE model = ?').run(model);
      return n;
    });
  }

  // ---- model fingerprints -----------------------------------------------------------------------
  /** The fingerprint of the weights that produced `model`'s stored vectors, if one was recorded. */
  modelFingerprint(model: string): ModelFingerprint | null {
    const r = this.db.prepare('SELECT image_sha256, text_sha256 FROM model_fingerprints WHERE model = ?').get(model) as { image_sha256: string; text_sha256: string } | undefined;
    return r ? { image: r.image_sha256, text: r.text_sha256 } : null;
  }
  /**
   * Compares the weights now behind `model` with those its stored vectors came from, and makes the
   * catalog consistent with them in one transaction: a changed image encoder drops the model's
   * photo vectors (the indexer re-encodes every photo lacking one), a changed text encoder drops its
   * cached label vectors (recomputed on demand; assigned tags keep their scores). `requeue` (the
   * model the library is opened with) also sets those photos back to 'pending', so counts say what
   * is left to do. Then `fp` is recorded.
   */
  reconcileModelFingerprint(model: string, fp: ModelFingerprint, opts: { requeue?: boolean } = {}): FingerprintCheck {
    return this.tx(() => {
      const before = this.modelFingerprint(model);
      const imageChanged = before !== null && before.image !== fp.image;
      const textChanged = before !== null && before.text !== fp.text;
      let requeued = 0;
      let droppedVectors = 0;
      let droppedLabelVectors = 0;
      if (imageChanged) {
        if (opts.requeue) {
          requeued = this.db.prepare(`UPDATE photos SET status = 'pending', updated_at = ?
            WHERE status = 'indexed' AND id IN (SELECT photo_id FROM vectors WHERE model = ?)`).run(now(), model).changes;
        }
        droppedVectors = this.db.prepare('DELETE FROM vectors WHERE model = ?').run(model).changes;
      }
      if (textChanged) droppedLabelVectors = this.db.prepare('DELETE FROM label_vectors WHERE model = ?').run(model).changes;
      // With none on file (a new model, or a library indexed before fingerprints were kept) there is
      // no telling which weights made the vectors: they are kept, and from now on they are known.
      if (!before || imageChanged || textChanged) {
        this.db.prepare(`INSERT INTO model_fingerprints(model, image_sha256, text_sha256, recorded_at) VALUES (?, ?, ?, ?)
          ON CONFLICT(model) DO UPDATE SET image_sha256 = excluded.image_sha256, text_sha256 = excluded.text_sha256, recorded_at = excluded.recorded_at`).run(model, fp.image, fp.text, now());
      }
      return { state: before === null ? 'recorded' : imageChanged || textChanged ? 'changed' : 'same', imageChanged, textChanged, droppedVectors, droppedLabelVectors, requeued };
    });
  }
  /** Fraction of photos (not failed/unsupported) with a vector of `model`. */
  coverage(model: string): number {
    const total = this.db.prepare("SELECT COUNT(*) FROM photos WHERE status IN ('pending', 'indexed')").pluck().get() as number;
    return total === 0 ? 0 : this.vectorCount(model) / total;
  }

  // ---- photos: search side ---------------------------------------------------------------------
  private filterSql(f: Filters, status: PhotoStatus | null): { where: string; params: Record<string, unknown> } {
    const w: string[] = [];
    const params: Record<string, unknown> = {};
    if (status) {
      // With a folder, the path range is the selective term: `+` keeps SQLite from walking the
      // status index instead (most photos are 'indexed').
      w.push(f.folder ? '+p.status = @status' : 'p.status = @status');
      params.status = status;
    }
    if (f.folder) {
      const prefixes = this.folderPrefixes(f.folder);
      // A range on the unique path index (BINARY collation compares UTF-8 bytes): every path that
      // starts with "…/dir/" sorts from the prefix up to, not including, the prefix with its final
      // separator bumped by one. substr() = prefix would scan every row.
      const parts = prefixes.map((pre, i) => {
        params[`fp${i}`] = pre;
        params[`fpEnd${i}`] = pre.slice(0, -1) + String.fromCharCode(pre.charCodeAt(pre.length - 1) + 1);
        return `(p.path >= @fp${i} AND p.path < @fpEnd${i})`;
      });
      w.push(parts.length ? `(${parts.join(' OR ')})` : '0');
    }
    if (f.dateFrom) {
      params.dateFrom = f.dateFrom.length === 10 ? `${f.dateFrom}T00:00:00.000Z` : new Date(f.dateFrom).toISOString();
      w.push('p.taken_at >= @dateFrom');
    }
    if (f.dateTo) {
      if (f.dateTo.length === 10) {
        params.dateTo = dayAfter(f.dateTo);
        w.push('p.taken_at < @dateTo');
      } else {
        params.dateTo = new Date(f.dateTo).toISOString();
        w.push('p.taken_at <= @dateTo');
      }
    }
    if (f.tag) {
      const slash = f.tag.indexOf('/');
      if (slash >= 0) {
        params.tagSet = f.tag.slice(0, slash);
        params.tagLabel = f.tag.slice(slash + 1);
        w.push('EXISTS (SELECT 1 FROM tags t JOIN labels l ON l.id = t.label_id JOIN label_sets s ON s.id = t.set_id WHERE t.photo_id = p.id AND s.name = @tagSet AND l.name = @tagLabel)');
      } else {
        params.tagLabel = f.tag;
        w.push('EXISTS (SELECT 1 FROM tags t JOIN labels l ON l.id = t.label_id WHERE t.photo_id = p.id AND l.name = @tagLabel)');
      }
    }
    if (f.format && f.format.length) {
      const names = f.format.map((x, i) => {
        params[`fmt${i}`] = normaliseFormatName(x);
        return `@fmt${i}`;
      });
      w.push(`p.format IN (${names.join(', ')})`);
    }
    if (f.camera) {
      params.camera = `%${f.camera.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      w.push("(lower(COALESCE(p.camera_make, '')) LIKE @camera ESCAPE '\\' OR lower(COALESCE(p.camera_model, '')) LIKE @camera ESCAPE '\\')");
    }
    return { where: w.length ? `WHERE ${w.join(' AND ')}` : '', params };
  }

  /** Absolute folder prefixes (with trailing separator) a folder filter stands for. */
  folderPrefixes(folder: string): string[] {
    const withSep = (p: string): string => (p.endsWith(path.sep) ? p : p + path.sep);
    if (path.isAbsolute(folder)) return [withSep(path.resolve(folder))];
    // Root paths only: roots() also counts every root's photos.
    const roots = this.db.prepare('SELECT path FROM roots ORDER BY path').pluck().all() as string[];
    return roots.map((r) => withSep(path.resolve(r, folder)));
  }

  /** Ids of photos passing the filters, sorted and paged. */
  photoIds(filters: Filters, q: PhotoQuery = {}): number[] {
    const { where, params } = this.filterSql(filters, q.status === undefined ? 'indexed' : q.status);
    const order = { 'date-desc': 'p.taken_at DESC, p.id DESC', 'date-asc': 'p.taken_at ASC, p.id ASC', path: 'p.path ASC', id: 'p.id ASC' }[q.sort ?? 'id'];
    const sql = `SELECT p.id FROM photos p ${where} ORDER BY ${order} LIMIT @limit OFFSET @offset`;
    return this.db.prepare(sql).pluck().all({ ...params, limit: q.limit ?? -1, offset: q.offset ?? 0 }) as number[];
  }
  countPhotos(filters: Filters, status: PhotoStatus | null = 'indexed'): number {
    const count = (): number => {
      const { where, params } = this.filterSql(filters, status);
      return this.db.prepare(`SELECT COUNT(*) FROM photos p ${where}`).pluck().get(params) as number;
    };
    // Every unfiltered search asks for this; COUNT over 100k rows is tens of ms.
    return Catalog.isUnfiltered(filters) ? this.cached(`count:${status ?? 'any'}`, count) : count();
  }

  private readonly memo = new Map<string, { version: string; value: unknown }>();
  private versionStmt: Database.Statement | null = null;
  /**
   * `fn()` cached until the database changes: total_changes() moves with every write of this
   * connection, data_version with every commit of another one, so a stale answer is impossible.
   */
  private cached<T>(key: string, fn: () => T): T {
    // Inside a transaction the answer could be rolled back without moving either counter.
    if (this.db.inTransaction) return fn();
    this.versionStmt ??= this.db.prepare('SELECT total_changes() || \':\' || (SELECT data_version FROM pragma_data_version)').pluck();
    const version = this.versionStmt.get() as string;
    const hit = this.memo.get(key);
    if (hit && hit.version === version) return hit.value as T;
    const value = fn();
    this.memo.set(key, { version, value });
    return value;
  }
  /** True when the filters restrict nothing (so a plain HNSW query needs no post-filter). */
  static isUnfiltered(f: Filters): boolean {
    return !f.folder && !f.dateFrom && !f.dateTo && !f.tag && !(f.format && f.format.length) && !f.camera;
  }

  /** Summaries in the order of `ids` (unknown ids are skipped). */
  summaries(ids: readonly number[]): PhotoSummary[] {
    const q = this.db.prepare('SELECT * FROM photos WHERE id = ?');
    const out: PhotoSummary[] = [];
    for (const id of ids) {
      const r = q.get(id) as PhotoDbRow | undefined;
      if (r) out.push(toSummary(r));
    }
    return out;
  }
  photo(id: number): PhotoDetail | null {
    const r = this.db.prepare('SELECT * FROM photos WHERE id = ?').get(id) as PhotoDbRow | undefined;
    if (!r) return null;
    const tags = this.db.prepare(`SELECT s.name AS "set", l.name AS label, t.score FROM tags t JOIN labels l ON l.id = t.label_id JOIN label_sets s ON s.id = t.set_id
      WHERE t.photo_id = ? ORDER BY s.name, t.score DESC`).all(id) as { set: string; label: string; score: number }[];
    return {
      ...toSummary(r),
      size: r.size,
      mtime: new Date(r.mtime_ms).toISOString(),
      cameraMake: r.camera_make,
      cameraModel: r.camera_model,
      orientation: r.orientation,
      status: r.status,
      error: r.error,
      tags,
    };
  }
  /** Photo id for an absolute path (CLI `similar <file>`). */
  photoIdByPath(absPath: string): number | null {
    return (this.db.prepare('SELECT id FROM photos WHERE path = ?').pluck().get(path.resolve(absPath)) as number | undefined) ?? null;
  }

  counts(): CatalogCounts {
    return { ...this.cached('counts', () => this.db.prepare(`SELECT COUNT(*) AS total, COALESCE(SUM(status = 'indexed'), 0) AS indexed, COALESCE(SUM(status = 'pending'), 0) AS pending,
      COALESCE(SUM(status = 'failed'), 0) AS failed, COALESCE(SUM(status = 'unsupported'), 0) AS unsupported FROM photos`).get() as CatalogCounts) };
  }

  // ---- skipped files and scan issues -------------------------------------------------------------
  setScanIssue(rootId: number, p: string, reason: string): void {
    this.db.prepare('INSERT INTO scan_issues(path, root_id, reason, at) VALUES (?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET reason = excluded.reason, at = excluded.at').run(p, rootId, reason, now());
  }
  clearScanIssues(rootId: number): void {
    this.db.prepare('DELETE FROM scan_issues WHERE root_id = ?').run(rootId);
  }
  clearScanIssue(p: string): void {
    this.db.prepare('DELETE FROM scan_issues WHERE path = ?').run(p);
  }
  /** Failed and unsupported photos, then scanner issues (reported as failed). */
  skipped(offset = 0, limit = 1_000_000): { files: SkippedRow[]; total: number } {
    const total = (this.db.prepare("SELECT COUNT(*) FROM photos WHERE status IN ('failed', 'unsupported')").pluck().get() as number)
      + (this.db.prepare('SELECT COUNT(*) FROM scan_issues').pluck().get() as number);
    const files = this.db.prepare(`
      SELECT path, status, COALESCE(error, 'unknown error') AS reason FROM photos WHERE status IN ('failed', 'unsupported')
      UNION ALL SELECT path, 'failed' AS status, reason FROM scan_issues
      ORDER BY path LIMIT ? OFFSET ?`).all(limit, offset) as SkippedRow[];
    return { files, total };
  }

  // ---- label sets, labels, tags ----------------------------------------------------------------
  labelSets(): LabelSetRow[] {
    const sets = this.db.prepare('SELECT id FROM label_sets ORDER BY name').pluck().all() as number[];
    return sets.map((id) => this.labelSetById(id)!);
  }
  labelSet(name: string): LabelSetRow | null {
    const id = this.db.prepare('SELECT id FROM label_sets WHERE name = ?').pluck().get(name) as number | undefined;
    return id === undefined ? null : this.labelSetById(id);
  }
  labelSetById(id: number): LabelSetRow | null {
    const s = this.db.prepare('SELECT * FROM label_sets WHERE id = ?').get(id) as { id: number; name: string; templates: string; threshold: number; version: number } | undefined;
    if (!s) return null;
    const labels = this.db.prepare('SELECT id, name, position FROM labels WHERE set_id = ? ORDER BY position').all(id) as { id: number; name: string; position: number }[];
    const folders = this.db.prepare('SELECT folder FROM label_set_folders WHERE set_id = ? ORDER BY folder').pluck().all(id) as string[];
    return { id: s.id, name: s.name, templates: JSON.parse(s.templates) as string[], threshold: s.threshold, version: s.version, labels, folders };
  }
  /**
   * Creates a set, or replaces an existing one of that name. The version goes up whenever labels,
   * templates or threshold change; cached label vectors and tags of removed labels go with them.
   */
  upsertLabelSet(input: { name: string; labels: readonly string[]; templates: readonly string[]; threshold: number }): LabelSetRow {
    return this.tx(() => {
      const t = now();
      const existing = this.labelSet(input.name);
      let setId: number;
      if (!existing) {
        setId = Number(this.db.prepare('INSERT INTO label_sets(name, templates, threshold, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)')
          .run(input.name, JSON.stringify(input.templates), input.threshold, t, t).lastInsertRowid);
      } else {
        setId = existing.id;
        const same = existing.threshold === input.threshold && JSON.stringify(existing.templates) === JSON.stringify(input.templates)
          && JSON.stringify(existing.labels.map((l) => l.name)) === JSON.stringify(input.labels);
        if (same) return existing;
        this.db.prepare('UPDATE label_sets SET templates = ?, threshold = ?, version = version + 1, updated_at = ? WHERE id = ?').run(JSON.stringify(input.templates), input.threshold, t, setId);
        const keep = new Set(input.labels);
        for (const l of existing.labels) if (!keep.has(l.name)) this.db.prepare('DELETE FROM labels WHERE id = ?').run(l.id);
        // Templates changed: cached label vectors are stale.
        if (JSON.stringify(existing.templates) !== JSON.stringify(input.templates)) {
          this.db.prepare('DELETE FROM label_vectors WHERE label_id IN (SELECT id FROM labels WHERE set_id = ?)').run(setId);
        }
      }
      const up = this.db.prepare('INSERT INTO labels(set_id, name, position) VALUES (?, ?, ?) ON CONFLICT(set_id, name) DO UPDATE SET position = excluded.position');
      input.labels.forEach((name, i) => up.run(setId, name, i));
      return this.labelSetById(setId)!;
    });
  }
  deleteLabelSet(name: string): boolean {
    return this.db.prepare('DELETE FROM label_sets WHERE name = ?').run(name).changes > 0;
  }
  addLabelSetFolder(setId: number, folder: string): void {
    this.db.prepare('INSERT INTO label_set_folders(set_id, folder) VALUES (?, ?) ON CONFLICT DO NOTHING').run(setId, folder);
  }
  /** Cached label vectors of `model` for the set's current version, by label id. */
  labelVectors(setId: number, model: string): Map<number, Float32Array> {
    const rows = this.db.prepare(`SELECT lv.label_id, lv.vector FROM label_vectors lv JOIN labels l ON l.id = lv.label_id JOIN label_sets s ON s.id = l.set_id
      WHERE l.set_id = ? AND lv.model = ? AND lv.set_version = s.version`).all(setId, model) as { label_id: number; vector: Buffer }[];
    return new Map(rows.map((r) => [r.label_id, blobToVector(r.vector)]));
  }
  putLabelVectors(setId: number, model: string, vectors: ReadonlyMap<number, Float32Array>): void {
    const version = this.db.prepare('SELECT version FROM label_sets WHERE id = ?').pluck().get(setId) as number;
    const put = this.db.prepare(`INSERT INTO label_vectors(label_id, model, set_version, vector) VALUES (?, ?, ?, ?)
      ON CONFLICT(label_id, model) DO UPDATE SET set_version = excluded.set_version, vector = excluded.vector`);
    this.tx(() => {
      for (const [labelId, v] of vectors) put.run(labelId, model, version, vectorToBlob(v));
    });
  }
  /** Replaces the set's tags on `photoIds` with `tags` (photos without a passing label end untagged). */
  replaceTags(setId: number, model: string, photoIds: readonly number[], tags: readonly TagRow[]): void {
    const version = this.db.prepare('SELECT version FROM label_sets WHERE id = ?').pluck().get(setId) as number;
    const del = this.db.prepare('DELETE FROM tags WHERE set_id = ? AND photo_id = ?');
    const put = this.db.prepare('INSERT OR REPLACE INTO tags(photo_id, label_id, set_id, score, set_version, model) VALUES (?, ?, ?, ?, ?, ?)');
    this.tx(() => {
      for (const id of photoIds) del.run(setId, id);
      for (const t of tags) put.run(t.photoId, t.labelId, setId, t.score, version, model);
    });
  }
  tagCounts(setName?: string): { set: string; label: string; count: number }[] {
    return this.db.prepare(`SELECT s.name AS "set", l.name AS label, COUNT(t.photo_id) AS count
      FROM labels l JOIN label_sets s ON s.id = l.set_id LEFT JOIN tags t ON t.label_id = l.id
      WHERE (@set IS NULL OR s.name = @set) GROUP BY l.id ORDER BY s.name, l.position`).all({ set: setName ?? null }) as { set: string; label: string; count: number }[];
  }
  /** Photo ids tagged with `label` (optionally in one set), best score first. */
  photosWithTag(label: string, setName?: string): number[] {
    return this.db.prepare(`SELECT t.photo_id FROM tags t JOIN labels l ON l.id = t.label_id JOIN label_sets s ON s.id = t.set_id
      WHERE l.name = @label AND (@set IS NULL OR s.name = @set) ORDER BY t.score DESC`).pluck().all({ label, set: setName ?? null }) as number[];
  }
  /** Sets whose tagged folders contain `absPath` (for tagging new photos as they are indexed). */
  labelSetsCovering(absPath: string): LabelSetRow[] {
    return this.labelSets().filter((s) => s.folders.some((f) => f === '' || this.folderPrefixes(f).some((pre) => absPath.startsWith(pre))));
  }
}

/** 'jpg' → 'jpeg', 'tif' → 'tiff', 'heic' → 'heif': the names the catalog stores. */
export function normaliseFormatName(f: string): string {
  const x = f.toLowerCase().replace(/^\./, '');
  return ({ jpg: 'jpeg', tif: 'tiff', heic: 'heif' } as Record<string, string>)[x] ?? x;
}
