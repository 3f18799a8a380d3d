// A generated photo library: scenes of the synthetic world written as photos in a few folders,
// with EXIF dates and cameras, some stored rotated, in three formats, plus captions.jsonl (one
// line per file: file, caption, scene attributes). `npm start` uses one when the user has none;
// tests and benchmarks use them as a library with known contents.
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { appError, err, ok, type Result } from '../shared/result.js';
import { captionScene } from './caption.js';
import { forEachPool } from './pool.js';
import { rngFor } from './prng.js';
import { CAMERAS, exifDate, writePhoto, type Camera, type PhotoFormat, type PhotoOrientation } from './photo-writer.js';
import { sampleScene, sceneAttributes, STREAM, type Scene, type Split } from './scene.js';

export interface DemoLibraryOptions {
  count: number;
  seed: number;
  /** Every photo at exactly this displayed size; by default the long side is 1024 px with varied aspect ratios and orientations. */
  size?: { width: number; height: number };
  split?: Split;
  /** Photos encoded at once (default 3). */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface DemoPhoto {
  /** Path relative to the library folder, with '/' separators. */
  file: string;
  /** Scene number: `sampleScene(seed, index, split)` gives the photo's full scene back (to re-render it). */
  index: number;
  caption: string;
  scene: ReturnType<typeof sceneAttributes>;
  format: PhotoFormat;
  /** Displayed (upright) size. */
  width: number;
  height: number;
  orientation: PhotoOrientation;
  /** EXIF DateTimeOriginal. */
  taken: string;
  camera: Camera;
}

export interface DemoLibraryResult {
  dir: string;
  /** captions.jsonl, one DemoPhoto per line in file order. */
  captionsFile: string;
  photos: DemoPhoto[];
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const START = Date.UTC(2018, 0, 1);
const END = Date.UTC(2024, 11, 31);

/** Where photo `index` goes and how it is stored; deterministic from (seed, index). */
export function planDemoPhoto(seed: number, index: number, count: number, size?: { width: number; height: number }): Omit<DemoPhoto, 'caption' | 'scene' | 'index'> & { quality: number } {
  const rng = rngFor(seed, index, STREAM.photo);
  // Dates rise with the index (a library grows over time), with jitter.
  const t = START + ((index + rng.next()) / Math.max(1, count)) * (END - START);
  const when = new Date(Math.round(t / 1000) * 1000);
  const year = when.getUTCFullYear();
  const month = when.getUTCMonth();
  const u = rng.next();
  const format: PhotoFormat = u < 0.08 ? 'png' : u < 0.16 ? 'webp' : 'jpeg';
  const camera = rng.pick(CAMERAS);
  const phone = camera.model.includes('Phone');
  const n = String(1000 + index).padStart(4, '0');
  let file: string;
  if (format === 'png') file = `Scans/scan-${n}.png`;
  else if (format === 'webp') file = `Exports/${year}/export-${n}.webp`;
  else if (phone) file = `Phone/Camera Roll/${year}/IMG_${n}.JPG`;
  else file = `${year}/${String(month + 1).padStart(2, '0')} ${MONTHS[month]}/DSC_${n}.jpg`;
  let width: number;
  let height: number;
  if (size) ({ width, height } = size);
  else {
    const aspect = rng.pick([4 / 3, 4 / 3, 3 / 2, 16 / 9, 1]);
    const portrait = rng.chance(phone ? 0.5 : 0.2);
    const long = 1024;
    const short = Math.round(long / aspect);
    [width, height] = portrait ? [short, long] : [long, short];
  }
  // Cameras store some shots rotated and tag them; only JPEG here, as real cameras do.
  const orientation: PhotoOrientation = format === 'jpeg' && rng.chance(0.2) ? rng.pick([6, 6, 8, 3] as const) : 1;
  return { file, format, width, height, orientation, taken: exifDate(when), camera, quality: 80 + rng.int(16) };
}

/** Writes a demo library of `count` photos into `dir` (created if needed) and its captions.jsonl. */
export async function writeDemoLibrary(dir: string, options: DemoLibraryOptions): Promise<Result<DemoLibraryResult>> {
  const { count, seed } = options;
  if (!Number.isInteger(count) || count < 1) return err(appError('bad-input', 'the photo count must be a positive integer'));
  if (options.size && !(options.size.width >= 16 && options.size.height >= 16 && options.size.width * options.size.height <= 64_000_000))
    return err(appError('bad-input', 'the photo size must be at least 16×16 and at most 64 megapixels'));
  const photos = new Array<DemoPhoto>(count);
  let failure: Result<never> | null = null;
  let done = 0;
  try {
    await mkdir(dir, { recursive: true });
    await forEachPool(count, options.concurrency ?? 3, async (i) => {
      if (failure) return;
      const scene: Scene = sampleScene(seed, i, options.split ?? 'all');
      const plan = planDemoPhoto(seed, i, count, options.size);
      const path = join(dir, ...plan.file.split('/'));
      await mkdir(dirname(path), { recursive: true });
      const w = await writePhoto(path, scene, { ...plan });
      if (!w.ok) {
        failure = w;
        return;
      }
      // File times match the date taken, as a copied camera folder's would.
      const [date, time] = plan.taken.split(' ') as [string, string];
      const mtime = new Date(`${date.replace(/:/g, '-')}T${time}Z`);
      await utimes(path, mtime, mtime);
      const { quality: _quality, file, ...rest } = plan;
      photos[i] = { file, index: i, ...rest, caption: captionScene(scene, 1)[0] as string, scene: sceneAttributes(scene) };
      options.onProgress?.(++done, count);
    });
    if (failure) return failure;
    const captionsFile = join(dir, 'captions.jsonl');
    await writeFile(captionsFile, `${photos.map((p) => JSON.stringify(p)).join('\n')}\n`);
    return ok({ dir, captionsFile, photos });
  } catch (e) {
    return err(appError('io', `could not write the demo library: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, { path: dir }));
  }
}
