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
