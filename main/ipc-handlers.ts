// One ipcMain.handle per LibraryApi method: the sender frame must be the app, the payload is
// validated by the contract before the engine sees it, the answer on its way back.
import type { LibraryApi } from '../app/api/contract.js';
import { callChecked, methodNames } from '../app/api/transport/checked-call.js';
import { ipcChannel } from '../app/api/transport/ipc.js';
import { isTrustedSender } from './security.js';

export const FORBIDDEN = { ok: false, error: { code: 'bad-input', message: 'request refused: it did not come from the Shoebox window' } } as const;

export function registerApiHandlers(ipcMain: ElectronShim.IpcMain, api: LibraryApi): () => void {
  for (const method of methodNames) {
    ipcMain.handle(ipcChannel(method), (event, payload) => (isTrustedSender(event.senderFrame) ? callChecked(api, method, payload) : FORBIDDEN));
  }
  return () => methodNames.forEach((m) => ipcMain.removeHandler(ipcChannel(m)));
}

/** Wraps a shell handler (folder picker, reveal) with the same sender check. */
export function trusted<T>(handler: (event: ElectronShim.IpcMainInvokeEvent, payload: unknown) => Promise<T>) {
  return (event: ElectronShim.IpcMainInvokeEvent, payload: unknown): Promise<T | typeof FORBIDDEN> =>
    isTrustedSender(event.senderFrame) ? handler(event, payload) : Promise.resolve(FORBIDDEN);
}
