import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ModelManifestSchema } from '../common/model-format.js';
import type { OrtSessionLike } from '../common/onnx-graph.js';
import { createImageEncoder } from './image-encoder.js';

const manifest = ModelManifestSchema.parse(JSON.parse(await readFile(new URL('./fixtures/tiny-clip/model.json', import.meta.url), 'utf8')));
class FakeTensor {
  constructor(readonly type: string, readonly data: Float32Array | Int32Array | BigInt64Array, readonly dims: readonly number[]) {}
}

function fakeSession(shape: Array<number | string>, seen: number[][]): OrtSessionLike {
  const per = 3 * 32 * 32;
  return {
    inputNames: ['pixel_values'],
    outputNames: ['image_embeds'],
    inputMetadata: [{ name: 'pixel_values', isTensor: true, type: 'float32', shape }],
    outputMetadata: [{ name: 'image_embeds', isTensor: true, type: 'float32', shape: [shape[0]!, 16] }],
    run: async (feeds) => {
      const t = feeds.pixel_values!;
      seen.push([...t.dims]);
      const px = t.data as Float32Array;
      const n = t.dims[0]!;
      // each output row is [3, 4, 0, …] scaled by the image's first pixel: its norm is 5 × that pixel
      const out = new Float32Array(n * 16);
      for (let r = 0; r < n; r++) {
        out[r * 16] = 3 * px[r * per]!;
        out[r * 16 + 1] = 4 * px[r * per]!;
      }
      return { image_embeds: new FakeTensor('float32', out, [n, 16]) };
    },
    release: async () => undefined,
  };
}

describe('image encoder batching', () => {
  const pixels = (n: number): Float32Array => {
    const a = new Float32Array(n * 3 * 32 * 32);
    for (let k = 0; k < n; k++) a[k * 3 * 32 * 32] = k + 1;
    return a;
  };

  it('splits a dynamic-batch request by maxBatch and normalises every row', async () => {
    const seen: number[][] = [];
    const enc = createImageEncoder({ runtime: { Tensor: FakeTensor }, session: fakeSession(['batch', 3, 32, 32], seen), manifest, maxBatch: 2 });
    if (!enc.ok) throw new Error(enc.error.message);
    const r = await enc.value.encode(pixels(5), 5);
    if (!r.ok) throw new Error(r.error.message);
    expect(seen.map((d) => d[0])).toEqual([2, 2, 1]);
    expect(r.value.map((v) => [v[0], v[1]])).toEqual(Array(5).fill([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]));
  });

  it('a fixed-batch graph gets exactly its batch size, zero-padded; padding rows are dropped', async () => {
    const seen: number[][] = [];
    const graphNormalised = { ...manifest, image: { ...manifest.image, normalized: true } };
    const enc = createImageEncoder({ runtime: { Tensor: FakeTensor }, session: fakeSession([4, 3, 32, 32], seen), manifest: graphNormalised });
    if (!enc.ok) throw new Error(enc.error.message);
    expect(enc.value.binding.fixedBatch).toBe(4);
    const r = await enc.value.encode(pixels(5), 5);
    if (!r.ok) throw new Error(r.error.message);
    expect(seen).toEqual([[4, 3, 32, 32], [4, 3, 32, 32]]);
    expect(r.value.map((v) => v[0])).toEqual([3, 6, 9, 12, 15]);
  });

  it('refuses a graph whose image size differs from the manifest', () => {
    const enc = createImageEncoder({ runtime: { Tensor: FakeTensor }, session: fakeSession(['batch', 3, 224, 224], []), manifest });
    expect(enc.ok ? null : enc.error.message).toBe("image encoder (image.onnx): image height of 'pixel_values' is 224 in the graph but model.json says 32");
  });
});
