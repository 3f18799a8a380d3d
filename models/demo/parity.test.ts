// The shipped ONNX encoders reproduce PyTorch's outputs (test-vectors.json, written by
// models/training/export.py from the trained checkpoint) within 1e-4 max abs. No Python needed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelManifestSchema, type ModelManifest } from '../../app/embed/common/model-format.js';

interface TestVectors {
  tolerance: number;
  text: { text: string; input_ids: number[]; text_embeds: number[] }[];
  image: { shape: number[]; pixel_values: number[]; image_embeds: number[] }[];
}

const dir = fileURLToPath(new URL('.', import.meta.url));
const manifest: ModelManifest = ModelManifestSchema.parse(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')));
const vectors = JSON.parse(readFileSync(join(dir, 'test-vectors.json'), 'utf8')) as TestVectors;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('demo model parity with PyTorch', () => {
  let image: ort.InferenceSession;
  let text: ort.InferenceSession;
  const opts: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };

  beforeAll(async () => {
    image = await ort.InferenceSession.create(join(dir, manifest.image.file), opts);
    text = await ort.InferenceSession.create(join(dir, manifest.text.file), opts);
  });
  afterAll(async () => {
    await image?.release();
    await text?.release();
  });

  it('has test vectors for both encoders', () => {
    expect(vectors.text.length).toBeGreaterThan(0);
    expect(vectors.image.length).toBeGreaterThan(0);
    expect(vectors.tolerance).toBeLessThanOrEqual(1e-4);
  });

  it('text encoder matches PyTorch (one batch of all rows)', async () => {
    const ctx = manifest.tokenizer.contextLength;
    const ids = BigInt64Array.from(vectors.text.flatMap((r) => r.input_ids.map(BigInt)));
    const feeds = { [manifest.text.input.name]: new ort.Tensor('int64', ids, [vectors.text.length, ctx]) };
    const out = (await text.run(feeds))[manifest.text.output]!;
    expect(out.dims).toEqual([vectors.text.length, manifest.embeddingSize]);
    const data = out.data as Float32Array;
    vectors.text.forEach((r, i) => {
      const row = data.subarray(i * manifest.embeddingSize, (i + 1) * manifest.embeddingSize);
      expect(maxAbsDiff(row, r.text_embeds), `text ${JSON.stringify(r.text)}`).toBeLessThanOrEqual(vectors.tolerance);
    });
  });

  it('image encoder matches PyTorch (one batch of all rows)', async () => {
    const [c, h, w] = vectors.image[0]!.shape as [number, number, number];
    const pixels = Float32Array.from(vectors.image.flatMap((r) => r.pixel_values));
    const feeds = { [manifest.image.input.name]: new ort.Tensor('float32', pixels, [vectors.image.length, c, h, w]) };
    const out = (await image.run(feeds))[manifest.image.output]!;
    expect(out.dims).toEqual([vectors.image.length, manifest.embeddingSize]);
    const data = out.data as Float32Array;
    vectors.image.forEach((r, i) => {
      const row = data.subarray(i * manifest.embeddingSize, (i + 1) * manifest.embeddingSize);
      expect(maxAbsDiff(row, r.image_embeds), `image ${i}`).toBeLessThanOrEqual(vectors.tolerance);
    });
  });

  it('the input ids in the vectors are what the app tokenizer produces', async () => {
    const { loadTokenizer } = await import('../../app/embed/node/load-tokenizer.js');
    const tok = await loadTokenizer(join(dir, manifest.tokenizer.file), manifest.tokenizer);
    if (!tok.ok) throw new Error(tok.error.message);
    for (const r of vectors.text) expect(Array.from(tok.value.encode(r.text)), r.text).toEqual(r.input_ids);
  });
});
