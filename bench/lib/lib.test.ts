import { describe, expect, it } from 'vitest';
import { latencySummary, percentile } from './report.js';
import { clusteredVectors, exactTopK, rng } from './vectors.js';

describe('percentile', () => {
  it('picks the nearest-rank value', () => {
    const s = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(s, 50)).toBe(50);
    expect(percentile(s, 99)).toBe(99);
    expect(percentile(s, 100)).toBe(100);
    expect(percentile([], 50)).toBeNaN();
  });
  it('summarises unsorted samples', () => {
    const r = latencySummary([5, 1, 4, 2, 3]);
    expect(r.p50).toBe(3);
    expect(r.p99).toBe(5);
    expect(r.mean).toBe(3);
  });
});

describe('clusteredVectors', () => {
  it('draws unit vectors that sit in clusters (nearest neighbours far closer than random pairs)', () => {
    const dim = 32;
    const n = 400;
    const v = clusteredVectors(n, dim, { clusters: 8, seed: 3 });
    let nearest = 0;
    let random = 0;
    const r = rng(1);
    for (let i = 0; i < 50; i++) {
      let norm = 0;
      for (let d = 0; d < dim; d++) norm += v[i * dim + d]! ** 2;
      expect(norm).toBeCloseTo(1, 5);
      const q = v.subarray(i * dim, (i + 1) * dim);
      const [self, nn] = exactTopK(v, n, dim, q, 2);
      expect(self).toBe(i);
      const j = Math.floor(r() * n);
      for (let d = 0; d < dim; d++) {
        nearest += q[d]! * v[nn! * dim + d]!;
        random += q[d]! * v[j * dim + d]!;
      }
    }
    expect(nearest / 50).toBeGreaterThan(random / 50 + 0.3);
  });
});

describe('exactTopK', () => {
  it('matches a sort of all scores, and honours the filter', () => {
    const dim = 8;
    const n = 200;
    const v = clusteredVectors(n, dim, { seed: 9 });
    const q = v.subarray(5 * dim, 6 * dim);
    const scores = Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let d = 0; d < dim; d++) s += v[i * dim + d]! * q[d]!;
      return { i, s };
    }).sort((a, b) => b.s - a.s);
    expect(exactTopK(v, n, dim, q, 10)).toEqual(scores.slice(0, 10).map((x) => x.i));
    const even = (id: number): boolean => id % 2 === 0;
    expect(exactTopK(v, n, dim, q, 5, even)).toEqual(scores.filter((x) => even(x.i)).slice(0, 5).map((x) => x.i));
  });
});
