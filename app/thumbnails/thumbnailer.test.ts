import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, utimes, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { ok } from '../shared/result.js';
import { createThumbnailer, type ThumbnailSource } from './thumbnailer.js';

let dir: string;
const files = new Map<number, string>();
const source: ThumbnailSource = {
  async locate(id) {
    const path = files.get(id);
    return path ? ok({ path, roots: [dir] }) : { ok: false, error: { code: 'not-found', message: 'no' } };
  },
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shoebox-thumbs-'));
  // Stored landscape 800×400 with EXIF orientation 6: displayed as portrait 400×800.
  files.set(1, join(dir, 'rotated.jpg'));
  await sharp({ create: { width: 800, height: 400, channels: 3, background: '#3a6' } }).jpeg().withMetadata({ orientation: 6 }).toFile(files.get(1)!);
  files.set(2, join(dir, 'small.png'));
  await sharp({ create: { width: 100, height: 50, channels: 3, background: '#a36' } }).png().toFile(files.get(2)!);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('thumbnailer', () => {
  it('applies EXIF orientation and fits 320 px', async () => {
    const t = createThumbnailer({ cacheDir: join(dir, 'cache'), source });
    const r = await t.get('1');
    if (!r.ok) throw new Error(r.error.message);
    const meta = await sharp(r.value.bytes).metadata();
    expect(meta.format).toBe('webp');
    expect([meta.width, meta.height]).toEqual([160, 320]);
  });

  it('never enlarges a small photo', async () => {
    const r = await createThumbnailer({ cacheDir: join(dir, 'cache'), source }).get('2');
    if (!r.ok) throw new Error(r.error.message);
    const meta = await sharp(r.value.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([100, 50]);
  });

  it('makes a fresh thumbnail when the photo changes, replacing the old one', async () => {
    const t = createThumbnailer({ cacheDir: join(dir, 'cache2'), source });
    const a = await t.get('2');
    await utimes(files.get(2)!, new Date(), new Date(Date.now() + 5000));
    const b = await t.get('2');
    expect(a.ok && b.ok && a.value.key !== b.value.key).toBe(true);
    const shard = (await readdir(join(dir, 'cache2')))[0]!;
    expect((await readdir(join(dir, 'cache2', shard))).filter((f) => f.startsWith('2-'))).toHaveLength(1);
  });

  it('refuses ids that are not plain positive integers', async () => {
    const t = createThumbnailer({ cacheDir: join(dir, 'cache'), source });
    for (const raw of ['0', '-1', '1.5', '1e2', '%31', '..', '01', '']) {
      const r = await t.get(raw);
      expect(r.ok, raw).toBe(false);
    }
  });
});
