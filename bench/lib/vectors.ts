// Clustered unit vectors that look like real embeddings (photos of similar things sit in
// clusters), not uniform noise, which makes approximate search look unrealistically easy or hard.

/** Deterministic PRNG (mulberry32) so runs are comparable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(r: () => number): number {
  const u = Math.max(r(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

function normalizeInPlace(v: Float32Array, off: number, dim: number): void {
  let s = 0;
  for (let i = 0; i < dim; i++) s += v[off + i]! * v[off + i]!;
  const inv = 1 / Math.sqrt(s || 1);
  for (let i = 0; i < dim; i++) v[off + i]! *= inv;
}

/** n vectors of `dim` in one Float32Array (row-major), drawn around `clusters` centres. */
export function clusteredVectors(n: number, dim: number, opts: { clusters?: number; spread?: number; seed?: number } = {}): Float32Array {
  const r = rng(opts.seed ?? 1);
  const k = opts.clusters ?? Math.max(16, Math.round(Math.sqrt(n)));
  const spread = opts.spread ?? 0.6;
  const centres = new Float32Array(k * dim);
  for (let i = 0; i < centres.length; i++) centres[i] = gaussian(r);
  for (let c = 0; c < k; c++) normalizeInPlace(centres, c * dim, dim);
  const out = new Float32Array(n * dim);
  const noiseScale = spread / Math.sqrt(dim);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(r() * k);
    for (let d = 0; d < dim; d++) out[i * dim + d] = centres[c * dim + d]! + noiseScale * gaussian(r);
    normalizeInPlace(out, i * dim, dim);
  }
  return out;
}

/** Exact top-k by inner product (the brute-force baseline). */
export function exactTopK(data: Float32Array, n: number, dim: number, q: Float32Array, k: number, allow?: (id: number) => boolean): number[] {
  const bestIds = new Int32Array(k).fill(-1);
  const bestScores = new Float32Array(k).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    if (allow && !allow(i)) continue;
    let s = 0;
    const off = i * dim;
    for (let d = 0; d < dim; d++) s += data[off + d]! * q[d]!;
    if (s <= bestScores[k - 1]!) continue;
    let j = k - 1;
    while (j > 0 && bestScores[j - 1]! < s) {
      bestScores[j] = bestScores[j - 1]!;
      bestIds[j] = bestIds[j - 1]!;
      j--;
    }
    bestScores[j] = s;
    bestIds[j] = i;
  }
  return Array.from(bestIds).filter((x) => x >= 0);
}
