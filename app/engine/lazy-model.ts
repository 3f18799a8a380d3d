// A model folder opened lazily: opening reads and validates model.json only; each encoder is
// loaded on its first use (or `ready()`), by itself. `shoebox status` never encodes, and `shoebox
// index` only ever encodes images, so neither pays for what it does not use: ONNX sessions are
// the slow part of opening a model, and the text side's tokenizer brings the ftfy port and its
// tables (over a second of start-up under tsx on a busy machine).
import { join, resolve } from 'node:path';
import type { ModelManifest } from '../embed/common/model-format.js';
import { readManifest } from '../embed/node/read-manifest.js';
import { resolveRuntimeSettings, type RuntimeSettings } from '../embed/node/execution-providers.js';
import { err, ok, type Result } from '../shared/result.js';
import type { EngineModel, EngineRuntime } from './context.js';

export interface LazyModelOptions {
  threads?: number;
  providers?: string[];
  env?: NodeJS.ProcessEnv;
  /** Tests: how the folder is loaded when first needed (both encoders at once). Default: each side by itself. */
  load?: (dir: string) => Promise<Result<EngineModel>>;
}

/** Provider shown before the sessions exist: which one runs is only known once they are created. */
export const NOT_LOADED = 'not-loaded';

/** model.json alone (no sessions, no tokenizer): see app/embed/node/read-manifest.ts. */
export const readManifestOnly = readManifest;

type Encoders = Pick<EngineModel, 'image' | 'text'>;
interface Side<T> {
  encoder: T;
  runtime: EngineRuntime;
  release(): Promise<void>;
}

async function verifySide(dir: string, m: ModelManifest, names: string[], env: NodeJS.ProcessEnv): Promise<Result<unknown>> {
  const { verifyModelFiles, verifyCachePath } = await import('../embed/node/checksums.js');
  return verifyModelFiles(dir, m.files.filter((f) => names.includes(f.path)), { cachePath: verifyCachePath(env) });
}

/** The image side: its file verified, one session, role rt's encoder (modules loaded on demand). */
async function loadImageSide(dir: string, m: ModelManifest, settings: RuntimeSettings, env: NodeJS.ProcessEnv): Promise<Result<Side<Encoders['image']>>> {
  const v = await verifySide(dir, m, [m.image.file], env);
  if (!v.ok) return v;
  const ort = await import('onnxruntime-node');
  const { createSessions } = await import('../embed/node/execution-providers.js');
  const { createImageEncoder } = await import('../embed/node/image-encoder.js');
  const file = join(dir, m.image.file);
  const s = await createSessions({ image: file }, settings);
  if (!s.ok) return s;
  const session = s.value.sessions.image;
  const enc = createImageEncoder({ runtime: ort, session, manifest: m });
  if (!enc.ok) {
    await session.release();
    return err({ ...enc.error, path: file });
  }
  return ok({ encoder: enc.value, runtime: s.value.runtime, release: () => session.release() });
}

/** The text side: tokenizer + one session + role rt's encoder. */
async function loadTextSide(dir: string, m: ModelManifest, settings: RuntimeSettings, env: NodeJS.ProcessEnv): Promise<Result<Side<Encoders['text']>>> {
  const v = await verifySide(dir, m, [m.text.file, m.tokenizer.file], env);
  if (!v.ok) return v;
  const ort = await import('onnxruntime-node');
  const { createSessions } = await import('../embed/node/execution-providers.js');
  const { loadTokenizer } = await import('../embed/node/load-tokenizer.js');
  const { createTextEncoder } = await import('../embed/common/text-encoder.js');
  const tok = await loadTokenizer(join(dir, m.tokenizer.file), m.tokenizer);
  if (!tok.ok) return err({ ...tok.error, code: 'model-invalid' });
  const file = join(dir, m.text.file);
  const s = await createSessions({ text: file }, settings);
  if (!s.ok) return s;
  const session = s.value.sessions.text;
  const enc = createTextEncoder({ runtime: ort, session, manifest: m, tokenizer: tok.value });
  if (!enc.ok) {
    await session.release();
    return err({ ...enc.error, path: file });
  }
  return ok({ encoder: enc.value, runtime: s.value.runtime, release: () => session.release() });
}

export async function openLazyModel(dirIn: string, opts: LazyModelOptions = {}): Promise<Result<EngineModel>> {
  const dir = resolve(dirIn);
  const env = opts.env ?? process.env;
  const manifest = await readManifestOnly(dir);
  if (!manifest.ok) return manifest;
  const settings = resolveRuntimeSettings({ providers: opts.providers, threads: opts.threads }, env);
  if (!settings.ok) return settings;
  const m = manifest.value;
  let closed = false;

  // One memoised loader per side; a failed load is forgotten so a later call says why again.
  const once = <T extends { release(): Promise<void> }>(fn: () => Promise<Result<T>>): { get(): Promise<Result<T>>; loaded(): T | null; close(): Promise<void> } => {
    let p: Promise<Result<T>> | null = null;
    let value: T | null = null;
    return {
      get() {
        p ??= fn().then((r) => {
          if (!r.ok) p = null;
          else if (closed) void r.value.release();
          else value = r.value;
          return r;
        });
        return p;
      },
      loaded: () => value,
      async close() {
        const r = p ? await p : null;
        if (r?.ok) await r.value.release();
      },
    };
  };

  let image: ReturnType<typeof once<Side<Encoders['image']>>>;
  let text: ReturnType<typeof once<Side<Encoders['text']>>>;
  let closeAll: () => Promise<unknown>;
  const load = opts.load;
  if (load) {
    // Both sides from one loaded model (tests wrap loadModel to count encodes); closing it releases both.
    const whole = once(async () => {
      const r = await load(dir);
      return r.ok ? ok({ model: r.value, release: () => r.value.close() }) : r;
    });
    image = once(async () => {
      const r = await whole.get();
      return r.ok ? ok({ encoder: r.value.model.image, runtime: r.value.model.runtime, release: async () => undefined }) : r;
    });
    text = once(async () => {
      const r = await whole.get();
      return r.ok ? ok({ encoder: r.value.model.text, runtime: r.value.model.runtime, release: async () => undefined }) : r;
    });
    closeAll = () => whole.close();
  } else {
    image = once(() => loadImageSide(dir, m, settings.value, env));
    text = once(() => loadTextSide(dir, m, settings.value, env));
    closeAll = () => Promise.all([image.close(), text.close()]);
  }
  const planned: EngineRuntime = { provider: NOT_LOADED, requestedProviders: settings.value.providers, fallbackReason: null, intraOpThreads: settings.value.threads };
  return ok({
    dir,
    manifest: m,
    get runtime(): EngineRuntime {
      return image.loaded()?.runtime ?? text.loaded()?.runtime ?? planned;
    },
    get loaded(): boolean {
      return image.loaded() !== null || text.loaded() !== null;
    },
    image: {
      async encode(pixels: Float32Array, n: number) {
        const s = await image.get();
        return s.ok ? s.value.encoder.encode(pixels, n) : s;
      },
    },
    text: {
      async encode(texts: string[]) {
        const s = await text.get();
        return s.ok ? s.value.encoder.encode(texts) : s;
      },
    },
    /** Loads the image side (what indexing needs). */
    async ready(): Promise<Result<void>> {
      const s = await image.get();
      return s.ok ? ok(undefined) : s;
    },
    async close() {
      closed = true;
      await closeAll();
    },
  });
}
