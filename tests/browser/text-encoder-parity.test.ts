// Cross-runtime parity: the same texts embedded by the renderer's loader over onnxruntime-web
// (WASM, in Debian's Chromium) and by the engine's runtime over onnxruntime-node must agree to
// 1e-4, and the browser tokenizer must give the same ids. Runs every tiny fixture I/O style, and
// the bundled demo model once it is in models/demo/.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledModelDir, loadModel } from '../../app/embed/node/model-load.js';
import type { ParityResult } from './parity-entry.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ORT_DIST = join(ROOT, 'node_modules/onnxruntime-web/dist');
const FIXTURES = join(ROOT, 'app/embed/node/fixtures');
const MODELS: Record<string, string> = {
  'tiny-clip': join(FIXTURES, 'tiny-clip'),
  'tiny-clip-alt': join(FIXTURES, 'tiny-clip-alt'),
  'tiny-clip-hf': join(FIXTURES, 'tiny-clip-hf'),
};
if (existsSync(join(bundledModelDir(), 'model.json'))) MODELS.demo = bundledModelDir();

const TEXTS = [
  'a photo of a red circle',
  'The  Cat sat on the MAT!',
  'café 日本 🐱 — “quoted” &amp; spaced',
  '',
  'a very long caption about a blue square on green grass under a yellow star in the sky at night over the sea, far away',
];

const TYPES: Record<string, string> = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.html': 'text/html' };

let server: Server;
let browser: Browser;
let page: Page;
let origin: string;

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./parity-entry.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: ['onnxruntime-web'],
    write: false,
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0]!.contents;
  const html = `<!doctype html><meta charset="utf-8"><script type="importmap">{"imports":{"onnxruntime-web":"/ort/ort.wasm.min.mjs"}}</script><script type="module" src="/bundle.js"></script>`;

  server = createServer((req, res) => {
    void (async () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      let file: string | null = null;
      let body: Uint8Array | string | null = null;
      if (path === '/' || path === '/index.html') body = html;
      else if (path === '/bundle.js') body = js;
      else if (path.startsWith('/ort/')) file = join(ORT_DIST, basename(path));
      else {
        const m = /^\/models\/([^/]+)\/([^/]+)$/.exec(path);
        if (m && MODELS[m[1]!]) file = join(MODELS[m[1]!]!, basename(m[2]!));
      }
      try {
        if (file) body = await readFile(file);
      } catch {
        body = null;
      }
      if (body === null) {
        res.writeHead(404).end();
        return;
      }
      const ext = path === '/' ? '.html' : extname(path);
      res.writeHead(200, { 'content-type': TYPES[ext] ?? 'application/octet-stream' }).end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${origin}/index.html`);
  await page.waitForFunction(() => typeof (globalThis as { embedTexts?: unknown }).embedTexts === 'function', undefined, { timeout: 60_000 }).catch(() => {
    throw new Error(`the parity page did not start: ${errors.join('; ') || 'no error reported'}`);
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe.each(Object.keys(MODELS))('text encoder parity, onnxruntime-web in Chromium vs onnxruntime-node (%s)', (name) => {
  it('same ids, vectors within 1e-4', async () => {
    const web = await page.evaluate(
      ([base, texts]) => (globalThis as unknown as { embedTexts(b: string, t: string[]): Promise<ParityResult> }).embedTexts(base, texts),
      [`${origin}/models/${name}/`, TEXTS] as const,
    );
    expect(web.error).toBeNull();

    const node = await loadModel(MODELS[name]!, { providers: ['cpu'], threads: 1, verifyCachePath: null });
    if (!node.ok) throw new Error(node.error.message);
    const ctx = node.value.tokenizer.contextLength;
    const ids = node.value.tokenizer.encodeBatch(TEXTS);
    const vecs = await node.value.text.encode(TEXTS);
    await node.value.close();
    if (!vecs.ok) throw new Error(vecs.error.message);

    expect(web.ids).toEqual(TEXTS.map((_, k) => Array.from(ids.subarray(k * ctx, (k + 1) * ctx))));
    expect(web.vectors).toHaveLength(TEXTS.length);
    let maxDiff = 0;
    web.vectors.forEach((row, k) => {
      const ref = vecs.value[k]!;
      expect(row).toHaveLength(ref.length);
      row.forEach((x, i) => (maxDiff = Math.max(maxDiff, Math.abs(x - ref[i]!))));
    });
    expect(maxDiff).toBeLessThanOrEqual(1e-4);
    // the texts give different vectors, so agreement is not trivial
    expect(Math.max(...web.vectors[0]!.map((x, i) => Math.abs(x - web.vectors[1]![i]!)))).toBeGreaterThan(1e-3);
    console.log(`parity ${name}: max |diff| = ${maxDiff.toExponential(2)} over ${TEXTS.length} texts`);
  });
});
