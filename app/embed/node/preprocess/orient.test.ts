import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { orientCropChw } from './orient.js';

// Oracle: libvips' own autoOrient of a PNG carrying the same EXIF orientation.
describe('orientCropChw', () => {
  const width = 5, height = 3;
  const stored = Buffer.from(Array.from({ length: width * height * 3 }, (_, i) => (i * 7) % 256));

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('orientation %i matches libvips', async (orientation) => {
    const png = await sharp(stored, { raw: { width, height, channels: 3 } }).withMetadata({ orientation }).png().toBuffer();
    const { data, info } = await sharp(png).autoOrient().raw().toBuffer({ resolveWithObject: true });
    const size = Math.min(info.width, info.height);
    const left = info.width - size, top = info.height - size; // an off-centre window catches swapped offsets
    const expected = new Uint8Array(3 * size * size);
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++)
        for (let c = 0; c < 3; c++) expected[c * size * size + y * size + x] = data[((top + y) * info.width + left + x) * 3 + c]!;
    expect(orientCropChw({ data: stored, width, height }, orientation, { left, top, size })).toEqual(expected);
  });

  it('treats a missing or invalid orientation as 1', () => {
    const a = orientCropChw({ data: stored, width, height }, null, { left: 1, top: 0, size: 3 });
    const b = orientCropChw({ data: stored, width, height }, 9, { left: 1, top: 0, size: 3 });
    expect(b).toEqual(a);
    expect(a[0]).toBe(stored[3]); // R of stored pixel (1, 0)
  });
});
