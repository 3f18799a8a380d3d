// Exact (brute-force) nearest neighbours by inner product. Used for small libraries and for
// filtered candidate sets, where scoring every candidate is both exact and faster than HNSW.

export interface ScoredId {
  id: number;
  /** Inner product = cosine similarity (vectors are L2-normalised). */
  score: number;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}

/** Returns the k best candidates by score (all of them when k is Infinity), best first; ties by id. */
export function exactSearch(query: Float32Array, candidates: Iterable<[number, Float32Array]> | ReadonlyMap<number, Float32Array>, k: number, minScore = -Infinity): ScoredId[] {
  const out: ScoredId[] = [];
  for (const [id, v] of candidates) {
    const score = dot(query, v);
    if (score >= minScore) out.push({ id, score });
  }
  out.sort((a, b) => b.score - a.score || a.id - b.id);
  return Number.isFinite(k) ? out.slice(0, Math.max(0, k)) : out;
}

/** L2-normalises a copy; a zero vector stays zero. */
export function normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const n = Math.sqrt(s);
  const out = new Float32Array(v.length);
  if (n > 0) for (let i = 0; i < v.length; i++) out[i] = v[i]! / n;
  return out;
}
