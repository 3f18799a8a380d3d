// The text encoder in the page: onnxruntime-web (WASM, one thread) runs the active model's text
// graph through role rt's loader (same tokenizer and encoder code as the engine, files checked
// against the manifest's SHA-256), so typing never waits on the engine. Loaded lazily; if it
// cannot load, queries go to the engine as text and the settings panel says why.
import type { ModelManifest } from '../../../app/embed/common/model-format.js';
import { loadTextModel, type OrtWithSessionsLike } from '../../../app/embed/common/load-text-model.js';
import type { ApiResult as Result, ModelInfo } from '../../../app/api/contract.js';

export interface BrowserEncoder {
  readonly modelId: string;
  readonly manifest: ModelManifest;
  encode(texts: string[]): Promise<Result<Float32Array[]>>;
}

type Urls = { modelFileUrl(modelId: string, file: string): string };

export async function loadBrowserEncoder(model: ModelInfo, urls: Urls): Promise<Result<BrowserEncoder>> {
  const fail = (message: string): Result<BrowserEncoder> => ({ ok: false, error: { code: 'runtime', message } });
  try {
    const ort = await import('onnxruntime-web/wasm');
    ort.env.wasm.numThreads = 1; // threads need cross-origin isolation; one is plenty for a query
    ort.env.logLevel = 'error';
    // The model folder's URL; a token (non-loopback web mode) rides on each file's query string.
    const base = new URL(urls.modelFileUrl(model.id, 'model.json'), location.href);
    const query = base.search;
    base.search = '';
    base.pathname = base.pathname.replace(/model\.json$/, '');
    const loaded = await loadTextModel({
      baseUrl: base.toString(),
      runtime: ort as unknown as OrtWithSessionsLike,
      executionProviders: ['wasm'],
      fetch: (url) => fetch(`${url}${query}`),
    });
    if (!loaded.ok) return fail(`the in-window text encoder did not load: ${loaded.error.message}`);
    const { manifest, text } = loaded.value;
    return { ok: true, value: { modelId: manifest.id, manifest, encode: (texts) => text.encode(texts) } };
  } catch (e) {
    return fail(`the in-window text encoder did not load: ${e instanceof Error ? e.message : String(e)}`);
  }
}
