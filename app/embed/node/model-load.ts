// Loads a model folder: model.json (validated), file checksums, tokenizer, one ONNX Runtime
// session per encoder on the best available execution provider, and encoders bound to the
// graphs' real inputs and outputs. Every refusal is one line naming the file and the problem.
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { err, ok, type Result } from '../../shared/result.js';
import type { ModelManifest } from '../common/model-format.js';
import { createTextEncoder, type TextEncoder } from '../common/text-encoder.js';
import type { ClipTokenizer } from '../common/tokenizer.js';
import { readManifest } from './read-manifest.js';
import { verifyCachePath, verifyModelFiles, type VerifyReport } from './checksums.js';
import { createSessions, resolveRuntimeSettings, type RuntimeInfo } from './execution-providers.js';
import { createImageEncoder, type ImageEncoder } from './image-encoder.js';
import { loadTokenizer } from './load-tokenizer.js';

export { bundledModelDir, readManifest } from './read-manifest.js';
export type { RuntimeInfo } from './execution-providers.js';
export type { ImageEncoder } from './image-encoder.js';
export type { TextEncoder } from '../common/text-encoder.js';

export interface LoadedModel {
  dir: string;
  manifest: ModelManifest;
  tokenizer: ClipTokenizer;
  image: ImageEncoder;
  text: TextEncoder;
  runtime: RuntimeInfo;
  /** What the checksum step did; null when loaded with `verify: false`. */
  verification: VerifyReport | null;
  close(): Promise<void>;
}

export interface LoadModelOptions {
  /** Execution providers in order of preference; default SHOEBOX_PROVIDERS or the OS's best (see execution-providers.ts). */
  providers?: string[];
  /** ONNX Runtime intra-op threads; default SHOEBOX_THREADS or min(4, cores). */
  threads?: number;
  /** Check sizes and SHA-256 of every file (default true; results are cached by path+size+mtime). */
  verify?: boolean;
  /** Verification cache file; null = no cache. Default: verifyCachePath(env) in checksums.ts (SHOEBOX_CACHE_DIR or the per-user cache folder). */
  verifyCachePath?: string | null;
  /** Environment for SHOEBOX_PROVIDERS / SHOEBOX_THREADS (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export async function loadModel(dir: string, opts: LoadModelOptions = {}): Promise<Result<LoadedModel>> {
  const modelDir = resolve(dir);
  const settings = resolveRuntimeSettings({ providers: opts.providers, threads: opts.threads }, opts.env ?? process.env);
  if (!settings.ok) return settings;
  const manifest = await readManifest(modelDir);
  if (!manifest.ok) return manifest;
  const m = manifest.value;

  let verification: VerifyReport | null = null;
  if (opts.verify !== false) {
    const cachePath = opts.verifyCachePath === undefined ? verifyCachePath(opts.env ?? process.env) : opts.verifyCachePath;
    const v = await verifyModelFiles(modelDir, m.files, { cachePath });
    if (!v.ok) return v;
    verification = v.value;
  }

  const tokenizer = await loadTokenizer(join(modelDir, m.tokenizer.file), m.tokenizer);
  if (!tokenizer.ok) return err({ ...tokenizer.error, code: 'model-invalid' });

  const created = await createSessions({ image: join(modelDir, m.image.file), text: join(modelDir, m.text.file) }, settings.value);
  if (!created.ok) return created;
  const { sessions, runtime } = created.value;
  const release = async (): Promise<void> => {
    await Promise.all([sessions.image.release(), sessions.text.release()]);
  };

  const image = createImageEncoder({ runtime: ort, session: sessions.image, manifest: m });
  const text = createTextEncoder({ runtime: ort, session: sessions.text, manifest: m, tokenizer: tokenizer.value });
  if (!image.ok || !text.ok) {
    await release();
    const e = !image.ok ? image.error : !text.ok ? text.error : null;
    return err({ ...e!, path: join(modelDir, !image.ok ? m.image.file : m.text.file) });
  }

  let closed = false;
  return ok({
    dir: modelDir,
    manifest: m,
    tokenizer: tokenizer.value,
    image: image.value,
    text: text.value,
    runtime,
    verification,
    async close() {
      if (closed) return;
      closed = true;
      await release();
    },
  });
}
