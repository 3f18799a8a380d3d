// Every reference photo × both reference configurations, against Pillow 9.4 + torchvision 0.14
// tensors made outside the project (../shared/reference/preprocess*/README.md).
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { CLIP_MEAN, CLIP_STD, type PreprocessSpec } from '../common/model-format.js';
import { preprocessImage, type AlphaPolicy } from './preprocess.js';

const REF = '../shared/reference';
const photos = (JSON.parse(readFileSync(`${REF}/photos/manifest.json`, 'utf8')) as { files: { name: string; has_alpha: boolean }[] }).files;

const configs: { name: string; dir: string; spec: PreprocessSpec }[] = [
  { name: 'clip224', dir: 'preprocess', spec: { size: 224, resize: 'shortest', interpolation: 'bicubic', mean: CLIP_MEAN, std: CLIP_STD } },
  { name: 'siglip256', dir: 'preprocess-siglip256', spec: { size: 256, resize: 'squash', interpolation: 'bicubic', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] } },
];

interface Agreement {
  cos: number;
  mean: number;
  max: number;
}

function compare(a: Float32Array, b: Float32Array): Agreement {
  let dot = 0, na = 0, nb = 0, sum = 0, max = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    const d = Math.abs(x - y);
    dot += x * y; na += x * x; nb += y * y; sum += d;
    if (d > max) max = d;
  }
  return { cos: dot / Math.sqrt(na * nb), mean: sum / a.length, max };
}

function readF32(path: string): Float32Array {
  const buf = readFileSync(path);
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
}

const worst = new Map<string, Agreement & { worstCos: string; worstMax: string; worstMean: string }>();
function record(key: string, photo: string, m: Agreement): void {
  const w = worst.get(key) ?? { cos: 1, mean: 0, max: 0, worstCos: '', worstMax: '', worstMean: '' };
  if (m.cos < w.cos) Object.assign(w, { cos: m.cos, worstCos: photo });
  if (m.mean > w.mean) Object.assign(w, { mean: m.mean, worstMean: photo });
  if (m.max > w.max) Object.assign(w, { max: m.max, worstMax: photo });
  worst.set(key, w);
}

afterAll(() => {
  for (const [key, w] of worst) {
    console.log(`${key}: worst cosine ${w.cos.toFixed(6)} (${w.worstCos}), mean |diff| ${w.mean.toFixed(4)} (${w.worstMean}), max |diff| ${w.max.toFixed(3)} (${w.worstMax})`);
  }
});

const within = (m: Agreement): boolean => m.cos >= 0.999 && m.mean <= 0.03 && m.max <= 0.6;

describe.each(configs)('parity with torchvision: $name', ({ name, dir, spec }) => {
  it.each(photos.map((p) => p.name))('%s', async (photo) => {
    const r = await preprocessImage(`${REF}/photos/${photo}`, spec);
    if (!r.ok) throw new Error(`${photo}: ${r.error.message}`);
    expect(r.value.tensor.length).toBe(3 * spec.size * spec.size);
    const m = compare(r.value.tensor, readF32(`${REF}/${dir}/${photo}.f32`));
    record(name, photo, m);
    expect(within(m), `${photo}: ${JSON.stringify(m)}`).toBe(true);
  });
});

// The other alpha policy has its own reference (CLIP 224 only): composite over white first.
const withAlpha = photos.filter((p) => p.has_alpha).map((p) => p.name);
describe('alpha composited over white', () => {
  it('covers the photos with transparency', () => expect(withAlpha.length).toBeGreaterThanOrEqual(2));
  it.each(withAlpha)('%s', async (photo) => {
    const ref = `${REF}/preprocess/${photo}.alpha-over-white.f32`;
    expect(existsSync(ref)).toBe(true);
    const policy: AlphaPolicy = 'white';
    const r = await preprocessImage(`${REF}/photos/${photo}`, configs[0]!.spec, { alpha: policy });
    if (!r.ok) throw new Error(r.error.message);
    const m = compare(r.value.tensor, readF32(ref));
    record('clip224 alpha-over-white', photo, m);
    expect(within(m), JSON.stringify(m)).toBe(true);
    // …and it really is a different image from the default policy's.
    const d = await preprocessImage(`${REF}/photos/${photo}`, configs[0]!.spec);
    if (!d.ok) throw new Error(d.error.message);
    expect(compare(d.value.tensor, r.value.tensor).max).toBeGreaterThan(0.5);
  });
});
