// The local hub answers like the real one: what the downloader relies on.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type HubServer } from './hub-server.js';

let hub: HubServer;
const big = Buffer.alloc(300_000, 7);
const small = Buffer.from('{"a":1}\n');
const sha = createHash('sha256').update(big).digest('hex');

beforeAll(async () => {
  hub = await startHub();
  hub.addRepo('o/r', { files: new Map([['onnx/model.onnx', big], ['config.json', small]]), commit: 'c'.repeat(40) });
});
afterAll(() => hub.close());

describe('local hub', () => {
  it('lists siblings with sizes, git blob ids and LFS sha256', async () => {
    const res = await fetch(`${hub.url}/api/models/o/r/revision/main?blobs=true`);
    const body = (await res.json()) as { sha: string; siblings: { rfilename: string; size: number; blobId: string; lfs?: { sha256: string } }[] };
    expect(body.sha).toBe('c'.repeat(40));
    expect(body.siblings).toEqual([
      expect.objectContaining({ rfilename: 'onnx/model.onnx', size: big.length, lfs: expect.objectContaining({ sha256: sha, size: big.length }) }),
      { rfilename: 'config.json', size: small.length, blobId: createHash('sha1').update(`blob ${small.length}\0`).update(small).digest('hex') },
    ]);
    expect((await fetch(`${hub.url}/api/models/o/nope/revision/main`)).status).toBe(404);
  });

  it('redirects LFS files to the CDN with X-Linked-Size / X-Linked-ETag, serves HEAD and Range', async () => {
    const head = await fetch(`${hub.url}/o/r/resolve/main/onnx/model.onnx`, { method: 'HEAD', redirect: 'manual' });
    expect(head.status).toBe(302);
    expect(head.headers.get('x-linked-size')).toBe(String(big.length));
    expect(head.headers.get('x-linked-etag')).toBe(`"${sha}"`);
    const loc = new URL(head.headers.get('location')!, hub.url).toString();
    const part = await fetch(loc, { headers: { range: 'bytes=1000-' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-${big.length - 1}/${big.length}`);
    expect((await part.arrayBuffer()).byteLength).toBe(big.length - 1000);
    const stale = await fetch(loc, { headers: { range: 'bytes=1000-', 'if-range': '"other"' } });
    expect(stale.status).toBe(200); // the validator changed: the whole file
    await stale.arrayBuffer();
    const direct = await fetch(`${hub.url}/o/r/resolve/main/config.json`, { redirect: 'manual' });
    expect(direct.status).toBe(200);
    expect(Buffer.from(await direct.arrayBuffer())).toEqual(small);
    expect((await fetch(`${hub.url}/o/r/resolve/main/missing.json`)).status).toBe(404);
  });
});

describe('a throttled hub', () => {
  it('serves the same bytes, whole and from an offset, when pacing the transfer', async () => {
    const slow = await startHub({ throttleBytesPerSec: 4 * 1024 * 1024 });
    try {
      const data = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 31) % 251));
      slow.addRepo('o/s', { files: new Map([['onnx/model.onnx', data]]) });
      const whole = await fetch(`${slow.url}/o/s/resolve/main/onnx/model.onnx`);
      expect(Buffer.from(await whole.arrayBuffer()).equals(data)).toBe(true);
      const part = await fetch(whole.url, { headers: { range: 'bytes=12345-' } });
      expect(part.status).toBe(206);
      expect(Buffer.from(await part.arrayBuffer()).equals(data.subarray(12345))).toBe(true);
    } finally {
      await slow.close();
    }
  });
});
