import { cp, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, readManifest, type LoadedModel } from './model-load.js';
import { createImageEncoder } from './image-encoder.js';
import * as ort from 'onnxruntime-node';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const VARIANTS = ['tiny-clip', 'tiny-clip-alt', 'tiny-clip-hf'] as const;
const base = { verifyCachePath: null, providers: ['cpu'], threads: 1 };

interface TestVectors {
  text: { ids: number[][]; embeddings: number[][] };
  image: { count: number; embeddings: number[][] };
}

/** The pixels make_tiny_clip.py fed torch: value i of item b is 1.5*sin(0.1*i + b). */
function testPixels(n: number, size: number): Float32Array {
  const per = 3 * size * size;
  const out = new Float32Array(n * per);
  for (let b = 0; b < n; b++) for (let i = 0; i < per; i++) out[b * per + i] = 1.5 * Math.sin(0.1 * i + b);
  return out;
}

const unit = (v: number[]): number[] => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'shoebox-rt-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function copyFixture(variant: string, name = variant): Promise<string> {
  const dir = join(tmp, `${name}-${Math.random().toString(36).slice(2)}`);
  await cp(join(FIXTURES, variant), dir, { recursive: true });
  return dir;
}

async function editManifest(dir: string, edit: (m: Record<string, unknown>) => void): Promise<void> {
  const path = join(dir, 'model.json');
  const m = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  edit(m);
  await writeFile(path, JSON.stringify(m));
}

describe.each(VARIANTS)('loadModel(%s)', (variant) => {
  let model: LoadedModel;
  let vectors: TestVectors;
  beforeAll(async () => {
    const r = await loadModel(join(FIXTURES, variant), base);
    if (!r.ok) throw new Error(r.error.message);
    model = r.value;
    vectors = JSON.parse(await readFile(join(FIXTURES, variant, 'test-vectors.json'), 'utf8')) as TestVectors;
  });
  afterAll(async () => {
    await model?.close();
  });

  it('binds to the graph’s real inputs and outputs', () => {
    const t = model.text.binding;
    const i = model.image.binding;
    if (variant === 'tiny-clip-alt') {
      expect([t.ids.name, t.ids.type, t.output.name, t.normalizedByGraph]).toEqual(['text', 'int32', 'embedding', true]);
      expect([i.input.name, i.output.name, i.normalizedByGraph]).toEqual(['image', 'embedding', true]);
    } else {
      expect([t.ids.name, t.ids.type, t.output.name, t.normalizedByGraph]).toEqual(['input_ids', 'int64', 'text_embeds', false]);
      expect([i.input.name, i.output.name]).toEqual(['pixel_values', 'image_embeds']);
    }
    expect(t.attentionMask?.name ?? null).toBe(variant === 'tiny-clip-hf' ? 'attention_mask' : null);
    expect(model.runtime.provider).toBe('cpu');
    expect(model.verification?.hashed.length).toBe(3);
  });

  it('text embeddings equal torch’s, L2-normalised', async () => {
    const ctx = model.manifest.tokenizer.contextLength;
    const ids = Int32Array.from(vectors.text.ids.flat());
    const r = await model.text.encodeIds(ids, vectors.text.ids.length);
    if (!r.ok) throw new Error(r.error.message);
    expect(ids.length).toBe(vectors.text.ids.length * ctx);
    r.value.forEach((row, k) => {
      expect(maxDiff(row, unit(vectors.text.embeddings[k]!))).toBeLessThan(1e-5);
      expect(Math.hypot(...row)).toBeCloseTo(1, 5);
    });
  });

  it('image embeddings equal torch’s, L2-normalised', async () => {
    const n = vectors.image.count;
    const r = await model.image.encode(testPixels(n, model.manifest.preprocess.size), n);
    if (!r.ok) throw new Error(r.error.message);
    r.value.forEach((row, k) => {
      expect(maxDiff(row, unit(vectors.image.embeddings[k]!))).toBeLessThan(1e-5);
      expect(Math.hypot(...row)).toBeCloseTo(1, 5);
    });
  });

  it('a batch of 5 texts gives the 5 single results', async () => {
    const texts = ['a photo of a red circle', 'a cat', 'the blue square on grass', '', 'a dog and a cat and a yellow star in the sky at night over the sea'];
    const batch = await model.text.encode(texts);
    if (!batch.ok) throw new Error(batch.error.message);
    expect(batch.value).toHaveLength(5);
    for (let k = 0; k < texts.length; k++) {
      const one = await model.text.encode([texts[k]!]);
      if (!one.ok) throw new Error(one.error.message);
      expect(maxDiff(batch.value[k]!, one.value[0]!)).toBeLessThan(1e-6);
    }
    // encode = tokenizer + encodeIds
    const viaIds = await model.text.encodeIds(model.tokenizer.encodeBatch(texts), texts.length);
    expect(viaIds.ok && maxDiff(viaIds.value[2]!, batch.value[2]!)).toBe(0);
    // different texts really differ (the check above is not trivially true)
    expect(maxDiff(batch.value[0]!, batch.value[1]!)).toBeGreaterThan(1e-3);
  });

  it('a batch of 5 images gives the 5 single results, also when split into sub-batches', async () => {
    const size = model.manifest.preprocess.size;
    const per = 3 * size * size;
    const pixels = testPixels(5, size);
    const batch = await model.image.encode(pixels, 5);
    if (!batch.ok) throw new Error(batch.error.message);
    const small = createImageEncoder({ runtime: ort, session: await ort.InferenceSession.create(join(FIXTURES, variant, 'image.onnx')), manifest: model.manifest, maxBatch: 2 });
    if (!small.ok) throw new Error(small.error.message);
    const split = await small.value.encode(pixels, 5);
    if (!split.ok) throw new Error(split.error.message);
    for (let k = 0; k < 5; k++) {
      const one = await model.image.encode(pixels.slice(k * per, (k + 1) * per), 1);
      if (!one.ok) throw new Error(one.error.message);
      expect(maxDiff(batch.value[k]!, one.value[0]!)).toBeLessThan(1e-6);
      expect(maxDiff(split.value[k]!, one.value[0]!)).toBeLessThan(1e-6);
    }
  });

  it('refuses pixel and id arrays of the wrong length', async () => {
    const img = await model.image.encode(new Float32Array(10), 1);
    expect(img.ok ? null : img.error.code).toBe('bad-input');
    const txt = await model.text.encodeIds(new Int32Array(3), 1);
    expect(txt.ok ? null : txt.error.code).toBe('bad-input');
  });
});

describe('loadModel refuses a broken model folder with one line naming the file', () => {
  it('a flipped byte fails the checksum', async () => {
    const dir = await copyFixture('tiny-clip');
    const path = join(dir, 'text.onnx');
    const bytes = await readFile(path);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    await writeFile(path, bytes);
    const r = await loadModel(dir, base);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('model-invalid');
    expect(r.error.message).toMatch(/text\.onnx fails its checksum/);
    expect(r.error.message).not.toMatch(/\n/);
  });

  it('a missing file', async () => {
    const dir = await copyFixture('tiny-clip');
    await rm(join(dir, 'image.onnx'));
    const r = await loadModel(dir, base);
    expect(r.ok ? null : [r.error.code, r.error.message]).toEqual(['model-invalid', 'model file image.onnx is missing']);
  });

  it('a truncated file (size differs)', async () => {
    const dir = await copyFixture('tiny-clip');
    const path = join(dir, 'tokenizer.json');
    await writeFile(path, (await readFile(path)).subarray(0, 100));
    const r = await loadModel(dir, base);
    expect(r.ok ? null : r.error.message).toMatch(/tokenizer\.json has 100 bytes, model\.json says \d+/);
  });

  it('no model.json, invalid JSON, and a schema violation', async () => {
    const empty = join(tmp, 'empty');
    await cp(join(FIXTURES, 'tiny-clip', 'image.onnx'), join(empty, 'image.onnx'), { recursive: true });
    const none = await loadModel(empty, base);
    expect(none.ok ? null : none.error.message).toBe(`no model.json in ${empty}`);

    const dir = await copyFixture('tiny-clip');
    await writeFile(join(dir, 'model.json'), '{"schema": 1,');
    const bad = await loadModel(dir, base);
    expect(bad.ok ? null : [bad.error.code, bad.error.message.startsWith('model.json is not valid JSON')]).toEqual(['model-invalid', true]);

    const dir2 = await copyFixture('tiny-clip');
    await editManifest(dir2, (m) => {
      m.embeddingSize = -3;
    });
    const schema = await loadModel(dir2, base);
    expect(schema.ok ? null : [schema.error.code, schema.error.message]).toEqual(['model-invalid', expect.stringMatching(/^model\.json: embeddingSize: /)]);

    const dir3 = await copyFixture('tiny-clip');
    await editManifest(dir3, (m) => {
      (m.files as unknown[]).splice(1, 1);
    });
    const unlisted = await readManifest(dir3);
    expect(unlisted.ok ? null : unlisted.error.message).toBe("model.json: text.file 'text.onnx' is not listed in files (every file needs a checksum)");
  });

  it('a manifest that does not match the graph', async () => {
    const dir = await copyFixture('tiny-clip');
    await editManifest(dir, (m) => {
      (m.image as { input: { name: string } }).input.name = 'image';
    });
    const r = await loadModel(dir, base);
    expect(r.ok ? null : r.error.message).toBe("image encoder (image.onnx): model.json names input 'image' but the graph's inputs are 'pixel_values'");

    const dir2 = await copyFixture('tiny-clip');
    await editManifest(dir2, (m) => {
      m.embeddingSize = 32;
    });
    const r2 = await loadModel(dir2, base);
    expect(r2.ok ? null : r2.error.message).toMatch(/embedding size of '(image|text)_embeds' is 16 in the graph but model\.json says 32/);

    const dir3 = await copyFixture('tiny-clip');
    await editManifest(dir3, (m) => {
      (m.text as Record<string, unknown>).attentionMask = { name: 'attention_mask', type: 'int64' };
    });
    const r3 = await loadModel(dir3, base);
    expect(r3.ok ? null : r3.error.message).toBe("text encoder (text.onnx): model.json declares attention mask 'attention_mask' but the graph has no such input");

    const dir4 = await copyFixture('tiny-clip-hf');
    await editManifest(dir4, (m) => {
      (m.tokenizer as { contextLength: number }).contextLength = 20;
    });
    const r4 = await loadModel(dir4, { ...base, verify: false });
    expect(r4.ok ? null : r4.error.message).toBe("text encoder (text.onnx): context length of 'input_ids' is 16 in the graph but model.json says 20");
  });

  it('an HF-style graph gets an attention mask even when model.json does not declare it', async () => {
    const dir = await copyFixture('tiny-clip-hf');
    await editManifest(dir, (m) => {
      delete (m.text as Record<string, unknown>).attentionMask;
    });
    const r = await loadModel(dir, { ...base, verify: false });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.text.binding.attentionMask?.name).toBe('attention_mask');
    await r.value.close();
  });
});

describe('checksum cache', () => {
  it('re-hashes only files whose size or mtime changed', async () => {
    const dir = await copyFixture('tiny-clip');
    const cachePath = join(tmp, `cache-${Math.random()}.json`);
    const first = await loadModel(dir, { ...base, verifyCachePath: cachePath });
    if (!first.ok) throw new Error(first.error.message);
    await first.value.close();
    expect(first.value.verification).toEqual({ hashed: ['image.onnx', 'text.onnx', 'tokenizer.json'], cached: [], cacheError: null });

    const second = await loadModel(dir, { ...base, verifyCachePath: cachePath });
    if (!second.ok) throw new Error(second.error.message);
    await second.value.close();
    expect(second.value.verification).toEqual({ hashed: [], cached: ['image.onnx', 'text.onnx', 'tokenizer.json'], cacheError: null });

    // Same size, new mtime, damaged content: the cache must not vouch for it.
    const path = join(dir, 'image.onnx');
    const bytes = await readFile(path);
    bytes[bytes.length - 5]! ^= 0x01;
    await writeFile(path, bytes);
    await utimes(path, new Date(), new Date(Date.now() + 5000));
    const third = await loadModel(dir, { ...base, verifyCachePath: cachePath });
    expect(third.ok ? null : third.error.message).toMatch(/image\.onnx fails its checksum/);
  });
});
