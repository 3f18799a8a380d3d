// Pixel formats and shapes the reference photos do not cover, made with sharp and checked by
// what must hold for them (exact colours for flat images, refusals for absurd shapes).
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { PreprocessSpec } from '../common/model-format.js';
import { normalizeChw, preprocessToRgb } from './preprocess.js';

const spec: PreprocessSpec = { size: 32, resize: 'shortest', interpolation: 'bicubic', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };

function flat(width: number, height: number, channels: 1 | 2 | 3 | 4, value: number[]): Buffer {
  const b = Buffer.alloc(width * height * channels);
  for (let i = 0; i < width * height; i++) b.set(value, i * channels);
  return b;
}

async function channelMeans(input: Buffer, s: PreprocessSpec = spec, alpha?: 'white' | 'ignore'): Promise<number[]> {
  const r = await preprocessToRgb(input, s, alpha ? { alpha } : {});
  if (!r.ok) throw new Error(r.error.message);
  const plane = s.size * s.size;
  expect(r.value.rgb.length).toBe(3 * plane);
  return [0, 1, 2].map((c) => Math.round(r.value.rgb.subarray(c * plane, (c + 1) * plane).reduce((a, v) => a + v, 0) / plane));
}

describe('pixel formats', () => {
  it('expands grey with alpha to three channels under either alpha policy', async () => {
    const png = await sharp(flat(40, 30, 2, [100, 0]), { raw: { width: 40, height: 30, channels: 2 } }).png().toBuffer();
    expect(await channelMeans(png, spec, 'ignore')).toEqual([100, 100, 100]);
    expect(await channelMeans(png, spec, 'white')).toEqual([255, 255, 255]);
  });

  it('composites half-transparent pixels over white', async () => {
    const png = await sharp(flat(40, 30, 4, [0, 0, 200, 128]), { raw: { width: 40, height: 30, channels: 4 } }).png().toBuffer();
    const [r, g, b] = await channelMeans(png, spec, 'white');
    expect(r).toBeCloseTo(127, -1);
    expect(g).toBeCloseTo(127, -1);
    expect(b).toBeCloseTo(228, -1);
  });

  it('keeps the high byte of 16-bit grey', async () => {
    const raw = new Uint16Array(50 * 40).fill(0x7a_ff);
    const png = await sharp(raw, { raw: { width: 50, height: 40, channels: 1 } }).toColourspace('grey16').png().toBuffer();
    expect((await sharp(png).metadata()).depth).toBe('ushort');
    expect(await channelMeans(png)).toEqual([0x7a, 0x7a, 0x7a]);
  });

  it('upscales a 1x1 image to a flat square', async () => {
    const png = await sharp(flat(1, 1, 3, [10, 200, 30]), { raw: { width: 1, height: 1, channels: 3 } }).png().toBuffer();
    expect(await channelMeans(png)).toEqual([10, 200, 30]);
  });

  it('refuses strips too elongated to crop, but squashes them', async () => {
    const png = await sharp(flat(5000, 2, 3, [1, 2, 3]), { raw: { width: 5000, height: 2, channels: 3 } }).png().toBuffer();
    const r = await preprocessToRgb(png, spec);
    expect(r.ok ? 'ok' : r.error.code).toBe('unsupported');
    expect(await channelMeans(png, { ...spec, resize: 'squash' })).toEqual([1, 2, 3]);
  });
});

describe('normalizeChw', () => {
  it('applies (v/255 - mean)/std per channel plane', () => {
    const rgb = Uint8Array.from([0, 255, 51, 102, 255, 0]); // 2 pixels, CHW
    const t = normalizeChw(rgb, { ...spec, mean: [0.5, 0.25, 0], std: [0.5, 0.25, 2] });
    const expected = [(0 - 0.5) / 0.5, (1 - 0.5) / 0.5, (0.2 - 0.25) / 0.25, (0.4 - 0.25) / 0.25, 1 / 2, 0];
    expected.forEach((v, i) => expect(t[i]).toBeCloseTo(v, 6));
  });
});
