// The text encoder: tokenizer → ids → ONNX graph → (L2-normalised) embeddings. Browser-safe: the
// ONNX runtime is injected (onnxruntime-node in the engine and CLI, onnxruntime-web in the
// renderer), so a query typed in the window embeds exactly as the CLI embeds it.
import { appError, err, ok, type Result } from '../../shared/result.js';
import type { ModelManifest } from './model-format.js';
import {
  checkDim,
  graphTensor,
  idsTensorData,
  l2NormalizeRows,
  runOne,
  splitRows,
  staticBatch,
  type GraphTensor,
  type OrtRuntimeLike,
  type OrtSessionLike,
  type OrtTensorLike,
} from './onnx-graph.js';

/** What the encoder needs of a tokenizer (ClipTokenizer from ./tokenizer.js satisfies it). */
export interface TextTokenizerLike {
  readonly contextLength: number;
  encodeBatch(texts: string[]): Int32Array;
  /** Id of <|endoftext|> when the vocabulary has one: the attention mask ends there. */
  readonly endId?: number | null;
}

/** How the manifest's text side maps onto the graph actually loaded. */
export interface TextGraphBinding {
  readonly ids: GraphTensor;
  /** Fed only when the graph has one. */
  readonly attentionMask: GraphTensor | null;
  readonly output: GraphTensor;
  /** True when the graph already L2-normalises (then the runtime does not). */
  readonly normalizedByGraph: boolean;
  readonly contextLength: number;
  readonly embeddingSize: number;
  /** Rows per run when the graph's batch axis is fixed; null when it is dynamic. */
  readonly fixedBatch: number | null;
}

export interface TextEncoder {
  readonly binding: TextGraphBinding;
  /** One L2-normalised embedding per text, in order. */
  encode(texts: string[]): Promise<Result<Float32Array[]>>;
  /** Same from ids already tokenized: `ids` is row-major n × contextLength. */
  encodeIds(ids: Int32Array, n: number): Promise<Result<Float32Array[]>>;
}

const MASK_NAMES = ['attention_mask'];

/** Checks the session's real inputs and outputs against the manifest's text side. */
export function bindTextGraph(session: OrtSessionLike, manifest: ModelManifest): Result<TextGraphBinding> {
  const what = `text encoder (${manifest.text.file})`;
  const spec = manifest.text;
  const contextLength = manifest.tokenizer.contextLength;
  // Integer ids: the graph decides between int32 and int64; the ids are converted to match.
  const ids = graphTensor(session, 'input', spec.input.name, ['int32', 'int64'], what);
  if (!ids.ok) return ids;
  const ctxErr = checkDim(ids.value, -1, contextLength, what, 'context length');
  if (ctxErr) return err(ctxErr);

  let attentionMask: GraphTensor | null = null;
  const maskName = spec.attentionMask?.name ?? session.inputNames.find((n) => MASK_NAMES.includes(n));
  if (maskName) {
    if (!session.inputNames.includes(maskName) && spec.attentionMask) {
      return err(appError('model-invalid', `${what}: model.json declares attention mask '${maskName}' but the graph has no such input`));
    }
    const m = graphTensor(session, 'input', maskName, ['int32', 'int64'], what);
    if (!m.ok) return m;
    attentionMask = m.value;
  }
  const unknown = session.inputNames.filter((n) => n !== spec.input.name && n !== attentionMask?.name);
  if (unknown.length > 0) {
    return err(appError('model-invalid', `${what}: the graph needs input${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')} that model.json does not describe`));
  }

  const output = graphTensor(session, 'output', spec.output, 'float32', what);
  if (!output.ok) return output;
  const dimErr = checkDim(output.value, -1, manifest.embeddingSize, what, 'embedding size');
  if (dimErr) return err(dimErr);
  return ok({ ids: ids.value, attentionMask, output: output.value, normalizedByGraph: spec.normalized, contextLength, embeddingSize: manifest.embeddingSize, fixedBatch: staticBatch(ids.value) });
}

/**
 * 1 up to and including the end-of-text token, 0 after (Hugging Face CLIP pads with
 * <|endoftext|> itself, so "not the pad id" is not enough); without a known end id, 1 up to
 * the last id that is not padding.
 */
export function attentionMaskFor(ids: Int32Array, n: number, contextLength: number, padId: number, endId: number | null): Int32Array {
  const mask = new Int32Array(n * contextLength);
  for (let r = 0; r < n; r++) {
    const base = r * contextLength;
    let len = 0;
    if (endId !== null) {
      for (let i = 1; i < contextLength; i++) {
        if (ids[base + i] === endId) {
          len = i + 1;
          break;
        }
      }
    }
    if (len === 0) {
      for (let i = contextLength - 1; i >= 0; i--) {
        if (ids[base + i] !== padId) {
          len = i + 1;
          break;
        }
      }
    }
    mask.fill(1, base, base + Math.max(len, 1));
  }
  return mask;
}

export interface TextEncoderOptions {
  readonly runtime: OrtRuntimeLike;
  readonly session: OrtSessionLike;
  readonly manifest: ModelManifest;
  readonly tokenizer: TextTokenizerLike;
  /** Largest batch sent to the graph at once (bounds memory); larger requests are split. Default 64. */
  readonly maxBatch?: number;
}

export function createTextEncoder(opts: TextEncoderOptions): Result<TextEncoder> {
  const bound = bindTextGraph(opts.session, opts.manifest);
  if (!bound.ok) return bound;
  const binding = bound.value;
  const { runtime, session, tokenizer } = opts;
  const ctx = binding.contextLength;
  if (tokenizer.contextLength !== ctx) {
    return err(appError('model-invalid', `tokenizer context length ${tokenizer.contextLength} differs from model.json's ${ctx}`));
  }
  const maxBatch = binding.fixedBatch ?? Math.max(1, opts.maxBatch ?? 64);
  const padId = opts.manifest.tokenizer.padId;
  const endId = tokenizer.endId ?? null;
  const what = `text encoder (${opts.manifest.text.file})`;

  async function runBatch(rows: Int32Array, m: number): Promise<Result<Float32Array[]>> {
    // A graph with a fixed batch gets exactly that many rows: the last batch is padded, extra rows dropped.
    const n = binding.fixedBatch ?? m;
    let ids = rows;
    if (n > m) {
      ids = new Int32Array(n * ctx).fill(padId);
      ids.set(rows);
    }
    const feeds: Record<string, OrtTensorLike> = {
      [binding.ids.name]: new runtime.Tensor(binding.ids.type, idsTensorData(ids, binding.ids.type), [n, ctx]),
    };
    if (binding.attentionMask) {
      const mask = attentionMaskFor(ids, n, ctx, padId, endId);
      feeds[binding.attentionMask.name] = new runtime.Tensor(binding.attentionMask.type, idsTensorData(mask, binding.attentionMask.type), [n, ctx]);
    }
    const out = await runOne(session, feeds, binding.output.name, what);
    if (!out.ok) return out;
    const split = splitRows(out.value, n, binding.embeddingSize, what);
    if (!split.ok) return split;
    const kept = split.value.slice(0, m);
    return ok(binding.normalizedByGraph ? kept : l2NormalizeRows(kept));
  }

  async function encodeIds(ids: Int32Array, n: number): Promise<Result<Float32Array[]>> {
    if (!Number.isInteger(n) || n < 0 || ids.length !== n * ctx) {
      return err(appError('bad-input', `${what}: expected ${n} × ${ctx} ids, got ${ids.length}`));
    }
    const all: Float32Array[] = [];
    for (let start = 0; start < n; start += maxBatch) {
      const m = Math.min(maxBatch, n - start);
      const part = await runBatch(ids.subarray(start * ctx, (start + m) * ctx), m);
      if (!part.ok) return part;
      all.push(...part.value);
    }
    return ok(all);
  }

  async function encode(texts: string[]): Promise<Result<Float32Array[]>> {
    if (texts.length === 0) return ok([]);
    let ids: Int32Array;
    try {
      ids = tokenizer.encodeBatch(texts);
    } catch (e) {
      return err(appError('internal', `tokenizer failed: ${e instanceof Error ? e.message : String(e)}`));
    }
    return encodeIds(ids, texts.length);
  }

  return ok({ binding, encode, encodeIds });
}
