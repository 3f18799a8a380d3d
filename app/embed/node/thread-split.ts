// How indexing splits the CPU between decoding photos and running the image encoder, which compete
// for the same cores. Measured on 2 idle cores with a ViT-B/32-sized model and 12 MP JPEGs
// (bench/results/indexing-model.json): decode 2 + 2 intra-op threads indexes 7.8–9.5 images/s,
// decode 2 + 1 thread 5.7. ONNX Runtime's spinning workers (its default) are ~10 % faster on idle
// cores but collapse when anything else wants the CPU (3.2 images/s at a load of ~2; 2.3 under
// heavy load, when 1 thread looked best), so execution-providers.ts turns spinning off: then 2
// threads keep 7.8–8.8 images/s idle and 5.8 under that load, and a ViT-B/32 text query takes
// 58 ms instead of 82 with 1 thread.
// No onnxruntime import here: the engine resolves the split before it decides to load a model.
import { availableParallelism } from 'node:os';
import { appError, err, ok, type Result } from '../../shared/result.js';

export interface ThreadSplit {
  /** Photos decoded at once (one libvips thread each). */
  decodeConcurrency: number;
  /** ONNX Runtime intra-op threads of each encoder session. */
  inferenceThreads: number;
}

/** decode = cores and inference = cores, each at most 4 (ORT spinning off: see above). */
export function defaultThreadSplit(cores: number = availableParallelism()): ThreadSplit {
  const c = Math.min(4, Math.max(1, Math.floor(cores)));
  return { decodeConcurrency: c, inferenceThreads: c };
}

function positive(name: string, raw: string | undefined): Result<number | undefined> {
  if (raw === undefined || raw.trim() === '') return ok(undefined);
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 ? ok(n) : err(appError('bad-input', `${name} must be a positive integer, got '${raw}'`));
}

/**
 * Explicit options win, then SHOEBOX_THREADS (inference threads) / SHOEBOX_DECODE_CONCURRENCY,
 * then defaultThreadSplit. Each side is set on its own: `threads: 1` leaves decoding at its default.
 */
export function resolveThreadSplit(opts: { threads?: number; decodeConcurrency?: number }, env: NodeJS.ProcessEnv = process.env, cores: number = availableParallelism()): Result<ThreadSplit> {
  const def = defaultThreadSplit(cores);
  for (const [name, v] of [['threads', opts.threads], ['decodeConcurrency', opts.decodeConcurrency]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) return err(appError('bad-input', `${name} must be a positive integer, got ${v}`));
  }
  const envThreads = positive('SHOEBOX_THREADS', env.SHOEBOX_THREADS);
  if (!envThreads.ok) return envThreads;
  const envDecode = positive('SHOEBOX_DECODE_CONCURRENCY', env.SHOEBOX_DECODE_CONCURRENCY);
  if (!envDecode.ok) return envDecode;
  return ok({
    inferenceThreads: opts.threads ?? envThreads.value ?? def.inferenceThreads,
    decodeConcurrency: opts.decodeConcurrency ?? envDecode.value ?? def.decodeConcurrency,
  });
}
