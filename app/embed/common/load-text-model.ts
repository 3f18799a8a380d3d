// Loads a model's text side over HTTP (or any fetch): model.json, tokenizer.json and the text
// graph, checks the two files' SHA-256 against the manifest (Web Crypto), and returns a text
// encoder. This is how the renderer embeds queries itself with onnxruntime-web; the parity test
// (tests/browser/) runs it in Chromium against the Node runtime.
import { appError, err, ok, type Result } from '../../shared/result.js';
import { ModelManifestSchema, type ModelManifest } from './model-format.js';
import type { OrtRuntimeLike, OrtSessionLike } from './onnx-graph.js';
import { createTextEncoder, type TextEncoder } from './text-encoder.js';
import { ClipTokenizer } from './tokenizer.js';

/** onnxruntime-web (or -node): the Tensor class plus a session factory that takes model bytes. */
export interface OrtWithSessionsLike extends OrtRuntimeLike {
  readonly InferenceSession: {
    create(buffer: Uint8Array, options?: { executionProviders?: string[]; graphOptimizationLevel?: 'all' }): Promise<OrtSessionLike>;
  };
}

export interface LoadedTextModel {
  manifest: ModelManifest;
  tokenizer: ClipTokenizer;
  text: TextEncoder;
  close(): Promise<void>;
}

export interface LoadTextModelOptions {
  /** Folder URL ending in '/', holding model.json and the files it lists. */
  baseUrl: string;
  runtime: OrtWithSessionsLike;
  fetch?: (url: string) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }>;
  /** e.g. ['wasm'] or ['webgpu', 'wasm']; default: the runtime's default. */
  executionProviders?: string[];
  /** Check SHA-256 of tokenizer.json and the text graph (default true). */
  verify?: boolean;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function loadTextModel(opts: LoadTextModelOptions): Promise<Result<LoadedTextModel>> {
  const get = opts.fetch ?? ((url: string) => globalThis.fetch(url));
  const fetchBytes = async (name: string): Promise<Result<Uint8Array>> => {
    const url = new URL(name, opts.baseUrl).toString();
    try {
      const res = await get(url);
      if (!res.ok) return err(appError(res.status === 404 ? 'not-found' : 'network', `${name}: HTTP ${res.status}`, { path: url }));
      return ok(new Uint8Array(await res.arrayBuffer()));
    } catch (e) {
      return err(appError('network', `${name}: ${e instanceof Error ? e.message : String(e)}`, { path: url }));
    }
  };
  const decode = (b: Uint8Array): string => new globalThis.TextDecoder().decode(b);

  const manifestBytes = await fetchBytes('model.json');
  if (!manifestBytes.ok) return manifestBytes;
  let json: unknown;
  try {
    json = JSON.parse(decode(manifestBytes.value));
  } catch (e) {
    return err(appError('model-invalid', `model.json is not valid JSON: ${e instanceof Error ? e.message : String(e)}`));
  }
  const parsed = ModelManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return err(appError('model-invalid', `model.json: ${issue.path.join('.') || '(top level)'}: ${issue.message}`));
  }
  const manifest = parsed.data;

  const files: Record<string, Uint8Array> = {};
  for (const name of [manifest.tokenizer.file, manifest.text.file]) {
    const bytes = await fetchBytes(name);
    if (!bytes.ok) return bytes;
    if (opts.verify !== false) {
      const listed = manifest.files.find((f) => f.path === name);
      if (!listed) return err(appError('model-invalid', `model.json: '${name}' is not listed in files (every file needs a checksum)`));
      if (bytes.value.length !== listed.bytes) return err(appError('model-invalid', `model file ${name} has ${bytes.value.length} bytes, model.json says ${listed.bytes}`));
      if ((await sha256Hex(bytes.value)) !== listed.sha256) return err(appError('model-invalid', `model file ${name} fails its checksum`));
    }
    files[name] = bytes.value;
  }

  let tokJson: unknown;
  try {
    tokJson = JSON.parse(decode(files[manifest.tokenizer.file]!));
  } catch (e) {
    return err(appError('model-invalid', `${manifest.tokenizer.file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`));
  }
  const tokenizer = ClipTokenizer.fromJson(tokJson, manifest.tokenizer);
  if (!tokenizer.ok) return tokenizer;

  let session: OrtSessionLike;
  try {
    session = await opts.runtime.InferenceSession.create(files[manifest.text.file]!, {
      ...(opts.executionProviders ? { executionProviders: opts.executionProviders } : {}),
      graphOptimizationLevel: 'all',
    });
  } catch (e) {
    return err(appError('runtime', `${manifest.text.file}: ONNX Runtime could not load it: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`));
  }
  const text = createTextEncoder({ runtime: opts.runtime, session, manifest, tokenizer: tokenizer.value });
  if (!text.ok) {
    await session.release();
    return text;
  }
  return ok({ manifest, tokenizer: tokenizer.value, text: text.value, close: () => session.release() });
}
