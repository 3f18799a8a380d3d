// Decoded image → size×size RGB, with sharp doing the pixel work. The rules that make it agree
// with Pillow + torchvision (../shared/reference/preprocess/README.md, from the repository root):
//  - exact torchvision output size and crop window (geometry.ts), `fit: 'fill'`;
//  - `kernel: 'cubic'` (Catmull-Rom, as Pillow's BICUBIC) and no JPEG shrink-on-load, whose
//    DCT-domain downscale is a different filter;
//  - upscaling through a pixel-centre-aligned `affine`, because libvips' own upscale is shifted
//    by half an output pixel relative to Pillow;
//  - everything in the stored orientation; orient.ts turns and crops the small result.
import sharp from 'sharp';
import type { OutputInfo, Sharp } from 'sharp';
import type { PreprocessSpec } from '../../common/model-format.js';
import { cmykToRgb } from './colour.js';
import { sourceOptions, type ProbedImage } from './decode.js';
import { planGeometry } from './geometry.js';
import { orientCropChw, type Raw3 } from './orient.js';

/**
 * What to do with transparency.
 * 'ignore' (the default, see DEFAULT_ALPHA_POLICY) drops alpha and keeps the RGB stored under it,
 * exactly like Pillow's `convert('RGB')` and so the Hugging Face CLIP and SigLIP image processors
 * the checkpoints are published with: the app then embeds an image the way the model's own
 * reference code does, whatever the model (the SigLIP 256 references keep the stored RGB too).
 * 'white' composites over white before resizing: what a person sees in most viewers, and
 * better for graphics whose transparent pixels hold black or junk; chosen per call.
 */
export type AlphaPolicy = 'white' | 'ignore';

type RawRgb = Raw3 & { readonly data: Buffer };

const KERNEL = { bicubic: 'cubic', bilinear: 'linear', nearest: 'nearest' } as const;
const INTERPOLATOR = { bicubic: 'bicubic', bilinear: 'bilinear', nearest: 'nearest' } as const;
/** Edge pixels copied around an image before the affine upscale, so the bicubic taps never read the black background. */
const PAD = 3;

/** Returns spec.size × spec.size planar RGB (CHW), display-oriented. */
export async function renderRgb(img: ProbedImage, spec: PreprocessSpec, alpha: AlphaPolicy): Promise<Uint8Array> {
  const { displayWidth, displayHeight, width: w, height: h, orientation } = img.info;
  const plan = planGeometry(displayWidth, displayHeight, spec.size, spec.resize);
  // The resize target in stored orientation (axes swapped for orientations 5–8).
  const swapped = orientation !== null && orientation >= 5;
  const tw = swapped ? plan.resizedHeight : plan.resizedWidth;
  const th = swapped ? plan.resizedWidth : plan.resizedHeight;
  let resized: RawRgb;
  if (tw <= w && th <= h && img.space !== 'cmyk' && !img.info.hasAlpha) {
    resized = await singlePass(img, spec, tw, th);
  } else {
    // Rare cases (CMYK, transparency, small images): decode to full-size RGB first, then resize raw.
    const full = await decodeRgb(img, alpha);
    resized = await enlarge(await shrink(full, Math.min(tw, w), Math.min(th, h), spec), tw, th, spec);
  }
  return orientCropChw(resized, orientation, plan);
}

/** The common case, one libvips pipeline from file bytes to the resized image. */
async function singlePass(img: ProbedImage, spec: PreprocessSpec, width: number, height: number): Promise<RawRgb> {
  const { data, info } = await sharp(img.data, sourceOptions(img.limitInputPixels))
    .resize(width, height, { fit: 'fill', kernel: KERNEL[spec.interpolation], fastShrinkOnLoad: false })
    .toColourspace('srgb')
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  expectRgb(info, width, height);
  return { data, width, height };
}

/** Full-size 8-bit RGB in stored orientation, with the alpha policy applied and CMYK converted the Pillow way. */
async function decodeRgb(img: ProbedImage, alpha: AlphaPolicy): Promise<RawRgb> {
  const base = sharp(img.data, sourceOptions(img.limitInputPixels));
  if (img.space === 'cmyk') {
    // Raw CMYK (libvips un-inverts Adobe CMYK like Pillow's CMYK;I), then Pillow's formula.
    const { data, info } = await base.pipelineColourspace('cmyk').toColourspace('cmyk').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) throw new Error(`expected 4 CMYK channels, got ${info.channels}`);
    return { data: cmykToRgb(data, info.width * info.height), width: info.width, height: info.height };
  }
  const flat = img.info.hasAlpha ? (alpha === 'white' ? base.flatten({ background: '#ffffff' }) : base.removeAlpha()) : base;
  const { data, info } = await flat.toColourspace('srgb').removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  expectRgb(info, info.width, info.height);
  return { data, width: info.width, height: info.height };
}

function rawInput(img: RawRgb): Sharp {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });
}

/** Downscales the axes that get smaller (antialiased cubic, like Pillow); other axes stay as they are. */
async function shrink(img: RawRgb, width: number, height: number, spec: PreprocessSpec): Promise<RawRgb> {
  if (width === img.width && height === img.height) return img;
  const { data, info } = await rawInput(img).resize(width, height, { fit: 'fill', kernel: KERNEL[spec.interpolation] }).raw().toBuffer({ resolveWithObject: true });
  expectRgb(info, width, height);
  return { data, width, height };
}

/**
 * Upscales the axes that get larger with a pixel-centre-aligned affine: output pixel X samples
 * input (X + 0.5) / s - 0.5, as Pillow does. The image is padded with copies of its edge first.
 */
async function enlarge(img: RawRgb, width: number, height: number, spec: PreprocessSpec): Promise<RawRgb> {
  if (width === img.width && height === img.height) return img;
  const padded = await rawInput(img).extend({ top: PAD, bottom: PAD, left: PAD, right: PAD, extendWith: 'copy' }).raw().toBuffer({ resolveWithObject: true });
  const sx = width / img.width;
  const sy = height / img.height;
  const { data, info } = await sharp(padded.data, { raw: { width: padded.info.width, height: padded.info.height, channels: 3 } })
    .affine([sx, 0, 0, sy], { idx: 0.5 - PAD, idy: 0.5 - PAD, odx: -0.5, ody: -0.5, interpolator: sharp.interpolators[INTERPOLATOR[spec.interpolation]] })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width < width || info.height < height) throw new Error(`affine produced ${info.width}x${info.height}x${info.channels}, wanted ${width}x${height}`);
  return { data: topLeft({ data, width: info.width, height: info.height }, width, height), width, height };
}

/** The top-left width×height of an interleaved RGB image. */
function topLeft(img: RawRgb, width: number, height: number): Buffer {
  if (width === img.width && height === img.height) return img.data;
  const out = Buffer.allocUnsafe(width * height * 3);
  for (let y = 0; y < height; y++) img.data.copy(out, y * width * 3, y * img.width * 3, (y * img.width + width) * 3);
  return out;
}

function expectRgb(info: OutputInfo, width: number, height: number): void {
  if (info.channels !== 3 || info.width !== width || info.height !== height) {
    throw new Error(`expected ${width}x${height} RGB, libvips produced ${info.width}x${info.height}x${info.channels}`);
  }
}
