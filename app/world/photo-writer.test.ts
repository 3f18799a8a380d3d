import exifr from 'exifr';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodePhoto, type PhotoOrientation } from './photo-writer.js';
import { renderSceneRaw } from './render.js';
import { sampleScene } from './scene.js';

const scene = sampleScene(5, 2);
const camera = { make: 'Kestrel', model: 'K5 Mark II' };
const taken = '2021:07:14 16:22:05';
const pick = ['Make', 'Model', 'DateTimeOriginal', 'Orientation'];

describe('photo writer', () => {
  it('round-trips EXIF date and camera through exifr (JPEG, PNG) and sharp (WebP)', async () => {
    for (const format of ['jpeg', 'png'] as const) {
      const buf = await encodePhoto(scene, { width: 96, height: 64, format, taken, camera });
      expect((await sharp(buf).metadata()).format).toBe(format);
      const tags = await exifr.parse(buf, { pick, translateValues: false, reviveValues: false });
      expect(tags).toMatchObject({ Make: 'Kestrel', Model: 'K5 Mark II', DateTimeOriginal: taken });
    }
    // exifr cannot read WebP containers; sharp hands over the EXIF block, which exifr parses.
    const webp = await encodePhoto(scene, { width: 96, height: 64, format: 'webp', taken, camera });
    const meta = await sharp(webp).metadata();
    expect(meta.format).toBe('webp');
    const exifBlock = meta.exif as Buffer;
    const tiff = exifBlock.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exifBlock.subarray(6) : exifBlock;
    expect(await exifr.parse(tiff, { pick, translateValues: false, reviveValues: false })).toMatchObject({ Make: 'Kestrel', DateTimeOriginal: taken });
  });

  it('stores rotated pixels whose EXIF orientation shows the scene upright', async () => {
    const upright = await renderSceneRaw(scene, 120, 80);
    for (const orientation of [3, 6, 8] as PhotoOrientation[]) {
      const buf = await encodePhoto(scene, { width: 120, height: 80, format: 'jpeg', quality: 95, orientation });
      const meta = await sharp(buf).metadata();
      expect(meta.orientation).toBe(orientation);
      expect([meta.width, meta.height]).toEqual(orientation === 3 ? [120, 80] : [80, 120]);
      const shown = await sharp(buf).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
      expect([shown.info.width, shown.info.height]).toEqual([120, 80]);
      const stored = await sharp(buf).removeAlpha().resize(120, 80, { fit: 'fill' }).raw().toBuffer();
      const meanDiff = (a: Buffer): number => a.reduce((s, v, i) => s + Math.abs(v - (upright.data[i] as number)), 0) / a.length;
      expect(meanDiff(shown.data), `orientation ${orientation}`).toBeLessThan(3);
      expect(meanDiff(stored)).toBeGreaterThan(3 * meanDiff(shown.data)); // without applying the tag it is not upright
    }
  });
});
