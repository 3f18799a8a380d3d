// How indexing splits the CPU between decoding photos and running the image encoder. Both compete
// for the same cores: on 2 cores with a ViT-B/32-sized model, decoding 2 photos at a time with ONE
// ONNX intra-op thread indexed 4.36 images/s, against 2.3 with 2 + 2 (bench/results/
// indexing-model.json): a second intra-op thread costs ~1.7x the CPU per image and that CPU is
// taken from decoding. So on small machines inference leaves a core to decoding.
// No onnxruntime import here: the engine resolves the split before it decides to load a model.
import { availableParallelism } from 'node:os';
import { appError, err, ok, type Result } from '../../shared/result.js';

export interface ThreadSplit {
  /** Photos decoded at once (one libvips thread each). */
  decodeConcurrency: number;
  /** ONNX Runtime intra-op threads of each encoder session. */
  inferenceThreads: number;
}

/** decode = cores (at most 4); inference = cores − 1 (at least 1) up to 4 cores, else 4. */
export function defaultThreadSplit(cores: number = availableParallelism()): ThreadSplit {
  const c = Math.max(1, Math.floor(cores));
  return { decodeConcurrency: Math.min(4, c), inferenceThreads: c <= 4 ? Math.max(1, c - 1) : 4 };
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
