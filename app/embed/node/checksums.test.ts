import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File, verifyCachePath, verifyModelFiles } from './checksums.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'shoebox-sums-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('checksums', () => {
  it('streams SHA-256 equal to hashing the whole buffer (multi-chunk file)', async () => {
    const data = Buffer.alloc(3 * (1 << 20) + 17);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 11)) & 0xff;
    await writeFile(join(tmp, 'f.bin'), data);
    expect(await sha256File(join(tmp, 'f.bin'))).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('keeps its cache in the per-user cache folder of each OS, or SHOEBOX_CACHE_DIR', () => {
    expect(verifyCachePath({ HOME: '/home/a' }, 'linux')).toBe('/home/a/.cache/shoebox/model-verify.json');
    expect(verifyCachePath({ HOME: '/home/a', XDG_CACHE_HOME: '/c' }, 'linux')).toBe('/c/shoebox/model-verify.json');
    expect(verifyCachePath({ HOME: '/Users/a' }, 'darwin')).toBe('/Users/a/Library/Caches/shoebox/model-verify.json');
    expect(verifyCachePath({ HOME: '/x', SHOEBOX_CACHE_DIR: '/y' }, 'linux')).toBe('/y/model-verify.json');
  });

  it('an unwritable cache does not fail verification but is reported', async () => {
    await writeFile(join(tmp, 'a.txt'), 'hello');
    const files = [{ path: 'a.txt', sha256: createHash('sha256').update('hello').digest('hex'), bytes: 5 }];
    await writeFile(join(tmp, 'not-a-dir'), 'x');
    const r = await verifyModelFiles(tmp, files, { cachePath: join(tmp, 'not-a-dir', 'cache.json') });
    expect(r.ok && r.value.hashed).toEqual(['a.txt']);
    expect(r.ok && r.value.cacheError).toMatch(/not-a-dir/);
  });
});
