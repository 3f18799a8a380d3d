// Writes a rendered scene as a photo file: JPEG, PNG or WebP with EXIF (date taken, camera make
// and model) and, for some files, pixels stored rotated with an EXIF Orientation tag — as phone
// cameras do — so that the app's EXIF handling and auto-orientation get exercised.
import { writeFile } from 'node:fs/promises';
import type { Sharp } from 'sharp';
import { err, ok, toAppError, type Result } from '../shared/result.js';
import { renderScene } from './render.js';
import type { Scene } from './scene.js';

export type PhotoFormat = 'jpeg' | 'png' | 'webp';
/** EXIF orientations used: 1 upright, 3 upside down, 6 and 8 turned a quarter (display rotates 90° clockwise / anticlockwise). */
export type PhotoOrientation = 1 | 3 | 6 | 8;

export interface Camera {
  make: string;
  model: string;
}

/** Fictional cameras, so that a demo library has the mix of makes a real one has. */
export const CAMERAS: readonly Camera[] = [
  { make: 'Kestrel', model: 'K5 Mark II' },
  { make: 'Kestrel', model: 'Kestrel Phone 12' },
  { make: 'Orrery Optics', model: 'OR-40D' },
  { make: 'Lumen', model: 'Lumen X100' },
  { make: 'Shoebox Labs', model: 'Demo Cam' },
];

export interface PhotoOptions {
  /** Upright (displayed) size; a file with orientation 6 or 8 stores height × width pixels. */
  width: number;
  height: number;
  format: PhotoFormat;
  quality?: number;
  /** EXIF DateTimeOriginal, 'YYYY:MM:DD HH:MM:SS' (local time, as cameras write it). */
  taken?: string;
  camera?: Camera;
  orientation?: PhotoOrientation;
}

/** Rotation (degrees clockwise) that turns the upright picture into the stored pixels for an orientation. */
const STORED_ROTATION: Record<PhotoOrientation, number> = { 1: 0, 3: 180, 6: 270, 8: 90 };

/** EXIF date format of a Date's UTC fields (demo dates are generated as UTC and written as local camera time). */
export function exifDate(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}:${p(d.getUTCMonth() + 1)}:${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** The encoded photo file's bytes. */
export async function encodePhoto(scene: Scene, opts: PhotoOptions): Promise<Buffer> {
  const orientation = opts.orientation ?? 1;
  let img: Sharp = renderScene(scene, opts.width, opts.height);
  if (orientation !== 1) img = img.rotate(STORED_ROTATION[orientation]);
  const quality = opts.quality ?? 88;
  img = opts.format === 'jpeg' ? img.jpeg({ quality, mozjpeg: false }) : opts.format === 'png' ? img.png({ compressionLevel: 6 }) : img.webp({ quality });
  const ifd0: Record<string, string> = { Software: 'Shoebox demo-library' };
  if (opts.camera) Object.assign(ifd0, { Make: opts.camera.make, Model: opts.camera.model });
  const exif = { IFD0: ifd0, ...(opts.taken ? { IFD2: { DateTimeOriginal: opts.taken, DateTimeDigitized: opts.taken } } : {}) };
  // withExif writes the tags; the Orientation tag is set by withMetadata (withExif's own value is overwritten by sharp).
  img = img.withExif(exif);
  if (orientation !== 1) img = img.withMetadata({ orientation });
  return img.toBuffer();
}

/** Writes one photo; errors come back as values with the path. */
export async function writePhoto(path: string, scene: Scene, opts: PhotoOptions): Promise<Result<{ bytes: number }>> {
  try {
    const buf = await encodePhoto(scene, opts);
    await writeFile(path, buf);
    return ok({ bytes: buf.length });
  } catch (e) {
    return err(toAppError(e, 'io', path));
  }
}
