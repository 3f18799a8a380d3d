// Which ONNX Runtime execution provider runs the encoders. We ask for the fastest one this OS can
// have (CUDA on Linux/Windows, DirectML on Windows, CoreML on macOS) and fall back, one provider at
// a time, to the CPU; the provider that runs and why the others did not is recorded (RuntimeInfo)
// so `shoebox doctor` and `status` can say it. ONNX Runtime itself does not fall back when a
// provider's library is missing (session creation throws), hence one attempt per provider.
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { appError, err, ok, type Result } from '../../shared/result.js';
import { defaultThreadSplit } from './thread-split.js';

export interface RuntimeInfo {
  /** The provider the sessions run on: 'cpu', 'cuda', 'dml', 'coreml', … */
  provider: string;
  requestedProviders: string[];
  /** Why an earlier requested provider is not the one in use; null when the first one worked. */
  fallbackReason: string | null;
  intraOpThreads: number;
}

/** Names users may write (SHOEBOX_PROVIDERS, --providers) → onnxruntime-node's names. */
const ALIASES: Record<string, string> = { cpu: 'cpu', cuda: 'cuda', tensorrt: 'tensorrt', dml: 'dml', directml: 'dml', coreml: 'coreml', webgpu: 'webgpu' };

export function defaultProviders(platform: NodeJS.Platform = process.platform): string[] {
  switch (platform) {
    case 'win32':
      return ['cuda', 'dml', 'cpu'];
    case 'darwin':
      return ['coreml', 'cpu'];
    case 'linux':
      return ['cuda', 'cpu'];
    default:
      return ['cpu'];
  }
}

/** Parses a provider list ("cuda,cpu"); CPU is appended when missing so there is always a last resort. */
export function parseProviders(list: string | string[]): Result<string[]> {
  const items = (Array.isArray(list) ? list : list.split(',')).map((s) => s.trim().toLowerCase()).filter((s) => s.length > 0);
  const out: string[] = [];
  for (const item of items) {
    const name = ALIASES[item];
    if (!name) return err(appError('bad-input', `unknown execution provider '${item}' (known: ${Object.keys(ALIASES).join(', ')})`));
    if (!out.includes(name)) out.push(name);
  }
  if (!out.includes('cpu')) out.push('cpu');
  return ok(out);
}

export function defaultThreads(): number {
  // The encoders share the machine with decoding workers and the UI (measured: thread-split.ts).
  return defaultThreadSplit(availableParallelism()).inferenceThreads;
}

/**
 * ORT's intra-op workers busy-wait between jobs unless told not to. Off: spinning gains ~10 % on
 * idle cores but halves indexing when decoding, the UI or anything else wants the CPU (thread-split.ts).
 */
export const DEFAULT_ALLOW_SPINNING = false;

export interface RuntimeSettings {
  providers: string[];
  threads: number;
  /** Let idle intra-op threads spin (ORT's own default); default DEFAULT_ALLOW_SPINNING, or SHOEBOX_ORT_SPINNING=0|1. */
  allowSpinning?: boolean;
}

/** Explicit options win, then SHOEBOX_PROVIDERS / SHOEBOX_THREADS, then the per-OS defaults. */
export function resolveRuntimeSettings(opts: { providers?: string[]; threads?: number }, env: NodeJS.ProcessEnv = process.env): Result<RuntimeSettings> {
  const providers = parseProviders(opts.providers ?? (env.SHOEBOX_PROVIDERS?.trim() ? env.SHOEBOX_PROVIDERS : defaultProviders()));
  if (!providers.ok) return providers;
  let threads = opts.threads;
  if (threads === undefined && env.SHOEBOX_THREADS?.trim()) {
    threads = Number(env.SHOEBOX_THREADS);
    if (!Number.isInteger(threads) || threads < 1) return err(appError('bad-input', `SHOEBOX_THREADS must be a positive integer, got '${env.SHOEBOX_THREADS}'`));
  }
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) return err(appError('bad-input', `threads must be a positive integer, got ${threads}`));
  const spin = env.SHOEBOX_ORT_SPINNING?.trim();
  if (spin && spin !== '0' && spin !== '1') return err(appError('bad-input', `SHOEBOX_ORT_SPINNING must be 0 or 1, got '${env.SHOEBOX_ORT_SPINNING}'`));
  return ok({ providers: providers.value, threads: threads ?? defaultThreads(), allowSpinning: spin ? spin === '1' : DEFAULT_ALLOW_SPINNING });
}

export interface SupportedProvider {
  name: string;
  /** Bundled in the onnxruntime-node package; otherwise its libraries must be installed separately. */
  bundled: boolean;
}

export function supportedProviders(): SupportedProvider[] {
  return ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled }));
}

export function sessionOptions(provider: string, threads: number, allowSpinning: boolean = DEFAULT_ALLOW_SPINNING): ort.InferenceSession.SessionOptions {
  return {
    // ORT config keys (onnxruntime_session_options_config_keys.h), flattened with '.' by the binding.
    ...(allowSpinning ? {} : { extra: { session: { intra_op: { allow_spinning: '0' } } } }),
    executionProviders: [provider],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // Errors come back to us as exceptions; ORT's own stderr logging would only duplicate them.
    logSeverityLevel: 4,
  };
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  // ORT appends its native log after the first line; keep the part a person can read.
  return msg.split('\n')[0]!.replace(/\u001b\[[0-9;]*m/g, '').trim();
}

/** Says in plain words why a provider could not start, keeping ORT's own message. */
export function explainProviderFailure(provider: string, message: string): string {
  if (/failed to load (shared )?library/i.test(message)) {
    const needs: Record<string, string> = {
      cuda: 'no NVIDIA GPU driver or CUDA 12 + cuDNN 9 libraries found',
      tensorrt: 'no TensorRT libraries found',
      dml: 'DirectML is not available',
    };
    return `${provider}: ${needs[provider] ?? 'its libraries could not be loaded'} (${message})`;
  }
  return `${provider}: ${message}`;
}

export interface CreatedSessions<K extends string> {
  sessions: Record<K, ort.InferenceSession>;
  runtime: RuntimeInfo;
}

/**
 * Creates one session per model file on the first provider, in `settings.providers` order, on
 * which all of them can be created; records why each earlier provider was passed over.
 */
export async function createSessions<K extends string>(files: Record<K, string>, settings: RuntimeSettings): Promise<Result<CreatedSessions<K>>> {
  // A provider that cannot start is reported through RuntimeInfo; ORT's native error log would
  // print the same failure to stderr a second time, in red, on every start.
  ort.env.logLevel = 'fatal';
  const supported = new Set(supportedProviders().map((p) => p.name));
  const reasons: string[] = [];
  for (const provider of settings.providers) {
    if (!supported.has(provider)) {
      reasons.push(`${provider}: not available in this onnxruntime-node build on ${process.platform}-${process.arch}`);
      continue;
    }
    const made: Partial<Record<K, ort.InferenceSession>> = {};
    let failure: string | null = null;
    for (const key of Object.keys(files) as K[]) {
      try {
        made[key] = await ort.InferenceSession.create(files[key], sessionOptions(provider, settings.threads, settings.allowSpinning ?? DEFAULT_ALLOW_SPINNING));
      } catch (e) {
        failure = firstLine(e);
        break;
      }
    }
    if (failure === null) {
      return ok({
        sessions: made as Record<K, ort.InferenceSession>,
        runtime: { provider, requestedProviders: settings.providers, fallbackReason: reasons.length ? reasons.join('; ') : null, intraOpThreads: settings.threads },
      });
    }
    await Promise.all(Object.values<ort.InferenceSession | undefined>(made).map((s) => s?.release()));
    reasons.push(explainProviderFailure(provider, failure));
  }
  return err(appError('runtime', `could not create an ONNX Runtime session: ${reasons.join('; ')}`, { hint: 'check the model files, or set SHOEBOX_PROVIDERS=cpu' }));
}
