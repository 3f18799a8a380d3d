// From what the user typed to the terms of a search request: rclip-style arithmetic is parsed
// by the shared parser; text terms are embedded here in the page (vector terms) when the text
// encoder is ready, and sent as text for the engine to embed otherwise.
import type { QueryTerm } from '../../../app/api/contract.js';
import { parseQuery } from '../../../app/search/common/query-parse.js';
import { normalizedMean } from '../../../app/search/common/vector-math.js';
import type { ApiResult as Result } from '../../../app/api/contract.js';

export interface QueryEncoder {
  readonly modelId: string;
  encode(texts: string[]): Promise<Result<Float32Array[]>>;
}

export async function buildTerms(query: string, encoder: QueryEncoder | null): Promise<Result<QueryTerm[]>> {
  const parsed = parseQuery(query);
  if (!parsed.ok) return parsed;
  const terms = parsed.value;
  if (!encoder) return parsed;
  const texts = terms.flatMap((t) => (t.kind === 'text' ? [t.text] : []));
  if (texts.length === 0) return parsed;
  const vectors = await encoder.encode(texts);
  if (!vectors.ok) return parsed; // the engine can still embed text itself
  let i = 0;
  return {
    ok: true,
    value: terms.map((t): QueryTerm => {
      if (t.kind !== 'text') return t;
      const v = vectors.value[i++]!;
      return { kind: 'vector', vector: Array.from(v), model: encoder.modelId, weight: t.weight, label: t.text };
    }),
  };
}

/** Label vectors as the engine would make them: the normalised mean over the prompt templates. */
export async function labelVectors(labels: string[], templates: string[], encoder: QueryEncoder): Promise<number[][] | null> {
  const prompts = labels.flatMap((l) => templates.map((t) => t.replaceAll('{}', l)));
  const enc = await encoder.encode(prompts);
  if (!enc.ok) return null;
  const out: number[][] = [];
  for (let i = 0; i < labels.length; i++) {
    const mean = normalizedMean(enc.value.slice(i * templates.length, (i + 1) * templates.length));
    if (!mean) return null;
    out.push(Array.from(mean));
  }
  return out;
}
