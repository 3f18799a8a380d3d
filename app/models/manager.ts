// What the engine (LibraryApi's models / pullModel / cancelPull / useModel / removeModel) and the
// CLI share: the catalog joined with what is installed, background pulls with progress and
// cancel, the active-model record and removal. Swapping the loaded model and re-indexing is the
// engine's job; `use` only records the choice (after checking the model is installed and valid).
import type { CatalogEntry, DownloadProgress } from '../api/contract.js';
import { bundledModelDir } from '../embed/node/model-load.js';
import { appError, err, ok, type Result } from '../shared/result.js';
import { downloadSize, findModel, type Catalog } from './catalog.js';
import { loadCatalog } from './catalog-file.js';
import type { HubOptions } from './hub.js';
import { installedModels, readActiveModel, removeInstalledModel, setActiveModel, type InstalledModel } from './installed.js';
import { pullModel, type PullOptions, type PullResult } from './pull.js';

export interface ModelManagerOptions {
  libraryDir: string;
  /** Default: models/catalog.json (or SHOEBOX_MODEL_CATALOG), loaded on first use. */
  catalog?: Catalog;
  env?: NodeJS.ProcessEnv;
  /** Every progress event of every pull (the engine forwards them as `download` events). */
  onProgress?: (p: DownloadProgress) => void;
  /** Hub settings (endpoint, timeouts, retries, fetch); default from `env`. */
  hub?: Omit<HubOptions, 'signal'> & Pick<PullOptions, 'writeChunk' | 'progressEveryMs'>;
  bundledDir?: string;
}

export class ModelManager {
  private catalog: Catalog | null;
  private readonly running = new Map<string, { ctl: AbortController; done: Promise<Result<PullResult>> }>();
  private readonly bundledDir: string;

  constructor(private readonly opts: ModelManagerOptions) {
    this.catalog = opts.catalog ?? null;
    this.bundledDir = opts.bundledDir ?? bundledModelDir();
  }

  async getCatalog(): Promise<Result<Catalog>> {
    if (this.catalog) return ok(this.catalog);
    const c = await loadCatalog({ env: this.opts.env });
    if (c.ok) this.catalog = c.value;
    return c;
  }

  installed(): Promise<InstalledModel[]> {
    return installedModels(this.opts.libraryDir, this.bundledDir);
  }

  /** The id `use` recorded, or null (the bundled model). */
  activeId(): Promise<string | null> {
    return readActiveModel(this.opts.libraryDir);
  }

  /**
   * The catalog plus installed models outside it (the bundled one), for LibraryApi.models.
   * `coverage(id)` is the fraction of the library with vectors for that model (the engine's catalog knows).
   */
  async list(coverage: (id: string) => number, activeId: string): Promise<Result<CatalogEntry[]>> {
    const cat = await this.getCatalog();
    if (!cat.ok) return cat;
    const installed = await this.installed();
    const out: CatalogEntry[] = installed.filter((m) => !cat.value.models.some((c) => c.id === m.id)).map((m) => ({
      id: m.id, name: m.manifest.name, description: m.manifest.description, sizeBytes: m.manifest.files.reduce((s, f) => s + f.bytes, 0),
      embeddingSize: m.manifest.embeddingSize, installed: true, active: m.id === activeId, recommended: false, removable: !m.bundled, coverage: coverage(m.id),
    }));
    for (const c of cat.value.models) {
      const inst = installed.find((m) => m.id === c.id);
      out.push({
        id: c.id, name: c.name, description: c.description,
        sizeBytes: inst ? inst.manifest.files.reduce((s, f) => s + f.bytes, 0) : downloadSize(c),
        embeddingSize: c.embeddingSize, installed: !!inst, active: c.id === activeId, recommended: c.recommended, removable: !!inst && !inst.bundled, coverage: coverage(c.id),
      });
    }
    return ok(out);
  }

  /** Starts a pull in the background; resolves at once with the first progress. Progress goes to onProgress. */
  async start(id: string, extra: { onProgress?: (p: DownloadProgress) => void; variant?: string } = {}): Promise<Result<DownloadProgress>> {
    const cat = await this.getCatalog();
    if (!cat.ok) return cat;
    const entry = findModel(cat.value, id);
    if (!entry.ok) return entry;
    if (this.running.has(id)) return err(appError('busy', `model '${id}' is already downloading`));
    const ctl = new AbortController();
    let first: DownloadProgress | null = null;
    const done = pullModel(entry.value, {
      ...this.opts.hub,
      libraryDir: this.opts.libraryDir,
      env: this.opts.env ?? process.env,
      signal: ctl.signal,
      variant: extra.variant,
      onProgress: (p) => {
        first ??= p;
        this.opts.onProgress?.(p);
        extra.onProgress?.(p);
      },
    }).finally(() => this.running.delete(id));
    this.running.set(id, { ctl, done });
    return ok(first ?? { model: id, state: 'downloading', bytes: 0, totalBytes: null, ratePerSec: 0, etaSec: null, file: null });
  }

  /** Pulls and waits for the end (the CLI). */
  async pull(id: string, extra: { onProgress?: (p: DownloadProgress) => void; variant?: string; signal?: AbortSignal } = {}): Promise<Result<PullResult>> {
    const s = await this.start(id, extra);
    if (!s.ok) return s;
    const run = this.running.get(id);
    if (!run) return err(appError('internal', `the download of '${id}' ended before it started`));
    extra.signal?.addEventListener('abort', () => run.ctl.abort(), { once: true });
    return run.done;
  }

  /** Waits for a running pull (tests, the engine's shutdown). */
  wait(id: string): Promise<Result<PullResult>> | null {
    return this.running.get(id)?.done ?? null;
  }

  cancel(id: string): boolean {
    const r = this.running.get(id);
    if (!r) return false;
    r.ctl.abort();
    return true;
  }

  async cancelAll(): Promise<void> {
    const runs = [...this.running.values()];
    for (const r of runs) r.ctl.abort();
    await Promise.all(runs.map((r) => r.done));
  }

  /** Records `id` as the active model (installed and valid, or the bundled one). */
  use(id: string): Promise<Result<InstalledModel>> {
    return setActiveModel(this.opts.libraryDir, id, this.bundledDir);
  }

  async remove(id: string): Promise<Result<boolean>> {
    if (this.running.has(id)) return err(appError('busy', `model '${id}' is downloading`, { hint: 'cancel the download first' }));
    return removeInstalledModel(this.opts.libraryDir, id, this.bundledDir);
  }
}
