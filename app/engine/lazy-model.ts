// A model folder opened lazily: opening reads and validates model.json only; the checksums,
// tokenizer and ONNX Runtime sessions are loaded on the first encode (or `ready()`). `shoebox
// status` never encodes, and `shoebox index` on an unchanged library encodes nothing, so both skip
// session creation, which is the slow part of opening a model.
import { loadModel, readManifest } from '../embed/node/model-load.js';
import { resolveRuntimeSettings } from '../embed/node/execution-providers.js';
import { ok, type Result } from '../shared/result.js';
import type { EngineModel, EngineRuntime } from './context.js';

export interface LazyModelOptions {
  threads?: number;
  providers?: string[];
  env?: NodeJS.ProcessEnv;
  /** How the folder is loaded when first needed (default loadModel). */
  load?: (dir: string) => Promise<Result<EngineModel>>;
}

/** Provider shown before the sessions exist: which one runs is only known once they are created. */
export const NOT_LOADED = 'not-loaded';

export async function openLazyModel(dir: string, opts: LazyModelOptions = {}): Promise<Result<EngineModel>> {
  const manifest = await readManifest(dir);
  if (!manifest.ok) return manifest;
  const settings = resolveRuntimeSettings({ providers: opts.providers, threads: opts.threads }, opts.env ?? process.env);
  if (!settings.ok) return settings;
  const load = opts.load ?? ((d: string) => loadModel(d, { threads: opts.threads, providers: opts.providers, env: opts.env }));
  let loading: Promise<Result<EngineModel>> | null = null;
  let loaded: EngineModel | null = null;
  let closed = false;
  const get = (): Promise<Result<EngineModel>> => {
    loading ??= load(dir).then((r) => {
      if (r.ok) {
        if (closed) void r.value.close();
        else loaded = r.value;
      } else loading = null; // a later call may try again (and say why again)
      return r;
    });
    return loading;
  };
  const planned: EngineRuntime = { provider: NOT_LOADED, requestedProviders: settings.value.providers, fallbackReason: null, intraOpThreads: settings.value.threads };
  return ok({
    dir,
    manifest: manifest.value,
    get runtime(): EngineRuntime {
      return loaded?.runtime ?? planned;
    },
    get loaded(): boolean {
      return loaded !== null;
    },
    image: {
      async encode(pixels: Float32Array, n: number) {
        const m = await get();
        return m.ok ? m.value.image.encode(pixels, n) : m;
      },
    },
    text: {
      async encode(texts: string[]) {
        const m = await get();
        return m.ok ? m.value.text.encode(texts) : m;
      },
    },
    async ready(): Promise<Result<void>> {
      const m = await get();
      return m.ok ? ok(undefined) : m;
    },
    async close() {
      closed = true;
      const m = loading ? await loading : null;
      if (m?.ok) await m.value.close();
    },
  });
}
