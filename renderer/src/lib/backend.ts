// How the page reaches the engine: through the Electron preload's bridge when there is one,
// else over HTTP to the server that served the page. Also where thumbnails, model files and
// the WASM runtime come from in each case.
import type { LibraryApi } from '../../../app/api/contract.js';
import { createHttpApi, withToken } from '../../../app/api/transport/http-client.js';
import { createIpcApi, type ShoeboxBridge } from '../../../app/api/transport/ipc.js';

export interface Backend {
  readonly kind: 'electron' | 'web';
  readonly api: LibraryApi;
  thumbUrl(id: number): string;
  /** The viewer's larger rendition. */
  previewUrl(id: number): string;
  modelFileUrl(modelId: string, file: string): string;
  /** Native folder picker (Electron only). */
  pickFolder: (() => Promise<string | null>) | null;
  /** Opens the OS file manager at a photo (Electron only; the web page shows the path instead). */
  reveal: ((id: number) => Promise<string | null>) | null;
}

declare global {
  interface Window {
    shoebox?: ShoeboxBridge;
  }
}

const TOKEN_KEY = 'shoebox-token';

/** The token from `?token=` (then dropped from the address bar) or from this tab's storage. */
function takeToken(): string | undefined {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(null, '', url.toString());
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function createBackend(): Backend {
  const bridge = window.shoebox;
  if (bridge && bridge.kind === 'electron') {
    return {
      kind: 'electron',
      api: createIpcApi(bridge),
      thumbUrl: (id) => `shoebox-thumb://photo/${id}`,
      previewUrl: (id) => `shoebox-thumb://preview/${id}`,
      modelFileUrl: (m, f) => `shoebox-thumb://model/${encodeURIComponent(m)}/${encodeURIComponent(f)}`,
      pickFolder: () => bridge.pickFolder(),
      reveal: async (id) => {
        const r = await bridge.reveal(id);
        return r.ok ? r.value.path : null;
      },
    };
  }
  const token = takeToken();
  // Resolved against the page so the app also works under a path prefix.
  const base = new URL('.', location.href).toString().replace(/\/$/, '');
  return {
    kind: 'web',
    api: createHttpApi({ baseUrl: base, token }),
    thumbUrl: (id) => withToken(`${base}/thumb/${id}`, token),
    previewUrl: (id) => withToken(`${base}/preview/${id}`, token),
    modelFileUrl: (m, f) => withToken(`${base}/model/${encodeURIComponent(m)}/${encodeURIComponent(f)}`, token),
    pickFolder: null,
    reveal: null,
  };
}
