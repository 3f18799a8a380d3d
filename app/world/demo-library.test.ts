import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { writeDemoLibrary, type DemoPhoto } from './demo-library.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});
const tempDir = async (): Promise<string> => {
  const d = await mkdtemp(join(tmpdir(), 'shoebox-demo-'));
  dirs.push(d);
  return d;
};

describe('demo library', () => {
  it('writes photos in sub-folders with captions.jsonl, EXIF and orientation, deterministically', async () => {
    const [a, b] = [await tempDir(), await tempDir()];
    const opts = { count: 40, seed: 12, size: { width: 96, height: 72 } };
    const ra = await writeDemoLibrary(a, opts);
    const rb = await writeDemoLibrary(b, opts);
    if (!ra.ok || !rb.ok) throw new Error('demo library failed');
    const lines: DemoPhoto[] = (await readFile(join(a, 'captions.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(40);
    expect(lines).toEqual(ra.value.photos);
    expect(new Set(lines.map((p) => p.file)).size).toBe(40);
    expect(new Set(lines.map((p) => p.file.split('/')[0])).size).toBeGreaterThan(2);
    expect(new Set(lines.map((p) => p.format))).toEqual(new Set(['jpeg', 'png', 'webp']));
    expect(lines.some((p) => p.orientation !== 1)).toBe(true);

    for (const p of lines) {
      const bytes = await readFile(join(a, p.file));
      expect(Buffer.compare(bytes, await readFile(join(b, p.file))), p.file).toBe(0);
      expect(p.caption.length).toBeGreaterThan(10);
      expect(p.scene.groups.length).toBeGreaterThan(0);
      const meta = await sharp(bytes).metadata();
      expect(meta.format).toBe(p.format);
      const displayed = meta.autoOrient ?? meta;
      expect([displayed.width, displayed.height]).toEqual([96, 72]);
      expect(meta.orientation ?? 1).toBe(p.orientation);
      if (p.format !== 'webp') {
        const tags = await exifr.parse(bytes, { pick: ['DateTimeOriginal', 'Make', 'Model'], translateValues: false, reviveValues: false });
        expect(tags).toMatchObject({ DateTimeOriginal: p.taken, Make: p.camera.make, Model: p.camera.model });
      }
      // File times follow the date taken.
      expect((await stat(join(a, p.file))).mtime.toISOString().slice(0, 10)).toBe(p.taken.slice(0, 10).replace(/:/g, '-'));
    }
  });

  it('refuses a bad count as an error value', async () => {
    const r = await writeDemoLibrary(await tempDir(), { count: 0, seed: 1 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('bad-input');
  });
});
