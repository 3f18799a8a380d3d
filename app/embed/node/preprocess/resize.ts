// Decoded image → size×size RGB, with sharp doing the pixel work. The rules that make it agree
// with Pillow + torchvision (see ../../../../../shared/reference/preprocess/README.md):
//  - exact torchvision output size and crop window (geometry.ts), `fit: 'fill'`;
//  - `kernel: 'cubic'` (Catmull-Rom, as Pillow's BICUBIC) and no JPEG shrink-on-load, whose
//    DCT-domain downscale is a different filter;
//  - upscaling through a pixel-centre-aligned `affine`, because libvips' own upscale is shifted
//    by half an output pixel relative to Pillow.
import sharp from 'sharp';
import type { OutputInfo, Sharp } from 'sharp';
import type { PreprocessSpec } from '../../common/model-format.js';
import { cmykToRgb } from './colour.js';
import { sourceOptions, type ProbedImage } from './decode.js';
import { planGeometry, type GeometryPlan } from './geometry.js';

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

interface RawRgb {
  data: Buffer;
  width: number;
  height: number;
}

const KERNEL = { bicubic: 'cubic', bilinear: 'linear', nearest: 'nearest' } as const;
const INTERPOLATOR = { bicubic: 'bicubic', bilinear: 'bilinear', nearest: 'nearest' } as const;
/** Edge pixels copied around an image before the affine upscale, so the bicubic taps never read the black background. */
const PAD = 3;

/** Returns interleaved RGB (HWC), spec.size × spec.size. */
export async function renderRgb(img: ProbedImage, spec: PreprocessSpec, alpha: AlphaPolicy): Promise<Buffer> {
  const { displayWidth: w, displayHeight: h } = img.info;
  const plan = planGeometry(w, h, spec.size, spec.resize);
  const upscales = plan.resizedWidth > w || plan.resizedHeight > h;
  const cmyk = img.space === 'cmyk';
  if (!upscales && !cmyk && !img.info.hasAlpha) return singlePass(img, spec, plan);
  // Rare cases (CMYK, transparency, small images): decode to full-size RGB first, then resize raw.
  const full = await decodeRgb(img, alpha);
  const shrunk = await shrink(full, Math.min(plan.resizedWidth, w), Math.min(plan.resizedHeight, h), spec);
  const resized = await enlarge(shrunk, plan.resizedWidth, plan.resizedHeight, spec);
  return cropRaw(resized, plan);
}

/** The common case, one libvips pipeline from file bytes to the cropped square. */
async function singlePass(img: ProbedImage, spec: PreprocessSpec, plan: GeometryPlan): Promise<Buffer> {
  const { data, info } = await sharp(img.data, sourceOptions(img.limitInputPixels))
    .autoOrient()
    .resize(plan.resizedWidth, plan.resizedHeight, { fit: 'fill', kernel: KERNEL[spec.interpolation], fastShrinkOnLoad: false })
    .extract({ left: plan.left, top: plan.top, width: plan.size, height: plan.size })
    .toColourspace('srgb')
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  expectRgb(info, plan.size, plan.size);
  return data;
}

/** Full-size, oriented, 8-bit RGB with the alpha policy applied and CMYK converted the Pillow way. */
async function decodeRgb(img: ProbedImage, alpha: AlphaPolicy): Promise<RawRgb> {
  const base = sharp(img.data, sourceOptions(img.limitInputPixels)).autoOrient();
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
  return { data: cropRaw({ data, width: info.width, height: info.height }, { left: 0, top: 0, width, height }), width, height };
}

function cropRaw(img: RawRgb, box: { left: number; top: number; width?: number; height?: number; size?: number }): Buffer {
  const width = box.width ?? box.size!;
  const height = box.height ?? box.size!;
  if (box.left === 0 && box.top === 0 && width === img.width && height === img.height) return img.data;
  const out = Buffer.allocUnsafe(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((box.top + y) * img.width + box.left) * 3;
    img.data.copy(out, y * width * 3, from, from + width * 3);
  }
  return out;
}

function expectRgb(info: OutputInfo, width: number, height: number): void {
  if (info.channels !== 3 || info.width !== width || info.height !== height) {
    throw new Error(`expected ${width}x${height} RGB, libvips produced ${info.width}x${info.height}x${info.channels}`);
  }
}
