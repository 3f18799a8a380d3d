// The converters on upstream configs shaped like the real ones (CLIP, SigLIP, MobileCLIP, M-CLIP):
// the facts they must read from the files rather than assume.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLIP_MEAN, CLIP_STD } from '../../embed/common/model-format.js';
import { padIdOf } from './common.js';
import { convertImmich, immichPreprocess } from './immich.js';
import { convertTransformersJs, hfPreprocess } from './transformers-js.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-layouts-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const put = (rel: string, v: unknown): void => {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), typeof v === 'string' ? v : JSON.stringify(v));
};
const clipTokenizer = { model: { type: 'BPE', vocab: { a: 0, 'b</w>': 1 } }, added_tokens: [{ id: 49406, content: '<|startoftext|>' }, { id: 49407, content: '<|endoftext|>' }] };
const unigram = { model: { type: 'Unigram', vocab: [['<pad>', 0], ['</s>', 0], ['<unk>', 0], ['▁a', -1]] }, added_tokens: [] };

describe('transformers.js preprocessor_config.json', () => {
  it('CLIP: shortest edge + centre crop, bicubic (resample 3)', () => {
    const r = hfPreprocess({ do_resize: true, size: { shortest_edge: 224 }, do_center_crop: true, crop_size: { height: 224, width: 224 }, resample: 3, image_mean: CLIP_MEAN, image_std: CLIP_STD });
    expect(r).toEqual({ ok: true, value: { size: 224, resize: 'shortest', interpolation: 'bicubic', mean: CLIP_MEAN, std: CLIP_STD } });
  });
  it('older CLIP configs with plain numbers', () => {
    const r = hfPreprocess({ size: 224, crop_size: 224, do_center_crop: true, resample: 3, image_mean: CLIP_MEAN, image_std: CLIP_STD });
    expect(r.ok && r.value).toMatchObject({ size: 224, resize: 'shortest' });
  });
  it('SigLIP: height × width without a crop is a squash, 0.5 mean/std', () => {
    const r = hfPreprocess({ do_resize: true, size: { height: 256, width: 256 }, resample: 2, image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5] });
    expect(r).toEqual({ ok: true, value: { size: 256, resize: 'squash', interpolation: 'bilinear', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] } });
  });
  it('do_normalize false (MobileCLIP) means mean 0, std 1', () => {
    const r = hfPreprocess({ size: { shortest_edge: 256 }, crop_size: { height: 256, width: 256 }, do_center_crop: true, resample: 2, do_normalize: false });
    expect(r.ok && r.value).toMatchObject({ size: 256, mean: [0, 0, 0], std: [1, 1, 1] });
  });
  it('refuses what the pipeline cannot do, saying what', () => {
    expect(hfPreprocess({ size: { height: 224, width: 320 }, image_mean: CLIP_MEAN, image_std: CLIP_STD })).toMatchObject({ ok: false, error: { message: 'preprocessor_config.json: non-square images are not supported' } });
    expect(hfPreprocess({ size: { shortest_edge: 224 }, resample: 1, image_mean: CLIP_MEAN, image_std: CLIP_STD })).toMatchObject({ ok: false, error: { message: 'preprocessor_config.json: resample 1 is not supported' } });
  });
});

describe("Immich's visual/preprocess_cfg.json", () => {
  it('reads size (list or number), resize_mode (default shortest) and interpolation', () => {
    expect(immichPreprocess({ size: [224, 224], mean: CLIP_MEAN, std: CLIP_STD, interpolation: 'bicubic' })).toEqual({ ok: true, value: { size: 224, resize: 'shortest', interpolation: 'bicubic', mean: CLIP_MEAN, std: CLIP_STD } });
    expect(immichPreprocess({ size: 384, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], interpolation: 'bicubic', resize_mode: 'squash' }).ok).toBe(true);
    expect(immichPreprocess({ size: 224, mean: CLIP_MEAN, std: CLIP_STD, resize_mode: 'longest' })).toMatchObject({ ok: false, error: { message: "visual/preprocess_cfg.json: resize_mode 'longest' is not supported (shortest, squash)" } });
  });
});

describe('pad ids come from the tokenizer files', () => {
  it('CLIP (HF) pads with <|endoftext|>; SigLIP with </s>; a { content } token works too', () => {
    expect(padIdOf(clipTokenizer, { pad_token: '<|endoftext|>' }, null)).toBe(49407);
    expect(padIdOf(clipTokenizer, { pad_token: { content: '<|endoftext|>' } }, null)).toBe(49407);
    expect(padIdOf(unigram, { pad_token: '</s>' }, null)).toBe(1);
    expect(padIdOf(unigram, { pad_token: '<pad>' }, null)).toBe(0);
    expect(padIdOf({ model: { vocab: {} }, padding: { pad_id: 5 } }, {}, null)).toBe(5);
  });
});

describe('converting a folder', () => {
  it('SigLIP in the transformers.js layout: pooled outputs, SigLIP canonicalisation, plain truncation, 64 tokens', async () => {
    put('config.json', { model_type: 'siglip', text_config: { hidden_size: 768 }, vision_config: { image_size: 224 } });
    put('preprocessor_config.json', { size: { height: 224, width: 224 }, resample: 3, image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5] });
    put('tokenizer.json', unigram);
    put('tokenizer_config.json', { pad_token: '</s>', model_max_length: 64 });
    put('onnx/vision_model.onnx', 'v');
    put('onnx/text_model.onnx', 't');
    const m = await convertTransformersJs(dir, { id: 'sig', name: 'SigLIP', source: { repo: 'x/y', revision: 'abc' } });
    if (!m.ok) throw new Error(m.error.message);
    expect(m.value).toMatchObject({
      embeddingSize: 768,
      image: { file: 'onnx/vision_model.onnx', output: 'pooler_output', normalized: false },
      text: { input: { name: 'input_ids', type: 'int64' }, output: 'pooler_output' },
      preprocess: { resize: 'squash', size: 224 },
      tokenizer: { file: 'tokenizer.json', contextLength: 64, padId: 1, cleaning: 'canonicalize', truncation: 'plain' },
      source: { kind: 'hub', layout: 'transformers.js', repo: 'x/y', revision: 'abc' },
    });
    expect(m.value.files.map((f) => f.path)).toEqual(['config.json', 'onnx/text_model.onnx', 'onnx/vision_model.onnx', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json']);
    expect(m.value.files.find((f) => f.path === 'onnx/text_model.onnx')).toEqual({ path: 'onnx/text_model.onnx', bytes: 1, sha256: 'e3b98a4da31a127d4bde6e43033f66ba274cab0eb7eb1c70ec41402bf6273dd8' });
  });

  it('a variant the download lacks is named', async () => {
    put('config.json', { model_type: 'clip', projection_dim: 512 });
    put('preprocessor_config.json', { size: { shortest_edge: 224 }, crop_size: { height: 224, width: 224 }, image_mean: CLIP_MEAN, image_std: CLIP_STD });
    put('tokenizer.json', clipTokenizer);
    put('tokenizer_config.json', { pad_token: '<|endoftext|>' });
    put('onnx/vision_model.onnx', 'v');
    put('onnx/text_model.onnx', 't');
    const m = await convertTransformersJs(dir, { id: 'c', name: 'c', source: {}, variant: '_fp16' });
    expect(!m.ok && m.error.message).toBe('the download has no onnx/vision_model_fp16.onnx');
  });

  it('M-CLIP in the Immich layout: input_ids + attention_mask int32, XLM-R pad', async () => {
    put('config.json', { embed_dim: 512, text_cfg: { context_length: 77 } });
    put('visual/preprocess_cfg.json', { size: [224, 224], mean: CLIP_MEAN, std: CLIP_STD, interpolation: 'bicubic', resize_mode: 'shortest' });
    put('visual/model.onnx', 'v');
    put('textual/model.onnx', 't');
    put('textual/tokenizer.json', { model: { type: 'Unigram', vocab: [['<s>', 0], ['<pad>', 0], ['</s>', 0]] } });
    put('textual/tokenizer_config.json', { pad_token: '<pad>' });
    const m = await convertImmich(dir, { id: 'mclip', name: 'M-CLIP', source: {} });
    if (!m.ok) throw new Error(m.error.message);
    expect(m.value.text).toEqual({ file: 'textual/model.onnx', input: { name: 'input_ids', type: 'int32' }, attentionMask: { name: 'attention_mask', type: 'int32' }, output: 'embedding', normalized: true });
    expect(m.value.tokenizer).toMatchObject({ padId: 1, cleaning: 'none', truncation: 'plain', contextLength: 77 });
  });

  it('SigLIP in the Immich layout: open_clip config says canonicalize, so the text is canonicalised', async () => {
    put('config.json', { embed_dim: 768, text_cfg: { context_length: 64, hf_tokenizer_name: 'timm/ViT-B-16-SigLIP', tokenizer_kwargs: { clean: 'canonicalize' } } });
    put('visual/preprocess_cfg.json', { size: [224, 224], mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], interpolation: 'bicubic', resize_mode: 'squash' });
    put('visual/model.onnx', 'v');
    put('textual/model.onnx', 't');
    put('textual/tokenizer.json', unigram);
    put('textual/tokenizer_config.json', { pad_token: '</s>' });
    const m = await convertImmich(dir, { id: 'sig', name: 'SigLIP', source: {} });
    if (!m.ok) throw new Error(m.error.message);
    expect(m.value.tokenizer).toMatchObject({ padId: 1, cleaning: 'canonicalize', truncation: 'plain', contextLength: 64 });
  });

  it('a catalog whose embedding size disagrees with the configs is refused; a missing config is named', async () => {
    put('config.json', { embed_dim: 768 });
    put('visual/preprocess_cfg.json', { size: 224, mean: CLIP_MEAN, std: CLIP_STD });
    put('textual/tokenizer.json', clipTokenizer);
    put('textual/tokenizer_config.json', { pad_token: '<|endoftext|>' });
    put('visual/model.onnx', 'v');
    put('textual/model.onnx', 't');
    const m = await convertImmich(dir, { id: 'x', name: 'x', source: {}, hints: { embeddingSize: 512 } });
    expect(!m.ok && m.error.message).toBe('the immich configs say embedding size 768, the catalog says 512');
    fs.rmSync(path.join(dir, 'visual/preprocess_cfg.json'));
    const n = await convertImmich(dir, { id: 'x', name: 'x', source: {} });
    expect(!n.ok && n.error.message).toBe('the download has no visual/preprocess_cfg.json');
  });

  it('a tokenizer with more ids than the text model has embeddings is refused', async () => {
    put('config.json', { embed_dim: 512, text_cfg: { context_length: 77, vocab_size: 49406 } });
    put('visual/preprocess_cfg.json', { size: 224, mean: CLIP_MEAN, std: CLIP_STD });
    put('textual/tokenizer.json', clipTokenizer);
    put('textual/tokenizer_config.json', { pad_token: '<|endoftext|>' });
    const m = await convertImmich(dir, { id: 'x', name: 'x', source: {} });
    expect(!m.ok && m.error.message).toBe('textual/tokenizer.json has token ids up to 49407, but the text model knows 49406 tokens');
  });
});
