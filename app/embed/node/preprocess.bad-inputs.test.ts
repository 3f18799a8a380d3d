// Problem files an indexer meets (../shared/reference/bad-inputs/manifest.json): each gets a
// clean error value or, where the manifest says so, the same tensor as the photo it copies.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { CLIP_MEAN, CLIP_STD, type PreprocessSpec } from '../common/model-format.js';
import { preprocessImage, preprocessToRgb } from './preprocess.js';

const DIR = '../shared/reference/bad-inputs';
interface BadInput {
  name: string;
  expected: 'skip' | 'index' | 'ignore' | 'index-if-supported' | 'not-a-file';
  reference?: string;
  also_acceptable?: string;
}
const files = (JSON.parse(readFileSync(`${DIR}/manifest.json`, 'utf8')) as { files: BadInput[] }).files;
const spec: PreprocessSpec = { size: 224, resize: 'shortest', interpolation: 'bicubic', mean: CLIP_MEAN, std: CLIP_STD };

function agreement(a: Float32Array, refPath: string): { cos: number; max: number } {
  const buf = readFileSync(refPath);
  const b = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  let dot = 0, na = 0, nb = 0, max = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!; na += a[i]! ** 2; nb += b[i]! ** 2;
    max = Math.max(max, Math.abs(a[i]! - b[i]!));
  }
  return { cos: dot / Math.sqrt(na * nb), max };
}

describe('decompression bombs', () => {
  it.each(['decompression-bomb-40000x40000.png', 'jpeg-header-65000x65000.jpg'])('%s is refused from its header', async (name) => {
    const before = process.resourceUsage().maxRSS;
    const r = await preprocessImage(`${DIR}/${name}`, spec);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('too-large');
    // A decoded 40000x40000 RGB image would be 4.8 GB; peak RSS must not have moved by anything like it.
    expect(process.resourceUsage().maxRSS - before).toBeLessThan(300 * 1024);
  });
});

describe('every file of the bad-inputs manifest', () => {
  it('lists the expected cases', () => expect(files.length).toBeGreaterThanOrEqual(15));
  it.each(files.map((f) => [f.name, f] as const))('%s', async (name, f) => {
    const r = await preprocessImage(`${DIR}/${name}`, spec);
    const matchesReference = (): void => {
      if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
      if (!f.reference) return;
      const m = agreement(r.value.tensor, `${DIR}/${f.reference}`);
      expect(m.cos, JSON.stringify(m)).toBeGreaterThanOrEqual(0.999);
      expect(m.max).toBeLessThanOrEqual(0.6);
    };
    switch (f.expected) {
      case 'index':
      case 'ignore': // content decides, not the extension: a JPEG named .txt still decodes
        matchesReference();
        break;
      case 'skip':
        if (r.ok && f.also_acceptable?.startsWith('index')) break;
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expect(['decode-failed', 'too-large', 'unsupported']).toContain(r.error.code);
          expect(r.error.message).not.toMatch(/\n/);
        }
        break;
      case 'index-if-supported':
        if (r.ok) break;
        expect(r.error.code).toBe('unsupported');
        expect(r.error.message).toMatch(/^unsupported format: (HEIC|BMP)/);
        break;
      case 'not-a-file':
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error.code).toBe('io');
        break;
    }
  });
});

describe('other refusals and inputs', () => {
  it('truncated images fail instead of being half-painted', async () => {
    for (const name of ['truncated.jpg', 'truncated.png']) {
      const r = await preprocessToRgb(`${DIR}/${name}`, spec);
      expect(r.ok ? 'decoded' : r.error.code).toBe('decode-failed');
    }
  });

  it('a missing file is not-found', async () => {
    const r = await preprocessImage(`${DIR}/no-such-photo.jpg`, spec);
    expect(r.ok ? 'ok' : r.error.code).toBe('not-found');
  });

  it('honours a lower pixel limit', async () => {
    const r = await preprocessImage('../shared/reference/photos/small-320-cat.jpg', spec, { maxPixels: 320 * 213 - 1 });
    expect(r.ok ? 'ok' : r.error.code).toBe('too-large');
    const fits = await preprocessImage('../shared/reference/photos/small-320-cat.jpg', spec, { maxPixels: 320 * 213 });
    expect(fits.ok).toBe(true);
  });

  it('accepts bytes as well as a path, with the same result', async () => {
    const path = '../shared/reference/photos/orientation-6-landscape.jpg';
    const a = await preprocessToRgb(path, spec);
    const b = await preprocessToRgb(readFileSync(path), spec);
    if (!a.ok || !b.ok) throw new Error('decode failed');
    expect(Buffer.from(b.value.rgb).equals(Buffer.from(a.value.rgb))).toBe(true);
    expect(b.value.info).toEqual({ format: 'jpeg', width: 1200, height: 1800, displayWidth: 1800, displayHeight: 1200, orientation: 6, hasAlpha: false });
  });

  it('takes the first frame of an animated GIF', async () => {
    const w = 40, h = 30;
    const frames = Buffer.alloc(w * h * 2 * 4);
    for (let i = 0; i < w * h; i++) frames.set([220, 20, 20, 255], i * 4); // frame 1 red
    for (let i = w * h; i < 2 * w * h; i++) frames.set([20, 20, 220, 255], i * 4); // frame 2 blue
    const gif = await sharp(frames, { raw: { width: w, height: h * 2, channels: 4, pageHeight: h } }).gif().toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);
    const r = await preprocessToRgb(gif, { ...spec, size: 16 });
    if (!r.ok) throw new Error(r.error.message);
    const plane = 16 * 16;
    const meanOf = (c: number): number => r.value.rgb.subarray(c * plane, (c + 1) * plane).reduce((s, v) => s + v, 0) / plane;
    expect(meanOf(0)).toBeGreaterThan(200);
    expect(meanOf(2)).toBeLessThan(40);
    expect(r.value.info.format).toBe('gif');
  });
});
