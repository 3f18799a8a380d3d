// Retrieval and zero-shot metrics over L2-normalised embeddings (pure functions, no I/O).
import type { Scene } from '../../app/world/scene.js';

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function normalise(v: Float32Array): Float32Array {
  const n = Math.sqrt(dot(v, v)) || 1;
  return v.map((x) => x / n);
}

/** 0-based rank of `target` among `images` for `query` (0 = best). Ties count against the target. */
export function rankOf(query: Float32Array, images: Float32Array[], target: number): number {
  const s = dot(query, images[target]!);
  let rank = 0;
  for (let j = 0; j < images.length; j++) if (j !== target && dot(query, images[j]!) >= s) rank++;
  return rank;
}

/** Fraction of ranks below k. */
export function recallAt(ranks: number[], k: number): number {
  return ranks.length ? ranks.filter((r) => r < k).length / ranks.length : Number.NaN;
}

/**
 * One classifier weight per label, CLIP's prompt ensembling: embed every template filled with the
 * label once, normalise, average, normalise again.
 */
export function ensembleWeights(labelPromptEmbeds: Float32Array[][]): Float32Array[] {
  return labelPromptEmbeds.map((embeds) => {
    const mean = new Float32Array(embeds[0]!.length);
    for (const e of embeds) {
      const u = normalise(e);
      for (let i = 0; i < mean.length; i++) mean[i]! += u[i]! / embeds.length;
    }
    return normalise(mean);
  });
}

/** Index of the best-scoring weight for an image embedding. */
export function classify(image: Float32Array, weights: Float32Array[]): number {
  let best = 0;
  let bestScore = -Infinity;
  weights.forEach((w, i) => {
    const s = dot(image, w);
    if (s > bestScore) {
      bestScore = s;
      best = i;
    }
  });
  return best;
}

/**
 * Recall of the "seen" scenes, reweighted so each stratum (e.g. number of object groups) counts as
 * often as it does among the held-out scenes: held-out scenes have more groups on average (more
 * chances to contain a held-out pair), and more groups make retrieval easier, so a plain average
 * would compare unlike with unlike.
 */
export function stratifiedRecall(seen: { stratum: number; rank: number }[], heldoutStrata: number[], k: number): number {
  const weights = new Map<number, number>();
  for (const s of heldoutStrata) weights.set(s, (weights.get(s) ?? 0) + 1 / heldoutStrata.length);
  let total = 0;
  let weightUsed = 0;
  for (const [stratum, w] of weights) {
    const ranks = seen.filter((x) => x.stratum === stratum).map((x) => x.rank);
    if (!ranks.length) continue;
    total += w * recallAt(ranks, k);
    weightUsed += w;
  }
  return weightUsed ? total / weightUsed : Number.NaN;
}

/** Index of the best-scoring image for `query`, `target` excluded: what a missed query found instead. */
export function bestOther(query: Float32Array, images: Float32Array[], target: number): number {
  let best = -1;
  let score = -Infinity;
  images.forEach((img, j) => {
    const s = dot(query, img);
    if (j !== target && s > score) [best, score] = [j, s];
  });
  return best;
}

const GROUP_ATTRIBUTES = ['shape', 'colour', 'count', 'size', 'position'] as const;

/** What tells scene b from scene a: "background", "extra group" or "missing group" when b has more or
 *  fewer groups than a,
 *  else each group attribute whose values (as a multiset over the groups) differ. Empty = same words. */
export function sceneDifference(a: Scene, b: Scene): string[] {
  const out: string[] = a.background === b.background ? [] : ['background'];
  if (a.groups.length !== b.groups.length) return [...out, b.groups.length > a.groups.length ? 'extra group' : 'missing group'];
  const values = (s: Scene, k: (typeof GROUP_ATTRIBUTES)[number]): string => s.groups.map((g) => String(g[k])).sort().join(',');
  return [...out, ...GROUP_ATTRIBUTES.filter((k) => values(a, k) !== values(b, k))];
}
