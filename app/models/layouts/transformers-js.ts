// The transformers.js layout (Xenova/*, onnx-community/* on the hub, made with Optimum):
//   config.json                 HF model config (model_type, projection_dim, text_config, vision_config)
//   preprocessor_config.json    HF image processor (size, crop_size, do_center_crop, resample, image_mean/std)
//   tokenizer.json, tokenizer_config.json (pad_token, model_max_length)
//   onnx/vision_model{,_quantized,_fp16,…}.onnx   pixel_values → image_embeds (CLIP) / pooler_output (SigLIP)
//   onnx/text_model{…}.onnx                        input_ids int64 → text_embeds / pooler_output
// Outputs are not normalised (HF normalises in CLIPModel.forward, outside these towers).
import type { ModelManifest, PreprocessSpec } from '../../embed/common/model-format.js';
import { appError, err, ok, type Result } from '../../shared/result.js';
import {
  DEFAULT_LOGIT_SCALE, DEFAULT_TEMPLATES, checkVocab, fileEntries, finishManifest, isClipTokenizer, listFiles, num, obj, padIdOf, readJson, textCleaning,
  type ConvertOptions, type TensorsOf,
} from './common.js';

/** PIL resampling codes as HF image processors store them. */
const RESAMPLE: Record<number, PreprocessSpec['interpolation']> = { 0: 'nearest', 2: 'bilinear', 3: 'bicubic' };

function side(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  const o = obj(v);
  return num(o.shortest_edge) ?? num(o.height) ?? num(o.width);
}

export function hfPreprocess(cfg: Record<string, unknown>): Result<PreprocessSpec> {
  const crop = cfg.do_center_crop !== false && cfg.crop_size !== undefined;
  const sizeObj = obj(cfg.size);
  const shortest = typeof cfg.size === 'number' || num(sizeObj.shortest_edge) !== undefined;
  const size = crop ? side(cfg.crop_size) : side(cfg.size);
  if (!size) return err(appError('model-invalid', 'preprocessor_config.json has no image size'));
  // shortest edge (+ centre crop) is CLIP's; an explicit height × width without a crop is SigLIP's squash.
  const resize: PreprocessSpec['resize'] = shortest || crop ? 'shortest' : 'squash';
  if (!shortest && !crop && num(sizeObj.height) !== num(sizeObj.width)) return err(appError('unsupported', 'preprocessor_config.json: non-square images are not supported'));
  const resample = num(cfg.resample) ?? 3;
  const interpolation = RESAMPLE[resample];
  if (!interpolation) return err(appError('unsupported', `preprocessor_config.json: resample ${resample} is not supported`));
  const normalize = cfg.do_normalize !== false;
  const mean = normalize ? cfg.image_mean : [0, 0, 0];
  const std = normalize ? cfg.image_std : [1, 1, 1];
  if (!Array.isArray(mean) || mean.length !== 3 || !Array.isArray(std) || std.length !== 3) return err(appError('model-invalid', 'preprocessor_config.json needs 3-value image_mean and image_std'));
  return ok({ size, resize, interpolation, mean: mean as [number, number, number], std: std as [number, number, number] });
}

export async function convertTransformersJs(dir: string, opts: ConvertOptions): Promise<Result<ModelManifest>> {
  const config = await readJson(dir, 'config.json');
  if (!config.ok) return config;
  const pre = await readJson(dir, 'preprocessor_config.json');
  if (!pre.ok) return pre;
  const tok = await readJson(dir, 'tokenizer.json');
  if (!tok.ok) return tok;
  const tokCfg = await readJson(dir, 'tokenizer_config.json');
  if (!tokCfg.ok) return tokCfg;
  const preprocess = hfPreprocess(pre.value);
  if (!preprocess.ok) return preprocess;

  const c = config.value;
  const modelType = typeof c.model_type === 'string' ? c.model_type : '';
  const textCfg = obj(c.text_config);
  // CLIP projects to projection_dim; SigLIP's pooled output is the text tower's hidden size.
  const embeddingSize = num(c.projection_dim) ?? (modelType.startsWith('siglip') ? num(textCfg.hidden_size) ?? 768 : undefined) ?? opts.hints?.embeddingSize;
  if (!embeddingSize) return err(appError('model-invalid', 'config.json has no projection_dim'));
  const maxLen = num(tokCfg.value.model_max_length);
  const contextLength = num(textCfg.max_position_embeddings) ?? (maxLen && maxLen <= 1024 ? maxLen : undefined) ?? (modelType.startsWith('siglip') ? 64 : 77);
  const vocabOk = checkVocab(tok.value, num(textCfg.vocab_size), 'tokenizer.json');
  if (!vocabOk.ok) return vocabOk;
  const clip = isClipTokenizer(tok.value);
  const padId = padIdOf(tok.value, tokCfg.value, null);

  const pooled = modelType.startsWith('siglip');
  const tensors: TensorsOf = opts.hints?.tensors ?? {
    image: { input: { name: 'pixel_values', type: 'float32' }, output: pooled ? 'pooler_output' : 'image_embeds', normalized: false },
    text: { input: { name: 'input_ids', type: 'int64' }, output: pooled ? 'pooler_output' : 'text_embeds', normalized: false },
  };
  const variant = opts.variant ?? '';
  const image = `onnx/vision_model${variant}.onnx`;
  const text = `onnx/text_model${variant}.onnx`;
  const present = await listFiles(dir);
  for (const f of [image, text]) if (!present.includes(f)) return err(appError('model-invalid', `the download has no ${f}`, { hint: 'the repository does not have the layout the catalog says' }));
  const files = await fileEntries(dir, present, opts.knownHashes);
  if (!files.ok) return files;
  return finishManifest({
    schema: 1,
    id: opts.id,
    name: opts.name,
    description: opts.description ?? '',
    embeddingSize,
    image: { file: image, ...tensors.image },
    text: { file: text, ...tensors.text },
    preprocess: preprocess.value,
    tokenizer: { file: 'tokenizer.json', contextLength, padId, cleaning: textCleaning(tok.value, pooled), truncation: clip ? 'clip' : 'plain' },
    logitScale: opts.hints?.logitScale ?? DEFAULT_LOGIT_SCALE,
    promptTemplates: opts.hints?.promptTemplates ?? DEFAULT_TEMPLATES,
    files: files.value,
    source: { kind: 'hub', layout: 'transformers.js', ...opts.source },
  }, opts.hints, 'transformers.js');
}
