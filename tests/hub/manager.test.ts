// ModelManager as the engine uses it (background pulls, progress events, cancel, remove/use
// rules), and downloads through an HTTP proxy taken from the environment (HTTP_PROXY, NO_PROXY).
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DownloadProgress } from '../../app/api/contract.js';
import { ModelManager } from '../../app/models/manager.js';
import { pullModel } from '../../app/models/pull.js';
import { fixtureCatalogEntry, transformersJsRepo } from './fixtures.js';
import { startHub, type HubServer } from './hub-server.js';

let hub: HubServer;
let tmp: string;
const tjs = transformersJsRepo();
const entry = fixtureCatalogEntry('transformers.js', tjs);

beforeAll(async () => {
  hub = await startHub();
  hub.addRepo('shoebox-test/demo-tjs', { files: tjs });
});
afterAll(() => hub.close());
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-manager-'));
  hub.clearFaults();
  hub.requests.length = 0;
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function manager(events: DownloadProgress[]): ModelManager {
  return new ModelManager({ libraryDir: tmp, catalog: { schema: 1, models: [entry] }, env: {}, onProgress: (p) => events.push(p), hub: { endpoint: hub.url, backoffMs: 1, retries: 1, timeoutMs: 5000 } });
}

describe('ModelManager', () => {
  it('start returns at once, progress ends in done, then use and list reflect it', async () => {
    const events: DownloadProgress[] = [];
    const m = manager(events);
    const first = await m.start(entry.id);
    expect(first.ok && first.value).toMatchObject({ model: entry.id, state: 'downloading', bytes: 0 });
    const again = await m.start(entry.id);
    expect(!again.ok && again.error.message).toBe("model 'demo-tjs' is already downloading");
    const done = await m.wait(entry.id);
    expect(done?.ok).toBe(true);
    expect(events.at(-1)!.state).toBe('done');
    expect((await m.use(entry.id)).ok).toBe(true);
    const list = await m.list(() => 0.5, entry.id);
    expect(list.ok && list.value.find((e) => e.id === entry.id)).toMatchObject({ installed: true, active: true, coverage: 0.5 });
    const rm = await m.remove(entry.id);
    expect(!rm.ok && rm.error.code).toBe('busy');
  });

  it('cancel stops a running pull; remove is refused while it runs', async () => {
    hub.fault({ path: 'onnx/vision_model.onnx', stallAfter: 10_000 });
    const events: DownloadProgress[] = [];
    const m = manager(events);
    await m.start(entry.id);
    while (!hub.requests.some((q) => q.url.startsWith('/cdn/'))) await new Promise((r) => setTimeout(r, 10));
    const busy = await m.remove(entry.id);
    expect(!busy.ok && busy.error.hint).toBe('cancel the download first');
    expect(m.cancel(entry.id)).toBe(true);
    const r = await m.wait(entry.id);
    expect(r && !r.ok && r.error.code).toBe('cancelled');
    expect(events.at(-1)!.state).toBe('cancelled');
    expect(m.cancel(entry.id)).toBe(false);
    expect((await m.installed()).map((x) => x.id)).not.toContain(entry.id);
  });
});

describe('proxies from the environment', () => {
  it('HTTP_PROXY tunnels the download through the proxy; NO_PROXY bypasses it', async () => {
    const seen: string[] = [];
    const proxy = http.createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req, client, head) => {
      seen.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const upstream = net.connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    try {
      const hubHost = new URL(hub.url).host;
      const r = await pullModel(entry, { libraryDir: path.join(tmp, 'a'), endpoint: hub.url, env: { HTTP_PROXY: proxyUrl }, backoffMs: 1 });
      if (!r.ok) throw new Error(r.error.message);
      expect(seen).toContain(hubHost);
      seen.length = 0;
      const b = await pullModel(entry, { libraryDir: path.join(tmp, 'b'), endpoint: hub.url, env: { HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' }, backoffMs: 1 });
      if (!b.ok) throw new Error(b.error.message);
      expect(seen).toEqual([]);
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
