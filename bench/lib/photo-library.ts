// The benchmark photo library: 12 MP JPEGs rendered from the scene world, generated once into
// build/bench-library/ and reused, plus symlinks to the reference photos (../shared/reference/photos,
// never copied). Rendered scenes are flat colour, which JPEG compresses to ~200 KB, far below a
// real 12 MP photo (2–5 MB); a tiled grain overlay brings files to ~2.3 MB so that reading and
// entropy decoding cost what they cost on real photos.
import { existsSync, mkdirSync, readdirSync, symlinkSync, lstatSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { renderScene } from '../../app/world/render.js';
import { sampleScene } from '../../app/world/scene.js';
import { CAMERAS, exifDate } from '../../app/world/photo-writer.js';
import { classifyFile } from '../../app/library/formats.js';
import { forEachPool } from '../../app/world/pool.js';
import { repoRoot } from './report.js';
import { rng } from './vectors.js';

export const BENCH_LIBRARY = join(repoRoot, 'build', 'bench-library');
export const SCENES_DIR = join(BENCH_LIBRARY, 'scenes');
export const REFERENCE_DIR = join(BENCH_LIBRARY, 'reference');
export const REFERENCE_PHOTOS = resolve(repoRoot, '..', 'shared', 'reference', 'photos');

const WIDTH = 4000;
const HEIGHT = 3000;
const SEED = 6;
const GRAIN = 256;

export const sceneFile = (i: number): string => join(SCENES_DIR, `IMG_${String(i).padStart(4, '0')}.jpg`);

function grainTile(): Buffer {
  const r = rng(SEED);
  const b = Buffer.alloc(GRAIN * GRAIN * 3);
  for (let i = 0; i < b.length; i++) b[i] = 108 + Math.floor(r() * 41);
  return b;
}

/** One 12 MP JPEG: upright 4000×3000, every fifth stored rotated with EXIF orientation 6 as phones do. */
async function writeScenePhoto(i: number, grain: Buffer): Promise<void> {
  const scene = sampleScene(SEED, i, 'all');
  const raw = await renderScene(scene, WIDTH, HEIGHT).raw().toBuffer({ resolveWithObject: true });
  const rotated = i % 5 === 4;
  let img = sharp(raw.data, { raw: { width: raw.info.width, height: raw.info.height, channels: 3 } })
    .composite([{ input: grain, raw: { width: GRAIN, height: GRAIN, channels: 3 }, tile: true, blend: 'overlay' }]);
  if (rotated) img = sharp(await img.raw().toBuffer(), { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).rotate(270);
  const camera = CAMERAS[i % CAMERAS.length]!;
  const taken = exifDate(new Date(Date.UTC(2019, 0, 1) + i * 3_600_000 * 7));
  img = img.jpeg({ quality: 90 }).withExif({ IFD0: { Make: camera.make, Model: camera.model }, IFD2: { DateTimeOriginal: taken } });
  if (rotated) img = img.withMetadata({ orientation: 6 });
  const out = sceneFile(i);
  await writeFile(`${out}.tmp`, await img.toBuffer());
  await rename(`${out}.tmp`, out);
}

/** Makes sure scene photos 0..count-1 exist (generating the missing ones) and the reference symlinks are in place. */
export async function ensureBenchLibrary(count: number, onProgress?: (done: number, total: number) => void): Promise<void> {
  mkdirSync(SCENES_DIR, { recursive: true });
  mkdirSync(REFERENCE_DIR, { recursive: true });
  if (existsSync(REFERENCE_PHOTOS)) {
    for (const name of readdirSync(REFERENCE_PHOTOS)) {
      const link = join(REFERENCE_DIR, name);
      if (classifyFile(link).kind === 'other') continue;
      try {
        lstatSync(link);
      } catch {
        symlinkSync(join(REFERENCE_PHOTOS, name), link);
      }
    }
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !existsSync(sceneFile(i)));
  if (missing.length === 0) return;
  const grain = grainTile();
  sharp.concurrency(1);
  let done = 0;
  await forEachPool(missing.length, 2, async (j) => {
    await writeScenePhoto(missing[j]!, grain);
    onProgress?.(++done, missing.length);
  });
}

/** The scene photos 0..count-1 plus, when asked, every reference photo the scanner would pick up. */
export function benchFiles(count: number, withReference: boolean): string[] {
  const files = Array.from({ length: count }, (_, i) => sceneFile(i));
  if (withReference && existsSync(REFERENCE_DIR)) {
    for (const name of readdirSync(REFERENCE_DIR).sort()) files.push(join(REFERENCE_DIR, name));
  }
  return files;
}

if (process.argv[1]?.endsWith('photo-library.ts')) {
  const n = Number(process.argv[2] ?? 500);
  const t = Date.now();
  await ensureBenchLibrary(n, (d, total) => {
    if (d % 10 === 0 || d === total) console.log(`generated ${d}/${total} (${((Date.now() - t) / 1000).toFixed(0)} s)`);
  });
  console.log(`bench library ready: ${BENCH_LIBRARY}`);
}
