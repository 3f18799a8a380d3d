// The engine facade: opens a library (lock, catalog, model, vector index) and implements
// LibraryApi over it. Inputs are validated with the contract's schemas; every failure comes back
// as { ok: false, error }. Search and tagging are role search's modules, loaded when present.
import fs from 'node:fs';
import path from 'node:path';
import {
  methods,
  type ApiError,
  type ApiEvent,
  type ApiResult,
  type IndexProgress,
  type LibraryApi,
  type MethodName,
  type MethodOutput,
  type MethodParsedInput,
} from '../api/contract.js';
import type { ModelManifest } from '../embed/common/model-format.js';
import { Indexer, type IndexRunSummary } from '../indexer/indexer.js';
import { Catalog } from '../library/catalog.js';
import { acquireLibraryLock, type LibraryLock } from '../library/lock.js';
import { catalogFile } from '../library/paths.js';
import { scanPaths, scanRoots, type ScanFs, type ScanReport } from '../library/scanner.js';
import type { RootWatcher } from '../library/watcher.js';
import { appError, err, formatError, ok, toAppError, type AppError, type Result } from '../shared/result.js';
import { VectorIndex } from '../vectors/vector-index.js';
import type { ModelManager, ModelManagerOptions } from '../models/manager.js';
import type { EngineContext, EngineModel, ImageDecoder } from './context.js';
import { openLazyModel, readManifestOnly } from './lazy-model.js';
import { reconcileModelWeights } from './model-weights.js';
import { resolveThreadSplit } from '../embed/node/thread-split.js';

export interface EngineOptions {
  libraryDir: string;
  /** Model folder; default the library's active model (`shoebox models use`), else the bundled one. */
  modelDir?: string;
  /** ONNX Runtime intra-op threads; default SHOEBOX_THREADS, else min(4, cores) (thread-split.ts). */
  threads?: number;
  /** Photos decoded at once while indexing; default SHOEBOX_DECODE_CONCURRENCY, else min(4, cores). */
  decodeConcurrency?: number;
  /** Watch the roots for changes while the engine is open. */
  watch?: boolean;
  /** Tests: an already loaded model (skips loadModel) and/or a decoder. */
  model?: EngineModel;
  decode?: ImageDecoder;
  batchSize?: number;
  checkpointEveryMs?: number;
  /** Tests: file-system calls of the scanner. */
  scanFs?: ScanFs;
  /**
   * Open the model lazily: read model.json now, create the ONNX sessions on the first encode
   * (CLI `status` and `index`, which often encode nothing). Default false: app hosts want the
   * first search fast.
   */
  lazyModel?: boolean;
  /** How a model folder is loaded (default loadModel with `threads`); tests wrap it to count encodes. */
  loadModel?: (dir: string) => Promise<Result<EngineModel>>;
  /** The model that ships with the app (default models/demo). */
  bundledModelDir?: string;
  /**
   * App hosts: when the library's active model (chosen with `shoebox models use` while it was
   * closed) does not cover the library yet and the previous model does, open with the previous one
   * and re-index for the active one in the background (as useModel does). Off for CLI commands,
   * which should not start work they will not finish.
   */
  switchInBackground?: boolean;
  /** Model manager settings (catalog, hub, env): tests point them at a local hub. */
  models?: Pick<ModelManagerOptions, 'catalog' | 'env' | 'hub'>;
}

/** A switch to another model that re-indexes in the background (useModel on a model without full coverage). */
export interface ModelSwitch {
  /** The model being switched to. */
  readonly id: string;
  progress(): IndexProgress;
  /** Resolves when the switch ends: 'swapped' (the new model is active) or 'cancelled'. */
  readonly done: Promise<Result<'swapped' | 'cancelled'>>;
}

export interface IndexFoldersResult {
  scan: ScanReport;
  run: IndexRunSummary;
}

export interface Engine extends LibraryApi {
  readonly ctx: EngineContext;
  readonly indexer: Indexer;
  /** Adds the folders as roots (when not yet), scans them and indexes; resolves when done. */
  indexFolders(folders: string[], opts?: { onScanProgress?: (found: number) => void }): Promise<Result<IndexFoldersResult>>;
  /** Starts watching the roots (chokidar); changes are scanned and indexed as they come. */
  startWatching(): Promise<Result<void>>;
  /** The model switch in progress, if any. */
  modelSwitch(): ModelSwitch | null;
  /**
   * One line for the user about the model, else null: why the library's active model was not the
   * one loaded (missing or invalid), or that a model's weights changed since the library was
   * indexed (its photos are re-indexed). Several are joined with '; '.
   */
  readonly modelNotice: string | null;
  close(): Promise<void>;
}

/** role search's entry points (app/search/index.ts, app/tagging/index.ts), as the engine calls them. */
interface SearchModule {
  search(ctx: EngineContext, req: MethodParsedInput<'search'>): Promise<Result<MethodOutput<'search'>>>;
  similar(ctx: EngineContext, req: MethodParsedInput<'similar'>): Promise<Result<MethodOutput<'similar'>>>;
}
interface TaggingModule {
  createLabelSet(ctx: EngineContext, input: MethodParsedInput<'createLabelSet'>): Promise<Result<MethodOutput<'createLabelSet'>>>;
  labelSets(ctx: EngineContext): Promise<Result<MethodOutput<'labelSets'>>> | Result<MethodOutput<'labelSets'>> | MethodOutput<'labelSets'>;
  deleteLabelSet(ctx: EngineContext, name: string): Promise<Result<MethodOutput<'deleteLabelSet'>>> | Result<MethodOutput<'deleteLabelSet'>> | MethodOutput<'deleteLabelSet'>;
  runTagging(ctx: EngineContext, req: MethodParsedInput<'runTagging'>): Promise<Result<MethodOutput<'runTagging'>>>;
  tagCounts(ctx: EngineContext, req: MethodParsedInput<'tagCounts'>): Promise<Result<MethodOutput<'tagCounts'>>> | Result<MethodOutput<'tagCounts'>>;
  tagNewPhotos(ctx: EngineContext, ids: number[]): Promise<Result<number>>;
}

// Loaded on first use, so that a CLI command only pays for the modules it needs (start-up time
// counts: every `shoebox` run compiles its modules through tsx).
let searchModule: Promise<SearchModule> | null = null;
let taggingModule: Promise<TaggingModule> | null = null;
const loadSearch = (): Promise<SearchModule> => (searchModule ??= import('../search/index.js'));
const loadTagging = (): Promise<TaggingModule> => (taggingModule ??= import('../tagging/index.js'));

let preprocessModule: Promise<typeof import('../embed/node/preprocess.js')> | null = null;
/** role pre's preprocess (sharp); libvips is set up for indexing the first time it loads. */
const loadPreprocess = (): Promise<typeof import('../embed/node/preprocess.js')> => (preprocessModule ??= (async () => {
  const { default: sharp } = await import('sharp');
  // libvips runs its own threads per image; with `decodeConcurrency` images decoding at once, one vips
  // thread each keeps the total near the core count.
  sharp.concurrency(1);
  // Indexing reads each file once: libvips' operation cache (up to 50 MB and 20 open files by
  // default) would only hold memory and file handles (which keep deleted files alive on Windows).
  sharp.cache(false);
  return import('../embed/node/preprocess.js');
})());

/** Accepts T, Result<T> or a promise of either (role search's functions vary). */
async function asResult<T>(v: T | Result<T> | Promise<T | Result<T>>): Promise<Result<T>> {
  const x = await v;
  if (x && typeof x === 'object' && 'ok' in x && typeof (x as { ok: unknown }).ok === 'boolean') return x as Result<T>;
  return ok(x as T);
}

const toApiError = (e: AppError): ApiError => ({ code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}), ...(e.path ? { path: e.path } : {}) });

export async function createEngine(opts: EngineOptions): Promise<Result<Engine>> {
  const libraryDir = path.resolve(opts.libraryDir);
  try {
    fs.mkdirSync(libraryDir, { recursive: true });
  } catch (e) {
    return err(toAppError(e, 'io', libraryDir));
  }
  const lock = acquireLibraryLock(libraryDir);
  if (!lock.ok) return lock;
  const opened = await openWithLock(libraryDir, lock.value, opts);
  if (!opened.ok) lock.value.release();
  return opened;
}

type MutableContext = { -readonly [K in keyof EngineContext]: EngineContext[K] };

const modelInfo = (m: ModelManifest): MethodOutput<'useModel'> => ({ id: m.id, name: m.name, embeddingSize: m.embeddingSize, bundled: m.source.kind === 'bundled' });

async function openWithLock(libraryDir: string, lock: LibraryLock, opts: EngineOptions): Promise<Result<Engine>> {
  // Decoding and inference share the cores; the split follows the indexing benchmark.
  const split = resolveThreadSplit(opts);
  if (!split.ok) return split;
  const threads = split.value.inferenceThreads;
  const decodeConcurrency = split.value.decodeConcurrency;
  // role rt's loader and role hub's model folders are imported when used: they bring the tokenizer
  // (ftfy tables) that `shoebox index` never needs.
  const modelLoad = (): Promise<typeof import('../embed/node/model-load.js')> => import('../embed/node/model-load.js');
  const getBundledDir = async (): Promise<string> => opts.bundledModelDir ?? (await modelLoad()).bundledModelDir();
  const loadDir = opts.loadModel ?? (async (dir: string) => (await modelLoad()).loadModel(dir, { threads }));
  const cat = Catalog.open(catalogFile(libraryDir));
  if (!cat.ok) return cat;
  const catalog = cat.value;
  let model: EngineModel;
  let modelNotice: string | null = null;
  let resumeSwitch: string | null = null;
  if (opts.model) model = opts.model;
  else {
    let dir = opts.modelDir;
    if (dir === undefined) {
      const { activeModelDir, installedModels } = await import('../models/installed.js');
      const bundled = await getBundledDir();
      const active = await activeModelDir(libraryDir, bundled);
      dir = active.dir;
      modelNotice = active.fallbackReason;
      // The active model was chosen while the library was closed (`shoebox models use`) and does not
      // cover it yet: open with the previous model, which does, and switch in the background.
      const previous = catalog.getMeta('model');
      const activeManifest = active.id ? null : await readManifestOnly(active.dir);
      const activeId = active.id ?? (activeManifest?.ok ? activeManifest.value.id : null);
      if (opts.switchInBackground && previous && activeId && previous !== activeId && catalog.countPending(activeId) > 0 && catalog.countPending(previous) === 0) {
        const prev = (await installedModels(libraryDir, bundled)).find((x) => x.id === previous);
        if (prev) {
          resumeSwitch = active.dir;
          dir = prev.dir;
        }
      }
    }
    const m = opts.lazyModel ? await openLazyModel(dir, { threads, load: opts.loadModel }) : await loadDir(dir);
    if (!m.ok) {
      catalog.close();
      return m;
    }
    model = m.value;
  }
  const modelId = model.manifest.id;
  const addNotice = (line: string | null): void => {
    if (line) modelNotice = modelNotice ? `${modelNotice}; ${line}` : line;
  };
  // Vectors of other weights under this id are dropped before its index opens. Photo statuses
  // follow the model the library is on (meta 'model', below), so only its photos go back to pending.
  addNotice(reconcileModelWeights(catalog, libraryDir, model.manifest, { requeue: (catalog.getMeta('model') ?? modelId) === modelId }).notice);
  // meta 'model' = the model the library is on: the last one that covered it (what a later open
  // falls back to while a newly chosen model is still re-indexing).
  const noteCoverage = (id: string): void => {
    if (catalog.getMeta('model') !== id && catalog.countPending(id) === 0) catalog.setMeta('model', id);
  };
  if (catalog.getMeta('model') === null) catalog.setMeta('model', modelId);
  else noteCoverage(modelId);
  const vi = VectorIndex.open({ dir: libraryDir, model: modelId, dims: model.manifest.embeddingSize, catalog });
  if (!vi.ok) {
    catalog.close();
    await model.close();
    return vi;
  }
  const listeners = new Set<(e: ApiEvent) => void>();
  const decoderFor = (m: EngineModel): ImageDecoder => {
    const spec = m.manifest.preprocess;
    return opts.decode ?? (async (file) => (await loadPreprocess()).preprocessImage(file, spec));
  };
  const ctx: MutableContext = {
    libraryDir,
    catalog,
    vectors: vi.value,
    model,
    modelId,
    decode: decoderFor(model),
    emit(event) {
      for (const l of listeners) {
        try {
          l(event);
        } catch {
          // a listener's failure is its own; the engine goes on
        }
      }
    },
  };
  // Tagging new photos only matters once a label set exists; until then its modules stay unloaded.
  ctx.onPhotosIndexed = async (c, ids) => (catalog.labelSets().length === 0 ? ok(0) : (await loadTagging()).tagNewPhotos(c, ids));

  const indexerOpts = { batchSize: opts.batchSize ?? 16, decodeConcurrency, checkpointEveryMs: opts.checkpointEveryMs ?? 30_000 };
  const indexer = new Indexer(ctx, indexerOpts);
  indexer.onProgress((p) => {
    if (p.state === 'done') noteCoverage(ctx.modelId);
  });
  let watcher: RootWatcher | null = null;
  let closing = false;
  let closed = false;
  let closeOnce: Promise<void> | null = null;
  let rescanQueued = false;
  const emitError = (e: AppError): void => ctx.emit({ type: 'error', error: toApiError(e) });
  const runPending = (): void => {
    void indexer.run().then((r) => {
      if (!r.ok) emitError(r.error);
    });
  };

  // ---- models: the manager (downloads, installed models, the active record) and switching -----
  let manager: ModelManager | null = null;
  const getManager = async (): Promise<ModelManager> => {
    if (!manager) {
      // Loaded on first use: `shoebox index` and `status` never need the download code.
      const { ModelManager: Manager } = await import('../models/manager.js');
      manager = new Manager({ libraryDir, bundledDir: await getBundledDir(), ...opts.models, onProgress: (p) => ctx.emit({ type: 'download', progress: p }) });
    }
    return manager;
  };
  /** Calls that use the active model; a swap waits for them so none sees half of each model. */
  const modelCalls = new Set<Promise<unknown>>();
  const usesModel = new Set<MethodName>(['search', 'similar', 'createLabelSet', 'runTagging']);

  /**
   * Makes `next` the active model once nothing uses the current one. A running indexing pass is
   * stopped between batches and restarted with the new model (it picks up where it stopped).
   */
  const swapIn = async (next: { model: EngineModel; vectors: VectorIndex }): Promise<void> => {
    let stopped = false;
    while (indexer.isRunning || modelCalls.size) {
      if (indexer.isRunning) {
        stopped = true;
        indexer.cancel();
      }
      await indexer.idle();
      await Promise.allSettled([...modelCalls]);
    }
    // No await between the check above and the swap: nothing sees a half-swapped context.
    const old = { model: ctx.model, vectors: ctx.vectors };
    ctx.model = next.model;
    ctx.modelId = next.model.manifest.id;
    ctx.vectors = next.vectors;
    ctx.decode = decoderFor(next.model);
    catalog.setMeta('model', ctx.modelId);
    ctx.emit({ type: 'library-changed', reason: 'model' });
    const saved = old.vectors.save();
    if (!saved.ok) emitError(saved.error);
    await old.model.close();
    if (!closing && (stopped || catalog.countPending(ctx.modelId) > 0)) runPending();
  };

  interface PendingSwitch extends ModelSwitch {
    done: Promise<Result<'swapped' | 'cancelled'>>;
    model: EngineModel;
    vectors: VectorIndex;
    indexer: Indexer;
    cancelled: boolean;
  }
  let pending: PendingSwitch | null = null;

  /**
   * Re-indexes the library with `model` in the background while search keeps the active model;
   * swaps when every photo has a vector of the new model. Photos added meanwhile are indexed by
   * both; what the new model still lacks at the swap, the main indexer encodes right after.
   */
  const startSwitch = (model: EngineModel, vectors: VectorIndex): PendingSwitch => {
    const id = model.manifest.id;
    // No onPhotosIndexed: tags stay those of the active model until the swap.
    const sctx: EngineContext = { libraryDir, catalog, vectors, model, modelId: id, decode: decoderFor(model), emit: ctx.emit };
    const sIndexer = new Indexer(sctx, { ...indexerOpts, onEncoderError: 'stop' });
    const sw: PendingSwitch = { id, model, vectors, indexer: sIndexer, cancelled: false, progress: () => sIndexer.progress(), done: Promise.resolve(ok('cancelled')) };
    sw.done = (async (): Promise<Result<'swapped' | 'cancelled'>> => {
      const r = await sIndexer.run();
      if (sw.cancelled || !r.ok || r.value.state === 'cancelled') {
        if (pending === sw) pending = null;
        vectors.save();
        await model.close();
        return r.ok ? ok('cancelled') : r;
      }
      await swapIn({ model, vectors });
      if (pending === sw) pending = null;
      return ok('swapped');
    })();
    return sw;
  };
  const cancelSwitch = async (): Promise<void> => {
    const sw = pending;
    if (!sw) return;
    sw.cancelled = true;
    sw.indexer.cancel();
    await sw.done;
  };
  // useModel calls run one at a time.
  let modelOps: Promise<unknown> = Promise.resolve();
  const serially = <T>(fn: () => Promise<T>): Promise<T> => {
    const r = modelOps.then(fn);
    modelOps = r.catch(() => undefined);
    return r;
  };

  const useModel = async (id: string): Promise<Result<MethodOutput<'useModel'>>> => {
    if (closing) return err(appError('internal', 'the library is closing'));
    const mgr = await getManager();
    const inst = (await mgr.installed()).find((m) => m.id === id);
    if (!inst) return err(appError('not-found', `model '${id}' is not installed`, { hint: `run: shoebox models pull ${id}` }));
    if (pending && pending.id !== id) await cancelSwitch();
    if (pending?.id === id || id === ctx.modelId) {
      const rec = await mgr.use(id);
      if (!rec.ok) return rec;
      return ok(modelInfo((pending?.id === id ? pending.model : ctx.model).manifest));
    }
    const m = await loadDir(inst.dir);
    if (!m.ok) return m;
    // Its vectors may come from other weights (re-pulled at a newer revision): then they go, and the
    // switch below re-encodes in the background while the active model keeps serving search.
    addNotice(reconcileModelWeights(catalog, libraryDir, m.value.manifest, { requeue: false }).notice);
    const v = VectorIndex.open({ dir: libraryDir, model: id, dims: m.value.manifest.embeddingSize, catalog });
    if (!v.ok) {
      await m.value.close();
      return v;
    }
    // Recorded only once the model loads, so a broken one never becomes the library's choice.
    const rec = await mgr.use(id);
    if (!rec.ok) {
      await m.value.close();
      return rec;
    }
    // Vectors of this model cover the library (switching back): no encoding, swap now.
    if (catalog.countPending(id) === 0) await swapIn({ model: m.value, vectors: v.value });
    else pending = startSwitch(m.value, v.value);
    return ok(modelInfo(m.value.manifest));
  };

  const dropFromIndex = (ids: readonly number[]): void => {
    for (const id of ids) {
      ctx.vectors.remove(id);
      pending?.vectors.remove(id);
    }
  };
  const applyScan = (r: ScanReport): void => {
    dropFromIndex(r.removedIds);
    dropFromIndex(r.changedIds);
    if (r.removedIds.length || r.changedIds.length || r.added || r.moved) ctx.emit({ type: 'library-changed', reason: 'photos' });
  };

  const scanAndIndex = async (rootIds: number[] | null, onFound?: (n: number) => void): Promise<Result<IndexFoldersResult>> => {
    const roots = catalog.roots().filter((r) => rootIds === null || rootIds.includes(r.id));
    indexer.setScanning(0);
    const scan = await scanRoots(catalog, roots, { fs: opts.scanFs, onFound: (n) => onFound?.(n) });
    applyScan(scan);
    const run = await indexer.run(rootIds && rootIds.length === 1 ? rootIds[0] : undefined);
    if (!run.ok) return run;
    return ok({ scan, run: run.value });
  };

  const rootOut = (id: number): MethodOutput<'addRoot'> | null => {
    const r = catalog.roots().find((x) => x.id === id);
    return r ? { id: r.id, path: r.path, photos: r.photos, indexed: r.indexed, failed: r.failed, watching: watcher !== null } : null;
  };

  const impl: { [M in MethodName]: (input: MethodParsedInput<M>) => Promise<Result<MethodOutput<M>>> } = {
    async status() {
      const counts = catalog.counts();
      const m = ctx.model.manifest;
      return ok({
        library: libraryDir,
        roots: catalog.roots().map((r) => ({ id: r.id, path: r.path, photos: r.photos, indexed: r.indexed, failed: r.failed, watching: watcher !== null })),
        photos: counts,
        model: { id: m.id, name: m.name, embeddingSize: m.embeddingSize, bundled: m.source.kind === 'bundled' },
        runtime: { ...ctx.model.runtime, decodeConcurrency },
        // While a model switch re-indexes in the background, its progress is the news.
        progress: pending && !indexer.isRunning ? pending.indexer.progress() : indexer.progress(),
        modelNotice,
      });
    },
    async addRoot({ path: p }) {
      const abs = path.resolve(p);
      let st: fs.Stats;
      try {
        st = fs.statSync(abs);
      } catch (e) {
        return err(toAppError(e, 'not-found', abs));
      }
      if (!st.isDirectory()) return err(appError('bad-input', `not a folder: ${abs}`, { path: abs }));
      const r = catalog.addRoot(abs);
      ctx.emit({ type: 'library-changed', reason: 'roots' });
      if (watcher) await watcher.add(r);
      return ok(rootOut(r.id)!);
    },
    async removeRoot({ id }) {
      if (!catalog.root(id)) return err(appError('not-found', `no root with id ${id}`));
      if (indexer.isRunning) return err(appError('busy', 'indexing is running', { hint: 'cancel it first' }));
      const ids = catalog.removeRoot(id);
      dropFromIndex(ids);
      ctx.vectors.compactIfNeeded();
      const s = ctx.vectors.save();
      if (!s.ok) return s;
      ctx.emit({ type: 'library-changed', reason: 'roots' });
      return ok({ removed: ids.length });
    },
    async startIndexing({ rootId }) {
      if (rootId !== undefined && !catalog.root(rootId)) return err(appError('not-found', `no root with id ${rootId}`));
      const go = (ids: number[] | null): Promise<void> => scanAndIndex(ids).then((r) => {
        if (!r.ok) emitError(r.error);
      });
      if (!indexer.isRunning) void go(rootId === undefined ? null : [rootId]);
      else if (!rescanQueued) {
        // A folder added while indexing runs: scan (every root, cheap when unchanged) once it ends.
        rescanQueued = true;
        void indexer.idle().then(() => {
          rescanQueued = false;
          return closing ? undefined : go(null);
        });
      }
      return ok(indexer.progress());
    },
    async pauseIndexing() {
      return ok(indexer.pause());
    },
    async resumeIndexing() {
      return ok(indexer.resume());
    },
    async cancelIndexing() {
      return ok(indexer.cancel());
    },
    async skippedFiles({ offset, limit }) {
      return ok(catalog.skipped(offset, limit));
    },
    async search(req) {
      return (await loadSearch()).search(ctx, req);
    },
    async similar(req) {
      if (!catalog.photo(req.photoId)) return err(appError('not-found', `no photo with id ${req.photoId}`));
      return (await loadSearch()).similar(ctx, req);
    },
    async browse({ filters, sort, offset, limit }) {
      try {
        const ids = catalog.photoIds(filters, { sort, offset, limit });
        return ok({ results: catalog.summaries(ids), total: catalog.countPhotos(filters) });
      } catch (e) {
        return err(toAppError(e, 'internal'));
      }
    },
    async photo({ id }) {
      const p = catalog.photo(id);
      return p ? ok(p) : err(appError('not-found', `no photo with id ${id}`));
    },
    async showInFolder({ id }) {
      const p = catalog.photo(id);
      return p ? ok({ path: p.path }) : err(appError('not-found', `no photo with id ${id}`));
    },
    async labelSets() {
      return asResult((await loadTagging()).labelSets(ctx));
    },
    async createLabelSet(input) {
      return (await loadTagging()).createLabelSet(ctx, input);
    },
    async deleteLabelSet({ name }) {
      return asResult((await loadTagging()).deleteLabelSet(ctx, name));
    },
    async runTagging(req) {
      return (await loadTagging()).runTagging(ctx, req);
    },
    async tagCounts(req) {
      return asResult((await loadTagging()).tagCounts(ctx, req));
    },
    async models() {
      const mgr = await getManager();
      const activeId = pending?.id ?? ctx.modelId;
      const r = await mgr.list((id) => catalog.coverage(id), activeId);
      if (!r.ok) return r;
      const list = r.value;
      // A model opened from a folder outside the library (--model DIR) is listed too.
      if (!list.some((x) => x.id === ctx.modelId)) {
        const m = ctx.model.manifest;
        list.unshift({ id: m.id, name: m.name, description: m.description, sizeBytes: m.files.reduce((t, f) => t + f.bytes, 0), embeddingSize: m.embeddingSize, installed: true, active: activeId === m.id, recommended: false, removable: false, coverage: catalog.coverage(m.id) });
      }
      return ok(list);
    },
    async pullModel({ id }) {
      return (await getManager()).start(id);
    },
    async cancelPull({ id }) {
      return ok({ cancelled: (await getManager()).cancel(id) });
    },
    async useModel({ id }) {
      return serially(() => useModel(id));
    },
    async removeModel({ id }) {
      if (id === ctx.modelId || id === pending?.id) return err(appError('busy', `'${id}' is the model in use`, { hint: 'switch to another model first' }));
      const r = await (await getManager()).remove(id);
      if (!r.ok) return r;
      // Its vectors go with it: they take space and nothing can use them without the model.
      if (r.value) {
        catalog.dropModelVectors(id);
        VectorIndex.removeFiles(libraryDir, id);
      }
      return ok({ removed: r.value });
    },
  };

  const call = async <M extends MethodName>(name: M, input: unknown): Promise<ApiResult<MethodOutput<M>>> => {
    if (closed) return { ok: false, error: toApiError(appError('internal', 'the library is closed')) };
    const parsed = methods[name].input.safeParse(input ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { ok: false, error: toApiError(appError('bad-input', `${name}: ${issue ? `${issue.path.join('.') || 'input'}: ${issue.message}` : 'invalid input'}`)) };
    }
    const run = (impl[name] as (i: unknown) => Promise<Result<MethodOutput<M>>>)(parsed.data);
    if (usesModel.has(name)) {
      modelCalls.add(run);
      void run.catch(() => undefined).finally(() => modelCalls.delete(run));
    }
    try {
      const r = await run;
      return r.ok ? { ok: true, value: r.value } : { ok: false, error: toApiError(r.error) };
    } catch (e) {
      return { ok: false, error: toApiError(toAppError(e, 'internal')) };
    }
  };

  const api = Object.fromEntries((Object.keys(methods) as MethodName[]).map((name) => [name, (input: unknown) => call(name, input)])) as unknown as LibraryApi;

  // Watch-mode changes arrive in batches; they are applied one batch at a time.
  let watchChain: Promise<void> = Promise.resolve();
  const onWatchBatch = (rootId: number, paths: string[]): void => {
    watchChain = watchChain.then(async () => {
      const root = catalog.root(rootId);
      if (!root || closed) return;
      const r = await scanPaths(catalog, root, paths, opts.scanFs);
      applyScan(r);
      await indexer.idle();
      if (closed) return;
      const run = await indexer.run();
      if (!run.ok) ctx.emit({ type: 'error', error: toApiError(run.error) });
      else if (r.removedIds.length) ctx.vectors.save();
    }).catch((e: unknown) => ctx.emit({ type: 'error', error: toApiError(toAppError(e, 'internal')) }));
  };

  const engine: Engine = {
    ...api,
    ctx,
    indexer,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async indexFolders(folders, o = {}) {
      const ids: number[] = [];
      for (const f of folders) {
        const r = await impl.addRoot({ path: f });
        if (!r.ok) return r;
        ids.push(r.value.id);
      }
      return scanAndIndex(ids, o.onScanProgress);
    },
    async startWatching() {
      if (watcher) return ok(undefined);
      const { watchRoots } = await import('../library/watcher.js');
      const w = await watchRoots(catalog.roots(), onWatchBatch);
      if (!w.ok) return w;
      watcher = w.value;
      return ok(undefined);
    },
    modelSwitch() {
      return pending;
    },
    get modelNotice() {
      return modelNotice;
    },
    close() {
      closeOnce ??= (async () => {
        closing = true;
        await modelOps;
        await cancelSwitch();
        if (manager) await manager.cancelAll();
        indexer.cancel();
        await indexer.idle();
        if (watcher) await watcher.close();
        await watchChain;
        closed = true;
        ctx.vectors.save();
        catalog.close();
        await ctx.model.close();
        lock.release();
      })();
      return closeOnce;
    },
  };
  if (resumeSwitch) {
    const m = await loadDir(resumeSwitch);
    if (m.ok) addNotice(reconcileModelWeights(catalog, libraryDir, m.value.manifest, { requeue: false }).notice);
    const v = m.ok ? VectorIndex.open({ dir: libraryDir, model: m.value.manifest.id, dims: m.value.manifest.embeddingSize, catalog }) : null;
    if (m.ok && v?.ok) pending = startSwitch(m.value, v.value);
    else {
      if (m.ok) await m.value.close();
      const why = !m.ok ? m.error : v && !v.ok ? v.error : null;
      addNotice(`the active model could not be loaded (${why ? formatError(why) : 'unknown error'}); still using ${ctx.modelId}`);
    }
  }
  if (opts.watch) {
    const w = await engine.startWatching();
    if (!w.ok) {
      await engine.close();
      return w;
    }
  }
  return ok(engine);
}

export type { IndexProgress };
