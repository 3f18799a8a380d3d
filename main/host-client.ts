// Main's side of the utility process: a LibraryApi whose calls travel as messages, plus
// thumbnail and model-file fetches for the custom protocol.
import type { ApiEvent, ApiResult, LibraryApi, MethodName } from '../app/api/contract.js';
import { methodNames } from '../app/api/transport/checked-call.js';
import type { FromHost, ToHost } from './host-protocol.js';

export interface HostChannel {
  postMessage(message: ToHost): void;
  on(event: 'message', listener: (message: unknown) => void): void;
}

export interface HostClient {
  readonly api: LibraryApi;
  ready: Promise<string | null>;
  bytes(req: { type: 'thumb'; rawId: string; preview?: boolean } | { type: 'model-file'; model: string; file: string }): Promise<{ bytes: Uint8Array | null; contentType: string; status: number }>;
}

export function createHostClient(channel: HostChannel): HostClient {
  let next = 1;
  const pending = new Map<number, (m: FromHost) => void>();
  const listeners = new Set<(e: ApiEvent) => void>();
  let markReady: (error: string | null) => void = () => undefined;
  const ready = new Promise<string | null>((r) => (markReady = r));
  channel.on('message', (raw) => {
    const m = raw as FromHost;
    if (m.type === 'ready') markReady(m.error);
    else if (m.type === 'event') listeners.forEach((l) => l(m.event));
    else {
      const done = pending.get(m.id);
      pending.delete(m.id);
      done?.(m);
    }
  });
  const request = (msg: Omit<Extract<ToHost, { type: 'call' }>, 'id'> | Omit<Extract<ToHost, { type: 'thumb' }>, 'id'> | Omit<Extract<ToHost, { type: 'model-file' }>, 'id'>) =>
    new Promise<FromHost>((resolve) => {
      const id = next++;
      pending.set(id, resolve);
      channel.postMessage({ ...msg, id } as ToHost);
    });
  const api: Partial<Record<MethodName, (input: unknown) => Promise<ApiResult<unknown>>>> = {};
  for (const method of methodNames) {
    api[method] = async (input) => {
      const m = await request({ type: 'call', method, input });
      return m.type === 'result' ? m.result : { ok: false, error: { code: 'internal', message: 'unexpected answer from the engine process' } };
    };
  }
  return {
    api: { ...(api as Omit<LibraryApi, 'subscribe'>), subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) } as LibraryApi,
    ready,
    async bytes(req) {
      const m = await request(req);
      return m.type === 'bytes' ? { bytes: m.bytes, contentType: m.contentType, status: m.status } : { bytes: null, contentType: 'text/plain', status: 500 };
    },
  };
}
