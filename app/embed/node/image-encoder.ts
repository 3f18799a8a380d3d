// The image encoder: preprocessed CHW float32 pixels (see preprocess.ts) → ONNX graph →
// L2-normalised embeddings, in batches. The graph's real input/output are checked against the manifest.
import { appError, err, ok, type Result } from '../../shared/result.js';
import type { ModelManifest } from '../common/model-format.js';
import {
  checkDim,
  graphTensor,
  l2NormalizeRows,
  runOne,
  splitRows,
  staticBatch,
  type GraphTensor,
  type OrtRuntimeLike,
  type OrtSessionLike,
} from '../common/onnx-graph.js';

export interface ImageGraphBinding {
  readonly input: GraphTensor;
  readonly output: GraphTensor;
  readonly normalizedByGraph: boolean;
  readonly size: number;
  readonly embeddingSize: number;
  /** Images per run when the graph's batch axis is fixed; null when it is dynamic. */
  readonly fixedBatch: number | null;
}

export interface ImageEncoder {
  readonly binding: ImageGraphBinding;
  /** `pixels` holds n images, each 3 × size × size CHW (normalised); returns n unit-length rows. */
  encode(pixels: Float32Array, n: number): Promise<Result<Float32Array[]>>;
}

export function bindImageGraph(session: OrtSessionLike, manifest: ModelManifest): Result<ImageGraphBinding> {
  const what = `image encoder (${manifest.image.file})`;
  const size = manifest.preprocess.size;
  const input = graphTensor(session, 'input', manifest.image.input.name, 'float32', what);
  if (!input.ok) return input;
  for (const [axis, v, label] of [[1, 3, 'channel count'], [2, size, 'image height'], [3, size, 'image width']] as const) {
    const e = input.value.shape.length === 4 ? checkDim(input.value, axis, v, what, label) : null;
    if (e) return err(e);
  }
  const extra = session.inputNames.filter((n) => n !== input.value.name);
  if (extra.length > 0) {
    return err(appError('model-invalid', `${what}: the graph needs input${extra.length > 1 ? 's' : ''} ${extra.map((n) => `'${n}'`).join(', ')} that model.json does not describe`));
  }
  const output = graphTensor(session, 'output', manifest.image.output, 'float32', what);
  if (!output.ok) return output;
  const dimErr = checkDim(output.value, -1, manifest.embeddingSize, what, 'embedding size');
  if (dimErr) return err(dimErr);
  return ok({ input: input.value, output: output.value, normalizedByGraph: manifest.image.normalized, size, embeddingSize: manifest.embeddingSize, fixedBatch: staticBatch(input.value) });
}

export interface ImageEncoderOptions {
  readonly runtime: OrtRuntimeLike;
  readonly session: OrtSessionLike;
  readonly manifest: ModelManifest;
  /** Largest batch sent to the graph at once; larger requests are split. Default 32. */
  readonly maxBatch?: number;
}

export function createImageEncoder(opts: ImageEncoderOptions): Result<ImageEncoder> {
  const bound = bindImageGraph(opts.session, opts.manifest);
  if (!bound.ok) return bound;
  const binding = bound.value;
  const { runtime, session } = opts;
  const per = 3 * binding.size * binding.size;
  const maxBatch = binding.fixedBatch ?? Math.max(1, opts.maxBatch ?? 32);
  const what = `image encoder (${opts.manifest.image.file})`;

  async function encode(pixels: Float32Array, n: number): Promise<Result<Float32Array[]>> {
    if (!Number.isInteger(n) || n < 0 || pixels.length !== n * per) {
      return err(appError('bad-input', `${what}: expected ${n} × 3 × ${binding.size} × ${binding.size} values, got ${pixels.length}`));
    }
    const all: Float32Array[] = [];
    for (let start = 0; start < n; start += maxBatch) {
      const m = Math.min(maxBatch, n - start);
      // A graph with a fixed batch gets exactly that many images: the last batch is zero-padded, extra rows dropped.
      const b = binding.fixedBatch ?? m;
      let data = pixels.subarray(start * per, (start + m) * per);
      if (b > m) {
        const padded = new Float32Array(b * per);
        padded.set(data);
        data = padded;
      }
      const t = new runtime.Tensor('float32', data, [b, 3, binding.size, binding.size]);
      const out = await runOne(session, { [binding.input.name]: t }, binding.output.name, what);
      if (!out.ok) return out;
      const rows = splitRows(out.value, b, binding.embeddingSize, what);
      if (!rows.ok) return rows;
      const kept = rows.value.slice(0, m);
      all.push(...(binding.normalizedByGraph ? kept : l2NormalizeRows(kept)));
    }
    return ok(all);
  }

  return ok({ binding, encode });
}
