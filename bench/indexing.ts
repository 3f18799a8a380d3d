// Indexing throughput against its limits, measured in the same run:
//  1. decode-bound (bundled model): the full `shoebox index` CLI over 12 MP JPEGs against sharp
//     decoding + resizing the same files at the same concurrency and nothing else.
//  2. model-bound (the random-weight ViT-B/32-shaped model): indexing through the engine against
//     the ONNX session alone on pre-decoded tensors at the same batch size and threads, plus a
//     sweep of batch size and the split of the 2 cores between decoding and inference.
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { createEngine } from '../app/engine/engine.js';
import { loadModel } from '../app/embed/node/model-load.js';
import { defaultThreadSplit, type ThreadSplit } from '../app/embed/node/thread-split.js';
import { preprocessImage } from '../app/embed/node/preprocess.js';
import { benchFiles, ensureBenchLibrary } from './lib/photo-library.js';
import { profileIndexingSteps, type StepCost } from './lib/indexing-profile.js';
import { shoebox } from './lib/process.js';
import { printTable, repoRoot, round, writeResult } from './lib/report.js';

const SCRATCH = join(repoRoot, 'build', 'bench-scratch');
export const VITB32_ROOT = join(repoRoot, 'models', 'vitb32-random');
/** `npm run model:vitb32-random` writes upstream layouts, each with a Shoebox model.json; any of them will do. */
export function vitb32Dir(): string {
  for (const d of [VITB32_ROOT, join(VITB32_ROOT, 'immich'), join(VITB32_ROOT, 'transformers.js')]) if (existsSync(join(d, 'model.json'))) return d;
  return VITB32_ROOT;
}
const DEMO_DIR = join(repoRoot, 'models', 'demo');

/** The engine's default split (app/embed/node/thread-split.ts): decode min(4, cores), inference cores − 1 up to 4 cores. */
export const defaultSplit = (): ThreadSplit => defaultThreadSplit();
/** Environment for a model load with ORT's intra-op spinning on or off (SHOEBOX_ORT_SPINNING). */
const spinEnv = (spin: boolean): NodeJS.ProcessEnv => ({ ...process.env, SHOEBOX_ORT_SPINNING: spin ? '1' : '0' });

async function mapLimit<T>(items: readonly T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

/** A folder holding exactly these files (as symlinks), so the indexer sees the same set as the baseline. */
function viewOf(files: string[], name: string): string {
  const dir = join(SCRATCH, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  files.forEach((f, i) => symlinkSync(f, join(dir, `${String(i).padStart(4, '0')}-${basename(f)}`)));
  return dir;
}

/** Page-cache the files so neither side pays for the disk. */
function warm(files: string[]): void {
  for (const f of files) readFileSync(f);
}

/**
 * The decode limit: sharp reads, decodes (no JPEG shrink-on-load, as the app: its DCT-domain
 * downscale is a different filter from Pillow's), orients and resizes to the model's input,
 * `concurrency` files at a time with one libvips thread each (as the engine sets it).
 */
async function decodeBaseline(files: string[], size: number, concurrency: number, shrinkOnLoad: boolean): Promise<{ seconds: number; cpuS: number; ok: number; failed: number }> {
  sharp.concurrency(1);
  let okN = 0;
  let failed = 0;
  const t = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  await mapLimit(files, concurrency, async (f) => {
    try {
      await sharp(f, { failOn: 'warning' }).rotate().resize(size, size, { fit: 'cover', kernel: 'cubic', fastShrinkOnLoad: shrinkOnLoad }).removeAlpha().raw().toBuffer();
      okN++;
    } catch {
      failed++;
    }
  });
  const cpu = process.cpuUsage(cpu0);
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, cpuS: (cpu.user + cpu.system) / 1e6, ok: okN, failed };
}

interface IndexSummary {
  indexed: number;
  failed: number;
  unsupported: number;
  tookMs: number;
  found: number;
}

async function cliIndex(view: string, extra: string[]): Promise<{ wallS: number; indexS: number; cpuS: number | null; peakRssMiB: number | null; summary: IndexSummary }> {
  const lib = join(SCRATCH, `lib-${basename(view)}`);
  rmSync(lib, { recursive: true, force: true });
  const r = await shoebox(['index', view, '--library', lib, '--json', ...extra]);
  if (r.code !== 0) throw new Error(`shoebox index failed (${r.code}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as IndexSummary;
  rmSync(lib, { recursive: true, force: true });
  return { wallS: r.wallMs / 1000, indexS: summary.tookMs / 1000, cpuS: r.cpuS, peakRssMiB: r.peakRssMiB, summary };
}

export interface DecodeBoundOptions {
  sceneFiles: number;
  withReference: boolean;
  /** Also time each per-photo step alone (where the CPU beyond the bare decode goes). */
  profile: boolean;
}

export async function runDecodeBound(opts: DecodeBoundOptions): Promise<Record<string, unknown>> {
  await ensureBenchLibrary(opts.sceneFiles, (d, t) => {
    if (d % 25 === 0 || d === t) console.error(`  generating 12 MP photos: ${d}/${t}`);
  });
  const files = benchFiles(opts.sceneFiles, opts.withReference);
  const threads = defaultSplit().decodeConcurrency;
  const size = (JSON.parse(readFileSync(join(DEMO_DIR, 'model.json'), 'utf8')) as { preprocess: { size: number } }).preprocess.size;
  const view = viewOf(files, 'decode-view');
  warm(files);
  // Baseline before and after the measured run: the machine's load drifts, the mean of the two is fairer.
  const b1 = await decodeBaseline(files, size, threads, false);
  const cli = await cliIndex(view, []);
  const b2 = await decodeBaseline(files, size, threads, false);
  const shrink = await decodeBaseline(files, size, threads, true);
  const baseRate = files.length / ((b1.seconds + b2.seconds) / 2);
  const wallRate = files.length / cli.wallS;
  const indexRate = files.length / cli.indexS;
  const rows = [
    { run: 'baseline: sharp decode + resize (before)', files: files.length, seconds: round(b1.seconds, 2), cpuS: round(b1.cpuS, 2), imagesPerS: round(files.length / b1.seconds, 2) },
    { run: 'baseline: sharp decode + resize (after)', files: files.length, seconds: round(b2.seconds, 2), cpuS: round(b2.cpuS, 2), imagesPerS: round(files.length / b2.seconds, 2) },
    { run: 'shoebox index (process wall: start, scan, index, save)', files: files.length, seconds: round(cli.wallS, 2), cpuS: cli.cpuS, imagesPerS: round(wallRate, 2), ratio: round(wallRate / baseRate, 3), cpuRatio: cli.cpuS ? round(((b1.cpuS + b2.cpuS) / 2) / cli.cpuS, 3) : null },
    { run: 'shoebox index (indexing phase)', files: files.length, seconds: round(cli.indexS, 2), imagesPerS: round(indexRate, 2), ratio: round(indexRate / baseRate, 3) },
    { run: 'info: sharp with JPEG shrink-on-load (app forgoes it)', files: files.length, seconds: round(shrink.seconds, 2), cpuS: round(shrink.cpuS, 2), imagesPerS: round(files.length / shrink.seconds, 2), ratio: round((files.length / shrink.seconds) / baseRate, 3) },
  ];
  let profile: Record<string, unknown>[] | null = null;
  if (opts.profile) {
    const manifest = JSON.parse(readFileSync(join(DEMO_DIR, 'model.json'), 'utf8')) as { preprocess: Parameters<typeof preprocessImage>[1] };
    const steps = await profileIndexingSteps(files, DEMO_DIR, manifest.preprocess, threads);
    const inApp = steps.filter((x) => !x.step.startsWith('baseline') && !x.step.startsWith('read file') && !x.step.startsWith('header probe'));
    const sum = inApp.reduce((a, x) => a + x.cpuS, 0);
    profile = steps.map((x: StepCost) => ({ ...x }));
    if (cli.cpuS !== null) profile.push({ step: 'rest of `shoebox index` (start-up, model load, scan walk, SQLite, HNSW, scheduling)', cpuS: round(cli.cpuS - sum, 3), cpuMsPerImage: round(((cli.cpuS - sum) * 1000) / files.length, 2) });
    printTable('Where the CPU goes (each step alone over the same files; the "rest" is shoebox index CPU minus the app steps)', profile);
  }
  printTable(`Indexing vs the decode limit (${opts.sceneFiles} 12 MP JPEGs${opts.withReference ? ' + reference photos' : ''}, decode concurrency ${threads}, bundled model; target ratio >= 0.85)`, rows);
  return {
    files: files.length, sceneFiles: opts.sceneFiles, withReference: opts.withReference, threads, split: defaultSplit(), modelInputSize: size,
    baseline: { before: b1, after: b2, imagesPerS: round(baseRate, 3) },
    shoebox: { wallS: round(cli.wallS, 3), indexS: round(cli.indexS, 3), cpuS: cli.cpuS, peakRssMiB: cli.peakRssMiB, summary: cli.summary },
    ratioWall: round(wallRate / baseRate, 3), ratioIndexing: round(indexRate / baseRate, 3),
    cpuRatio: cli.cpuS ? round(((b1.cpuS + b2.cpuS) / 2) / cli.cpuS, 3) : null,
    shrinkOnLoad: { ...shrink, imagesPerS: round(files.length / shrink.seconds, 3) },
    target: 0.85, rows, profile,
  };
}

export interface ModelBoundOptions {
  modelDir: string;
  /** Files in the headline comparison and in each sweep point. */
  files: number;
  sweepFiles: number;
  batchSizes: number[];
  /** [decode concurrency, inference threads, ORT intra-op spinning] (spinning only matters with 2+ threads). */
  splits: [number, number, boolean][];
}

/** The ONNX session alone over pre-decoded tensors. */
async function sessionOnly(modelDir: string, tensors: Float32Array[], batch: number, threads: number, spin?: boolean): Promise<{ seconds: number; cpuS: number; loadS: number }> {
  const tl = process.hrtime.bigint();
  const m = await loadModel(modelDir, { threads, ...(spin === undefined ? {} : { env: spinEnv(spin) }) });
  const loadS = Number(process.hrtime.bigint() - tl) / 1e9;
  if (!m.ok) throw new Error(m.error.message);
  try {
    const per = tensors[0]!.length;
    const first = await m.value.image.encode(tensors[0]!, 1); // warm-up: first run allocates
    if (!first.ok) throw new Error(first.error.message);
    const t = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    for (let s = 0; s < tensors.length; s += batch) {
      const n = Math.min(batch, tensors.length - s);
      const px = new Float32Array(per * n);
      for (let i = 0; i < n; i++) px.set(tensors[s + i]!, i * per);
      const r = await m.value.image.encode(px, n);
      if (!r.ok) throw new Error(r.error.message);
    }
    const cpu = process.cpuUsage(cpu0);
    return { seconds: Number(process.hrtime.bigint() - t) / 1e9, cpuS: (cpu.user + cpu.system) / 1e6, loadS };
  } finally {
    await m.value.close();
  }
}

/** Indexing through the engine, in process, with the decode pool and inference threads set apart. */
async function engineIndex(modelDir: string, view: string, batch: number, decodeThreads: number, inferThreads: number, spin: boolean): Promise<{ seconds: number; cpuS: number }> {
  const lib = join(SCRATCH, `lib-engine-${basename(view)}`);
  rmSync(lib, { recursive: true, force: true });
  const m = await loadModel(modelDir, { threads: inferThreads, env: spinEnv(spin) });
  if (!m.ok) throw new Error(m.error.message);
  const e = await createEngine({ libraryDir: lib, model: m.value, threads: inferThreads, decodeConcurrency: decodeThreads, batchSize: batch });
  if (!e.ok) throw new Error(e.error.message);
  try {
    const cpu0 = process.cpuUsage();
    const r = await e.value.indexFolders([view]);
    if (!r.ok) throw new Error(r.error.message);
    const cpu = process.cpuUsage(cpu0);
    return { seconds: r.value.run.tookMs / 1000, cpuS: (cpu.user + cpu.system) / 1e6 };
  } finally {
    await e.value.close();
    rmSync(lib, { recursive: true, force: true });
  }
}

export async function runModelBound(opts: ModelBoundOptions): Promise<Record<string, unknown>> {
  if (!existsSync(join(opts.modelDir, 'model.json'))) {
    const reason = `no model at ${opts.modelDir} (run \`npm run model:vitb32-random\` first); model-bound benchmark skipped`;
    console.log(`\nModel-bound indexing: SKIPPED — ${reason}`);
    return { skipped: true, reason };
  }
  const manifest = JSON.parse(readFileSync(join(opts.modelDir, 'model.json'), 'utf8')) as { id: string; preprocess: Parameters<typeof preprocessImage>[1] };
  await ensureBenchLibrary(Math.max(opts.files, opts.sweepFiles));
  const split = defaultSplit();
  const threads = split.inferenceThreads;
  const files = benchFiles(opts.files, false);
  warm(files);
  const tensors: Float32Array[] = [];
  for (const f of files) {
    const p = await preprocessImage(f, manifest.preprocess);
    if (!p.ok) throw new Error(p.error.message);
    tensors.push(p.value.tensor);
  }
  const view = viewOf(files, 'model-view');
  const headBatch = 16;
  const sess = await sessionOnly(opts.modelDir, tensors, headBatch, threads);
  const sessS = sess.seconds;
  const cli = await cliIndex(view, ['--model', opts.modelDir, '--batch-size', String(headBatch)]);
  const sessRate = files.length / sessS;
  const head = [
    { run: `ONNX session alone, pre-decoded (batch ${headBatch}, ${threads} inference thread${threads === 1 ? '' : 's'})`, files: files.length, seconds: round(sessS, 2), cpuS: round(sess.cpuS, 2), imagesPerS: round(sessRate, 2) },
    { run: 'info: model load (sessions + checksum), paid inside the CLI\'s indexing phase', seconds: round(sess.loadS, 2) },
    { run: 'ONNX session alone incl. that model load', files: files.length, seconds: round(sessS + sess.loadS, 2), imagesPerS: round(files.length / (sessS + sess.loadS), 2) },
    { run: 'shoebox index (indexing phase)', files: files.length, seconds: round(cli.indexS, 2), imagesPerS: round(files.length / cli.indexS, 2), ratio: round(files.length / cli.indexS / sessRate, 3), ratioInclLoad: round((sessS + sess.loadS) / cli.indexS, 3) },
    { run: 'shoebox index (process wall)', files: files.length, seconds: round(cli.wallS, 2), cpuS: cli.cpuS, imagesPerS: round(files.length / cli.wallS, 2), ratio: round(files.length / cli.wallS / sessRate, 3), cpuRatio: cli.cpuS ? round(sess.cpuS / cli.cpuS, 3) : null },
  ];
  printTable(`Model-bound indexing (${manifest.id}, ${files.length} 12 MP JPEGs, engine defaults: decode ${split.decodeConcurrency}, inference ${split.inferenceThreads}; target ratio >= 0.90)`, head);

  // Sweep: batch size × (decode concurrency, inference threads), each against the session alone at the same batch and threads.
  const sweepFilesList = benchFiles(opts.sweepFiles, false);
  const sweepView = viewOf(sweepFilesList, 'model-sweep-view');
  const sweepTensors = tensors.slice(0, opts.sweepFiles);
  const sweep: Record<string, unknown>[] = [];
  for (const batch of opts.batchSizes) {
    for (const [dec, inf, spin] of opts.splits) {
      const s = await sessionOnly(opts.modelDir, sweepTensors, batch, inf, spin);
      const ix = await engineIndex(opts.modelDir, sweepView, batch, dec, inf, spin);
      const n = sweepFilesList.length;
      sweep.push({
        batch, decodeThreads: dec, inferThreads: inf, spinning: inf > 1 ? spin : 'n/a',
        sessionImagesPerS: round(n / s.seconds, 2), indexImagesPerS: round(n / ix.seconds, 2), ratio: round(s.seconds / ix.seconds, 3),
        sessionCpuMsPerImage: round((s.cpuS * 1000) / n, 0), indexCpuMsPerImage: round((ix.cpuS * 1000) / n, 0), cpuRatio: round(s.cpuS / ix.cpuS, 3),
      });
      console.error(`  sweep batch=${batch} decode=${dec} infer=${inf}${inf > 1 ? ` spin=${spin ? 1 : 0}` : ''}: ${round(n / ix.seconds, 2)} images/s`);
    }
  }
  const best = [...sweep].sort((a, b) => (b.indexImagesPerS as number) - (a.indexImagesPerS as number))[0];
  printTable(`Batch size and thread split (${opts.sweepFiles} files each; best: ${best ? `batch ${String(best.batch)}, decode ${String(best.decodeThreads)}, infer ${String(best.inferThreads)}` : 'n/a'})`, sweep);
  return {
    model: manifest.id, files: files.length, threads, split, batch: headBatch,
    session: { seconds: round(sessS, 3), cpuS: round(sess.cpuS, 3), imagesPerS: round(sessRate, 3) },
    cpuRatio: cli.cpuS ? round(sess.cpuS / cli.cpuS, 3) : null,
    shoebox: { wallS: round(cli.wallS, 3), indexS: round(cli.indexS, 3), cpuS: cli.cpuS, peakRssMiB: cli.peakRssMiB, summary: cli.summary },
    ratioIndexing: round(files.length / cli.indexS / sessRate, 3), ratioInclLoad: round((sessS + sess.loadS) / cli.indexS, 3), modelLoadS: round(sess.loadS, 3), ratioWall: round(files.length / cli.wallS / sessRate, 3),
    target: 0.9, sweep, best,
  };
}

export async function main(args: string[]): Promise<string[]> {
  const quick = args.includes('--quick');
  const out: string[] = [];
  // --part decode|model runs one half (the other keeps its last result file).
  const pi = args.indexOf('--part');
  const part = pi >= 0 ? args[pi + 1] : undefined;
  if (part !== 'model') {
    const decode = await runDecodeBound({ sceneFiles: quick ? 120 : 500, withReference: true, profile: !quick || args.includes('--profile') });
    out.push(writeResult(quick ? 'indexing-decode-quick' : 'indexing-decode', { quick, ...decode }));
  }
  if (part === 'decode') return out;
  const mi = args.indexOf('--model-dir');
  const modelDir = mi >= 0 ? args[mi + 1]! : vitb32Dir();
  // ViT-B/32 costs ~0.15 s per image on 2 idle cores (about 1.5 s on a loaded one): sizes are kept small.
  const model = await runModelBound(quick
    ? { modelDir, files: 24, sweepFiles: 16, batchSizes: [16], splits: [[2, 1, true], [2, 2, true], [2, 2, false]] }
    : { modelDir, files: 64, sweepFiles: 24, batchSizes: [8, 32], splits: [[1, 2, true], [2, 1, true], [2, 2, true], [2, 2, false]] });
  out.push(writeResult(quick ? 'indexing-model-quick' : 'indexing-model', { quick, ...model }));
  return out;
}

if (process.argv[1]?.endsWith('indexing.ts')) {
  for (const f of await main(process.argv.slice(2))) console.log(`wrote ${f}`);
}
