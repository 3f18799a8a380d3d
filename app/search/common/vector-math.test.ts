import { describe, expect, it } from 'vitest';
import { dot, l2Normalize, normalizedMean, weightedSum } from './vector-math.js';
import { sortHits, topK } from './rank.js';

describe('vector math', () => {
  it('normalises to unit length and refuses the zero vector', () => {
    const v = l2Normalize([3, 4])!;
    expect(Array.from(v)).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
    expect(l2Normalize([0, 0])).toBeNull();
  });

  it('sums with weights and checks dimensions', () => {
    expect(Array.from(weightedSum([{ vector: [1, 0], weight: 2 }, { vector: [0, 1], weight: -1 }]))).toEqual([2, -1]);
    expect(() => weightedSum([{ vector: [1, 0], weight: 1 }, { vector: [1], weight: 1 }])).toThrow(/dimension/);
  });

  it('averages then normalises (prompt ensembling)', () => {
    const m = normalizedMean([[1, 0], [0, 1]])!;
    expect(dot(m, m)).toBeCloseTo(1, 6);
    expect(m[0]).toBeCloseTo(m[1]!, 6);
    expect(normalizedMean([[1, 0], [-1, 0]])).toBeNull();
  });
});

describe('ranking', () => {
  it('topK keeps the best k, sorted, ties by id', () => {
    const items = Array.from({ length: 100 }, (_, i) => ({ id: i + 1, score: Math.sin(i) }));
    const best = topK(items, 5);
    const expected = [...items].sort((a, b) => b.score - a.score || a.id - b.id).slice(0, 5);
    expect(best).toEqual(expected);
    expect(topK([{ id: 2, score: 1 }, { id: 1, score: 1 }], 1)).toEqual([{ id: 1, score: 1 }]);
    expect(topK(items, 0)).toEqual([]);
  });

  it('sorts by date with undated photos last', () => {
    const hits = [
      { id: 1, score: 0.1, takenAt: '2020-01-01T00:00:00Z' },
      { id: 2, score: 0.9, takenAt: null },
      { id: 3, score: 0.5, takenAt: '2021-01-01T00:00:00Z' },
    ];
    expect(sortHits([...hits], 'date-desc').map((h) => h.id)).toEqual([3, 1, 2]);
    expect(sortHits([...hits], 'date-asc').map((h) => h.id)).toEqual([1, 3, 2]);
    expect(sortHits([...hits], 'relevance').map((h) => h.id)).toEqual([2, 3, 1]);
  });
});
