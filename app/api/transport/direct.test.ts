import { describe, expect, it } from 'vitest';
import type { ApiEvent, LibraryApi } from '../../api/contract.js';
import { createDirectApi } from './direct.js';
import { createIpcApi, ipcChannel, methodFromChannel, type ShoeboxBridge } from './ipc.js';

// A hand-rolled implementation whose answers we control, including malformed ones.
function impl(answers: Record<string, unknown>, seen: unknown[] = []): LibraryApi {
  let listener: ((e: ApiEvent) => void) | null = null;
  return new Proxy({} as Record<string, unknown>, {
    get(_t, prop: string) {
      if (prop === 'subscribe') return (l: (e: ApiEvent) => void) => ((listener = l), () => (listener = null));
      if (prop === 'fire') return (e: unknown) => listener?.(e as ApiEvent);
      return async (input: unknown) => {
        seen.push(input);
        if (prop === 'search') throw new Error('boom');
        return answers[prop] ?? { ok: false, error: { code: 'not-found', message: 'nothing' } };
      };
    },
  }) as unknown as LibraryApi;
}

describe('direct transport', () => {
  it('applies input defaults and rejects bad input without calling the engine', async () => {
    const seen: unknown[] = [];
    const api = createDirectApi(impl({ tagCounts: { ok: true, value: [] } }, seen));
    expect(await api.tagCounts({})).toEqual({ ok: true, value: [] });
    expect(await api.photo({ id: 0 })).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    expect(await api.photo({ id: 'x' as unknown as number })).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    expect(seen).toEqual([{}]);
  });

  it('turns a malformed or thrown answer into an error value', async () => {
    const api = createDirectApi(impl({ removeRoot: { ok: true, value: { removed: 'many' } } }));
    expect(await api.removeRoot({ id: 1 })).toMatchObject({ ok: false, error: { code: 'internal' } });
    const thrown = await api.search({ terms: [{ kind: 'text', text: 'cat' }] });
    expect(thrown).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringContaining('boom') } });
  });

  it('passes events through the schema', () => {
    const inner = impl({});
    const got: ApiEvent[] = [];
    const off = createDirectApi(inner).subscribe((e) => got.push(e));
    const fire = (inner as unknown as { fire(e: unknown): void }).fire;
    fire({ type: 'library-changed', reason: 'roots' });
    fire({ type: 'nonsense' });
    off();
    expect(got[0]).toEqual({ type: 'library-changed', reason: 'roots' });
    expect(got[1]).toMatchObject({ type: 'error', error: { code: 'internal' } });
  });
});

describe('IPC transport (renderer side)', () => {
  it('maps methods to channels and validates both ways', async () => {
    expect(methodFromChannel(ipcChannel('search'))).toBe('search');
    expect(methodFromChannel('shoebox:constructor')).toBeNull();
    const sent: Array<[string, unknown]> = [];
    const bridge: ShoeboxBridge = {
      kind: 'electron',
      async invoke(channel, payload) {
        sent.push([channel, payload]);
        return { ok: true, value: { removed: 3 } };
      },
      onEvent: () => () => undefined,
      pickFolder: async () => null,
      reveal: async () => ({ ok: true, value: { path: '/x' } }),
    };
    const api = createIpcApi(bridge);
    expect(await api.removeRoot({ id: 4 })).toEqual({ ok: true, value: { removed: 3 } });
    expect(sent).toEqual([['shoebox:removeRoot', { id: 4 }]]);
    expect(await api.removeRoot({ id: 1.5 })).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    expect(await api.status({})).toMatchObject({ ok: false, error: { code: 'internal' } }); // { removed } is not a Status
  });
});
