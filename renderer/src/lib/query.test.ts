import { describe, expect, it } from 'vitest';
import { buildTerms, labelVectors, type QueryEncoder } from './query.js';

// A deterministic stand-in for the model: one axis per distinct text.
function fakeEncoder(): QueryEncoder & { seen: string[] } {
  const seen: string[] = [];
  const axes = new Map<string, number>();
  return {
    modelId: 'm1',
    seen,
    async encode(texts) {
      seen.push(...texts);
      return { ok: true, value: texts.map((t) => {
        if (!axes.has(t)) axes.set(t, axes.size);
        const v = new Float32Array(8);
        v[axes.get(t)! % 8] = 1;
        return v;
      }) };
    },
  };
}

describe('buildTerms', () => {
  it('embeds text terms in the page, keeping weights and photo terms', async () => {
    const enc = fakeEncoder();
    const r = await buildTerms('red circle - 0.5:blue + #4', enc);
    if (!r.ok) throw new Error(r.error.message);
    expect(enc.seen).toEqual(['red circle', 'blue']);
    expect(r.value).toEqual([
      { kind: 'vector', vector: [1, 0, 0, 0, 0, 0, 0, 0], model: 'm1', weight: 1, label: 'red circle' },
      { kind: 'vector', vector: [0, 1, 0, 0, 0, 0, 0, 0], model: 'm1', weight: -0.5, label: 'blue' },
      { kind: 'photo', photoId: 4, weight: 1 },
    ]);
  });
  it('falls back to text terms without an encoder, and reports malformed queries', async () => {
    expect(await buildTerms('two red circles', null)).toEqual({ ok: true, value: [{ kind: 'text', text: 'two red circles', weight: 1 }] });
    const bad = await buildTerms('cat +', null);
    expect(bad.ok).toBe(false);
  });
});

describe('labelVectors', () => {
  it('averages each label over its templates and normalises', async () => {
    const enc = fakeEncoder();
    const v = await labelVectors(['red', 'blue'], ['a {} thing', '{}'], enc);
    expect(enc.seen).toEqual(['a red thing', 'red', 'a blue thing', 'blue']);
    expect(v![0]![0]).toBeCloseTo(Math.SQRT1_2, 5);
    expect(v![0]![1]).toBeCloseTo(Math.SQRT1_2, 5);
    expect(v![1]![2]).toBeCloseTo(Math.SQRT1_2, 5);
  });
});
