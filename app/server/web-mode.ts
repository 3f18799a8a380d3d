// Web mode = an open engine + the thumbnailer + the HTTP server, wired together. Used by
// `shoebox serve`, by `npm start` when Electron is absent, and by the end-to-end tests.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LibraryApi } from '../api/contract.js';
import type { Result } from '../shared/result.js';
import { createThumbnailer } from '../thumbnails/thumbnailer.js';
import { thumbnailSourceFromApi } from '../thumbnails/api-source.js';
import { startServer, type RunningServer } from './server.js';

/** What web mode needs of the engine: the API, where the library lives, the active model's folder. */
export interface WebModeEngine extends LibraryApi {
  readonly ctx: { readonly libraryDir: string; readonly model: { readonly dir: string; readonly manifest: { readonly id: string } } };
}

export interface WebModeOptions {
  engine: WebModeEngine;
  host?: string;
  port?: number;
  token?: string;
  /** Default: the repository's renderer/dist when it has been built. */
  staticDir?: string | null;
}

export const defaultRendererDist = (): string => fileURLToPath(new URL('../../renderer/dist/', import.meta.url));

export function thumbnailCacheDir(libraryDir: string): string {
  return join(libraryDir, 'thumbnails');
}

/** Viewer-size renditions: big enough for a window, far smaller than a camera original. */
export const PREVIEW_SIZE = 1600;
export function previewCacheDir(libraryDir: string): string {
  return join(libraryDir, 'previews');
}

export async function startWebMode(opts: WebModeOptions): Promise<Result<RunningServer>> {
  const { engine } = opts;
  const source = thumbnailSourceFromApi(engine);
  const thumbnails = createThumbnailer({ cacheDir: thumbnailCacheDir(engine.ctx.libraryDir), source });
  const previews = createThumbnailer({ cacheDir: previewCacheDir(engine.ctx.libraryDir), source, size: PREVIEW_SIZE, concurrency: 1 });
  const dist = opts.staticDir === undefined ? defaultRendererDist() : opts.staticDir;
  const started = await startServer({
    api: engine,
    host: opts.host,
    port: opts.port,
    token: opts.token,
    staticDir: dist && existsSync(join(dist, 'index.html')) ? dist : null,
    thumbnails,
    previews,
    // The active model can change (useModel): look it up on each request.
    modelDir: async (id) => (engine.ctx.model.manifest.id === id ? engine.ctx.model.dir : null),
  });
  if (!started.ok) {
    source.dispose();
    return started;
  }
  const server = started.value;
  return {
    ok: true,
    value: {
      ...server,
      close: async () => {
        source.dispose();
        await server.close();
      },
    },
  };
}
