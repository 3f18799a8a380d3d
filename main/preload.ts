// The preload (sandboxed, bundled to CommonJS): exposes exactly the ShoeboxBridge on
// window.shoebox and nothing else of Electron or Node.
import type { ShoeboxBridge } from '../app/api/transport/ipc.js';
import { IPC_EVENT_CHANNEL, IPC_PICK_FOLDER, IPC_REVEAL, IPC_PREFIX } from '../app/api/transport/ipc-channels.js';
import type { ApiResult } from '../app/api/contract.js';

// A sandboxed preload can only require(): no ESM import of electron here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { contextBridge, ipcRenderer } = require('electron') as ElectronShim.RendererModule;

const bridge: ShoeboxBridge = {
  kind: 'electron',
  // Only API channels: the page cannot reach any other IPC handler through this.
  invoke: (channel, payload) => (channel.startsWith(IPC_PREFIX) ? ipcRenderer.invoke(channel, payload) : Promise.reject(new Error('unknown channel'))),
  onEvent(listener) {
    const wrapped = (_e: unknown, event: unknown) => listener(event);
    ipcRenderer.on(IPC_EVENT_CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, wrapped);
  },
  pickFolder: () => ipcRenderer.invoke(IPC_PICK_FOLDER) as Promise<string | null>,
  reveal: (photoId) => ipcRenderer.invoke(IPC_REVEAL, photoId) as Promise<ApiResult<{ path: string }>>,
};

contextBridge.exposeInMainWorld('shoebox', bridge);
