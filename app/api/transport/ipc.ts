// Electron IPC transport: the shapes both sides agree on. The preload exposes a `ShoeboxBridge`
// on `window.shoebox`; main registers one `ipcMain.handle` per method on `ipcChannel(method)`,
// checks the sender frame and validates the payload (main/ipc-handlers.ts). Browser-safe.
import type { ApiEvent, ApiResult, LibraryApi, MethodName } from '../../api/contract.js';
import { badInput, checkEvent, checkResult, describeIssues, methodNames } from './checked-call.js';
import { methods } from '../../api/contract.js';

import { IPC_PREFIX } from './ipc-channels.js';
export { IPC_EVENT_CHANNEL, IPC_PICK_FOLDER, IPC_PREFIX, IPC_REVEAL } from './ipc-channels.js';

export const ipcChannel = (method: MethodName): string => `${IPC_PREFIX}${method}`;

export function methodFromChannel(channel: string): MethodName | null {
  if (!channel.startsWith(IPC_PREFIX)) return null;
  const name = channel.slice(IPC_PREFIX.length);
  return (methodNames as string[]).includes(name) ? (name as MethodName) : null;
}

/** What the preload exposes to the page; nothing else from Node or Electron reaches it. */
export interface ShoeboxBridge {
  readonly kind: 'electron';
  invoke(channel: string, payload: unknown): Promise<unknown>;
  onEvent(listener: (event: unknown) => void): () => void;
  /** Native folder picker; null when cancelled. */
  pickFolder(): Promise<string | null>;
  /** Opens the OS file manager at a photo. */
  reveal(photoId: number): Promise<ApiResult<{ path: string }>>;
}

export function createIpcApi(bridge: ShoeboxBridge): LibraryApi {
  const api: Partial<Record<MethodName, (input: unknown) => Promise<unknown>>> = {};
  for (const m of methodNames) {
    api[m] = async (input: unknown) => {
      const parsed = methods[m].input.safeParse(input ?? {});
      if (!parsed.success) return { ok: false, error: badInput(m, describeIssues(parsed.error)) };
      try {
        return checkResult(m, await bridge.invoke(ipcChannel(m), parsed.data));
      } catch (e) {
        return { ok: false, error: { code: 'internal', message: `${m}: ${e instanceof Error ? e.message : String(e)}` } };
      }
    };
  }
  return {
    ...(api as Omit<LibraryApi, 'subscribe'>),
    subscribe(listener: (event: ApiEvent) => void) {
      return bridge.onEvent((raw) => listener(checkEvent(raw)));
    },
  } as LibraryApi;
}
