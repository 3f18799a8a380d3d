import { describe, expect, it } from 'vitest';
import type { Scene, SceneGroup } from '../../app/world/scene.js';
import { bestOther, classify, ensembleWeights, rankOf, recallAt, sceneDifference, stratifiedRecall } from './metrics.js';

const v = (...xs: number[]): Float32Array => Float32Array.from(xs);

describe('eval metrics', () => {
  it('ranks the target among images, ties counting against it', () => {
    const images = [v(1, 0), v(0, 1), v(0.6, 0.8)];
    expect(rankOf(v(1, 0), images, 0)).toBe(0);
    expect(rankOf(v(1, 0), images, 1)).toBe(2);
    expect(rankOf(v(0, 1), [v(0, 1), v(0, 1)], 1)).toBe(1);
  });

  it('recall@k is the fraction of ranks below k', () => {
    expect(recallAt([0, 1, 5, 20], 1)).toBe(0.25);
    expect(recallAt([0, 1, 5, 20], 10)).toBe(0.75);
  });

  it('prompt ensembling averages normalised prompt embeddings', () => {
    const [w] = ensembleWeights([[v(2, 0), v(0, 10)]]);
    expect(w![0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(w![1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(classify(v(0.1, 1), [v(1, 0), v(0, 1)])).toBe(1);
  });

  it('reweights seen recall to the held-out strata', () => {
    // seen: stratum 1 always hits, stratum 3 never; held-out scenes are all stratum 3.
    const seen = [{ stratum: 1, rank: 0 }, { stratum: 1, rank: 0 }, { stratum: 3, rank: 4 }];
    expect(stratifiedRecall(seen, [3, 3], 1)).toBe(0);
    expect(stratifiedRecall(seen, [1, 3], 1)).toBe(0.5);
  });

  it('names what a missed query found instead: the best other image and how its scene differs', () => {
    expect(bestOther(v(1, 0), [v(1, 0), v(0, 1), v(0.6, 0.8)], 0)).toBe(2);
    const group = (g: Partial<SceneGroup>): SceneGroup => ({ count: 1, colour: 'red', shape: 'circle', size: 'large', position: 'left', objects: [], ...g });
    const scene = (groups: SceneGroup[], background: Scene['background'] = 'sky'): Scene => ({ seed: 0, index: 0, background, groups, styleSeed: 0, heldout: false });
    const a = scene([group({}), group({ size: 'small', colour: 'blue', position: 'right' })]);
    expect(sceneDifference(a, a)).toEqual([]);
    // the two groups swap places: every attribute has the same values, only their binding differs
    expect(sceneDifference(a, scene([group({ position: 'right' }), group({ size: 'small', colour: 'blue', position: 'left' })]))).toEqual([]);
    expect(sceneDifference(a, scene([group({ shape: 'hexagon' }), group({ size: 'small', colour: 'blue', position: 'top' })], 'sand')))
      .toEqual(['background', 'shape', 'position']);
    expect(sceneDifference(a, scene([group({})]))).toEqual(['missing group']);
    expect(sceneDifference(scene([group({})]), a)).toEqual(['extra group']);
  });
});
