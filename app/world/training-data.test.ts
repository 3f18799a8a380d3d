import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTokenizer } from '../embed/node/load-tokenizer.js';
import { HELDOUT_COMBOS } from './vocabulary.js';
import { writeTrainingData } from './training-data.js';

// A real CLIP tokenizer.json (reference data outside the repo) stands in for the demo model's own.
const TOKENIZER = '../shared/reference/clip-tokenizer/tokenizer.json';
const dirs: string[] = [];
const tempDir = async (): Promise<string> => {
  const d = await mkdtemp(join(tmpdir(), 'shoebox-td-'));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});
// meta.jsonl, one parsed line per image (untyped: the test checks the format itself)
const readMeta = async (dir: string): Promise<ReturnType<typeof JSON.parse>[]> => (await readFile(join(dir, 'meta.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
/** For each group of a twin's scene, whether its shape differs from the same group in the base scene. */
const changedShapes = (twin: { scene: { groups: { shape: string }[] } }, base: { scene: { groups: { shape: string }[] } }): boolean[] =>
  twin.scene.groups.map((g, n) => g.shape !== base.scene.groups[n]!.shape);

describe('training data', () => {
  it('writes files of exactly the agreed sizes, deterministically', async () => {
    const [a, b] = [await tempDir(), await tempDir()];
    const opts = { count: 10, seed: 4, tokenizerPath: TOKENIZER, captions: 3, split: 'train' as const, concurrency: 2 };
    const ra = await writeTrainingData(a, opts);
    const rb = await writeTrainingData(b, opts);
    expect(ra.ok && rb.ok).toBe(true);
    expect((await stat(join(a, 'images.u8'))).size).toBe(10 * 3 * 64 * 64);
    expect((await stat(join(a, 'tokens.i32'))).size).toBe(10 * 3 * 32 * 4);
    for (const f of ['images.u8', 'tokens.i32', 'meta.jsonl', 'info.json']) expect(Buffer.compare(await readFile(join(a, f)), await readFile(join(b, f))), f).toBe(0);

    const info = JSON.parse(await readFile(join(a, 'info.json'), 'utf8'));
    expect(info).toMatchObject({ count: 10, size: 64, captions: 3, context: 32, seed: 4, split: 'train' });
    expect(info.mean).toHaveLength(3);
    expect(info.std).toHaveLength(3);

    const meta = await readMeta(a);
    expect(meta).toHaveLength(10);
    for (const m of meta) {
      expect(m.captions).toHaveLength(3);
      expect(m.kinds).toHaveLength(3);
      expect(m.kinds[0]).toBe('full');
      expect(m.heldout).toBe(false);
      for (const g of m.scene.groups) expect(HELDOUT_COMBOS.some(([c, s]) => c === g.colour && s === g.shape)).toBe(false);
      expect(m.scene.groups.some((g: { colour: string; shape: string }) => g.colour === m.largest.colour && g.shape === m.largest.shape)).toBe(true);
    }

    // Row i×K+j of tokens.i32 is caption j of image i, tokenized by the app's tokenizer.
    const tok = await loadTokenizer(TOKENIZER, { file: 'tokenizer.json', contextLength: 32, padId: 0, cleaning: 'clip', truncation: 'clip' });
    if (!tok.ok) throw new Error(tok.error.message);
    const buf = await readFile(join(a, 'tokens.i32'));
    const ids = new Int32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    expect([...ids.subarray((7 * 3 + 2) * 32, (7 * 3 + 3) * 32)]).toEqual([...tok.value.encode(meta[7].captions[2])]);

    // Images are real pictures, not blanks: pixels vary within each image and differ between images.
    const img = await readFile(join(a, 'images.u8'));
    const plane = 3 * 64 * 64;
    for (let i = 0; i < 10; i++) {
      const px = img.subarray(i * plane, (i + 1) * plane);
      expect(Math.max(...px) - Math.min(...px)).toBeGreaterThan(60);
    }
    expect(Buffer.compare(img.subarray(0, plane), img.subarray(plane, 2 * plane))).not.toBe(0);
  });

  it('heldout split: every image contains a held-out combination', async () => {
    const d = await tempDir();
    const r = await writeTrainingData(d, { count: 5, seed: 8, tokenizerPath: TOKENIZER, captions: 1, split: 'heldout' });
    expect(r.ok).toBe(true);
    const meta = await readMeta(d);
    for (const m of meta) expect(m.heldout).toBe(true);
  });

  it('twins: a scene followed by itself with the largest group\'s shape changed, and nothing else', async () => {
    const d = await tempDir();
    const r = await writeTrainingData(d, { count: 40, seed: 3, tokenizerPath: TOKENIZER, captions: 4, partial: 0.4, split: 'train', twins: 0.5 });
    if (!r.ok) throw new Error(r.error.message);
    const meta = await readMeta(d);
    const twins = meta.map((m, i) => [m, i] as const).filter(([m]) => m.twinOf !== undefined);
    expect(r.value).toMatchObject({ scenes: 40, count: 40 + twins.length, twins: 0.5 });
    expect(meta).toHaveLength(r.value.count);
    expect(twins.length).toBeGreaterThan(10);
    expect(twins.length).toBeLessThan(30);
    const plane = 3 * 64 * 64;
    const img = await readFile(join(d, 'images.u8'));
    for (const [t, i] of twins) {
      const b = meta[t.twinOf];
      expect(t.twinOf).toBe(i - 1);
      expect(t.index).toBe(b.index);
      expect(t.heldout).toBe(false); // the train split stays free of held-out combinations
      // exactly one group's shape differs, the largest's (groups[0]); everything else is the same scene
      type G = { shape: string };
      const which = changedShapes(t, b);
      expect(which.filter(Boolean)).toHaveLength(1);
      expect(t.scene.groups.map((g: G) => ({ ...g, shape: '?' }))).toEqual(b.scene.groups.map((g: G) => ({ ...g, shape: '?' })));
      expect(which[0]).toBe(true);
      expect(t.largest.colour).toBe(b.largest.colour);
      expect(t.largest.shape).not.toBe(b.largest.shape);
      expect(t.scene.background).toBe(b.scene.background);
      expect(t.render).toEqual(b.render);
      // captions: the same templates, so each differs at most where it names the changed shape
      const diff = t.captions.filter((c: string, k: number) => c !== b.captions[k]);
      expect(diff.length).toBeGreaterThan(0);
      expect(t.captions[0]).not.toBe(b.captions[0]);
      // the renders differ (the shape), but not everywhere (same background, same other objects)
      const [x, y] = [img.subarray((i - 1) * plane, i * plane), img.subarray(i * plane, (i + 1) * plane)];
      let changed = 0;
      for (let p = 0; p < plane; p++) if (Math.abs(x[p]! - y[p]!) > 24) changed++;
      expect(changed).toBeGreaterThan(plane * 0.002);
      expect(changed).toBeLessThan(plane * 0.25);
    }
  });

  it('small twins: the changed shape is a smaller group\'s where the scene has one, named by the full captions only', async () => {
    const d = await tempDir();
    const r = await writeTrainingData(d, { count: 30, seed: 5, tokenizerPath: TOKENIZER, captions: 4, partial: 0.4, split: 'train', twins: 1, smallTwins: 1 });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.smallTwins).toBe(1);
    const meta = await readMeta(d);
    const twins = meta.filter((m) => m.twinOf !== undefined);
    expect(twins.length).toBeGreaterThan(20);
    let small = 0;
    for (const t of twins) {
      const b = meta[t.twinOf];
      const changed = changedShapes(t, b);
      expect(changed.filter(Boolean)).toHaveLength(1);
      if (b.scene.groups.length === 1) {
        expect(changed[0]).toBe(true);
        continue;
      }
      small++;
      // never the largest group: its shape, and the short captions naming it, stay the same
      expect(t.largest).toEqual(b.largest);
      expect(b.scene.groups[changed.indexOf(true)].size).toBe('small');
      for (let k = 0; k < 4; k++) if (b.kinds[k] !== 'full') expect(t.captions[k]).toBe(b.captions[k]);
      expect(t.captions[0]).not.toBe(b.captions[0]);
    }
    expect(small).toBeGreaterThan(10);
  });

  it('reports a missing tokenizer as an error value', async () => {
    const r = await writeTrainingData(await tempDir(), { count: 2, seed: 1, tokenizerPath: '/nonexistent/tokenizer.json' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('not-found');
  });
});
