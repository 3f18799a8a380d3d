// The text encoder in the page: onnxruntime-web (WASM, one thread) runs the active model's text
// graph, with the same tokenizer and encoder code the engine uses, so typing never waits on the
// engine. Loaded lazily on the first query; if it cannot load, queries go to the engine as text.
import { ModelManifestSchema, type ModelManifest } from '../../../app/embed/common/model-format.js';
import { ClipTokenizer } from '../../../app/embed/common/tokenizer.js';
import { createTextEncoder, type TextEncoder } from '../../../app/embed/common/text-encoder.js';
import type { ModelInfo } from '../../../app/api/contract.js';
import type { ApiResult as Result } from '../../../app/api/contract.js';

export interface BrowserEncoder {
  readonly modelId: string;
  readonly manifest: ModelManifest;
  encode(texts: string[]): Promise<Result<Float32Array[]>>;
}

type Urls = { modelFileUrl(modelId: string, file: string): string; ortBase: string };

async function fetchOk(url: string): Promise<Response> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${res.status} for ${url.split('?')[0]}`);
  return res;
}

export async function loadBrowserEncoder(model: ModelInfo, urls: Urls): Promise<Result<BrowserEncoder>> {
  const fail = (message: string): Result<BrowserEncoder> => ({ ok: false, error: { code: 'runtime', message } });
  try {
    const manifestUrl = model.manifestUrl ?? urls.modelFileUrl(model.id, 'model.json');
    const parsed = ModelManifestSchema.safeParse(await (await fetchOk(manifestUrl)).json());
    if (!parsed.success) return fail(`the model's model.json is not valid`);
    const manifest = parsed.data;
    const [tokJson, graph, ort] = await Promise.all([
      fetchOk(model.tokenizerUrl ?? urls.modelFileUrl(model.id, manifest.tokenizer.file)).then((r) => r.json() as Promise<unknown>),
      fetchOk(model.textEncoderUrl ?? urls.modelFileUrl(model.id, manifest.text.file)).then((r) => r.arrayBuffer()),
      import('onnxruntime-web/wasm'),
    ]);
    const tokenizer = ClipTokenizer.fromJson(tokJson, manifest.tokenizer);
    if (!tokenizer.ok) return tokenizer;
    ort.env.wasm.wasmPaths = urls.ortBase;
    ort.env.wasm.numThreads = 1; // threads need cross-origin isolation; one is plenty for a query
    ort.env.logLevel = 'error';
    const session = await ort.InferenceSession.create(new Uint8Array(graph), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    const encoder: Result<TextEncoder> = createTextEncoder({ runtime: ort, session, manifest, tokenizer: tokenizer.value });
    if (!encoder.ok) return encoder;
    return { ok: true, value: { modelId: manifest.id, manifest, encode: (texts) => encoder.value.encode(texts) } };
  } catch (e) {
    return fail(`the in-page text encoder did not load: ${e instanceof Error ? e.message : String(e)}`);
  }
}
