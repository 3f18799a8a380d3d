// The indexing pipeline: pending rows in SQLite → decode + preprocess (bounded concurrency, one
// batch ahead of the encoder) → image encoder in batches → one transaction per batch (vectors +
// metadata + status) → HNSW → periodic atomic checkpoint of the index file. SIGKILL at any point
// loses at most the batch in flight: SQLite has every committed batch, and the vector index
// catches up from SQLite at the next open.
import path from 'node:path';
import type { IndexProgress } from '../api/contract.js';
import type { EngineContext } from '../engine/context.js';
import type { PhotoFileRow, PhotoMetadata } from '../library/catalog.js';
import { readExif } from '../library/metadata.js';
import { appError, err, ok, type AppError, type Result } from '../shared/result.js';
import { createLimiter } from '../shared/limiter.js';

export interface IndexerOptions {
  batchSize?: number;
  /** Images decoded at once (sharp/libvips work on the libuv pool). */
  decodeConcurrency?: number;
  /** Save the HNSW file at least this often while indexing (ms). */
  checkpointEveryMs?: number;
  onProgress?: (p: IndexProgress) => void;
  /**
   * When the encoder fails on a batch: 'mark-failed' (default) records the photos as failed with
   * the reason; 'stop' ends the run with the error and leaves them as they were — used when
   * re-indexing for another model, where a broken model must not mark good photos failed.
   */
  onEncoderError?: 'mark-failed' | 'stop';
}

export interface IndexRunSummary {
  state: 'done' | 'cancelled';
  indexed: number;
  failed: number;
  unsupported: number;
  tookMs: number;
}

interface Decoded {
  row: PhotoFileRow;
  tensor: Float32Array | null;
  meta: PhotoMetadata;
  failure: { status: 'failed' | 'unsupported'; error: string } | null;
}

const FORMAT_NAMES: Record<string, string> = { bmp: 'BMP', heif: 'HEIC', heic: 'HEIC', raw: 'RAW' };

/** Maps a decode error to the status and the one-line reason the user sees. */
export function classifyDecodeFailure(row: PhotoFileRow, e: AppError, fileExists: boolean): { status: 'failed' | 'unsupported'; error: string } {
  const ext = path.extname(row.path).slice(1).toLowerCase();
  const extFormat = ext === 'heic' || ext === 'heif' || ext === 'hif' ? 'heif' : ext === 'bmp' ? 'bmp' : null;
  if (!fileExists || e.code === 'not-found') return { status: 'failed', error: 'file vanished before it could be indexed' };
  if (row.hash === null && row.size === 0) return { status: 'failed', error: 'empty file (0 bytes)' };
  if (e.code === 'unsupported') return { status: 'unsupported', error: e.message };
  const fmt = row.format === 'raw' ? 'raw' : extFormat;
  if (fmt && e.code !== 'too-large' && e.code !== 'io') {
    const why = fmt === 'raw' ? 'no decodable embedded preview' : 'no decoder for it in this build';
    return { status: 'unsupported', error: `unsupported format: ${FORMAT_NAMES[fmt]!} (${why}: ${e.message})` };
  }
  return { status: 'failed', error: e.message };
}

export class Indexer {
  private state: IndexProgress['state'] = 'idle';
  private done = 0;
  private failed = 0;
  private total = 0;
  private startedAt = 0;
  private currentFile: string | null = null;
  private pauseGate: { promise: Promise<void>; release: () => void } | null = null;
  private cancelled = false;
  private running: Promise<Result<IndexRunSummary>> | null = null;
  private readonly listeners = new Set<(p: IndexProgress) => void>();

  constructor(private readonly ctx: EngineContext, private readonly opts: IndexerOptions = {}) {
    if (opts.onProgress) this.listeners.add(opts.onProgress);
  }

  onProgress(fn: (p: IndexProgress) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get isRunning(): boolean {
    return this.running !== null;
  }

  progress(): IndexProgress {
    const elapsed = this.startedAt ? (Date.now() - this.startedAt) / 1000 : 0;
    const rate = elapsed > 0 ? this.done / elapsed : 0;
    const left = Math.max(0, this.total - this.done);
    return {
      state: this.state,
      done: this.done,
      total: this.total,
      failed: this.failed,
      ratePerSec: Math.round(rate * 100) / 100,
      etaSec: rate > 0 && this.state !== 'done' ? Math.round(left / rate) : null,
      currentFile: this.currentFile,
      model: this.ctx.modelId,
    };
  }

  private emit(): void {
    const p = this.progress();
    for (const l of this.listeners) l(p);
    this.ctx.emit({ type: 'progress', progress: p });
  }

  /** Sets the scanning state (the engine scans before it indexes) so progress shows it. */
  setScanning(found: number): void {
    if (this.running) return;
    this.state = 'scanning';
    this.total = found;
    this.emit();
  }

  pause(): IndexProgress {
    if (this.state === 'indexing' && !this.pauseGate) {
      let release!: () => void;
      const promise = new Promise<void>((r) => (release = r));
      this.pauseGate = { promise, release };
      this.state = 'paused';
      this.emit();
    }
    return this.progress();
  }

  resume(): IndexProgress {
    if (this.pauseGate) {
      this.pauseGate.release();
      this.pauseGate = null;
      this.state = 'indexing';
      this.emit();
    }
    return this.progress();
  }

  cancel(): IndexProgress {
    if (this.running) {
      this.cancelled = true;
      this.resume();
    }
    return this.progress();
  }

  /** Indexes every pending photo (of one root when given). Concurrent calls share one run. */
  run(rootId?: number): Promise<Result<IndexRunSummary>> {
    if (!this.running) {
      this.running = this.loop(rootId).finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  /** Waits for the current run, if any. */
  async idle(): Promise<void> {
    if (this.running) await this.running;
  }

  private async decodeOne(row: PhotoFileRow): Promise<Decoded> {
    const mtimeIso = new Date(row.mtimeMs).toISOString();
    const [dec, exif] = await Promise.all([this.ctx.decode(row.path), readExif(row.path)]);
    const meta: PhotoMetadata = {
      width: null, height: null, format: row.format, takenAt: exif.takenAt ?? mtimeIso, takenAtSource: exif.takenAt ? 'exif' : 'mtime',
      cameraMake: exif.cameraMake, cameraModel: exif.cameraModel, orientation: exif.orientation,
    };
    if (!dec.ok) {
      const { existsSync } = await import('node:fs');
      return { row, tensor: null, meta, failure: classifyDecodeFailure(row, dec.error, existsSync(row.path)) };
    }
    const info = dec.value.info;
    meta.width = info.displayWidth;
    meta.height = info.displayHeight;
    meta.format = row.format === 'raw' ? 'raw' : info.format;
    if (info.orientation !== null && info.orientation >= 1 && info.orientation <= 8) meta.orientation = info.orientation;
    return { row, tensor: dec.value.tensor, meta, failure: null };
  }

  private async loop(rootId?: number): Promise<Result<IndexRunSummary>> {
    const { catalog, vectors, modelId } = this.ctx;
    const batchSize = this.opts.batchSize ?? 16;
    const conc = this.opts.decodeConcurrency ?? 2;
    const checkpointMs = this.opts.checkpointEveryMs ?? 30_000;
    this.cancelled = false;
    this.state = 'indexing';
    this.done = 0;
    this.failed = 0;
    this.total = catalog.countPending(modelId, rootId);
    this.startedAt = Date.now();
    this.emit();
    if (this.total > 0 && this.ctx.model.ready) {
      // A lazily opened model loads now: a broken one fails the run before any photo is touched.
      const r = await this.ctx.model.ready();
      if (!r.ok) {
        this.state = 'idle';
        this.emit();
        return r;
      }
    }
    const summary: IndexRunSummary = { state: 'done', indexed: 0, failed: 0, unsupported: 0, tookMs: 0 };
    const claimed = new Set<number>();
    let lastSave = Date.now();

    // One decode pool shared by every batch: the next batch's decodes start the moment the current
    // batch's slow tail frees a slot (measured: a per-batch pool left the cores idle on each batch's
    // slowest photo, 0.82 of bare decode).
    const limit = createLimiter(Math.max(1, conc));
    const fetchAndDecode = async (): Promise<Decoded[]> => {
      const rows = catalog.pendingPhotos(modelId, batchSize + claimed.size, rootId).filter((r) => !claimed.has(r.id)).slice(0, batchSize);
      for (const r of rows) claimed.add(r.id);
      return Promise.all(rows.map((r) => limit(() => this.decodeOne(r))));
    };

    // Two batches are in flight behind the one being encoded, sharing `conc` decode slots.
    let next = fetchAndDecode();
    let after = fetchAndDecode();
    after.catch(() => undefined);
    try {
      for (;;) {
        const batch = await next;
        if (batch.length === 0 || this.cancelled) break;
        next = after;
        after = fetchAndDecode();
        after.catch(() => undefined);
        if (this.pauseGate) await this.pauseGate.promise;
        if (this.cancelled) break;
        this.currentFile = batch[batch.length - 1]!.row.path;

        const good = batch.filter((d) => d.tensor);
        const failures = batch.filter((d) => d.failure).map((d) => ({ id: d.row.id, ...d.failure!, meta: d.meta }));
        let written: { id: number; vector: Float32Array; meta: PhotoMetadata }[] = [];
        if (good.length) {
          const per = good[0]!.tensor!.length;
          const pixels = new Float32Array(per * good.length);
          good.forEach((d, i) => pixels.set(d.tensor!, i * per));
          const enc = await this.ctx.model.image.encode(pixels, good.length);
          if (enc.ok) written = good.map((d, i) => ({ id: d.row.id, vector: enc.value[i]!, meta: d.meta }));
          else if (this.opts.onEncoderError === 'stop') throw new Error(`the image encoder of ${modelId} failed: ${enc.error.message}`);
          else for (const d of good) failures.push({ id: d.row.id, status: 'failed', error: `the image encoder failed: ${enc.error.message}`, meta: d.meta });
        }
        catalog.writeBatch(modelId, written, failures);
        // The photos may have been removed while in flight: only rows that now have a vector enter the index.
        const stored = catalog.vectorsFor(modelId, written.map((w) => w.id));
        for (const [id, v] of stored) vectors.add(id, v);
        vectors.syncedTo(catalog.maxVectorSeq(modelId));
        for (const b of batch) claimed.delete(b.row.id);

        this.done += batch.length;
        this.failed += failures.length;
        summary.indexed += stored.size;
        for (const f of failures) {
          if (f.status === 'unsupported') summary.unsupported++;
          else summary.failed++;
        }
        if (this.done > this.total) this.total = this.done;

        if (stored.size && this.ctx.onPhotosIndexed) {
          const t = await this.ctx.onPhotosIndexed(this.ctx, [...stored.keys()]).catch((e: unknown) => err(appError('internal', `tagging new photos failed: ${String(e)}`)));
          if (!t.ok) this.ctx.emit({ type: 'error', error: t.error });
        }
        if (Date.now() - lastSave >= checkpointMs) {
          const s = vectors.save();
          if (!s.ok) this.ctx.emit({ type: 'error', error: s.error });
          lastSave = Date.now();
        }
        this.emit();
      }
      await Promise.all([next.catch(() => undefined), after.catch(() => undefined)]);
      vectors.compactIfNeeded();
      const s = vectors.save();
      if (!s.ok) this.ctx.emit({ type: 'error', error: s.error });
      summary.state = this.cancelled ? 'cancelled' : 'done';
      this.state = summary.state;
      this.currentFile = null;
      summary.tookMs = Date.now() - this.startedAt;
      this.emit();
      if (summary.indexed || summary.failed || summary.unsupported) this.ctx.emit({ type: 'library-changed', reason: 'photos' });
      return ok(summary);
    } catch (e) {
      this.state = 'idle';
      const a = appError('internal', `indexing stopped: ${e instanceof Error ? e.message : String(e)}`);
      this.ctx.emit({ type: 'error', error: a });
      return err(a);
    } finally {
      if (this.pauseGate) this.resume();
    }
  }
}
