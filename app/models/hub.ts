// Talking to a Hugging Face-style model hub: the endpoint (HF_ENDPOINT), proxies from the
// environment (undici's EnvHttpProxyAgent: Node 20's built-in fetch ignores HTTP(S)_PROXY), the
// repository listing with sizes and LFS SHA-256, and the one-line messages for network failures.
import { EnvHttpProxyAgent, fetch as undiciFetch, type Dispatcher } from 'undici';
import { appError, err, ok, type AppError, type Result } from '../shared/result.js';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

/** The subset of fetch the downloader uses (tests and callers may inject their own). */
export type FetchLike = (url: string, init: { method?: string; headers?: Record<string, string>; redirect?: 'manual'; signal?: AbortSignal }) => Promise<Response>;

export interface HubOptions {
  /** Hub base URL; default HF_ENDPOINT from `env`, else https://huggingface.co. */
  endpoint?: string;
  env?: NodeJS.ProcessEnv;
  fetch?: FetchLike;
  signal?: AbortSignal;
  /** No response headers, or no body bytes, for this long → the attempt fails as stalled. Default 30 s. */
  timeoutMs?: number;
  /** Extra attempts after a 5xx, a dropped connection or a stall. Default 4. */
  retries?: number;
  /** First retry delay; doubles each time. Default 1000 ms. */
  backoffMs?: number;
}

export function hubEndpoint(opts: Pick<HubOptions, 'endpoint' | 'env'>): string {
  const e = opts.endpoint ?? opts.env?.HF_ENDPOINT ?? process.env.HF_ENDPOINT ?? DEFAULT_ENDPOINT;
  return e.replace(/\/+$/, '');
}

const enc = (p: string): string => p.split('/').map(encodeURIComponent).join('/');

export function resolveUrl(endpoint: string, repo: string, revision: string, path: string): string {
  return `${endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${enc(path)}`;
}

function proxyDispatcher(env: NodeJS.ProcessEnv): Dispatcher | undefined {
  const pick = (k: string): string | undefined => env[k] ?? env[k.toLowerCase()];
  const httpProxy = pick('HTTP_PROXY'), httpsProxy = pick('HTTPS_PROXY'), noProxy = pick('NO_PROXY');
  if (!httpProxy && !httpsProxy) return undefined;
  return new EnvHttpProxyAgent({ httpProxy, httpsProxy: httpsProxy ?? httpProxy, noProxy });
}

/** fetch bound to the environment's proxy settings (or the injected one). */
export function hubFetch(opts: Pick<HubOptions, 'fetch' | 'env'>): FetchLike {
  if (opts.fetch) return opts.fetch;
  const dispatcher = proxyDispatcher(opts.env ?? process.env);
  return (url, init) => undiciFetch(url, { ...init, ...(dispatcher ? { dispatcher } : {}) }) as unknown as Promise<Response>;
}

const OFFLINE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** The errno-ish code inside a fetch failure (undici wraps it in `cause`, sometimes twice). */
export function networkCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur; i++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string') return c;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** DNS failure or a refused connection: retrying at once will not help, so the caller stops. */
export function isOffline(e: unknown): boolean {
  const code = networkCode(e);
  return code !== undefined && code !== 'ECONNRESET' && code !== 'ETIMEDOUT' && OFFLINE_CODES.has(code);
}

export function offlineError(endpoint: string, e: unknown): AppError {
  const code = networkCode(e);
  const host = (() => {
    try {
      return new URL(endpoint).host;
    } catch {
      return endpoint;
    }
  })();
  if (code && OFFLINE_CODES.has(code) && code !== 'ECONNRESET') {
    return appError('network', `can't reach the model hub at ${host} (offline?)`, { hint: `check the connection${code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? ' and DNS' : ''}, or set HF_ENDPOINT / HTTPS_PROXY` });
  }
  return appError('network', `the connection to the model hub at ${host} failed (${code ?? (e instanceof Error ? e.message : String(e))})`, { hint: 'try again; the download resumes where it stopped' });
}

export interface RepoListing {
  /** The commit the revision resolved to, when the hub says. */
  commit: string | null;
  files: Map<string, { size: number | null; sha256: string | null; gitSha1: string | null }>;
}

/** `GET /api/models/<repo>/revision/<rev>?blobs=true`: siblings with sizes and LFS SHA-256. */
export async function listRepo(repo: string, revision: string, opts: HubOptions = {}): Promise<Result<RepoListing>> {
  const endpoint = hubEndpoint(opts);
  const url = `${endpoint}/api/models/${repo}/revision/${encodeURIComponent(revision)}?blobs=true`;
  const ctl = new AbortController();
  const onAbort = (): void => ctl.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => ctl.abort(), opts.timeoutMs ?? 30_000);
  try {
    const attempts = (opts.retries ?? 4) + 1;
    let last: AppError | null = null;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await sleep((opts.backoffMs ?? 1000) * 2 ** (i - 1), opts.signal);
      if (opts.signal?.aborted) return err(appError('cancelled', 'download cancelled'));
      let res: Response;
      try {
        res = await hubFetch(opts)(url, { signal: ctl.signal });
      } catch (e) {
        if (opts.signal?.aborted) return err(appError('cancelled', 'download cancelled'));
        if (ctl.signal.aborted) return err(appError('network', `the model hub did not answer within ${Math.round((opts.timeoutMs ?? 30_000) / 1000)} s`, { hint: 'try again later' }));
        if (isOffline(e)) return err(offlineError(endpoint, e));
        last = offlineError(endpoint, e);
        continue;
      }
      if (res.status === 404 || res.status === 401) return err(appError('not-found', `the model hub has no repository ${repo} at revision ${revision}`, { hint: 'the catalog entry may be out of date' }));
      if (res.status >= 500) {
        last = appError('network', `the model hub answered ${res.status} listing ${repo}`, { hint: 'the hub has a problem; try again later' });
        continue;
      }
      if (!res.ok) return err(appError('network', `the model hub answered ${res.status} listing ${repo}`));
      const body = (await res.json()) as { sha?: unknown; siblings?: unknown };
      const files = new Map<string, { size: number | null; sha256: string | null; gitSha1: string | null }>();
      for (const s of Array.isArray(body.siblings) ? body.siblings : []) {
        const o = s as { rfilename?: unknown; size?: unknown; blobId?: unknown; lfs?: { sha256?: unknown; size?: unknown } };
        if (typeof o.rfilename !== 'string') continue;
        const lfsSha = typeof o.lfs?.sha256 === 'string' && /^[0-9a-f]{64}$/.test(o.lfs.sha256) ? o.lfs.sha256 : null;
        const size = typeof o.lfs?.size === 'number' ? o.lfs.size : typeof o.size === 'number' ? o.size : null;
        // For an LFS file blobId is the pointer's id, not the content's: only plain files use it.
        const gitSha1 = !o.lfs && typeof o.blobId === 'string' && /^[0-9a-f]{40}$/.test(o.blobId) ? o.blobId : null;
        files.set(o.rfilename, { size, sha256: lfsSha, gitSha1 });
      }
      return ok({ commit: typeof body.sha === 'string' ? body.sha : null, files });
    }
    return err(last ?? appError('network', 'the model hub could not be reached'));
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
