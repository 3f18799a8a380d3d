// Verifies a model folder's files against model.json (size, then streamed SHA-256). Hashing a
// 600 MB model on every start would cost seconds, so a file whose path, size and mtime match an
// earlier successful check is taken as verified; the record lives in a small JSON file in the
// per-user cache folder (see verifyCachePath), never in the model folder (it may be read-only).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { appError, err, ok, toAppError, type Result } from '../../shared/result.js';
import type { ModelFile } from '../common/model-format.js';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The verification cache file: `SHOEBOX_CACHE_DIR` if set, else the OS's per-user cache folder
 * (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on
 * Windows) + `shoebox/model-verify.json`.
 */
export function verifyCachePath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.SHOEBOX_CACHE_DIR) return join(env.SHOEBOX_CACHE_DIR, 'model-verify.json');
  const home = env.HOME || env.USERPROFILE || homedir();
  const base =
    platform === 'darwin' ? join(home, 'Library', 'Caches')
      : platform === 'win32' ? (env.LOCALAPPDATA || join(home, 'AppData', 'Local'))
        : (env.XDG_CACHE_HOME || join(home, '.cache'));
  return join(base, 'shoebox', 'model-verify.json');
}

interface CacheEntry {
  size: number;
  mtimeMs: number;
  sha256: string;
}
type CacheData = Record<string, CacheEntry>;

async function readCache(path: string): Promise<CacheData> {
  try {
    const data: unknown = JSON.parse(await readFile(path, 'utf8'));
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as CacheData) : {};
  } catch {
    return {}; // no cache yet, or a damaged one: it only costs a re-hash
  }
}

async function writeCache(path: string, data: CacheData): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(data));
  await rename(tmp, path); // atomic: a concurrent reader sees the old or the new file, never half
}

export interface VerifyReport {
  /** Files whose SHA-256 was computed now. */
  hashed: string[];
  /** Files accepted from the cache (same path, size and mtime as when last verified). */
  cached: string[];
  /** Why the cache could not be updated (verification still succeeded; the next start hashes again). */
  cacheError: string | null;
}

export interface VerifyOptions {
  /** Cache file; null disables the cache. Default: verifyCachePath(). */
  cachePath?: string | null;
}

/** Checks that every listed file exists with the listed size and SHA-256; the first problem is the error. */
export async function verifyModelFiles(dir: string, files: readonly ModelFile[], opts: VerifyOptions = {}): Promise<Result<VerifyReport>> {
  const cachePath = opts.cachePath === undefined ? verifyCachePath() : opts.cachePath;
  const cache = cachePath ? await readCache(cachePath) : {};
  const report: VerifyReport = { hashed: [], cached: [], cacheError: null };
  let changed = false;
  for (const f of files) {
    const path = resolve(dir, f.path);
    let st;
    try {
      st = await stat(path);
    } catch (e) {
      const ae = toAppError(e, 'io', path);
      return err(appError('model-invalid', `model file ${f.path} is ${ae.code === 'not-found' ? 'missing' : `unreadable (${ae.message})`}`, { path, hint: 'reinstall or re-download the model' }));
    }
    if (!st.isFile()) return err(appError('model-invalid', `model file ${f.path} is not a file`, { path }));
    if (st.size !== f.bytes) {
      return err(appError('model-invalid', `model file ${f.path} has ${st.size} bytes, model.json says ${f.bytes}`, { path, hint: 'the file is truncated or replaced; re-download the model' }));
    }
    const hit = cache[path];
    if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs && hit.sha256 === f.sha256) {
      report.cached.push(f.path);
      continue;
    }
    let actual: string;
    try {
      actual = await sha256File(path);
    } catch (e) {
      return err(appError('model-invalid', `model file ${f.path} could not be read: ${toAppError(e, 'io').message}`, { path }));
    }
    if (actual !== f.sha256) {
      return err(appError('model-invalid', `model file ${f.path} fails its checksum (sha256 ${actual.slice(0, 12)}…, model.json says ${f.sha256.slice(0, 12)}…)`, { path, hint: 'the file is damaged or replaced; re-download the model' }));
    }
    report.hashed.push(f.path);
    cache[path] = { size: st.size, mtimeMs: st.mtimeMs, sha256: actual };
    changed = true;
  }
  if (cachePath && changed) {
    try {
      await writeCache(cachePath, cache);
    } catch (e) {
      report.cacheError = `${cachePath}: ${toAppError(e, 'io', cachePath).message}`;
    }
  }
  return ok(report);
}
