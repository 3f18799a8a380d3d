// Immich's layout (immich-app/* on the hub, made by Immich's model exporter):
//   config.json                    open_clip model config (embed_dim, vision_cfg, text_cfg.context_length)
//   visual/model.onnx              input 'image' float32 [1,3,S,S] → 'embedding' (L2-normalised in-graph)
//   visual/preprocess_cfg.json     open_clip preprocess cfg (size, mean, std, interpolation, resize_mode)
//   textual/model.onnx             input 'text' int32 [1,ctx] → 'embedding' (normalised); M-CLIP: input_ids + attention_mask
//   textual/tokenizer.json, textual/tokenizer_config.json (pad_token)
// Tensor names are Immich's exporter's convention (not in any config); the runtime checks them
// against the graph on load.
import type { PreprocessSpec } from '../../embed/common/model-format.js';
import { appError, err, type Result } from '../../shared/result.js';
import type { ModelManifest } from '../../embed/common/model-format.js';
import {
  DEFAULT_LOGIT_SCALE, DEFAULT_TEMPLATES, checkVocab, fileEntries, finishManifest, isClipTokenizer, listFiles, num, obj, padIdOf, readJson, textCleaning,
  type ConvertOptions, type TensorsOf,
} from './common.js';

const INTERPOLATIONS = ['bicubic', 'bilinear', 'nearest'] as const;

export function immichPreprocess(cfg: Record<string, unknown>): Result<PreprocessSpec> {
  const size = Array.isArray(cfg.size) ? num(cfg.size[0]) : num(cfg.size);
  const mean = cfg.mean, std = cfg.std;
  const interpolation = typeof cfg.interpolation === 'string' ? cfg.interpolation : 'bicubic';
  const resize = typeof cfg.resize_mode === 'string' ? cfg.resize_mode : 'shortest'; // open_clip's default for older configs (as Immich)
  if (!size) return err(appError('model-invalid', 'visual/preprocess_cfg.json has no size'));
  if (!Array.isArray(mean) || mean.length !== 3 || !Array.isArray(std) || std.length !== 3) return err(appError('model-invalid', 'visual/preprocess_cfg.json needs 3-value mean and std'));
  if (!(INTERPOLATIONS as readonly string[]).includes(interpolation)) return err(appError('unsupported', `visual/preprocess_cfg.json: interpolation '${interpolation}' is not supported`));
  if (resize !== 'shortest' && resize !== 'squash') return err(appError('unsupported', `visual/preprocess_cfg.json: resize_mode '${resize}' is not supported (shortest, squash)`));
  return { ok: true, value: { size, resize, interpolation: interpolation as PreprocessSpec['interpolation'], mean: mean as [number, number, number], std: std as [number, number, number] } };
}

export async function convertImmich(dir: string, opts: ConvertOptions): Promise<Result<ModelManifest>> {
  const config = await readJson(dir, 'config.json');
  if (!config.ok) return config;
  const pre = await readJson(dir, 'visual/preprocess_cfg.json');
  if (!pre.ok) return pre;
  const tok = await readJson(dir, 'textual/tokenizer.json');
  if (!tok.ok) return tok;
  const tokCfg = await readJson(dir, 'textual/tokenizer_config.json');
  if (!tokCfg.ok) return tokCfg;
  const preprocess = immichPreprocess(pre.value);
  if (!preprocess.ok) return preprocess;

  const embeddingSize = num(config.value.embed_dim) ?? opts.hints?.embeddingSize;
  if (!embeddingSize) return err(appError('model-invalid', 'config.json has no embed_dim'));
  const textCfg = obj(config.value.text_cfg);
  const contextLength = num(textCfg.context_length) ?? 77; // Immich's default, as open_clip's
  const vocabOk = checkVocab(tok.value, num(textCfg.vocab_size), 'textual/tokenizer.json');
  if (!vocabOk.ok) return vocabOk;
  const clip = isClipTokenizer(tok.value);
  // open_clip's config says how SigLIP text is cleaned (tokenizer_kwargs.clean = 'canonicalize')
  const hfName = typeof textCfg.hf_tokenizer_name === 'string' ? textCfg.hf_tokenizer_name : '';
  const siglip = obj(textCfg.tokenizer_kwargs).clean === 'canonicalize' || /siglip/i.test(hfName);
  const cleaning = textCleaning(tok.value, siglip);
  const padId = padIdOf(tok.value, tokCfg.value, null);

  const tensors: TensorsOf = opts.hints?.tensors ?? {
    image: { input: { name: 'image', type: 'float32' }, output: 'embedding', normalized: true },
    text: clip
      ? { input: { name: 'text', type: 'int32' }, output: 'embedding', normalized: true }
      : { input: { name: 'input_ids', type: 'int32' }, attentionMask: { name: 'attention_mask', type: 'int32' }, output: 'embedding', normalized: true },
  };
  const files = await fileEntries(dir, await listFiles(dir), opts.knownHashes);
  if (!files.ok) return files;
  return finishManifest({
    schema: 1,
    id: opts.id,
    name: opts.name,
    description: opts.description ?? '',
    embeddingSize,
    image: { file: 'visual/model.onnx', ...tensors.image },
    text: { file: 'textual/model.onnx', ...tensors.text },
    preprocess: preprocess.value,
    tokenizer: { file: 'textual/tokenizer.json', contextLength, padId, cleaning, truncation: clip ? 'clip' : 'plain' },
    logitScale: opts.hints?.logitScale ?? DEFAULT_LOGIT_SCALE,
    promptTemplates: opts.hints?.promptTemplates ?? DEFAULT_TEMPLATES,
    files: files.value,
    source: { kind: 'hub', layout: 'immich', ...opts.source },
  }, opts.hints, 'immich');
}
