// Downloads one file from the hub into `<dest>.partial`, resuming with HTTP Range after an
// interruption, following the hub's redirect to its CDN by hand (the first answer carries
// X-Linked-Size and X-Linked-ETag = the LFS SHA-256), retrying 5xx / dropped connections / stalls
// with backoff, hashing as it writes, and renaming to `dest` only when size and SHA-256 match.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, truncate, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { appError, err, ok, toAppError, type AppError, type Result } from '../shared/result.js';
import { hubFetch, isOffline, offlineError, sleep, type HubOptions } from './hub.js';

export interface FileDownloadOptions extends HubOptions {
  /** Bytes arrived (for progress); called with each chunk's length, negative when a partial is discarded. */
  onBytes?: (delta: number) => void;
  /** Tests: how a chunk is written (simulate ENOSPC). */
  writeChunk?: (fh: FileHandle, chunk: Uint8Array) => Promise<void>;
}

export interface Expected {
  size: number | null;
  sha256: string | null;
  /** Git blob id (sha1 of "blob <size>\0" + bytes) from the hub's listing: checks small, non-LFS files. */
  gitSha1?: string | null;
}

export interface Downloaded {
  sha256: string;
  bytes: number;
  /** Bytes that were already on disk from an earlier, interrupted attempt. */
  resumedFrom: number;
}

class Retryable {
  constructor(readonly error: AppError) {}
}

const isSha = (s: string | null | undefined): s is string => !!s && /^[0-9a-f]{64}$/.test(s);
const unquote = (s: string | null): string | null => (s ? s.replace(/^W\//, '').replace(/^"|"$/g, '') : null);

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function hashPrefix(path: string, hash: Hash, git: Hash | null): Promise<void> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    git?.update(chunk as Buffer);
  }
}

/** The validator of the partial file's source, kept beside it so a resume can send If-Range. */
const metaPath = (partial: string): string => `${partial}.json`;
async function readMeta(partial: string): Promise<{ etag: string | null; url: string | null }> {
  try {
    const m = JSON.parse(await readFile(metaPath(partial), 'utf8')) as { etag?: unknown; url?: unknown };
    return { etag: typeof m.etag === 'string' ? m.etag : null, url: typeof m.url === 'string' ? m.url : null };
  } catch {
    return { etag: null, url: null };
  }
}

export async function downloadFile(url: string, dest: string, expected: Expected, opts: FileDownloadOptions = {}): Promise<Result<Downloaded>> {
  const partial = `${dest}.partial`;
  const attempts = (opts.retries ?? 4) + 1;
  const label = url.split('/').slice(-1)[0] ?? url;
  try {
    await mkdir(dirname(dest), { recursive: true });
  } catch (e) {
    return err(toAppError(e, 'io', dirname(dest)));
  }
  let last: AppError | null = null;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await sleep((opts.backoffMs ?? 1000) * 2 ** (attempt - 1), opts.signal);
    if (opts.signal?.aborted) return err(appError('cancelled', 'download cancelled'));
    const r = await attemptOnce(url, dest, partial, expected, opts);
    if (r instanceof Retryable) {
      last = r.error;
      continue;
    }
    return r;
  }
  return err(last ?? appError('network', `downloading ${label} failed`));
}

async function attemptOnce(url: string, dest: string, partial: string, expected: Expected, opts: FileDownloadOptions): Promise<Result<Downloaded> | Retryable> {
  const fetchFn = hubFetch(opts);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const name = dest.split(/[\\/]/).slice(-2).join('/');
  let have = await sizeOf(partial);
  if (expected.size !== null && have > expected.size) {
    await truncate(partial, 0).catch(() => undefined);
    opts.onBytes?.(-have);
    have = 0;
  }
  const meta = have > 0 ? await readMeta(partial) : { etag: null, url: null };

  // One controller per attempt: the caller's cancel, the header timeout and the stall timer all abort it.
  const ctl = new AbortController();
  let stalled = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      ctl.abort();
    }, timeoutMs);
  };
  const onCancel = (): void => ctl.abort();
  opts.signal?.addEventListener('abort', onCancel, { once: true });
  const fail = (e: unknown): Result<Downloaded> | Retryable => {
    if (opts.signal?.aborted) return err(appError('cancelled', 'download cancelled'));
    if (stalled) return new Retryable(appError('network', `the model hub stopped sending ${name} (no data for ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`})`, { hint: 'try again; the download resumes where it stopped' }));
    return isOffline(e) ? err(offlineError(url, e)) : new Retryable(offlineError(url, e));
  };

  let fh: FileHandle | null = null;
  try {
    arm();
    const headers: Record<string, string> = { 'user-agent': 'shoebox' };
    if (have > 0) {
      headers.range = `bytes=${have}-`;
      if (meta.etag) headers['if-range'] = meta.etag;
    }
    // Follow redirects by hand: the hub's first answer holds the checksum headers.
    let res: Response;
    let cur = url;
    let linkedSha: string | null = null;
    let linkedSize: number | null = null;
    for (let hop = 0; ; hop++) {
      try {
        res = await fetchFn(cur, { headers, redirect: 'manual', signal: ctl.signal });
      } catch (e) {
        return fail(e);
      }
      linkedSha ??= isSha(unquote(res.headers.get('x-linked-etag'))) ? unquote(res.headers.get('x-linked-etag')) : null;
      const ls = Number(res.headers.get('x-linked-size'));
      if (linkedSize === null && Number.isInteger(ls) && ls > 0) linkedSize = ls;
      if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
        if (hop >= 5) return err(appError('network', `too many redirects fetching ${name}`));
        await res.body?.cancel().catch(() => undefined);
        cur = new URL(res.headers.get('location')!, cur).toString();
        continue;
      }
      break;
    }
    if (res.status === 404) return err(appError('not-found', `the model hub has no file ${name}`, { hint: 'the catalog entry may be out of date' }));
    if (res.status === 401 || res.status === 403) return err(appError('network', `the model hub refused ${name} (${res.status}: gated or private)`, { hint: 'this model needs an account on the hub' }));
    if (res.status === 416) {
      await rm(partial, { force: true });
      opts.onBytes?.(-have);
      return new Retryable(appError('network', `the model hub refused to resume ${name}`));
    }
    if (res.status >= 500) {
      await res.body?.cancel().catch(() => undefined);
      return new Retryable(appError('network', `the model hub answered ${res.status} for ${name}`, { hint: 'the hub has a problem; try again later' }));
    }
    if (res.status !== 200 && res.status !== 206) return err(appError('network', `the model hub answered ${res.status} for ${name}`));

    let offset = 0;
    if (res.status === 206) {
      const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
      if (!m || Number(m[1]) !== have) {
        // A range we did not ask for: start over rather than splice the wrong bytes.
        await res.body?.cancel().catch(() => undefined);
        await rm(partial, { force: true });
        opts.onBytes?.(-have);
        return new Retryable(appError('network', `the model hub sent the wrong part of ${name}`));
      }
      offset = have;
      if (m[3] !== '*' && linkedSize === null) linkedSize = Number(m[3]);
    } else {
      if (have > 0) opts.onBytes?.(-have); // the file changed (If-Range) or no Range support: from the start
      const cl = Number(res.headers.get('content-length'));
      if (linkedSize === null && Number.isInteger(cl) && cl > 0) linkedSize = cl;
    }
    const etag = res.headers.get('etag');
    const wantSize = expected.size ?? linkedSize;
    const wantSha = expected.sha256 ?? linkedSha;
    if (expected.sha256 && linkedSha && expected.sha256 !== linkedSha) {
      await res.body?.cancel().catch(() => undefined);
      return err(appError('model-invalid', `${name} on the hub is not the file the catalog pins (sha256 ${linkedSha.slice(0, 12)}…, expected ${expected.sha256.slice(0, 12)}…)`, { hint: 'the repository changed; nothing was installed' }));
    }

    const hash = createHash('sha256');
    const git = expected.gitSha1 && wantSize !== null ? createHash('sha1').update(`blob ${wantSize}\0`) : null;
    if (offset > 0) await hashPrefix(partial, hash, git);
    try {
      fh = await open(partial, offset > 0 ? 'a' : 'w');
      if (offset === 0) await writeFile(metaPath(partial), JSON.stringify({ etag, url }));
    } catch (e) {
      return err(toAppError(e, 'io', partial));
    }
    let bytes = offset;
    const write = opts.writeChunk ?? (async (h: FileHandle, c: Uint8Array) => void (await h.write(c)));
    try {
      if (!res.body) throw new Error('empty response');
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        arm();
        try {
          await write(fh, chunk);
        } catch (e) {
          return err(toAppError(e, 'io', partial));
        }
        hash.update(chunk);
        git?.update(chunk);
        bytes += chunk.length;
        opts.onBytes?.(chunk.length);
      }
    } catch (e) {
      return fail(e);
    }
    clearTimeout(timer);
    await fh.close();
    fh = null;
    if (wantSize !== null && bytes !== wantSize) {
      if (bytes < wantSize) return new Retryable(appError('network', `the connection dropped during ${name} (${bytes} of ${wantSize} bytes)`, { hint: 'try again; the download resumes where it stopped' }));
      await rm(partial, { force: true });
      return err(appError('model-invalid', `${name} has ${bytes} bytes, the hub said ${wantSize}`, { hint: 'nothing was installed; try again' }));
    }
    const sha = hash.digest('hex');
    const gitId = git?.digest('hex');
    if ((wantSha && sha !== wantSha) || (!wantSha && gitId && gitId !== expected.gitSha1)) {
      await rm(partial, { force: true });
      await rm(metaPath(partial), { force: true });
      const what = wantSha ? `sha256 ${sha.slice(0, 12)}…, expected ${wantSha.slice(0, 12)}…` : `git blob ${gitId!.slice(0, 12)}…, expected ${expected.gitSha1!.slice(0, 12)}…`;
      return err(appError('model-invalid', `${name} failed its checksum (${what})`, { hint: 'the download was damaged or the file changed; nothing was installed' }));
    }
    await rename(partial, dest);
    await rm(metaPath(partial), { force: true });
    return ok({ sha256: sha, bytes, resumedFrom: offset });
  } catch (e) {
    return err(toAppError(e, 'io', partial));
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onCancel);
    await fh?.close().catch(() => undefined);
  }
}
