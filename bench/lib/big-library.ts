// A large synthetic library for the incremental and query benchmarks: N files on disk (hard links
// to one small JPEG under many names, 1,000 per folder) and a catalog in which every one is
// already indexed with clustered random vectors for the given models, so that a rescan finds
// them all unchanged and a search has N photos to rank. Built once under build/bench-big-<N>/ and
// reused; the HNSW file is built by the first engine open (timed and reported) and then cached.
import { copyFileSync, existsSync, linkSync, mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { Catalog, type ModelFingerprint, type PhotoMetadata } from '../../app/library/catalog.js';
import { catalogFile } from '../../app/library/paths.js';
import { CAMERAS } from '../../app/world/photo-writer.js';
import { repoRoot } from './report.js';
import { clusteredVectors } from './vectors.js';

export const PER_FOLDER = 1000;
const SEED_TIME = new Date('2020-06-01T12:00:00Z');

export interface BigLibrary {
  root: string;
  photosDir: string;
  libraryDir: string;
  count: number;
  /** Seconds spent building what was missing in this call (0 when all was cached). */
  setupS: number;
}

export const folderName = (i: number): string => `d${String(Math.floor(i / PER_FOLDER)).padStart(4, '0')}`;
const fileName = (i: number): string => join(folderName(i), `IMG_${String(i).padStart(7, '0')}.jpg`);

/**
 * Makes sure the files exist and the catalog has vectors for every model given ({id, dims}).
 * `fingerprint` (the model's weights now): the vectors here are synthetic, so a retrained model must
 * not make the engine drop them (and rebuild a 100k HNSW) on its next open.
 */
export async function ensureBigLibrary(count: number, models: { id: string; dims: number; fingerprint?: ModelFingerprint | null }[]): Promise<BigLibrary> {
  const t0 = Date.now();
  const root = join(repoRoot, 'build', `bench-big-${count}`);
  const photosDir = join(root, 'photos');
  const libraryDir = join(root, 'library');
  mkdirSync(photosDir, { recursive: true });
  mkdirSync(libraryDir, { recursive: true });
  const seedFile = join(root, 'seed.jpg');
  if (!existsSync(seedFile)) {
    writeFileSync(seedFile, await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 40, b: 40 } } }).jpeg({ quality: 85 }).toBuffer());
  }
  const doneMark = join(root, 'files.done');
  if (!existsSync(doneMark)) {
    // One copy of the seed per folder (same bytes, same mtime): ext4 allows 65,000 links per inode.
    // A whole-second mtime so that every copy carries exactly the same one.
    utimesSync(seedFile, SEED_TIME, SEED_TIME);
    mkdirSync(join(root, 'seeds'), { recursive: true });
    let folderSeed = seedFile;
    for (let i = 0; i < count; i++) {
      if (i % PER_FOLDER === 0) {
        mkdirSync(join(photosDir, folderName(i)), { recursive: true });
        folderSeed = join(root, 'seeds', `${folderName(i)}.jpg`);
        if (!existsSync(folderSeed)) {
          copyFileSync(seedFile, folderSeed);
          utimesSync(folderSeed, SEED_TIME, SEED_TIME);
        }
      }
      const f = join(photosDir, fileName(i));
      if (!existsSync(f)) linkSync(folderSeed, f);
    }
    writeFileSync(doneMark, '');
  }
  const cat = Catalog.open(catalogFile(libraryDir));
  if (!cat.ok) throw new Error(cat.error.message);
  const catalog = cat.value;
  try {
    const root0 = catalog.rootByPath(photosDir) ?? catalog.addRoot(photosDir);
    const { size, mtimeMs } = statSync(seedFile);
    const have = (catalog.db.prepare('SELECT COUNT(*) AS n FROM photos').get() as { n: number }).n;
    if (have < count) {
      const ins = catalog.db.prepare(`INSERT OR IGNORE INTO photos(root_id, path, size, mtime_ms, hash, status, format, updated_at) VALUES (?, ?, ?, ?, NULL, 'pending', 'jpeg', ?)`);
      const now = new Date().toISOString();
      catalog.tx(() => {
        for (let i = 0; i < count; i++) ins.run(root0.id, join(photosDir, fileName(i)), size, Math.round(mtimeMs), now);
      });
    }
    const ids = (catalog.db.prepare('SELECT id FROM photos ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    for (const m of models) {
      const had = catalog.modelFingerprint(m.id);
      // Forgetting the old record makes the engine treat the vectors as from before fingerprints
      // were kept: it keeps them and records the current weights.
      if (m.fingerprint && had && (had.image !== m.fingerprint.image || had.text !== m.fingerprint.text)) {
        catalog.db.prepare('DELETE FROM model_fingerprints WHERE model = ?').run(m.id);
      }
      if (catalog.vectorCount(m.id) >= count) continue;
      const data = clusteredVectors(ids.length, m.dims, { seed: 7 });
      const CHUNK = 5000;
      for (let s = 0; s < ids.length; s += CHUNK) {
        const done = ids.slice(s, s + CHUNK).map((id, j) => {
          const i = s + j;
          const cam = CAMERAS[i % CAMERAS.length]!;
          const meta: PhotoMetadata = {
            width: 64, height: 48, format: 'jpeg', takenAt: new Date(Date.UTC(2015, 0, 1) + i * 3_600_000).toISOString(), takenAtSource: 'exif',
            cameraMake: cam.make, cameraModel: cam.model, orientation: 1,
          };
          return { id, vector: data.slice(i * m.dims, (i + 1) * m.dims), meta };
        });
        catalog.writeBatch(m.id, done, []);
      }
    }
  } finally {
    catalog.close();
  }
  return { root, photosDir, libraryDir, count, setupS: (Date.now() - t0) / 1000 };
}
