// `npm run bench [-- --quick] [-- --only NAME]`: runs every benchmark (or one), prints each table
// and a summary of every ratio and target, and writes JSON to bench/results/.
//   indexing      decode-bound and model-bound indexing throughput (bench/indexing.ts)
//   search-scale  HNSW vs exact at 10k / 100k / 1M vectors (bench/search-scale.ts)
//   query         end-to-end text query latency (bench/query.ts)
//   incremental   rescan, cold start, HNSW rebuild on 100k photos (bench/incremental.ts)
import { readFileSync } from 'node:fs';
import { uptime, loadavg } from 'node:os';
import { main as indexing } from './indexing.js';
import { main as incremental } from './incremental.js';
import { main as query } from './query.js';
import { main as searchScale } from './search-scale.js';
import { machine, printTable, round, writeResult } from './lib/report.js';

const BENCHMARKS: Record<string, (args: string[]) => Promise<string[] | string> | string[] | string> = {
  indexing,
  'search-scale': searchScale,
  query,
  incremental,
};

type Json = Record<string, unknown>;
const read = (f: string): Json => JSON.parse(readFileSync(f, 'utf8')) as Json;
const get = (o: unknown, ...keys: (string | number)[]): unknown => keys.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined), o);

/** One line per target: the figure, the target, and whether it was met. */
function summarise(files: string[]): Json[] {
  const rows: Json[] = [];
  const add = (what: string, value: unknown, target: string, met: boolean | null): void => {
    rows.push({ what, value: typeof value === 'number' ? round(value, 3) : String(value), target, met: met === null ? 'n/a' : met ? 'yes' : 'NO' });
  };
  for (const f of files) {
    const j = read(f);
    const name = String(j.benchmark);
    if (name.startsWith('indexing-decode')) {
      add('indexing vs decode limit, ratio (indexing phase)', j.ratioIndexing, '>= 0.85', (j.ratioIndexing as number) >= 0.85);
      add('indexing vs decode limit, ratio (process wall)', j.ratioWall, '>= 0.85', (j.ratioWall as number) >= 0.85);
      add('indexing vs decode limit, CPU-time ratio (robust to load)', j.cpuRatio, '>= 0.85', typeof j.cpuRatio === 'number' ? j.cpuRatio >= 0.85 : null);
      add('  images/s: baseline / shoebox wall', `${String(get(j, 'baseline', 'imagesPerS'))} / ${round((j.files as number) / (get(j, 'shoebox', 'wallS') as number), 2)}`, '', null);
      add('peak RSS while indexing (MiB)', get(j, 'shoebox', 'peakRssMiB'), '', null);
    } else if (name.startsWith('indexing-model')) {
      if (j.skipped) add('model-bound indexing (ViT-B/32-shaped)', 'skipped', '>= 0.90', null);
      else {
        add('model-bound indexing, ratio (indexing phase)', j.ratioIndexing, '>= 0.90', (j.ratioIndexing as number) >= 0.9);
        add('model-bound indexing, ratio vs session incl. its model load (the CLI loads the model inside its indexing phase)', j.ratioInclLoad, '>= 0.90', typeof j.ratioInclLoad === 'number' ? j.ratioInclLoad >= 0.9 : null);
        add('model-bound indexing, CPU-time ratio', j.cpuRatio, '>= 0.90', typeof j.cpuRatio === 'number' ? j.cpuRatio >= 0.9 : null);
        const b = j.best as Json | undefined;
        if (b) add('  best batch / decode threads / inference threads', `${String(b.batch)} / ${String(b.decodeThreads)} / ${String(b.inferThreads)}${b.spinning === false ? ' (no spinning)' : ''} (${String(b.indexImagesPerS)} images/s)`, '', null);
        const sp = j.split as Json | undefined;
        if (sp) add('  engine default split: decode / inference threads', `${String(sp.decodeConcurrency)} / ${String(sp.inferenceThreads)}`, '', null);
      }
    } else if (name.startsWith('search-scale')) {
      const results = j.results as Json[];
      const isDefault = (x: Json): boolean => x.m === get(j, 'options', 'defaultM') && x.efC === get(j, 'options', 'defaultEfConstruction');
      // The shipped M / efConstruction at every size; other builds where a size has no shipped one (e.g. a 1M run at a cheaper efConstruction).
      for (const r of results.filter((x) => isDefault(x) || !results.some((y) => y.n === x.n && isDefault(y)))) {
        const n = r.n as number;
        const what = `search ${n}${r.builtOf ? ` (of ${String(r.builtOf)}: build budget)` : ''}${isDefault(r) ? '' : ` M ${String(r.m)} efC ${String(r.efC)}`}`;
        const recallTarget = n >= 1_000_000 ? 0.98 : 0.99;
        add(`${what}: recall@10, ef max(256, 2k)`, r.recall10, `>= ${recallTarget}`, n >= 100_000 ? (r.recall10 as number) >= recallTarget : null);
        add(`${what}: p50 / p95 / p99 k=10 (ms)`, `${String(r.p50k10)} / ${String(r.p95k10)} / ${String(r.p99k10)}`, n === 100_000 ? 'p99 <= 20' : '', n === 100_000 ? (r.p99k10 as number) <= 20 : null);
        add(`${what}: exact brute force p50 (ms)`, r.exactP50, '', null);
        add(`${what}: p99 filtered, product path (ms)`, r.p99filtProduct, '', null);
      }
    } else if (name.startsWith('query')) {
      for (const run of j.runs as Json[]) {
        const c = (run.cases as Json[])[0]!;
        const bundled = String(run.model).startsWith('shoebox-demo');
        add(`query ${String(run.model)}: p50 / p99 (ms)`, `${String(c.p50)} / ${String(c.p99)}`, bundled ? '<= 100' : '', bundled ? (c.p99 as number) <= 100 : null);
      }
    } else if (name.startsWith('incremental')) {
      const rescan = (j.rescan as Json[])[0]!;
      add(`rescan of ${String(j.photos)} unchanged files (s)`, rescan.seconds, '<= 10', (rescan.seconds as number) <= 10);
      add('cold start to first result (s, median)', get(j, 'coldStart', 'medianTotalS'), '<= 2', (get(j, 'coldStart', 'medianTotalS') as number) <= 2);
      add('  same, CPU seconds used', get(j, 'coldStart', 'medianCpuS'), '', null);
    }
  }
  return rows;
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const oi = args.indexOf('--only');
const only = oi >= 0 ? args[oi + 1] : undefined;
if (only && !BENCHMARKS[only]) {
  console.error(`unknown benchmark '${only}'; one of: ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}
const started = Date.now();
const load = loadavg();
console.log(`Shoebox benchmarks${quick ? ' (--quick)' : ''}: ${String(machine().cpu)} × ${String(machine().cpuCount)}, load average ${load.map((x) => x.toFixed(1)).join(' ')}, up ${Math.round(uptime() / 60)} min`);
const files: string[] = [];
const partSeconds: Record<string, number> = {};
for (const [name, fn] of Object.entries(BENCHMARKS)) {
  if (only && name !== only) continue;
  const t = Date.now();
  console.log(`\n=== ${name} ===`);
  const r = await fn(args);
  files.push(...(Array.isArray(r) ? r : [r]));
  partSeconds[name] = Math.round((Date.now() - t) / 1000);
  console.log(`(${name}: ${partSeconds[name]} s, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')})`);
}
const summary = summarise(files);
printTable('Summary', summary);
const out = writeResult(`summary${only ? `-${only}` : ''}${quick ? '-quick' : ''}`, { quick, only: only ?? null, loadAverageAtStart: load, loadAverageAtEnd: loadavg(), seconds: Math.round((Date.now() - started) / 1000), partSeconds, files: files.map((f) => f.replace(/^.*\/bench\/results\//, '')), summary });
console.log(`\nwrote ${[...files, out].join('\n      ')}\n(total ${((Date.now() - started) / 1000).toFixed(0)} s)`);
