// Reading and probing an image: everything that can refuse a file happens here, from the header
// alone where possible, so that a bad file costs milliseconds and never a full-size pixel buffer.
import { readFile, stat } from 'node:fs/promises';
import sharp from 'sharp';
import type { Metadata, SharpOptions } from 'sharp';
import { appError, err, ok, toAppError, type AppError, type Result } from '../../../shared/result.js';
import { displaySize } from './geometry.js';

/** What was found in the file's header. `width`/`height` are as stored, before EXIF orientation. */
export interface ImageInfo {
  format: string;
  width: number;
  height: number;
  displayWidth: number;
  displayHeight: number;
  orientation: number | null;
  hasAlpha: boolean;
}

export interface ProbedImage {
  readonly data: Buffer;
  readonly info: ImageInfo;
  /** libvips' colour interpretation of the stored pixels ('srgb', 'b-w', 'cmyk', 'rgb16', …). */
  readonly space: string;
  readonly limitInputPixels: number;
}

/**
 * 200 MP: above the 200 MP sensors of current phones (16320×12240 = 199.8 MP), far below a
 * decompression bomb (the 40000×40000 PNG is 1.6 GP). Checked from the header before decoding.
 */
export const DEFAULT_MAX_PIXELS = 200_000_000;
/** A file larger than this is not read into memory at all (no photo comes close). */
export const MAX_FILE_BYTES = 1024 * 1024 * 1024;

/** Formats the app indexes. libvips can also open SVG, PDF, FITS, …; those are not photos. */
const PHOTO_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif', 'jp2k', 'jxl']);

/** Options shared by every sharp pipeline that reads the original file. */
export function sourceOptions(limitInputPixels: number): SharpOptions {
  return {
    limitInputPixels,
    // 'warning' is libvips' strictest level: a truncated JPEG/PNG fails instead of being
    // half-painted with grey (the indexer must skip it, not embed a partial picture).
    failOn: 'warning',
    // The reference (Pillow `convert('RGB')`) ignores embedded ICC profiles; so must we.
    ignoreIcc: true,
    // First frame of an animated GIF/WebP, like Pillow.
    pages: 1,
  };
}

export async function readInput(input: string | Buffer): Promise<Result<{ data: Buffer; path?: string }>> {
  if (typeof input !== 'string') return ok({ data: input });
  try {
    const st = await stat(input);
    if (st.isDirectory()) return err(appError('io', `is a folder, not an image file: ${input}`, { path: input }));
    if (!st.isFile()) return err(appError('io', `not a regular file: ${input}`, { path: input }));
    if (st.size > MAX_FILE_BYTES) return err(appError('too-large', `file is ${Math.round(st.size / 2 ** 20)} MB, over the ${MAX_FILE_BYTES / 2 ** 20} MB limit`, { path: input }));
    return ok({ data: await readFile(input), path: input });
  } catch (e) {
    const x = toAppError(e, 'io', input);
    return err(x.code === 'not-found' || x.code === 'io' ? x : { ...x, code: 'io' });
  }
}

export async function probe(data: Buffer, maxPixels: number, path?: string): Promise<Result<ProbedImage>> {
  const fail = (code: AppError['code'], message: string): Result<never> => err(appError(code, message, path ? { path } : {}));
  if (data.length === 0) return fail('decode-failed', 'empty file (0 bytes)');
  let meta: Metadata;
  try {
    meta = await sharp(data, sourceOptions(maxPixels)).metadata();
  } catch (e) {
    const x = decodeError(e, data, path);
    return err(x.code === 'too-large' ? await describeTooLarge(x, data, maxPixels) : x);
  }
  const { width, height } = meta;
  if (!width || !height) return fail('decode-failed', 'image has no dimensions');
  if (width * height > maxPixels) return fail('too-large', tooLargeMessage(width, height, maxPixels));
  const format = formatName(meta);
  if (!PHOTO_FORMATS.has(meta.format)) return fail('unsupported', `unsupported format: ${format.toUpperCase()}`);
  // Only 1–8 are orientations; Pillow's exif_transpose leaves anything else alone, and so does sharp.
  const orientation = meta.orientation !== undefined && meta.orientation >= 1 && meta.orientation <= 8 ? meta.orientation : null;
  const display = displaySize(width, height, orientation);
  return ok({
    data,
    space: meta.space ?? 'srgb',
    limitInputPixels: maxPixels,
    info: { format, width, height, displayWidth: display.width, displayHeight: display.height, orientation, hasAlpha: meta.hasAlpha === true },
  });
}

const mp = (n: number): string => `${Math.round(n / 1e5) / 10} MP`;
const tooLargeMessage = (w: number, h: number, max: number): string => `image too large: ${w}x${h} (${mp(w * h)}) exceeds the ${mp(max)} limit`;

/** libvips refused on the pixel limit; read the header again without it (no pixels are decoded) to say how large. */
async function describeTooLarge(x: AppError, data: Buffer, maxPixels: number): Promise<AppError> {
  try {
    const { width, height } = await sharp(data, { limitInputPixels: false }).metadata();
    return width && height ? { ...x, message: tooLargeMessage(width, height, maxPixels) } : x;
  } catch {
    return x; // the first error already says what matters
  }
}

/** 'heif' covers both AVIF and HEIC; users know them by those names. */
function formatName(meta: Metadata): string {
  if (meta.format === 'heif') return meta.compression === 'av1' ? 'avif' : 'heic';
  return meta.format;
}

/** Signatures of formats libvips (as bundled with sharp) cannot open, so the message can name them. */
function sniffFormat(data: Buffer): string | null {
  if (data.length >= 2 && data[0] === 0x42 && data[1] === 0x4d) return 'BMP';
  const brand = data.length >= 12 ? data.toString('latin1', 4, 12) : '';
  if (/^ftyp(heic|heix|hevc|hevx|mif1|msf1)/.test(brand)) return 'HEIC';
  if (data.length >= 4 && data.toString('latin1', 0, 4) === '8BPS') return 'PSD';
  return null;
}

/** Turns a libvips failure into one line a user can act on. */
export function decodeError(e: unknown, data: Buffer, path?: string, format?: string): AppError {
  const raw = e instanceof Error ? e.message : String(e);
  // libvips keeps one error buffer per process: with several images decoding at once, another
  // image's warning can come first. Classify on any line; quote the first that is not a warning.
  const lines = raw.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const first = lines.find((l) => !/^warning\b/i.test(l)) ?? lines[0] ?? 'unknown error';
  // "Warning treated as error due to failOn setting": the decoder warned about damaged data (the
  // warning's own text is sometimes gone from the shared buffer by the time sharp reads it).
  const truncated = lines.find((l) => /premature end|truncat|read error|not enough data|short read/i.test(l))
    ?? lines.find((l) => /treated as error due to failOn/i.test(l));
  const extra = path ? { path } : {};
  if (/exceeds pixel limit/i.test(first)) return appError('too-large', 'image too large: exceeds the pixel limit', extra);
  if (format === 'heic') return appError('unsupported', 'unsupported format: HEIC (this build of sharp has no HEVC decoder)', { ...extra, hint: 'convert it to JPEG' });
  if (/unsupported image format/i.test(first)) {
    const sniffed = sniffFormat(data);
    if (sniffed) return appError('unsupported', `unsupported format: ${sniffed}`, { ...extra, hint: 'convert it to JPEG or PNG' });
    return appError('decode-failed', 'not an image, or an image format that is not recognised', extra);
  }
  if (truncated) return appError('decode-failed', `truncated or corrupt image data (${truncated})`, extra);
  return appError('decode-failed', `could not decode the image (${first})`, extra);
}
