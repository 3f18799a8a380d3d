// Image → model input tensor, matching Pillow 9.4 + torchvision 0.14 (the reference every CLIP
// and SigLIP checkpoint was evaluated with) within cosine 0.9999, while sharp/libvips does the
// pixel work. The steps and why each one is needed are in ./preprocess/resize.ts.
import type { PreprocessSpec } from '../common/model-format.js';
import { appError, err, ok, type Result } from '../../shared/result.js';
import { DEFAULT_MAX_PIXELS, decodeError, probe, readInput, type ImageInfo } from './preprocess/decode.js';
import { MAX_ASPECT_RATIO, tooElongated } from './preprocess/geometry.js';
import { renderRgb, type AlphaPolicy } from './preprocess/resize.js';

export { DEFAULT_MAX_PIXELS, type ImageInfo, type AlphaPolicy };

export interface PreprocessOptions {
  /** Images with more pixels are refused from their header (code 'too-large'). Default DEFAULT_MAX_PIXELS. */
  maxPixels?: number;
  /** Default DEFAULT_ALPHA_POLICY ('ignore'): see AlphaPolicy. */
  alpha?: AlphaPolicy;
}

export interface PreprocessedImage {
  /** 3×size×size CHW, normalised with the spec's mean and std. */
  tensor: Float32Array;
  info: ImageInfo;
}

export interface PreprocessedRgb {
  /** 3×size×size CHW uint8, before normalisation. */
  rgb: Uint8Array;
  info: ImageInfo;
}

/**
 * 'ignore' (keep the stored RGB, drop alpha) is the only policy that reproduces the reference
 * tensors of every configuration: torchvision/Hugging Face pipelines call Pillow's convert('RGB').
 * Compositing over white ('white') agrees with the CLIP 224 `*.alpha-over-white` references but
 * moves a mostly transparent photo far from what the model's authors would compute (cosine 0.15
 * on png-rgba-astronaut at SigLIP 256). Photos with transparency are rare; graphics are the
 * case where 'white' would be kinder, and callers can ask for it.
 */
export const DEFAULT_ALPHA_POLICY: AlphaPolicy = 'ignore';

/** Decodes, orients, resizes and crops an image file (or its bytes) to the model's input pixels. */
export async function preprocessToRgb(input: string | Buffer, spec: PreprocessSpec, opts: PreprocessOptions = {}): Promise<Result<PreprocessedRgb>> {
  const read = await readInput(input);
  if (!read.ok) return read;
  const { data, path } = read.value;
  const probed = await probe(data, opts.maxPixels ?? DEFAULT_MAX_PIXELS, path);
  if (!probed.ok) return probed;
  const { displayWidth: w, displayHeight: h } = probed.value.info;
  if (tooElongated(w, h, spec.resize)) {
    return err(appError('unsupported', `image too elongated to crop: ${w}x${h} (aspect ratio over ${MAX_ASPECT_RATIO}:1)`, path ? { path } : {}));
  }
  try {
    const rgb = await renderRgb(probed.value, spec, opts.alpha ?? DEFAULT_ALPHA_POLICY);
    return ok({ rgb, info: probed.value.info });
  } catch (e) {
    return err(decodeError(e, data, path, probed.value.info.format));
  }
}

/** preprocessToRgb + normalisation: the encoder's input for one image. */
export async function preprocessImage(input: string | Buffer, spec: PreprocessSpec, opts: PreprocessOptions = {}): Promise<Result<PreprocessedImage>> {
  const r = await preprocessToRgb(input, spec, opts);
  if (!r.ok) return r;
  if (r.value.rgb.length !== 3 * spec.size * spec.size) return err(appError('internal', 'preprocessed image has the wrong size'));
  return ok({ tensor: normalizeChw(r.value.rgb, spec), info: r.value.info });
}

/** (v / 255 - mean[c]) / std[c] per channel, as torchvision's ToTensor + Normalize; a 256-entry table per channel. */
export function normalizeChw(rgb: Uint8Array, spec: PreprocessSpec): Float32Array {
  const plane = rgb.length / 3;
  const out = new Float32Array(rgb.length);
  const lut = new Float32Array(256);
  for (let c = 0; c < 3; c++) {
    const mean = spec.mean[c]!;
    const std = spec.std[c]!;
    for (let v = 0; v < 256; v++) lut[v] = (v / 255 - mean) / std;
    const end = (c + 1) * plane;
    for (let i = c * plane; i < end; i++) out[i] = lut[rgb[i]!]!;
  }
  return out;
}
