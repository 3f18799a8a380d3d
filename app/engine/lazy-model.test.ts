// The lazily opened model against role rt's loadModel on the tiny fixture: nothing loads at open,
// each side loads by itself on first use and encodes exactly as loadModel's encoders do, and a
// damaged file is reported when its side is first needed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../embed/node/model-load.js';
import { NOT_LOADED, openLazyModel, readManifestOnly } from './lazy-model.js';

const TINY = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../embed/node/fixtures/tiny-clip');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-lazy-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const env = { ...process.env, SHOEBOX_PROVIDERS: 'cpu', SHOEBOX_CACHE_DIR: tmp };

describe('openLazyModel', () => {
  it('opens from model.json alone and encodes like loadModel once used', async () => {
    const lazy = await openLazyModel(TINY, { threads: 1, env });
    if (!lazy.ok) throw new Error(lazy.error.message);
    const m = lazy.value;
    expect(m.loaded).toBe(false);
    expect(m.runtime).toEqual({ provider: NOT_LOADED, requestedProviders: ['cpu'], fallbackReason: null, intraOpThreads: 1 });
    const ref = await loadModel(TINY, { threads: 1, providers: ['cpu'], verifyCachePath: null });
    if (!ref.ok) throw new Error(ref.error.message);
    try {
      const s = ref.value.manifest.preprocess.size;
      const px = Float32Array.from({ length: 2 * 3 * s * s }, (_, i) => Math.sin(i * 0.37));
      const [a, b] = await Promise.all([m.image.encode(px, 2), ref.value.image.encode(px, 2)]);
      expect(a.ok && b.ok).toBe(true);
      if (a.ok && b.ok) expect(a.value).toEqual(b.value);
      expect(m.loaded).toBe(true);
      expect(m.runtime.provider).toBe('cpu');
      const [ta, tb] = await Promise.all([m.text.encode(['a red circle', 'two stars']), ref.value.text.encode(['a red circle', 'two stars'])]);
      expect(ta.ok && tb.ok).toBe(true);
      if (ta.ok && tb.ok) expect(ta.value).toEqual(tb.value);
    } finally {
      await ref.value.close();
      await m.close();
    }
  });

  it('reports a damaged encoder file when that side is first needed, and a bad manifest at open', async () => {
    const dir = path.join(tmp, 'damaged');
    fs.cpSync(TINY, dir, { recursive: true });
    const onnx = path.join(dir, 'image.onnx');
    const bytes = fs.readFileSync(onnx);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
    fs.writeFileSync(onnx, bytes);
    const lazy = await openLazyModel(dir, { threads: 1, env });
    if (!lazy.ok) throw new Error(lazy.error.message);
    const r = await lazy.value.ready!();
    expect(r.ok ? null : r.error.code).toBe('model-invalid');
    expect(r.ok ? '' : r.error.message).toMatch(/image\.onnx/);
    // The text side is intact and still works.
    const t = await lazy.value.text.encode(['a star']);
    expect(t.ok).toBe(true);
    await lazy.value.close();

    fs.writeFileSync(path.join(dir, 'model.json'), '{"schema": 1}');
    const bad = await readManifestOnly(dir);
    expect(bad.ok ? null : bad.error.code).toBe('model-invalid');
    const none = await openLazyModel(path.join(tmp, 'nowhere'));
    expect(none.ok ? '' : none.error.message).toMatch(/no model\.json/);
  });
});
