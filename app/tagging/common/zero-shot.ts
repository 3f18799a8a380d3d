// Zero-shot classification, CLIP style: label vectors from prompt ensembling, then per photo a
// softmax over logitScale × cosine similarities; a tag only when the top probability is confident.
// Browser-safe so the renderer can preview a label set with the same arithmetic.
import { dot, normalizedMean } from '../../search/common/vector-math.js';

/** The prompts for one label: each template with `{}` replaced by the label. */
export function fillTemplates(label: string, templates: readonly string[]): string[] {
  return templates.map((t) => t.split('{}').join(label));
}

/**
 * Label vectors from the embeddings of every (label, template) prompt, laid out label-major:
 * embeddings[l * templates + t]. Returns null for a label whose prompts cancel out.
 */
export function labelVectors(embeddings: readonly ArrayLike<number>[], labels: number, templates: number): (Float32Array | null)[] {
  if (embeddings.length !== labels * templates) throw new RangeError(`expected ${labels * templates} prompt embeddings, got ${embeddings.length}`);
  const out: (Float32Array | null)[] = [];
  for (let l = 0; l < labels; l++) out.push(normalizedMean(embeddings.slice(l * templates, (l + 1) * templates)));
  return out;
}

/** Numerically stable softmax of logitScale × similarities. */
export function softmax(similarities: ArrayLike<number>, logitScale: number): Float64Array {
  const out = new Float64Array(similarities.length);
  let max = -Infinity;
  for (let i = 0; i < similarities.length; i++) max = Math.max(max, logitScale * similarities[i]!);
  let sum = 0;
  for (let i = 0; i < similarities.length; i++) {
    out[i] = Math.exp(logitScale * similarities[i]! - max);
    sum += out[i]!;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

export interface ZeroShotResult {
  /** Index of the most probable label. */
  label: number;
  probability: number;
  /** Whether probability ≥ threshold, i.e. the photo gets the tag. */
  tagged: boolean;
  probabilities: Float64Array;
}

/** Classifies one (unit) image vector against the (unit) label vectors. */
export function classify(image: ArrayLike<number>, labels: readonly ArrayLike<number>[], logitScale: number, threshold: number): ZeroShotResult {
  const sims = labels.map((l) => dot(image, l));
  const probabilities = softmax(sims, logitScale);
  let best = 0;
  for (let i = 1; i < probabilities.length; i++) if (probabilities[i]! > probabilities[best]!) best = i;
  const probability = probabilities[best] ?? 0;
  return { label: best, probability, tagged: probability >= threshold, probabilities };
}
