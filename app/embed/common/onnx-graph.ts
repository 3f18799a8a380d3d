// The small slice of ONNX Runtime the encoders use, as structural types, so that the same code
// runs over onnxruntime-node (engine, CLI) and onnxruntime-web (renderer): both export an
// InferenceSession and a Tensor from onnxruntime-common that satisfy these shapes.
// Also: checking a session's real inputs/outputs against the manifest, running batches, L2-normalising.
import { appError, err, ok, type AppError, type Result } from '../../shared/result.js';

export type TensorType = 'float32' | 'int32' | 'int64';
export type TensorData = Float32Array | Int32Array | BigInt64Array;

export interface OrtTensorLike {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
}

export interface OrtValueMetadataLike {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  readonly shape?: ReadonlyArray<number | string>;
}

export interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** onnxruntime ≥ 1.21; older builds lack it, then only names are checked. */
  readonly inputMetadata?: readonly OrtValueMetadataLike[];
  readonly outputMetadata?: readonly OrtValueMetadataLike[];
  run(feeds: Record<string, OrtTensorLike>): Promise<Record<string, OrtTensorLike>>;
  release(): Promise<void>;
}

/** What is injected: the runtime's Tensor class (`ort.Tensor` from onnxruntime-node or onnxruntime-web). */
export interface OrtRuntimeLike {
  readonly Tensor: new (type: TensorType, data: TensorData, dims: readonly number[]) => OrtTensorLike;
}

/** One input or output as the graph really has it. */
export interface GraphTensor {
  readonly name: string;
  readonly type: TensorType;
  /** Static dims where known, a name (or -1) where symbolic. Empty when the runtime gives no metadata. */
  readonly shape: ReadonlyArray<number | string>;
}

const TENSOR_TYPES: readonly string[] = ['float32', 'int32', 'int64'];

function metadataOf(list: readonly OrtValueMetadataLike[] | undefined, name: string): OrtValueMetadataLike | undefined {
  return list?.find((m) => m.name === name);
}

/**
 * Finds `name` among the session's inputs (or outputs) and checks its element type against
 * `expected` when the runtime reports one. `what` names the graph for the message.
 */
export function graphTensor(
  session: OrtSessionLike,
  side: 'input' | 'output',
  name: string,
  expected: TensorType | readonly TensorType[],
  what: string,
): Result<GraphTensor> {
  const names = side === 'input' ? session.inputNames : session.outputNames;
  if (!names.includes(name)) {
    return err(appError('model-invalid', `${what}: model.json names ${side} '${name}' but the graph's ${side}s are ${names.map((n) => `'${n}'`).join(', ') || '(none)'}`));
  }
  const meta = metadataOf(side === 'input' ? session.inputMetadata : session.outputMetadata, name);
  const allowed = typeof expected === 'string' ? [expected] : expected;
  const fallback = allowed[0] ?? 'float32';
  if (!meta || meta.type === undefined) return ok({ name, type: fallback, shape: [] });
  if (!meta.isTensor) return err(appError('model-invalid', `${what}: ${side} '${name}' is not a tensor`));
  if (!TENSOR_TYPES.includes(meta.type) || !allowed.includes(meta.type as TensorType)) {
    return err(appError('model-invalid', `${what}: ${side} '${name}' is ${meta.type} in the graph but model.json says ${allowed.join(' or ')}`));
  }
  return ok({ name, type: meta.type as TensorType, shape: meta.shape ?? [] });
}

/** Checks a static trailing dimension (embedding size, image size, context length) when the graph states one. */
export function checkDim(t: GraphTensor, axis: number, expected: number, what: string, label: string): AppError | null {
  if (t.shape.length === 0) return null;
  const d = t.shape[axis < 0 ? t.shape.length + axis : axis];
  if (typeof d === 'number' && d > 0 && d !== expected) {
    return appError('model-invalid', `${what}: ${label} of '${t.name}' is ${d} in the graph but model.json says ${expected}`);
  }
  return null;
}

/**
 * The batch size a graph was exported with when it is fixed (e.g. 1 in some Immich/Xenova exports),
 * else null (a symbolic batch axis). Encoders then send exactly that many rows, padding the last batch.
 */
export function staticBatch(t: GraphTensor): number | null {
  const d = t.shape[0];
  return typeof d === 'number' && d > 0 ? d : null;
}

/** Scales each row to unit length in place (rows of zeros stay zero). */
export function l2NormalizeRows(rows: Float32Array[]): Float32Array[] {
  for (const row of rows) {
    let s = 0;
    for (let i = 0; i < row.length; i++) s += row[i]! * row[i]!;
    const n = Math.sqrt(s);
    if (n > 0) for (let i = 0; i < row.length; i++) row[i]! /= n;
  }
  return rows;
}

/** Converts int ids to the graph's integer type (int64 graphs need a BigInt64Array). */
export function idsTensorData(ids: Int32Array, type: TensorType): TensorData {
  if (type === 'int32') return ids;
  if (type === 'int64') {
    const out = new BigInt64Array(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = BigInt(ids[i]!);
    return out;
  }
  return Float32Array.from(ids);
}

/** Splits a [n, d] float output into n rows (copies, so callers may keep them). */
export function splitRows(t: OrtTensorLike, n: number, d: number, what: string): Result<Float32Array[]> {
  const data = t.data;
  if (!(data instanceof Float32Array)) return err(appError('runtime', `${what}: output is ${t.type}, expected float32`));
  if (t.dims.length !== 2 || t.dims[0] !== n || t.dims[1] !== d) {
    return err(appError('model-invalid', `${what}: output has shape [${t.dims.join(', ')}], expected [${n}, ${d}] (embeddingSize in model.json)`));
  }
  const rows: Float32Array[] = [];
  for (let r = 0; r < n; r++) rows.push(data.slice(r * d, (r + 1) * d));
  return ok(rows);
}

/** Runs `session` and returns the named output, turning a thrown runtime error into a value. */
export async function runOne(session: OrtSessionLike, feeds: Record<string, OrtTensorLike>, output: string, what: string): Promise<Result<OrtTensorLike>> {
  try {
    const out = await session.run(feeds);
    const t = out[output];
    if (!t) return err(appError('runtime', `${what}: the graph returned no '${output}'`));
    return ok(t);
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    return err(appError('runtime', `${what}: ONNX Runtime failed: ${msg}`));
  }
}
