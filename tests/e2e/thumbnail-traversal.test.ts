// The thumbnail route takes opaque ids only. Hostile ids (traversal, encoded dots, non-integers,
// unknown ids) and catalog rows that point outside the library (directly or through a symlink)
// must all be refused; a real photo must come back as a WebP thumbnail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, symlink, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import sharp from 'sharp';
import { startServer, type RunningServer } from '../../app/server/server.js';
import { createThumbnailer } from '../../app/thumbnails/thumbnailer.js';
import { thumbnailSourceFromApi } from '../../app/thumbnails/api-source.js';
import { createFakeLibrary } from '../../app/server/testing/fake-library.js';

let dir: string;
let server: RunningServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shoebox-thumb-'));
  const root = join(dir, 'photos');
  const outside = join(dir, 'secret');
  await mkdir(root);
  await mkdir(outside);
  const png = (w: number, h: number) => sharp({ create: { width: w, height: h, channels: 3, background: { r: 200, g: 30, b: 30 } } }).png();
  await png(800, 400).toFile(join(root, 'inside.png'));
  await png(50, 50).toFile(join(outside, 'secret.png'));
  await symlink(join(outside, 'secret.png'), join(root, 'link-out.png'));
  const api = createFakeLibrary([root], [
    { id: 1, path: join(root, 'inside.png') },
    { id: 2, path: join(outside, 'secret.png') }, // a catalog row outside every root
    { id: 3, path: join(root, 'link-out.png') }, // a symlink inside a root pointing out
    { id: 4, path: join(root, '..', 'secret', 'secret.png') }, // '..' inside the stored path
  ]);
  const thumbnails = createThumbnailer({ cacheDir: join(dir, 'cache'), source: thumbnailSourceFromApi(api) });
  const r = await startServer({ api, port: 0, staticDir: null, thumbnails });
  if (!r.ok) throw new Error(r.error.message);
  server = r.value;
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

// node:http sends the path verbatim (fetch would normalise `..` away before it left).
function get(path: string): Promise<{ status: number; headers: Map<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { host: `127.0.0.1:${server.port}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({
        status: res.statusCode ?? 0,
        headers: new Map(Object.entries(res.headers).map(([k, v]) => [k, String(v)])),
        body: Buffer.concat(chunks),
      }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('GET /thumb/<id>', () => {
  it('serves a WebP thumbnail of a photo in the library, at most 320 px, and caches it', async () => {
    const res = await get('/thumb/1');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(res.body).metadata();
    expect(meta.format).toBe('webp');
    expect(Math.max(meta.width!, meta.height!)).toBe(320);
    expect(meta.width! / meta.height!).toBeCloseTo(2, 1);
    const shards = await readdir(join(dir, 'cache'));
    expect(shards.length).toBe(1);
    const again = await get('/thumb/1');
    expect(again.headers.get('etag')).toBe(res.headers.get('etag'));
  });

  const hostile = [
    '/thumb/..%2F..%2Fsecret%2Fsecret.png', '/thumb/%2e%2e', '/thumb/%2E%2E%2Fetc%2Fpasswd', '/thumb/1%2F..', '/thumb/..',
    '/thumb/-1', '/thumb/0', '/thumb/01', '/thumb/1.0', '/thumb/1e3', '/thumb/0x1', '/thumb/%31', '/thumb/1%00', '/thumb/%201', '/thumb/1%2F..%2F2',
    '/thumb/99999999999999999999', '/thumb/', '/thumb/abc', '/thumb/1;2', '/thumb/1?x=../..',
  ];
  it.each(hostile)('refuses %s', async (path) => {
    const res = await get(path);
    // `1?x=../..` is id 1 with a query string: the query is ignored, never used as a path.
    if (path === '/thumb/1?x=../..') {
      expect(res.status).toBe(200);
      return;
    }
    expect([400, 404]).toContain(res.status);
    expect(res.headers.get('content-type')).not.toBe('image/webp');
  });

  it('refuses ids that are not in the catalog', async () => {
    expect((await get('/thumb/77')).status).toBe(404);
  });

  it('refuses catalog rows that resolve outside the library roots (plain path, symlink, ..)', async () => {
    for (const id of [2, 3, 4]) {
      const res = await get(`/thumb/${id}`);
      expect(res.status, `id ${id}`).toBe(404);
      expect(res.headers.get('content-type')).not.toBe('image/webp');
    }
  });
});
