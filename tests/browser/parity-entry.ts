// Browser side of the text-encoder parity test: the renderer's own loader (app/embed/common) over
// onnxruntime-web (WASM, one thread). Bundled by esbuild in the test; onnxruntime-web itself is
// served from node_modules and mapped in by an import map, as the renderer's build would ship it.
import * as ort from 'onnxruntime-web';
import { loadTextModel } from '../../app/embed/common/load-text-model.js';

ort.env.wasm.numThreads = 1;

export interface ParityResult {
  ids: number[][];
  vectors: number[][];
  error: string | null;
}

async function embedTexts(baseUrl: string, texts: string[]): Promise<ParityResult> {
  const model = await loadTextModel({ baseUrl, runtime: ort, executionProviders: ['wasm'] });
  if (!model.ok) return { ids: [], vectors: [], error: model.error.message };
  try {
    const ctx = model.value.tokenizer.contextLength;
    const ids = model.value.tokenizer.encodeBatch(texts);
    const v = await model.value.text.encode(texts);
    if (!v.ok) return { ids: [], vectors: [], error: v.error.message };
    return {
      ids: texts.map((_, k) => Array.from(ids.subarray(k * ctx, (k + 1) * ctx))),
      vectors: v.value.map((row) => Array.from(row)),
      error: null,
    };
  } finally {
    await model.value.close();
  }
}

(globalThis as unknown as { embedTexts: typeof embedTexts }).embedTexts = embedTexts;
