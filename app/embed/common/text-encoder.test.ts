import { describe, expect, it } from 'vitest';
import { attentionMaskFor, bindTextGraph } from './text-encoder.js';
import { ModelManifestSchema } from './model-format.js';
import type { OrtSessionLike } from './onnx-graph.js';

const manifest = ModelManifestSchema.parse({
  schema: 1, id: 'x', name: 'x', embeddingSize: 4,
  image: { file: 'i.onnx', input: { name: 'pixel_values', type: 'float32' }, output: 'image_embeds', normalized: false },
  text: { file: 't.onnx', input: { name: 'input_ids', type: 'int64' }, output: 'text_embeds', normalized: false },
  preprocess: { size: 8, resize: 'shortest', interpolation: 'bicubic', mean: [0, 0, 0], std: [1, 1, 1] },
  tokenizer: { file: 'tok.json', contextLength: 6, padId: 0 },
  logitScale: 100, promptTemplates: ['{}'],
  files: [{ path: 'i.onnx', sha256: '0'.repeat(64), bytes: 1 }],
});

function fakeSession(inputs: Array<[string, string]>, outputs: Array<[string, string, Array<number | string>]>): OrtSessionLike {
  return {
    inputNames: inputs.map(([n]) => n),
    outputNames: outputs.map(([n]) => n),
    inputMetadata: inputs.map(([name, type]) => ({ name, type, isTensor: true, shape: ['batch', 6] })),
    outputMetadata: outputs.map(([name, type, shape]) => ({ name, type, isTensor: true, shape })),
    run: () => Promise.reject(new Error('not used')),
    release: () => Promise.resolve(),
  };
}

describe('attentionMaskFor', () => {
  it('covers up to and including end-of-text, also when padding is end-of-text itself', () => {
    const ids = Int32Array.from([9, 1, 2, 7, 7, 7, /* */ 9, 7, 7, 7, 7, 7]);
    expect(Array.from(attentionMaskFor(ids, 2, 6, 7, 7))).toEqual([1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0]);
  });
  it('without an end id, up to the last id that is not padding', () => {
    const ids = Int32Array.from([9, 0, 3, 0, 0, 0]);
    expect(Array.from(attentionMaskFor(ids, 1, 6, 0, null))).toEqual([1, 1, 1, 0, 0, 0]);
  });
});

describe('bindTextGraph', () => {
  it('uses the graph’s integer type and finds an undeclared attention mask', () => {
    const r = bindTextGraph(fakeSession([['input_ids', 'int32'], ['attention_mask', 'int64']], [['text_embeds', 'float32', ['batch', 4]]]), manifest);
    if (!r.ok) throw new Error(r.error.message);
    expect([r.value.ids.type, r.value.attentionMask?.name, r.value.attentionMask?.type]).toEqual(['int32', 'attention_mask', 'int64']);
  });
  it('refuses float ids, unknown extra inputs and wrong output names', () => {
    const f = bindTextGraph(fakeSession([['input_ids', 'float32']], [['text_embeds', 'float32', ['batch', 4]]]), manifest);
    expect(f.ok ? null : f.error.message).toBe("text encoder (t.onnx): input 'input_ids' is float32 in the graph but model.json says int32 or int64");
    const x = bindTextGraph(fakeSession([['input_ids', 'int64'], ['position_ids', 'int64']], [['text_embeds', 'float32', ['batch', 4]]]), manifest);
    expect(x.ok ? null : x.error.message).toBe("text encoder (t.onnx): the graph needs input 'position_ids' that model.json does not describe");
    const o = bindTextGraph(fakeSession([['input_ids', 'int64']], [['last_hidden_state', 'float32', ['batch', 6, 4]]]), manifest);
    expect(o.ok ? null : o.error.code).toBe('model-invalid');
  });
});

describe('a graph exported with a fixed batch size', () => {
  class FakeTensor {
    constructor(readonly type: string, readonly data: Float32Array | Int32Array | BigInt64Array, readonly dims: readonly number[]) {}
  }
  it('gets exactly that many rows per run, the last batch padded, the padding rows dropped', async () => {
    const { createTextEncoder } = await import('./text-encoder.js');
    const seen: number[][] = [];
    const session: OrtSessionLike = {
      inputNames: ['input_ids'],
      outputNames: ['text_embeds'],
      inputMetadata: [{ name: 'input_ids', isTensor: true, type: 'int32', shape: [2, 6] }],
      outputMetadata: [{ name: 'text_embeds', isTensor: true, type: 'float32', shape: [2, 4] }],
      run: async (feeds) => {
        const t = feeds.input_ids!;
        seen.push([...t.dims]);
        const ids = t.data as Int32Array;
        // row r → [first id + 1, 0, 0, 0]: shows which input row each output came from
        const out = new Float32Array(8);
        for (let r = 0; r < 2; r++) out[r * 4] = ids[r * 6]! + 1;
        return { text_embeds: new FakeTensor('float32', out, [2, 4]) };
      },
      release: async () => undefined,
    };
    // normalized: true, so the rows come back as the graph made them
    const graphNormalised = { ...manifest, text: { ...manifest.text, normalized: true } };
    const enc = createTextEncoder({ runtime: { Tensor: FakeTensor }, session, manifest: graphNormalised, tokenizer: { contextLength: 6, encodeBatch: () => new Int32Array(0) } });
    if (!enc.ok) throw new Error(enc.error.message);
    expect(enc.value.binding.fixedBatch).toBe(2);
    const ids = Int32Array.from([4, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0]);
    const r = await enc.value.encodeIds(ids, 3);
    if (!r.ok) throw new Error(r.error.message);
    expect(seen).toEqual([[2, 6], [2, 6]]);
    expect(r.value.map((v) => Array.from(v))).toEqual([[5, 0, 0, 0], [8, 0, 0, 0], [10, 0, 0, 0]]);
  });
});
