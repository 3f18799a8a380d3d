// Small dense-vector helpers shared by search and tagging (browser-safe: the renderer combines
// query vectors and label vectors with the same code).

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

/** A unit-length copy of `a`, or null when `a` is (numerically) the zero vector. */
export function l2Normalize(a: ArrayLike<number>): Float32Array | null {
  const n = norm(a);
  if (!(n > 1e-12) || !Number.isFinite(n)) return null;
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! / n;
  return out;
}

/** Σ weight·vector. All vectors must have the same dimension (the caller checks and says which one differs). */
export function weightedSum(parts: readonly { vector: ArrayLike<number>; weight: number }[]): Float32Array {
  const dim = parts[0]?.vector.length ?? 0;
  const out = new Float32Array(dim);
  for (const { vector, weight } of parts) {
    if (vector.length !== dim) throw new RangeError(`dimension mismatch: ${vector.length} vs ${dim}`);
    for (let i = 0; i < dim; i++) out[i] = out[i]! + weight * vector[i]!;
  }
  return out;
}

/** L2-normalised mean of the vectors: CLIP's prompt ensembling for one label. */
export function normalizedMean(vectors: readonly ArrayLike<number>[]): Float32Array | null {
  if (vectors.length === 0) return null;
  return l2Normalize(weightedSum(vectors.map((vector) => ({ vector, weight: 1 / vectors.length }))));
}
