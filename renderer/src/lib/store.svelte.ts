/// <reference types="svelte" />
// The page's state and the actions on it (Svelte 5 runes). Components read from here and call
// the actions; everything the engine knows arrives through LibraryApi (Backend.api).
import type { ApiError, ApiResult, CatalogEntry, DownloadProgress, Filters, IndexProgress, LabelSet, PhotoSummary, QueryTerm, Status, TagCount } from './api-types.js';
import type { Backend } from './backend.js';
import { loadBrowserEncoder, type BrowserEncoder } from './text-encoder.js';
import { buildTerms } from './query.js';
import { applyTheme, loadThemeChoice, saveThemeChoice, type ThemeChoice } from './theme.js';

export type Item = PhotoSummary & { score?: number };
export type Mode = { kind: 'browse' } | { kind: 'search'; query: string } | { kind: 'similar'; photoId: number; name: string } | { kind: 'image'; name: string };
export type Panel = 'folders' | 'tags' | 'settings' | null;
export type Sort = 'relevance' | 'date-desc' | 'date-asc';

export interface UiFilters {
  folder: string;
  dateFrom: string;
  dateTo: string;
  tag: string;
  format: string;
}

const PAGE = 120;
type Page = ApiResult<{ results: Item[]; total: number }>;

export function toFilters(f: UiFilters): Filters {
  const out: Filters = {};
  if (f.folder) out.folder = f.folder;
  if (f.dateFrom) out.dateFrom = f.dateFrom;
  if (f.dateTo) out.dateTo = f.dateTo;
  if (f.tag) out.tag = f.tag;
  if (f.format) out.format = [f.format];
  return out;
}

export class AppStore {
  status = $state<Status | null>(null);
  progress = $state<IndexProgress | null>(null);
  connection = $state<'connecting' | 'ok' | 'lost'>('connecting');
  query = $state('');
  filters = $state<UiFilters>({ folder: '', dateFrom: '', dateTo: '', tag: '', format: '' });
  sort = $state<Sort>('relevance');
  showScores = $state(false);
  mode = $state<Mode>({ kind: 'browse' });
  /** The mode the items on screen belong to (mode changes first, results follow). */
  shown = $state<Mode>({ kind: 'browse' });
  items = $state.raw<(Item | undefined)[]>([]);
  total = $state(0);
  loading = $state(false);
  error = $state<ApiError | null>(null);
  notice = $state<string | null>(null);
  selected = $state(-1);
  viewer = $state<number | null>(null);
  panel = $state<Panel>(null);
  labelSets = $state<LabelSet[]>([]);
  tagCounts = $state<TagCount[]>([]);
  encoder = $state<{ state: 'idle' | 'loading' | 'ready' | 'failed'; note: string | null }>({ state: 'idle', note: null });
  themeChoice = $state<ThemeChoice>('system');
  theme = $state<'light' | 'dark'>('light');
  searchTookMs = $state<number | null>(null);
  catalog = $state<CatalogEntry[] | null>(null);
  catalogError = $state<string | null>(null);
  downloads = $state<Record<string, DownloadProgress>>({});
  /** The engine's model notice the user closed; a different one shows again. */
  dismissedModelNotice = $state<string | null>(null);
  /** What the engine says about the model (why it re-indexes, why another model runs), unless closed. */
  modelNotice = $derived.by(() => {
    const n = this.status?.modelNotice ?? null;
    return n && n !== this.dismissedModelNotice ? n : null;
  });

  #seq = 0;
  #pages = new Map<number, Promise<void>>();
  #loadPage: ((offset: number, limit: number) => Promise<Page>) | null = null;
  #encoder: BrowserEncoder | null = null;
  #encoderLoad: Promise<BrowserEncoder | null> | null = null;
  #typingTimer: ReturnType<typeof setTimeout> | null = null;
  #refreshTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(readonly backend: Backend) {}

  start(): () => void {
    this.themeChoice = loadThemeChoice();
    this.theme = applyTheme(this.themeChoice);
    const mq = matchMedia('(prefers-color-scheme: dark)');
    const onOs = () => {
      if (this.themeChoice === 'system') this.theme = applyTheme('system');
    };
    mq.addEventListener('change', onOs);
    const off = this.backend.api.subscribe((e) => {
      this.connection = 'ok';
      if (e.type === 'progress') {
        const wasBusy = this.progress && this.progress.state !== 'done' && this.progress.state !== 'idle';
        this.progress = e.progress;
        if (wasBusy && (e.progress.state === 'done' || e.progress.state === 'idle')) this.scheduleRefresh();
      } else if (e.type === 'download') {
        this.downloads = { ...this.downloads, [e.progress.model]: e.progress };
        if (e.progress.state === 'done' || e.progress.state === 'failed' || e.progress.state === 'cancelled') void this.refreshCatalog();
      } else if (e.type === 'library-changed') {
        if (e.reason === 'model') void this.refreshCatalog();
        this.scheduleRefresh(e.reason === 'tags');
      } else if (e.type === 'error') {
        this.error = e.error;
      }
    });
    void this.refreshStatus().then(() => this.run());
    return () => {
      off();
      mq.removeEventListener('change', onOs);
    };
  }

  // ---- status, library --------------------------------------------------------------------

  async refreshStatus(): Promise<void> {
    const r = await this.backend.api.status({});
    if (!r.ok) {
      this.connection = r.error.code === 'network' ? 'lost' : 'ok';
      this.error = r.error;
      return;
    }
    this.connection = 'ok';
    // Another model now answers searches: the in-page encoder must be that model's too.
    if (this.#encoder && this.#encoder.modelId !== r.value.model.id) {
      this.#encoder = null;
      this.#encoderLoad = null;
      this.encoder = { state: 'idle', note: null };
    }
    this.status = r.value;
    // Events are the live source; status fills in before the first event arrives.
    if (!this.progress || this.progress.state === 'idle') this.progress = r.value.progress;
    if (this.encoder.state === 'idle' && r.value.photos.total > 0) void this.ensureEncoder();
  }

  /** Status, tags and the current results, coalesced: progress events come in bursts. */
  scheduleRefresh(tags = false): void {
    if (this.#refreshTimer) clearTimeout(this.#refreshTimer);
    this.#refreshTimer = setTimeout(() => {
      this.#refreshTimer = null;
      void this.refreshStatus();
      if (tags || this.panel === 'tags') void this.refreshTags();
      if (this.mode.kind === 'browse' || this.mode.kind === 'search') void this.run({ keepSelection: true });
    }, 400);
  }

  async refreshCatalog(): Promise<void> {
    const r = await this.backend.api.models({});
    if (r.ok) {
      this.catalog = r.value;
      this.catalogError = null;
    } else this.catalogError = r.error.message;
  }

  async refreshTags(): Promise<void> {
    const [sets, counts] = await Promise.all([this.backend.api.labelSets({}), this.backend.api.tagCounts({})]);
    if (sets.ok) this.labelSets = sets.value;
    else this.error = sets.error;
    if (counts.ok) this.tagCounts = counts.value;
    else this.error = counts.error;
  }

  dismissModelNotice(): void {
    this.dismissedModelNotice = this.status?.modelNotice ?? null;
  }

  // ---- the text encoder ---------------------------------------------------------------------

  ensureEncoder(): Promise<BrowserEncoder | null> {
    if (this.#encoderLoad) return this.#encoderLoad;
    const model = this.status?.model;
    if (!model) return Promise.resolve(null);
    this.encoder = { state: 'loading', note: null };
    this.#encoderLoad = loadBrowserEncoder(model, this.backend).then((r) => {
      if (r.ok) {
        this.#encoder = r.value;
        this.encoder = { state: 'ready', note: null };
        return r.value;
      }
      // Not fatal: the engine embeds text queries itself.
      this.encoder = { state: 'failed', note: r.error.message };
      return null;
    });
    return this.#encoderLoad;
  }

  /** The in-page encoder when it matches the library's model (else the engine embeds). */
  async currentEncoder(): Promise<BrowserEncoder | null> {
    const enc = await this.ensureEncoder();
    return enc && enc.modelId === this.status?.model.id ? enc : null;
  }

  // ---- searching and browsing ----------------------------------------------------------------

  typed(text: string): void {
    this.query = text;
    if (this.#typingTimer) clearTimeout(this.#typingTimer);
    this.#typingTimer = setTimeout(() => {
      this.#typingTimer = null;
      this.mode = text.trim() ? { kind: 'search', query: text.trim() } : { kind: 'browse' };
      void this.run();
    }, 180);
  }

  submit(): void {
    if (this.#typingTimer) clearTimeout(this.#typingTimer);
    this.mode = this.query.trim() ? { kind: 'search', query: this.query.trim() } : { kind: 'browse' };
    void this.run();
  }

  clearQuery(): void {
    this.query = '';
    this.mode = { kind: 'browse' };
    void this.run();
  }

  setFilters(f: Partial<UiFilters>): void {
    this.filters = { ...this.filters, ...f };
    void this.run();
  }

  setSort(s: Sort): void {
    this.sort = s;
    void this.run();
  }

  moreLike(item: Item): void {
    this.viewer = null;
    this.mode = { kind: 'similar', photoId: item.id, name: item.path.split(/[\\/]/).pop() ?? `#${item.id}` };
    this.query = '';
    void this.run();
  }

  async searchByImage(file: File): Promise<void> {
    if (file.size > 50 * 1024 * 1024) {
      this.error = { code: 'too-large', message: `${file.name} is larger than 50 MB`, hint: 'drop a smaller photo' };
      return;
    }
    const dataBase64 = await fileToBase64(file);
    this.mode = { kind: 'image', name: file.name };
    this.query = '';
    await this.run({ image: dataBase64 });
  }

  async run(opts: { keepSelection?: boolean; image?: string } = {}): Promise<void> {
    const seq = ++this.#seq;
    const filters = toFilters(this.filters);
    const api = this.backend.api;
    const mode = this.mode;
    let load: (offset: number, limit: number) => Promise<Page>;
    if (mode.kind === 'browse') {
      const sort = this.sort === 'date-asc' ? 'date-asc' : 'date-desc';
      load = (offset, limit) => api.browse({ filters, sort, offset, limit });
    } else if (mode.kind === 'similar') {
      load = async (offset, limit) => {
        if (offset > 0) return { ok: true, value: { results: [], total: this.total } };
        const r = await api.similar({ photoId: mode.photoId, filters, limit: Math.max(limit, 300) });
        return r.ok ? { ok: true, value: { results: r.value.results, total: r.value.results.length } } : r;
      };
    } else {
      let terms: QueryTerm[];
      if (mode.kind === 'image') {
        if (!opts.image) return;
        terms = [{ kind: 'image', dataBase64: opts.image, weight: 1 }];
      } else {
        const built = await buildTerms(mode.query, await this.currentEncoder());
        if (seq !== this.#seq) return;
        if (!built.ok) {
          this.error = built.error;
          return;
        }
        terms = built.value;
      }
      const sort = this.sort;
      load = async (offset, limit) => {
        const r = await api.search({ terms, filters, sort, offset, limit });
        if (r.ok) this.searchTookMs = r.value.tookMs;
        return r.ok ? { ok: true, value: { results: r.value.results, total: Math.min(r.value.total, 5000) } } : r;
      };
    }
    this.loading = true;
    const first = await load(0, PAGE);
    if (seq !== this.#seq) return;
    this.loading = false;
    if (!first.ok) {
      this.error = first.error;
      this.items = [];
      this.total = 0;
      this.shown = mode;
      return;
    }
    this.error = null;
    this.#loadPage = load;
    this.#pages = new Map([[0, Promise.resolve()]]);
    const total = Math.max(first.value.total, first.value.results.length);
    const items: (Item | undefined)[] = new Array(total);
    first.value.results.forEach((r, i) => (items[i] = r));
    // A search page may come back shorter than `total` promises: the list ends there.
    if (mode.kind !== 'browse' && first.value.results.length < PAGE) items.length = first.value.results.length;
    this.items = items;
    this.total = items.length;
    this.shown = mode;
    if (!opts.keepSelection) this.selected = items.length ? 0 : -1;
    else this.selected = Math.min(this.selected, items.length - 1);
    if (this.viewer !== null && this.viewer >= items.length) this.viewer = null;
  }

  /** Called by the grid for the range on screen: fetches the pages it lacks. */
  need(first: number, last: number): void {
    const load = this.#loadPage;
    if (!load) return;
    const seq = this.#seq;
    for (let p = Math.floor(first / PAGE); p * PAGE < Math.min(last, this.items.length); p++) {
      if (this.#pages.has(p)) continue;
      const job = load(p * PAGE, PAGE).then((r) => {
        if (seq !== this.#seq) return;
        if (!r.ok) {
          this.#pages.delete(p);
          this.error = r.error;
          return;
        }
        const items = this.items.slice();
        r.value.results.forEach((x, i) => (items[p * PAGE + i] = x));
        if (r.value.results.length < PAGE && this.mode.kind !== 'browse') items.length = p * PAGE + r.value.results.length;
        this.items = items;
        this.total = items.length;
      });
      this.#pages.set(p, job);
    }
  }

  // ---- theme -----------------------------------------------------------------------------------

  setTheme(choice: ThemeChoice): void {
    this.themeChoice = choice;
    saveThemeChoice(choice);
    this.theme = applyTheme(choice);
  }

  toggleTheme(): void {
    this.setTheme(this.theme === 'dark' ? 'light' : 'dark');
  }
}

function fileToBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const s = String(reader.result);
      resolve(s.slice(s.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('cannot read the file'));
    reader.readAsDataURL(file);
  });
}
