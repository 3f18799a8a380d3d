// Entry point of the engine's utility process (utilityProcess.fork). Opens the library, then
// answers API calls, thumbnail and model-file requests from main, and forwards engine events.
import { createEngine } from '../app/engine/engine.js';
import { callChecked } from '../app/api/transport/checked-call.js';
import { createThumbnailer } from '../app/thumbnails/thumbnailer.js';
import { thumbnailSourceFromApi } from '../app/thumbnails/api-source.js';
import { readModelFile } from '../app/server/model-files.js';
import { PREVIEW_SIZE, previewCacheDir, thumbnailCacheDir } from '../app/server/web-mode.js';
import type { FromHost, ToHost } from './host-protocol.js';

const port = (process as unknown as { parentPort: ElectronShim.ParentPort }).parentPort;
const send = (m: FromHost) => port.postMessage(m);

async function main(): Promise<void> {
  const libraryDir = process.env.SHOEBOX_LIBRARY_DIR;
  if (!libraryDir) return send({ type: 'ready', error: 'no library folder given' });
  // This file is bundled, so the engine cannot find the bundled model relative to itself: main
  // says where it is. The engine picks the user's active installed model over it, and says why
  // when it cannot (status().modelNotice, shown in the window); a model chosen while the app was
  // closed is re-indexed in the background while search keeps the one that covers the library.
  const bundled = process.env.SHOEBOX_BUNDLED_MODEL_DIR;
  const forced = process.env.SHOEBOX_MODEL_DIR;
  const opened = await createEngine({ libraryDir, ...(forced ? { modelDir: forced } : {}), ...(bundled ? { bundledModelDir: bundled } : {}), switchInBackground: true });
  if (!opened.ok) return send({ type: 'ready', error: opened.error.message });
  const engine = opened.value;
  const source = thumbnailSourceFromApi(engine);
  const thumbs = createThumbnailer({ cacheDir: thumbnailCacheDir(libraryDir), source });
  const previews = createThumbnailer({ cacheDir: previewCacheDir(libraryDir), source, size: PREVIEW_SIZE, concurrency: 1 });
  engine.subscribe((event) => send({ type: 'event', event }));
  const st = await engine.status({});
  if (st.ok && st.value.roots.length > 0) void engine.startWatching();
  // Resume unfinished work, and index a root that was added but never scanned (first run).
  if (st.ok && st.value.roots.length > 0 && (st.value.photos.pending > 0 || st.value.photos.total === 0)) void engine.startIndexing({});

  port.on('message', ({ data }) => {
    const msg = data as ToHost;
    if (msg.type === 'call') {
      void callChecked(engine, msg.method, msg.input).then((result) => send({ type: 'result', id: msg.id, result }));
    } else if (msg.type === 'thumb') {
      void (msg.preview ? previews : thumbs).get(msg.rawId).then((r) => send(r.ok
        ? { type: 'bytes', id: msg.id, bytes: r.value.bytes, contentType: r.value.contentType, status: 200 }
        : { type: 'bytes', id: msg.id, bytes: null, contentType: 'text/plain', status: r.error.code === 'bad-input' ? 400 : 404 }));
    } else if (msg.type === 'model-file') {
      const dir = async (id: string) => (engine.ctx.model.manifest.id === id ? engine.ctx.model.dir : null);
      void readModelFile(dir, msg.model, msg.file).then((bytes) => send({ type: 'bytes', id: msg.id, bytes, contentType: 'application/octet-stream', status: bytes ? 200 : 404 }));
    }
  });
  send({ type: 'ready', error: null });
  process.on('SIGTERM', () => void engine.close().then(() => process.exit(0)));
}

void main();
