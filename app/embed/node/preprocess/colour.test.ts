import { describe, expect, it } from 'vitest';
import { cmykToRgb } from './colour.js';

describe('cmykToRgb', () => {
  it("follows Pillow's formula R = (255-K) - round(C(255-K)/255)", () => {
    const cmyk = Uint8Array.from([0, 0, 0, 0, 255, 255, 255, 0, 0, 0, 0, 255, 100, 50, 200, 30]);
    const rgb = [...cmykToRgb(cmyk, 4)];
    const nk = 255 - 30;
    const px = (c: number): number => nk - Math.round((c * nk) / 255);
    expect(rgb).toEqual([255, 255, 255, 0, 0, 0, 0, 0, 0, px(100), px(50), px(200)]);
  });
});
