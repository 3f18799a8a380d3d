// Search at scale: HNSW (hnswlib-node, as app/vectors/vector-index.ts uses it) against exact brute
// force over the same clustered vectors, in the same run. Reports build time, file size, load
// time, RSS, query latency percentiles for k = 10 and 50 with and without a selective filter,
// recall@10 against exact, and the effect of M / efConstruction / ef.
//
// Queries are of two kinds, half each: "similar" (a stored vector plus a little noise, cosine
// ~0.8 to its source, as `similar` queries are) and "text-like" (a stored vector drowned in noise,
// cosine ~0.35 to its source, as CLIP text queries sit far from image vectors: the modality gap).
// Text-like queries are the hard case for a graph index.
//
// Filters: the product scores the filtered candidates exactly when there are at most
// DEFAULT_TUNING.exactCandidates of them (app/search/search.ts), else walks HNSW with a JS filter
// callback (slow: hnswlib calls it for every visited node) and over-fetches. Both are measured.
import hnswlib from 'hnswlib-node';
import { mkdtempSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusteredVectors, exactTopK, rng } from './lib/vectors.js';
import { latencySummary, printTable, rssMiB, round, writeResult } from './lib/report.js';
import { searchEf } from '../app/vectors/vector-index.js';

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

export interface SearchScaleOptions {
  sizes: number[];
  dim: number;
  queries: number;
  /** ef values swept at every size with the default M. */
  efValues: number[];
  /** M × efConstruction combinations are swept at the smallest size only (builds are slow). */
  mValues: number[];
  efConstructionValues: number[];
  /** The configuration measured at every size (the vector index's defaults). */
  defaultM: number;
  defaultEfConstruction: number;
  /** Fraction of the library a selective filter lets through. */
  filterFraction: number;
  /**
   * Stop a build after this many seconds and measure the index built so far (against exact search
   * over the same prefix of the vectors): what the time allows, reported as such (`builtOf`).
   */
  buildBudgetS?: number;
}

/** What app/vectors/vector-index.ts does per query (M 32, efConstruction 200): its own searchEf. */
export const productEf = searchEf;
export const PRODUCT_M = 32;
export const PRODUCT_EF_CONSTRUCTION = 200;
/** DEFAULT_TUNING in app/search/search.ts: exact scoring at or below this many filtered candidates, else HNSW over-fetching ×4. */
const EXACT_CANDIDATES = 4000;
const OVER_FETCH = 4;

function recallAt(found: number[], truth: number[], k: number): number {
  const t = new Set(truth.slice(0, k));
  return found.slice(0, k).filter((x) => t.has(x)).length / Math.max(1, Math.min(k, t.size));
}

function timeMs(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** Query vectors: even i "similar" (noise 0.35), odd i "text-like" (noise 2.5), both unit length. */
function makeQueries(data: Float32Array, n: number, dim: number, count: number, seed: number): Float32Array {
  const r = rng(seed ^ 0x9e3779b9);
  const q = new Float32Array(count * dim);
  const gauss = (): number => Math.sqrt(-2 * Math.log(Math.max(r(), 1e-12))) * Math.cos(2 * Math.PI * r());
  for (let i = 0; i < count; i++) {
    const src = Math.floor(r() * n);
    const noise = i % 2 === 0 ? 0.35 : 2.5;
    let s = 0;
    for (let d = 0; d < dim; d++) {
      const v = data[src * dim + d]! + (noise / Math.sqrt(dim)) * gauss();
      q[i * dim + d] = v;
      s += v * v;
    }
    const inv = 1 / Math.sqrt(s);
    for (let d = 0; d < dim; d++) q[i * dim + d]! *= inv;
  }
  return q;
}

function build(data: Float32Array, n: number, dim: number, m: number, efC: number, budgetS = Infinity): { index: Hnsw; ms: number; count: number } {
  const index = new HierarchicalNSW('ip', dim);
  index.initIndex({ maxElements: n, m, efConstruction: efC, randomSeed: 100 });
  const every = Math.max(1, Math.round(n / 10));
  const t0 = Date.now();
  let count = 0;
  const ms = timeMs(() => {
    for (let i = 0; i < n; i++) {
      if (i % 1000 === 0 && Date.now() - t0 > budgetS * 1000) {
        console.error(`    build budget of ${budgetS} s spent at ${i}/${n} points: measuring the index built so far`);
        break;
      }
      index.addPoint(Array.from(data.subarray(i * dim, (i + 1) * dim)), i);
      count = i + 1;
      // Progress with the running rate, so a long build can be judged (and extrapolated) early.
      if ((i + 1) % every === 0) console.error(`    build M=${m} efC=${efC}: ${i + 1}/${n} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
  });
  return { index, ms, count };
}

interface Truth {
  top50: number[][];
  filtered10: number[][];
  exactMs: number[];
  exactFilteredMs: number[];
}

export function runSearchScale(opts: SearchScaleOptions): Record<string, unknown> {
  const rows: Record<string, unknown>[] = [];
  const sweeps: Record<string, unknown>[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'shoebox-bench-hnsw-'));
  const { dim } = opts;
  const step = Math.round(1 / opts.filterFraction);
  try {
    for (const nRequested of opts.sizes) {
      let n = nRequested;
      const t0 = Date.now();
      const data = clusteredVectors(n, dim, { seed: n });
      const q = makeQueries(data, n, dim, opts.queries, n);
      const qv = (i: number): Float32Array => q.subarray(i * dim, (i + 1) * dim);
      const allow = (id: number): boolean => id % step === 0;
      let candidates: number[] = [];
      let truth: Truth = { top50: [], filtered10: [], exactMs: [], exactFilteredMs: [] };
      // Exact baseline (and the ground truth) over the first `upTo` vectors, single-threaded JS over a Float32Array.
      const exactTruth = (upTo: number): void => {
        candidates = Array.from({ length: Math.ceil(upTo / step) }, (_, i) => i * step);
        truth = { top50: [], filtered10: [], exactMs: [], exactFilteredMs: [] };
        for (let i = 0; i < opts.queries; i++) {
          let r: number[] = [];
          truth.exactMs.push(timeMs(() => (r = exactTopK(data, upTo, dim, qv(i), 50))));
          truth.top50.push(r);
          let rf: number[] = [];
          // The product's exact filtered path: score only the candidate ids.
          truth.exactFilteredMs.push(timeMs(() => (rf = exactOver(data, dim, candidates, qv(i), 10))));
          truth.filtered10.push(rf);
        }
      };
      exactTruth(n);
      console.error(`  n=${n}: data + exact ground truth in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

      const configs: [number, number][] = n === opts.sizes[0]
        ? opts.mValues.flatMap((m) => opts.efConstructionValues.map((e): [number, number] => [m, e]))
        : [[opts.defaultM, opts.defaultEfConstruction]];
      for (const [m, efC] of configs) {
        const rssBefore = rssMiB();
        const built = build(data, n, dim, m, efC, opts.buildBudgetS);
        if (built.count < n) {
          // Out of time: the rest of the run measures what was built, against exact search over it.
          n = built.count;
          exactTruth(n);
        }
        const file = join(dir, `idx-${n}-${m}-${efC}.bin`);
        built.index.writeIndexSync(file);
        const sizeMiB = statSync(file).size / 2 ** 20;
        const rssBuilt = rssMiB();
        const loaded = new HierarchicalNSW('ip', dim);
        const rssBeforeLoad = rssMiB();
        const loadMs = timeMs(() => loaded.readIndexSync(file));
        const rssLoad = rssMiB() - rssBeforeLoad;
        console.error(`  n=${n} M=${m} efC=${efC}: built in ${(built.ms / 1000).toFixed(1)} s`);

        for (const ef of opts.efValues) {
          loaded.setEf(ef);
          const lat10: number[] = [];
          let recall = 0;
          let recallText = 0;
          for (let i = 0; i < opts.queries; i++) {
            const arr = Array.from(qv(i));
            let res: number[] = [];
            lat10.push(timeMs(() => (res = loaded.searchKnn(arr, 10).neighbors)));
            const rc = recallAt(res, truth.top50[i]!, 10);
            recall += rc;
            if (i % 2 === 1) recallText += rc;
          }
          const s = latencySummary(lat10);
          sweeps.push({ n, ...(n < nRequested ? { builtOf: nRequested } : {}), m, efC, ef, recall10: round(recall / opts.queries, 4), recall10text: round(recallText / Math.floor(opts.queries / 2), 4), p50k10: s.p50, p99k10: s.p99 });
        }

        // The product's path: ef = max(256, 2k), no filter callback on plain queries.
        const lat10: number[] = [];
        const lat50: number[] = [];
        const latCallback: number[] = [];
        const latProductFiltered: number[] = [];
        let recall = 0;
        let recallText = 0;
        let recall50 = 0;
        let recallCallback = 0;
        let recallProductFiltered = 0;
        for (let i = 0; i < opts.queries; i++) {
          const arr = Array.from(qv(i));
          let res: number[] = [];
          loaded.setEf(productEf(10, n));
          lat10.push(timeMs(() => (res = loaded.searchKnn(arr, 10).neighbors)));
          const rc = recallAt(res, truth.top50[i]!, 10);
          recall += rc;
          if (i % 2 === 1) recallText += rc;
          loaded.setEf(productEf(50, n));
          let res50: number[] = [];
          lat50.push(timeMs(() => (res50 = loaded.searchKnn(arr, 50).neighbors)));
          recall50 += recallAt(res50, truth.top50[i]!, 50);
          // HNSW with hnswlib's JS filter callback (what the product does above EXACT_CANDIDATES).
          loaded.setEf(productEf(10 * OVER_FETCH, n));
          let rf: number[] = [];
          latCallback.push(timeMs(() => (rf = loaded.searchKnn(arr, 10 * OVER_FETCH, allow).neighbors.slice(0, 10))));
          recallCallback += recallAt(rf, truth.filtered10[i]!, 10);
          // What the product does for this filter at this size.
          if (candidates.length <= EXACT_CANDIDATES) {
            latProductFiltered.push(truth.exactFilteredMs[i]!);
            recallProductFiltered += 1;
          } else {
            latProductFiltered.push(latCallback[latCallback.length - 1]!);
            recallProductFiltered += recallAt(rf, truth.filtered10[i]!, 10);
          }
        }
        const s10 = latencySummary(lat10);
        const s50 = latencySummary(lat50);
        const scb = latencySummary(latCallback);
        const spf = latencySummary(latProductFiltered);
        const se = latencySummary(truth.exactMs);
        const sef = latencySummary(truth.exactFilteredMs);
        rows.push({
          n, m, efC, ...(n < nRequested ? { builtOf: nRequested, buildBudgetS: opts.buildBudgetS } : {}),
          buildS: round(built.ms / 1000, 1), fileMiB: round(sizeMiB, 1), loadMs: round(loadMs, 1),
          rssBuildMiB: round(rssBuilt - rssBefore, 0), rssLoadMiB: round(rssLoad, 0),
          p50k10: s10.p50, p95k10: s10.p95, p99k10: s10.p99,
          p50k50: s50.p50, p95k50: s50.p95, p99k50: s50.p99,
          recall10: round(recall / opts.queries, 4), recall10text: round(recallText / Math.floor(opts.queries / 2), 4), recall50: round(recall50 / opts.queries, 4),
          filterCandidates: candidates.length,
          p50filtCallback: scb.p50, p99filtCallback: scb.p99, recallFiltCallback: round(recallCallback / opts.queries, 4),
          p50filtExact: sef.p50, p99filtExact: sef.p99,
          productFilteredPath: candidates.length <= EXACT_CANDIDATES ? 'exact' : 'hnsw+callback',
          p99filtProduct: spf.p99, recallFiltProduct: round(recallProductFiltered / opts.queries, 4),
          exactP50: se.p50, exactP99: se.p99,
          speedupP50: round(se.p50 / s10.p50, 1),
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printTable('Search at scale, product path (ef = max(256, 2k); ms; recall against exact)', rows.map((r) => pick(r, ['n', 'm', 'efC', 'buildS', 'fileMiB', 'loadMs', 'rssLoadMiB', 'p50k10', 'p99k10', 'p99k50', 'recall10', 'recall10text', 'recall50', 'exactP50', 'exactP99', 'speedupP50'])));
  printTable(`Filtered search (${opts.filterFraction * 100}% of the library passes; ms)`, rows.map((r) => pick(r, ['n', 'filterCandidates', 'p50filtExact', 'p99filtExact', 'p50filtCallback', 'p99filtCallback', 'recallFiltCallback', 'productFilteredPath', 'p99filtProduct', 'recallFiltProduct'])));
  printTable('Parameter sweep (M, efConstruction, ef), k = 10', sweeps);
  return { options: opts, productEf: 'max(256, 2k, min(2048, n / 800))', exactCandidates: EXACT_CANDIDATES, results: rows, sweep: sweeps };
}

function pick(r: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, r[k]]));
}

/** Exact top-k over a list of ids (the product's filtered path, in memory). */
function exactOver(data: Float32Array, dim: number, ids: readonly number[], q: Float32Array, k: number): number[] {
  const scored: { id: number; s: number }[] = [];
  for (const id of ids) {
    let s = 0;
    const off = id * dim;
    for (let d = 0; d < dim; d++) s += data[off + d]! * q[d]!;
    scored.push({ id, s });
  }
  scored.sort((a, b) => b.s - a.s);
  return scored.slice(0, k).map((x) => x.id);
}

export function searchScaleOptions(quick: boolean, sizes?: number[]): SearchScaleOptions {
  const base: SearchScaleOptions = quick
    ? { sizes: [10_000, 100_000], dim: 512, queries: 100, efValues: [64, 128, 256], mValues: [32], efConstructionValues: [200], defaultM: PRODUCT_M, defaultEfConstruction: PRODUCT_EF_CONSTRUCTION, filterFraction: 0.01 }
    : { sizes: [10_000, 100_000, 1_000_000], dim: 512, queries: 300, efValues: [16, 32, 64, 128, 256, 512], mValues: [8, 16, 32], efConstructionValues: [100, 200, 400], defaultM: PRODUCT_M, defaultEfConstruction: PRODUCT_EF_CONSTRUCTION, filterFraction: 0.01 };
  return sizes ? { ...base, sizes } : base;
}

/** `--sizes a,b`, `--ef a,b`, `--m a,b`, `--efc a,b` override the defaults (M × efC combinations run at the smallest size). */
export function main(args: string[]): string {
  const quick = args.includes('--quick');
  const list = (flag: string): number[] | undefined => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1]!.split(',').map(Number) : undefined;
  };
  const sizes = list('--sizes');
  const opts = searchScaleOptions(quick, sizes);
  const ef = list('--ef');
  const m = list('--m');
  const efc = list('--efc');
  const queries = list('--queries');
  if (queries) opts.queries = queries[0]!;
  const budget = list('--build-budget-s');
  if (budget) opts.buildBudgetS = budget[0]!;
  if (ef) opts.efValues = ef;
  if (m) opts.mValues = m;
  if (efc) opts.efConstructionValues = efc;
  const result = runSearchScale(opts);
  const tag = [sizes ? sizes.join('-') : null, m ? `m${m.join('-')}` : null, efc ? `efc${efc.join('-')}` : null, ef ? `ef${ef.join('-')}` : null].filter(Boolean).join('-');
  const file = writeResult(quick ? 'search-scale-quick' : tag ? `search-scale-${tag}` : 'search-scale', result);
  console.log(`\nwrote ${file}`);
  return file;
}

if (process.argv[1]?.endsWith('search-scale.ts')) main(process.argv.slice(2));
