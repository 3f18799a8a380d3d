import { describe, expect, it } from 'vitest';
import { registerApiHandlers } from './ipc-handlers.js';
import { createFakeLibrary } from '../app/server/testing/fake-library.js';

function fakeIpcMain() {
  const handlers = new Map<string, (event: ElectronShim.IpcMainInvokeEvent, ...args: unknown[]) => unknown>();
  const ipc: ElectronShim.IpcMain = { handle: (c, l) => void handlers.set(c, l), removeHandler: (c) => void handlers.delete(c) };
  const invoke = (channel: string, url: string | null, payload: unknown) =>
    handlers.get(channel)!({ senderFrame: url === null ? null : { url }, sender: {} as ElectronShim.WebContents }, payload);
  return { ipc, handlers, invoke };
}

describe('IPC handlers', () => {
  const api = createFakeLibrary(['/r'], [{ id: 1, path: '/r/a.png' }]);
  it('register one handler per method and remove them again', () => {
    const { ipc, handlers } = fakeIpcMain();
    const off = registerApiHandlers(ipc, api);
    expect(handlers.has('shoebox:search')).toBe(true);
    expect(handlers.has('shoebox:status')).toBe(true);
    off();
    expect(handlers.size).toBe(0);
  });
  it('answer the app frame, validated, and refuse other senders', async () => {
    const { ipc, invoke } = fakeIpcMain();
    registerApiHandlers(ipc, api);
    expect(await invoke('shoebox:photo', 'shoebox://app/index.html', { id: 1 })).toMatchObject({ ok: true, value: { path: '/r/a.png' } });
    expect(await invoke('shoebox:photo', 'shoebox://app/index.html', { id: '1; rm -rf' })).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    const before = api.calls.length;
    expect(await invoke('shoebox:photo', 'https://evil.example/', { id: 1 })).toMatchObject({ ok: false, error: { message: expect.stringContaining('refused') } });
    expect(await invoke('shoebox:photo', null, { id: 1 })).toMatchObject({ ok: false });
    expect(api.calls.length).toBe(before);
  });
});
