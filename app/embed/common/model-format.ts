// The one model format the engine knows: a folder with model.json beside its ONNX encoders and
// tokenizer.json. The bundled demo model and every downloaded model (after conversion from its
// upstream layout) use it. Browser-safe: the renderer reads it to run the text encoder.
import { z } from 'zod';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');
const triple = z.tuple([z.number(), z.number(), z.number()]);

export const ModelFileSchema = z.object({
  /** Path relative to the model folder. */
  path: z.string().min(1).refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), 'must stay inside the model folder'),
  sha256,
  bytes: z.number().int().nonnegative(),
});

export const TensorSpecSchema = z.object({
  name: z.string().min(1),
  type: z.enum(['float32', 'int32', 'int64']),
});

export const ImageEncoderSchema = z.object({
  file: z.string().min(1),
  input: TensorSpecSchema, // e.g. { name: 'pixel_values', type: 'float32' } shape [batch, 3, size, size]
  output: z.string().min(1), // e.g. 'image_embeds'
  /** True when the graph already L2-normalises its output. */
  normalized: z.boolean(),
});

export const TextEncoderSchema = z.object({
  file: z.string().min(1),
  input: TensorSpecSchema, // e.g. { name: 'input_ids', type: 'int64' } shape [batch, context]
  /** Present only when the graph takes one (HF exports do, OpenAI/open_clip exports do not). */
  attentionMask: TensorSpecSchema.optional(),
  output: z.string().min(1), // e.g. 'text_embeds'
  normalized: z.boolean(),
});

export const PreprocessSchema = z.object({
  size: z.number().int().min(8).max(1024),
  /** shortest: resize the short side to `size`, then centre-crop (CLIP). squash: resize both sides to `size` (SigLIP). */
  resize: z.enum(['shortest', 'squash']),
  interpolation: z.enum(['bicubic', 'bilinear', 'nearest']),
  mean: triple,
  std: triple,
});

export const TokenizerSpecSchema = z.object({
  file: z.string().min(1), // tokenizer.json (Hugging Face format)
  contextLength: z.number().int().min(2).max(1024),
  padId: z.number().int().nonnegative(),
  /**
   * 'clip': OpenAI's text cleaning (ftfy + html unescape + whitespace + lowercase) before BPE.
   * 'canonicalize': SigLIP's (lowercase, ASCII punctuation removed, whitespace collapsed), then the tokenizer.json.
   * 'none': the tokenizer.json alone.
   */
  cleaning: z.enum(['clip', 'canonicalize', 'none']).default('clip'),
  /** CLIP truncates keeping end-of-text last; SigLIP-style models pad with padId and have no forced end token. */
  truncation: z.enum(['clip', 'plain']).default('clip'),
});

export const ModelManifestSchema = z.object({
  schema: z.literal(1),
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, dot, dash, underscore'),
  name: z.string().min(1),
  description: z.string().default(''),
  embeddingSize: z.number().int().positive(),
  image: ImageEncoderSchema,
  text: TextEncoderSchema,
  preprocess: PreprocessSchema,
  tokenizer: TokenizerSpecSchema,
  /** exp(learned temperature): multiplies cosine similarities before a softmax (zero-shot). */
  logitScale: z.number().positive(),
  /** Zero-shot prompt templates; `{}` stands for the label. */
  promptTemplates: z.array(z.string().includes('{}')).min(1),
  /** Every file the model needs, with checksums; verified before the model is loaded. */
  files: z.array(ModelFileSchema).min(1),
  /** Where it came from (bundled, or the hub repository and revision it was converted from). */
  source: z.object({ kind: z.enum(['bundled', 'hub']), repo: z.string().optional(), revision: z.string().optional(), layout: z.string().optional() }).default({ kind: 'bundled' }),
});

export type ModelFile = z.infer<typeof ModelFileSchema>;
export type TensorSpec = z.infer<typeof TensorSpecSchema>;
export type PreprocessSpec = z.infer<typeof PreprocessSchema>;
export type TokenizerSpec = z.infer<typeof TokenizerSpecSchema>;
export type ModelManifest = z.infer<typeof ModelManifestSchema>;

/** OpenAI CLIP's normalisation constants (also the demo model's). */
export const CLIP_MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
export const CLIP_STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];
