// Pulls a catalog model into a library: list the hub repository (sizes, LFS SHA-256, the commit
// the revision resolves to), download every file into `<library>/models/.staging/<id>/` (resuming
// partials left by an earlier attempt), convert the upstream layout to model.json, check it, and
// only then rename the staging folder to `<library>/models/<id>/`. A failure never leaves a folder
// the engine would load; partial files are kept for a resume only after network failures.
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DownloadProgress } from '../api/contract.js';
import { verifyModelFiles } from '../embed/node/checksums.js';
import { readManifest } from '../embed/node/model-load.js';
import { appError, err, ok, toAppError, type AppError, type Result } from '../shared/result.js';
import type { CatalogModel } from './catalog.js';
import { downloadFile, type FileDownloadOptions } from './download.js';
import { hubEndpoint, listRepo, resolveUrl } from './hub.js';
import { installedModelDir, modelsDir, stagingDir, type InstalledModel } from './installed.js';
import { converters, writeManifest } from './layouts/index.js';

export interface PullOptions extends Omit<FileDownloadOptions, 'onBytes'> {
  libraryDir: string;
  onProgress?: (p: DownloadProgress) => void;
  /** Minimum milliseconds between 'downloading' progress events (default 200). */
  progressEveryMs?: number;
  /** transformers.js variant suffix ('_quantized', '_fp16', …); default the fp32 files. */
  variant?: string;
  /** Clock for rates (tests). */
  now?: () => number;
}

export interface PullResult extends InstalledModel {
  bytes: number;
  resumedBytes: number;
  commit: string | null;
}

/** Files to fetch: the catalog's list, with a transformers.js variant swapped in. */
function filesToFetch(entry: CatalogModel, variant: string | undefined): CatalogModel['files'] {
  if (!variant) return entry.files;
  return entry.files.map((f) => {
    const m = /^onnx\/(vision|text)_model\.onnx$/.exec(f.path);
    return m ? { path: `onnx/${m[1]}_model${variant}.onnx`, bytes: null, sha256: null } : f;
  });
}

export async function pullModel(entry: CatalogModel, opts: PullOptions): Promise<Result<PullResult>> {
  const now = opts.now ?? (() => Date.now());
  const every = opts.progressEveryMs ?? 200;
  const staging = stagingDir(opts.libraryDir, entry.id);
  const target = installedModelDir(opts.libraryDir, entry.id);
  let state: DownloadProgress['state'] = 'downloading';
  let file: string | null = null;
  let bytes = 0;
  let totalBytes: number | null = null;
  // The rate counts from the start of the transfer (not the listing request), and no ETA is
  // promised before a second of transfer: the first few hundred bytes say nothing about the link.
  let started = now();
  let startBytes = 0;
  let lastEmit = 0;
  const emit = (force: boolean, error?: AppError): void => {
    const t = now();
    if (!force && t - lastEmit < every) return;
    lastEmit = t;
    const secs = (t - started) / 1000;
    const rate = secs > 0 ? Math.max(0, bytes - startBytes) / secs : 0;
    const etaSec = totalBytes !== null && rate > 0 && secs >= 1 ? Math.max(0, (totalBytes - bytes) / rate) : null;
    opts.onProgress?.({ model: entry.id, state, bytes, totalBytes, ratePerSec: rate, etaSec, file, ...(error ? { error: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) } } : {}) });
  };
  const failed = async (e: AppError, keepPartials: boolean): Promise<Result<never>> => {
    if (!keepPartials) await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    state = e.code === 'cancelled' ? 'cancelled' : 'failed';
    emit(true, e);
    return err(e);
  };

  emit(true);
  const listing = await listRepo(entry.repo, entry.revision, opts);
  if (!listing.ok) return failed(listing.error, true);
  // Pin every file to the commit the revision resolves to now, so a push mid-download cannot mix versions.
  const commit = listing.value.commit;
  const revision = commit ?? entry.revision;
  const wanted = filesToFetch(entry, opts.variant);
  const plan: { path: string; size: number | null; sha256: string | null; gitSha1: string | null }[] = [];
  for (const f of wanted) {
    const listed = listing.value.files.get(f.path);
    if (!listed) return failed(appError('not-found', `the model hub repository ${entry.repo} has no ${f.path}`, { hint: 'the catalog entry may be out of date' }), false);
    if (f.bytes !== null && listed.size !== null && f.bytes !== listed.size) {
      return failed(appError('model-invalid', `${f.path} on the hub has ${listed.size} bytes, the catalog says ${f.bytes}`, { hint: 'the repository changed; nothing was installed' }), false);
    }
    plan.push({ path: f.path, size: f.bytes ?? listed.size, sha256: f.sha256 ?? listed.sha256, gitSha1: listed.gitSha1 });
  }
  totalBytes = plan.every((p) => p.size !== null) ? plan.reduce((s, p) => s + (p.size ?? 0), 0) : null;

  try {
    await mkdir(staging, { recursive: true });
  } catch (e) {
    return failed(toAppError(e, 'io', staging), false);
  }
  const lock = await takeLock(`${staging}.lock`);
  if (!lock.ok) {
    state = 'failed';
    emit(true, lock.error);
    return lock; // another process's download: leave its staging alone
  }
  try {
    return await pullLocked();
  } finally {
    await rm(`${staging}.lock`, { force: true }).catch(() => undefined);
  }

  async function pullLocked(): Promise<Result<PullResult>> {
    // Files from an earlier attempt at another commit must not be mixed in: start over.
    const marker = join(staging, '.revision');
    const previous = await readFile(marker, 'utf8').catch(() => null);
    if (previous !== null && previous !== revision) {
      await rm(staging, { recursive: true, force: true });
      await mkdir(staging, { recursive: true });
    }
    try {
      await writeFile(marker, revision);
    } catch (e) {
      return failed(toAppError(e, 'io', staging), false);
    }
    // Files finished by an earlier attempt count as done; partials count as far as they got.
    for (const p of plan) {
      for (const suffix of ['', '.partial']) {
        try {
          const st = await stat(join(staging, p.path) + suffix);
          bytes += st.size;
        } catch {
          // not there
        }
      }
    }
    startBytes = bytes;
    started = now();
    const resumedBytes = bytes;

    const endpoint = hubEndpoint(opts);
    const known = new Map<string, string>();
    for (const p of plan) {
      file = p.path;
      emit(true);
      const dest = join(staging, p.path);
      let done = false;
      try {
        done = (await stat(dest)).isFile();
      } catch {
        // not downloaded yet
      }
      if (done) continue; // finished earlier and already verified before its rename
      const r = await downloadFile(resolveUrl(endpoint, entry.repo, revision, p.path), dest, { size: p.size, sha256: p.sha256, gitSha1: p.gitSha1 }, {
        ...opts,
        onBytes: (d) => {
          bytes += d;
          emit(false);
        },
      });
      if (!r.ok) return failed(r.error, r.error.code === 'network');
      known.set(p.path, r.value.sha256);
    }

    file = null;
    state = 'verifying';
    emit(true);
    const manifest = await converters[entry.layout](staging, {
      id: entry.id,
      name: entry.name,
      description: entry.description,
      source: { repo: entry.repo, revision },
      knownHashes: known,
      variant: opts.variant,
      hints: { embeddingSize: entry.embeddingSize, tensors: entry.tensors, logitScale: entry.logitScale, promptTemplates: entry.promptTemplates },
    });
    if (!manifest.ok) return failed(manifest.error, false);
    const written = await writeManifest(staging, manifest.value);
    if (!written.ok) return failed(written.error, written.error.code !== 'io');
    const check = await readManifest(staging);
    if (!check.ok) return failed(check.error, false);
    const verified = await verifyModelFiles(staging, check.value.files, { cachePath: null });
    if (!verified.ok) return failed(verified.error, false);

    state = 'installing';
    emit(true);
    try {
      const trash = join(modelsDir(opts.libraryDir), '.staging', `.replaced-${entry.id}-${process.pid}`);
      let replaced = false;
      try {
        await rename(target, trash);
        replaced = true;
      } catch (e) {
        if ((e as { code?: string }).code !== 'ENOENT') throw e;
      }
      try {
        await rename(staging, target);
      } catch (e) {
        if (replaced) await rename(trash, target).catch(() => undefined); // put the previous install back
        throw e;
      }
      if (replaced) await rm(trash, { recursive: true, force: true });
    } catch (e) {
      return failed(toAppError(e, 'io', target), false);
    }
    state = 'done';
    emit(true);
    return ok({ id: entry.id, dir: target, manifest: check.value, bundled: false, bytes, resumedBytes, commit });
  }
}

/** One download per model across processes: a lock file holding the owner's pid; a dead owner's lock is taken over. */
async function takeLock(path: string): Promise<Result<void>> {
  for (let i = 0; i < 2; i++) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      return ok(undefined);
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') return err(toAppError(e, 'io', path));
      const pid = Number(await readFile(path, 'utf8').catch(() => ''));
      let alive = false;
      if (Number.isInteger(pid) && pid > 0) {
        try {
          process.kill(pid, 0);
          alive = true;
        } catch (k) {
          alive = (k as { code?: string }).code === 'EPERM';
        }
      }
      if (alive) return err(appError('busy', 'another Shoebox process is downloading this model', { hint: 'wait for it to finish, or cancel it there' }));
      await rm(path, { force: true });
    }
  }
  return err(appError('busy', 'another Shoebox process is downloading this model'));
}
