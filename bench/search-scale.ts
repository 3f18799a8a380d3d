// Search at scale: HNSW (hnswlib-node) against exact brute force over the same clustered
// vectors, in the same run. Reports build time, file size, load time, RSS, query latency
// percentiles for k = 10 and 50 with and without a selective filter, recall@10, and the effect
// of M / efConstruction / ef.
import hnswlib from 'hnswlib-node';
import { mkdtempSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusteredVectors, exactTopK } from './lib/vectors.js';
import { latencySummary, printTable, rssMiB, round, writeResult } from './lib/report.js';

const { HierarchicalNSW } = hnswlib;

export interface SearchScaleOptions {
  sizes: number[];
  dim: number;
  queries: number;
  efValues: number[];
  mValues: number[];
  efConstruction: number;
  /** Fraction of the library a selective filter lets through. */
  filterFraction: number;
}

function recallAt(found: number[], truth: number[], k: number): number {
  const t = new Set(truth.slice(0, k));
  return found.slice(0, k).filter((x) => t.has(x)).length / Math.max(1, Math.min(k, t.size));
}

function timeMs(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

export function runSearchScale(opts: SearchScaleOptions): Record<string, unknown> {
  const rows: Record<string, unknown>[] = [];
  const sweeps: Record<string, unknown>[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'shoebox-bench-hnsw-'));
  try {
    for (const n of opts.sizes) {
      const rssBefore = rssMiB();
      const data = clusteredVectors(n, opts.dim, { seed: n });
      const queries = clusteredVectors(opts.queries, opts.dim, { seed: n, clusters: undefined });
      // Queries come from the same distribution: re-draw with a different seed but the same centres
      // is not possible cheaply, so perturb stored vectors instead (a "similar photo" query).
      const q = new Float32Array(opts.queries * opts.dim);
      for (let i = 0; i < opts.queries; i++) {
        const src = (i * 7919) % n;
        for (let d = 0; d < opts.dim; d++) q[i * opts.dim + d] = data[src * opts.dim + d]! + 0.5 * queries[i * opts.dim + d]!;
      }
      const qv = (i: number): Float32Array => q.subarray(i * opts.dim, (i + 1) * opts.dim);
      const allow = (id: number): boolean => id % Math.round(1 / opts.filterFraction) === 0;

      // Exact baseline (and the ground truth).
      const truth10: number[][] = [];
      const exactMs: number[] = [];
      const exactFilteredMs: number[] = [];
      const truthFiltered: number[][] = [];
      for (let i = 0; i < opts.queries; i++) {
        let r: number[] = [];
        exactMs.push(timeMs(() => (r = exactTopK(data, n, opts.dim, qv(i), 50))));
        truth10.push(r);
        let rf: number[] = [];
        exactFilteredMs.push(timeMs(() => (rf = exactTopK(data, n, opts.dim, qv(i), 10, allow))));
        truthFiltered.push(rf);
      }

      for (const m of n === opts.sizes[0] ? opts.mValues : [opts.mValues.includes(16) ? 16 : opts.mValues[0]!]) {
        const index = new HierarchicalNSW('ip', opts.dim);
        index.initIndex({ maxElements: n, m, efConstruction: opts.efConstruction, randomSeed: 100 });
        const buildMs = timeMs(() => {
          for (let i = 0; i < n; i++) index.addPoint(Array.from(data.subarray(i * opts.dim, (i + 1) * opts.dim)), i);
        });
        const file = join(dir, `idx-${n}-${m}.bin`);
        index.writeIndexSync(file);
        const sizeMiB = statSync(file).size / 2 ** 20;
        const loaded = new HierarchicalNSW('ip', opts.dim);
        const loadMs = timeMs(() => loaded.readIndexSync(file));
        const rss = rssMiB();

        for (const ef of opts.efValues) {
          loaded.setEf(Math.max(ef, 50));
          const lat10: number[] = [];
          const lat50: number[] = [];
          let recall = 0;
          for (let i = 0; i < opts.queries; i++) {
            const arr = Array.from(qv(i));
            loaded.setEf(ef);
            let res: number[] = [];
            lat10.push(timeMs(() => (res = loaded.searchKnn(arr, 10).neighbors)));
            recall += recallAt(res, truth10[i]!, 10);
            loaded.setEf(Math.max(ef, 50));
            lat50.push(timeMs(() => loaded.searchKnn(arr, 50)));
          }
          sweeps.push({ n, m, efC: opts.efConstruction, ef, recall10: round(recall / opts.queries, 4), p50k10: latencySummary(lat10).p50, p99k10: latencySummary(lat10).p99, p99k50: latencySummary(lat50).p99 });
        }

        // The chosen default ef (see bench/README.md) with and without a selective filter.
        const ef = 128;
        loaded.setEf(ef);
        const lat10: number[] = [];
        const lat50: number[] = [];
        const latFilter: number[] = [];
        let recall = 0;
        let recallFiltered = 0;
        for (let i = 0; i < opts.queries; i++) {
          const arr = Array.from(qv(i));
          let res: number[] = [];
          lat10.push(timeMs(() => (res = loaded.searchKnn(arr, 10).neighbors)));
          recall += recallAt(res, truth10[i]!, 10);
          loaded.setEf(Math.max(ef, 50));
          lat50.push(timeMs(() => loaded.searchKnn(arr, 50)));
          loaded.setEf(ef);
          let rf: number[] = [];
          latFilter.push(timeMs(() => (rf = loaded.searchKnn(arr, 10, allow).neighbors)));
          recallFiltered += recallAt(rf, truthFiltered[i]!, 10);
        }
        const s10 = latencySummary(lat10);
        const s50 = latencySummary(lat50);
        const sf = latencySummary(latFilter);
        const se = latencySummary(exactMs);
        const sef = latencySummary(exactFilteredMs);
        rows.push({
          n, m, efC: opts.efConstruction, ef,
          buildS: round(buildMs / 1000, 1), fileMiB: round(sizeMiB, 1), loadMs: round(loadMs, 1), rssMiB: round(rss - rssBefore, 0),
          p50k10: s10.p50, p95k10: s10.p95, p99k10: s10.p99, p99k50: s50.p99,
          recall10: round(recall / opts.queries, 4),
          p99filtered: sf.p99, recallFiltered: round(recallFiltered / opts.queries, 4),
          exactP50: se.p50, exactP99: se.p99, exactFilteredP99: sef.p99,
          speedupP50: round(se.p50 / s10.p50, 1),
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printTable('Search at scale (HNSW vs exact, ms; recall@10 against exact)', rows);
  printTable('Parameter sweep (M, ef)', sweeps);
  return { options: opts, results: rows, sweep: sweeps };
}

if (process.argv[1]?.endsWith('search-scale.ts')) {
  const quick = process.argv.includes('--quick');
  const opts: SearchScaleOptions = quick
    ? { sizes: [10_000, 100_000], dim: 512, queries: 200, efValues: [32, 64, 128, 256], mValues: [16, 32], efConstruction: 200, filterFraction: 0.01 }
    : { sizes: [10_000, 100_000, 1_000_000], dim: 512, queries: 500, efValues: [16, 32, 64, 128, 256, 512], mValues: [8, 16, 32], efConstruction: 200, filterFraction: 0.01 };
  const result = runSearchScale(opts);
  console.log(`\nwrote ${writeResult(quick ? 'search-scale-quick' : 'search-scale', result)}`);
}
