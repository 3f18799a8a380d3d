import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../node/model-load.js';
import { loadTextModel } from './load-text-model.js';

const BASE = new URL('../node/fixtures/tiny-clip-hf/', import.meta.url);
// fetch over the file system, so the browser loader runs here with onnxruntime-node as its runtime
const fileFetch = (tamper?: (name: string, b: Buffer) => Buffer) => async (url: string) => {
  try {
    const b = await readFile(fileURLToPath(url));
    const bytes = tamper ? tamper(url.split('/').pop()!, b) : b;
    return { ok: true, status: 200, arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer };
  } catch {
    return { ok: false, status: 404, arrayBuffer: async () => new ArrayBuffer(0) };
  }
};

describe('loadTextModel (the renderer’s loader)', () => {
  it('embeds exactly as the Node runtime does', async () => {
    const web = await loadTextModel({ baseUrl: BASE.toString(), runtime: ort, fetch: fileFetch() });
    if (!web.ok) throw new Error(web.error.message);
    const node = await loadModel(fileURLToPath(BASE), { verifyCachePath: null, providers: ['cpu'], threads: 1 });
    if (!node.ok) throw new Error(node.error.message);
    const texts = ['a photo of a red circle', 'the cat sat on the mat'];
    const a = await web.value.text.encode(texts);
    const b = await node.value.text.encode(texts);
    await web.value.close();
    await node.value.close();
    expect(a.ok && a.value.map((v) => Array.from(v))).toEqual(b.ok && b.value.map((v) => Array.from(v)));
  });

  it('refuses a text graph that fails its checksum, and a missing file', async () => {
    const flipped = await loadTextModel({
      baseUrl: BASE.toString(),
      runtime: ort,
      fetch: fileFetch((name, b) => {
        if (name !== 'text.onnx') return b;
        const c = Buffer.from(b);
        c[100]! ^= 1;
        return c;
      }),
    });
    expect(flipped.ok ? null : flipped.error.message).toBe('model file text.onnx fails its checksum');
    const missing = await loadTextModel({ baseUrl: new URL('./nowhere/', BASE).toString(), runtime: ort, fetch: fileFetch() });
    expect(missing.ok ? null : [missing.error.code, missing.error.message]).toEqual(['not-found', 'model.json: HTTP 404']);
  });
});
