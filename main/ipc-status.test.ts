// status() over Electron IPC keeps the model notice: the main-process handler validates the answer
// with the contract's schema, and the renderer side (createIpcApi) validates it again.
import { describe, expect, it } from 'vitest';
import { registerApiHandlers } from './ipc-handlers.js';
import { createFakeLibrary } from '../app/server/testing/fake-library.js';
import { createIpcApi, type ShoeboxBridge } from '../app/api/transport/ipc.js';

describe('status over IPC', () => {
  it('carries modelNotice from the engine to the renderer, and null when there is none', async () => {
    const options: { modelNotice: string | null } = { modelNotice: "the weights of model 'fake' changed since the library was indexed: 2 photos will be re-indexed" };
    const api = createFakeLibrary(['/r'], [{ id: 1, path: '/r/a.png' }], options);
    const handlers = new Map<string, (event: ElectronShim.IpcMainInvokeEvent, payload: unknown) => unknown>();
    registerApiHandlers({ handle: (c, l) => void handlers.set(c, l), removeHandler: (c) => void handlers.delete(c) }, api);
    const bridge: ShoeboxBridge = {
      kind: 'electron',
      invoke: async (channel, payload) => handlers.get(channel)!({ senderFrame: { url: 'shoebox://app/index.html' }, sender: {} as ElectronShim.WebContents }, payload),
      onEvent: () => () => undefined,
      pickFolder: async () => null,
      reveal: async () => ({ ok: false, error: { code: 'unsupported', message: 'not in this test' } }),
    };
    const renderer = createIpcApi(bridge);
    const s = await renderer.status({});
    expect(s.ok && s.value.modelNotice).toBe(options.modelNotice);
    options.modelNotice = null;
    const none = await renderer.status({});
    expect(none.ok && none.value.modelNotice).toBeNull();
  });
});
