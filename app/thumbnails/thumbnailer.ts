// Thumbnails: WebP about 320 px on the long side, EXIF-rotated, cached on disk in the library
// folder and keyed by the photo's size + mtime so an edited photo gets a fresh one. Resolved from
// opaque photo ids only (photo-id.ts), and only for files that really live under a library root
// (inside-roots.ts). Both the web server's /thumb route and Electron's shoebox-thumb:// protocol
// call `get`.
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import sharp from 'sharp';
import { createLimiter } from '../shared/limiter.js';
import { appError, err, ok, toAppError, type Result } from '../shared/result.js';
import { parsePhotoId } from './photo-id.js';
import { resolveInsideRoots } from './inside-roots.js';

export const THUMB_SIZE = 320;

/** Where a photo lives according to the catalog, and the roots it must stay inside. */
export interface ThumbnailSource {
  locate(id: number): Promise<Result<{ path: string; roots: readonly string[] }>>;
}

export interface Thumbnail {
  readonly bytes: Buffer;
  readonly contentType: 'image/webp';
  /** Changes when the photo changes: usable as an ETag. */
  readonly key: string;
}

export interface Thumbnailer {
  /** `rawId` is the untrusted id straight from a URL. */
  get(rawId: string): Promise<Result<Thumbnail>>;
}

export interface ThumbnailerOptions {
  cacheDir: string;
  source: ThumbnailSource;
  size?: number;
  /** Decodes at once; the rest wait (two cores are shared with the indexer). */
  concurrency?: number;
}

export function createThumbnailer(opts: ThumbnailerOptions): Thumbnailer {
  const size = opts.size ?? THUMB_SIZE;
  const inflight = new Map<string, Promise<Result<Thumbnail>>>();
  const gate = createLimiter(opts.concurrency ?? 2);

  async function make(id: number): Promise<Result<Thumbnail>> {
    const located = await opts.source.locate(id);
    if (!located.ok) return located;
    const { roots } = located.value;
    const candidates = isAbsolute(located.value.path) ? [located.value.path] : roots.map((r) => resolve(r, located.value.path));
    let real: string | null = null;
    for (const c of candidates) {
      real = await resolveInsideRoots(c, roots);
      if (real) break;
    }
    if (!real) return err(appError('not-found', `photo ${id} is not inside a library folder`));
    let st;
    try {
      st = await stat(real);
    } catch (e) {
      return err(toAppError(e, 'io', real));
    }
    if (!st.isFile()) return err(appError('not-found', `photo ${id} is not a file`));
    const key = createHash('sha256').update(`${real}\0${st.size}\0${st.mtimeMs}\0${size}`).digest('hex').slice(0, 16);
    const dir = join(opts.cacheDir, (id % 256).toString(16).padStart(2, '0'));
    const file = join(dir, `${id}-${key}.webp`);
    try {
      return ok({ bytes: await readFile(file), contentType: 'image/webp', key });
    } catch {
      // not cached yet
    }
    const pending = inflight.get(file);
    if (pending) return pending;
    const job = gate(async (): Promise<Result<Thumbnail>> => {
      let bytes: Buffer;
      try {
        bytes = await sharp(real, { failOn: 'none', limitInputPixels: 268_402_689 })
          .rotate() // applies EXIF orientation
          .resize({ width: size, height: size, fit: 'inside', withoutEnlargement: true })
          .webp({ quality: 78 })
          .toBuffer();
      } catch (e) {
        return err(appError('decode-failed', `cannot make a thumbnail of photo ${id}: ${toAppError(e).message}`, { path: real }));
      }
      try {
        await mkdir(dir, { recursive: true });
        await removeStale(dir, id);
        const tmp = `${file}.${process.pid}.tmp`;
        await writeFile(tmp, bytes);
        await rename(tmp, file);
      } catch {
        // A cache we cannot write is slower, not broken: serve the bytes anyway.
      }
      return ok({ bytes, contentType: 'image/webp', key });
    });
    inflight.set(file, job);
    try {
      return await job;
    } finally {
      inflight.delete(file);
    }
  }

  return {
    async get(rawId) {
      const id = parsePhotoId(rawId);
      if (id === null) return err(appError('bad-input', 'a thumbnail id is a positive whole number'));
      return make(id);
    },
  };
}

async function removeStale(dir: string, id: number): Promise<void> {
  const prefix = `${id}-`;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (name.startsWith(prefix)) await unlink(join(dir, name)).catch(() => undefined);
  }
}
