import { describe, expect, it } from 'vitest';
import { displaySize, planGeometry, roundHalfEven } from './geometry.js';

describe('roundHalfEven', () => {
  it('rounds halves to the even neighbour like Python', () => {
    expect([0.5, 1.5, 2.5, 56.5, 57.5].map(roundHalfEven)).toEqual([0, 2, 2, 56, 58]);
    expect([2.4, 2.6, 37].map(roundHalfEven)).toEqual([2, 3, 37]);
  });
});

describe('planGeometry', () => {
  it('truncates the long side like torchvision (4032x3024 → 298x224, not 299)', () => {
    expect(planGeometry(4032, 3024, 224, 'shortest')).toEqual({ resizedWidth: 298, resizedHeight: 224, left: 37, top: 0, size: 224 });
  });
  it('handles portrait images and half-pixel crop offsets', () => {
    // 1200x1800 → 224x336, top = round(56) ; 320x213 → int(224*320/213)=336 wide, left 56
    expect(planGeometry(1200, 1800, 224, 'shortest')).toMatchObject({ resizedWidth: 224, resizedHeight: 336, left: 0, top: 56 });
    // 6028x3391 → 398x224: (398-224)/2 = 87 ; 5312x2988 → 398 as well
    expect(planGeometry(6028, 3391, 224, 'shortest')).toMatchObject({ resizedWidth: 398, left: 87 });
    // 200x135 → 331x224: (331-224)/2 = 53.5 → 54 (even)
    expect(planGeometry(200, 135, 224, 'shortest')).toMatchObject({ resizedWidth: 331, left: 54 });
    // 225 wide: offset 0.5 → 0
    expect(planGeometry(225, 224, 224, 'shortest')).toMatchObject({ resizedWidth: 225, left: 0 });
  });
  it('squashes both sides without cropping', () => {
    expect(planGeometry(4032, 672, 256, 'squash')).toEqual({ resizedWidth: 256, resizedHeight: 256, left: 0, top: 0, size: 256 });
  });
  it('agrees with the reference manifest for every photo', async () => {
    const { readFileSync } = await import('node:fs');
    const m = JSON.parse(readFileSync('../shared/reference/preprocess/manifest.json', 'utf8')) as { files: Record<string, { display_size_wh: [number, number]; resized_size_wh: [number, number]; crop_box_ltrb: number[] }> };
    const entries = Object.values(m.files);
    expect(entries.length).toBeGreaterThan(30);
    for (const e of entries) {
      const [w, h] = e.display_size_wh;
      const p = planGeometry(w, h, 224, 'shortest');
      expect([p.resizedWidth, p.resizedHeight]).toEqual(e.resized_size_wh);
      expect([p.left, p.top, p.left + 224, p.top + 224]).toEqual(e.crop_box_ltrb);
    }
  });
});

describe('displaySize', () => {
  it('swaps the axes for orientations 5-8 only', () => {
    expect(displaySize(1800, 1200, 6)).toEqual({ width: 1200, height: 1800 });
    expect(displaySize(1800, 1200, 3)).toEqual({ width: 1800, height: 1200 });
    expect(displaySize(1800, 1200, null)).toEqual({ width: 1800, height: 1200 });
  });
});
