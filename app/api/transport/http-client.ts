// HTTP transport, client side (the renderer in web mode): `POST /api/<method>` with a JSON body,
// `GET /api/events` as server-sent events. Requests are validated before they leave, answers
// when they arrive. Browser-safe.
import { methods, type ApiEvent, type ApiResult, type LibraryApi, type MethodName, type MethodOutput } from '../../api/contract.js';
import { badInput, checkEvent, checkResult, describeIssues, methodNames } from './checked-call.js';

export const TOKEN_HEADER = 'x-shoebox-token';

export interface HttpApiOptions {
  /** Origin + path prefix, '' for same-origin. */
  baseUrl?: string;
  /** Required when the server listens on a non-loopback address. */
  token?: string;
  fetch?: typeof fetch;
  EventSource?: typeof EventSource;
}

export function withToken(url: string, token: string | undefined): string {
  if (!token) return url;
  return `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

export function createHttpApi(opts: HttpApiOptions = {}): LibraryApi {
  const base = opts.baseUrl ?? '';
  const doFetch = opts.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  async function call<M extends MethodName>(method: M, input: unknown): Promise<ApiResult<MethodOutput<M>>> {
    const parsed = methods[method].input.safeParse(input ?? {});
    if (!parsed.success) return { ok: false, error: badInput(method, describeIssues(parsed.error)) };
    let res: Response;
    try {
      res = await doFetch(`${base}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(opts.token ? { [TOKEN_HEADER]: opts.token } : {}) },
        body: JSON.stringify(parsed.data),
      });
    } catch {
      return { ok: false, error: { code: 'network', message: 'cannot reach the Shoebox server', hint: 'is `shoebox serve` still running?' } };
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      return { ok: false, error: { code: 'internal', message: `${method}: the server answered ${res.status} without JSON` } };
    }
    return checkResult(method, body);
  }
  const api: Partial<Record<MethodName, (input: unknown) => Promise<unknown>>> = {};
  for (const m of methodNames) api[m] = (input: unknown) => call(m, input);

  const listeners = new Set<(event: ApiEvent) => void>();
  let source: EventSource | null = null;
  function open() {
    const ES = opts.EventSource ?? (typeof EventSource === 'undefined' ? undefined : EventSource);
    if (!ES) return;
    source = new ES(withToken(`${base}/api/events`, opts.token));
    source.onmessage = (msg: MessageEvent<string>) => {
      let raw: unknown;
      try {
        raw = JSON.parse(msg.data);
      } catch {
        raw = null;
      }
      const event = checkEvent(raw);
      for (const l of listeners) l(event);
    };
    // EventSource reconnects by itself after an error; nothing to do here.
  }
  return {
    ...(api as Omit<LibraryApi, 'subscribe'>),
    subscribe(listener) {
      listeners.add(listener);
      if (!source) open();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && source) {
          source.close();
          source = null;
        }
      };
    },
  } as LibraryApi;
}
