// A tiny in-memory LibraryApi over a fixed list of files: for the transport and server tests
// (and nothing else). It is not the engine: search answers in id order with made-up scores.
import type { ApiEvent, ApiResult, LibraryApi, MethodName, PhotoDetail, Status } from '../../api/contract.js';

export interface FakePhoto {
  id: number;
  path: string;
}

const notHere = (m: string): ApiResult<never> => ({ ok: false, error: { code: 'unsupported', message: `${m} is not in the fake library` } });

export interface FakeLibraryOptions {
  /** What status() reports as the model notice; read at each call, so a test can change it mid-session. */
  modelNotice?: string | null;
}

export type FakeLibrary = LibraryApi & { emit(e: ApiEvent): void; calls: MethodName[] };

export function createFakeLibrary(roots: string[], photos: FakePhoto[], options: FakeLibraryOptions = {}): FakeLibrary {
  const listeners = new Set<(e: ApiEvent) => void>();
  const calls: MethodName[] = [];
  const summary = (p: FakePhoto) => ({ id: p.id, path: p.path, width: 64, height: 48, format: 'png', takenAt: null });
  const status = (): Status => ({
    library: '/tmp/fake',
    roots: roots.map((path, i) => ({ id: i + 1, path, photos: photos.length, indexed: photos.length, failed: 0, watching: false })),
    photos: { total: photos.length, indexed: photos.length, pending: 0, failed: 0, unsupported: 0 },
    model: { id: 'fake', name: 'fake', embeddingSize: 4, bundled: true },
    runtime: { provider: 'cpu', requestedProviders: ['cpu'], fallbackReason: null, intraOpThreads: 1, decodeConcurrency: 1 },
    progress: { state: 'idle', done: 0, total: 0, failed: 0, ratePerSec: 0, etaSec: null, currentFile: null, model: 'fake' },
    modelNotice: options.modelNotice ?? null,
  });
  const api: Record<string, unknown> = {};
  const handlers: Partial<Record<MethodName, (input: never) => unknown>> = {
    status: () => status(),
    photo: (input: { id: number }) => {
      const p = photos.find((x) => x.id === input.id);
      if (!p) return { error: { code: 'not-found', message: `no photo ${input.id}` } };
      const detail: PhotoDetail = { ...summary(p), size: 1, mtime: new Date(0).toISOString(), cameraMake: null, cameraModel: null, orientation: null, status: 'indexed', error: null, tags: [] };
      return detail;
    },
    browse: (input: { offset?: number; limit?: number }) => {
      const offset = input.offset ?? 0;
      return { results: photos.slice(offset, offset + (input.limit ?? 120)).map(summary), total: photos.length };
    },
    search: () => ({ results: photos.map((p, i) => ({ ...summary(p), score: 1 - i / 100 })), total: photos.length, tookMs: 0, model: 'fake', path: 'exact' }),
  };
  for (const name of ['status', 'photo', 'browse', 'search'] as const) {
    api[name] = async (input: never) => {
      calls.push(name);
      const v = handlers[name]!(input) as { error?: { code: string; message: string } };
      return v && 'error' in v && v.error ? { ok: false, error: v.error } : { ok: true, value: v };
    };
  }
  return new Proxy(api, {
    get(target, prop: string) {
      if (prop === 'subscribe') return (l: (e: ApiEvent) => void) => (listeners.add(l), () => listeners.delete(l));
      if (prop === 'emit') return (e: ApiEvent) => listeners.forEach((l) => l(e));
      if (prop === 'calls') return calls;
      return target[prop] ?? (async () => notHere(prop));
    },
  }) as unknown as FakeLibrary;
}
