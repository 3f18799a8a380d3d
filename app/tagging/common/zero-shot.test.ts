import { describe, expect, it } from 'vitest';
import { classify, fillTemplates, labelVectors, softmax } from './zero-shot.js';

describe('zero-shot', () => {
  it('fills every {} of every template', () => {
    expect(fillTemplates('cat', ['a photo of a {}.', '{} and {}'])).toEqual(['a photo of a cat.', 'cat and cat']);
  });

  it('softmax sums to one, is stable for large logits and sharpens with the scale', () => {
    const p = softmax([0.3, 0.2, 0.1], 100);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p[0]).toBeGreaterThan(0.99);
    const flat = softmax([0.3, 0.2, 0.1], 1);
    expect(flat[0]).toBeLessThan(0.4);
    expect(Array.from(softmax([1000, 1000], 100))).toEqual([0.5, 0.5]);
  });

  it('builds label vectors label-major from template embeddings', () => {
    // two labels × two templates
    const v = labelVectors([[1, 0, 0], [0.8, 0.6, 0], [0, 0, 1], [0, 0.6, 0.8]], 2, 2);
    expect(v[0]![0]).toBeGreaterThan(0.9);
    expect(v[1]![2]).toBeGreaterThan(0.9);
    expect(() => labelVectors([[1, 0]], 2, 2)).toThrow();
  });

  it('tags only when the top probability passes the threshold', () => {
    const labels = [[1, 0], [0, 1]];
    const sure = classify([0.99, 0.14], labels, 100, 0.5);
    expect(sure.label).toBe(0);
    expect(sure.tagged).toBe(true);
    const unsure = classify([Math.SQRT1_2, Math.SQRT1_2], labels, 100, 0.6);
    expect(unsure.probability).toBeCloseTo(0.5, 6);
    expect(unsure.tagged).toBe(false);
  });
});
