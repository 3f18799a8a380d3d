// A local model hub on 127.0.0.1 that answers like the Hugging Face hub does:
//   GET  /api/models/<owner>/<name>/revision/<rev>   { id, sha, siblings: [{ rfilename, size, blobId, lfs?: { sha256, size } }] }
//   GET|HEAD /<owner>/<name>/resolve/<rev>/<path>   LFS files (*.onnx, *.onnx_data, big files): 302 to /cdn/<sha256>
//        with X-Linked-Size, X-Linked-ETag ("<sha256>"), X-Repo-Commit; small files: 200 with ETag (sha1 of the blob)
//   GET|HEAD /cdn/<sha256>                           the bytes, ETag, Accept-Ranges; Range → 206 + Content-Range
// Faults for tests: drop the connection after N bytes, answer a status a few times, stall after N
// bytes, serve other bytes than the checksum says. Every request is logged. `throttleBytesPerSec`
// paces every body like a slow link, so a UI can be seen mid-download.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HubRepo {
  revision?: string; // default 'main'
  commit?: string;
  files: Map<string, Buffer>;
}

export interface Fault {
  /** Which file (repo path); faults apply to the CDN transfer of that file. */
  path: string;
  /** Close the socket after sending this many body bytes. */
  dropAfter?: number;
  /** Stop sending (keep the socket open) after this many body bytes. */
  stallAfter?: number;
  /** Answer this status instead (on resolve). */
  status?: number;
  /** Serve these bytes instead of the real ones (checksum headers stay the real file's). */
  corrupt?: boolean;
  /** How many requests the fault applies to (default 1). */
  times?: number;
}

export interface LoggedRequest {
  method: string;
  url: string;
  range: string | null;
  ifRange: string | null;
}

export interface HubServer {
  readonly url: string;
  readonly requests: LoggedRequest[];
  addRepo(name: string, repo: HubRepo): void;
  fault(f: Fault): void;
  clearFaults(): void;
  close(): Promise<void>;
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const sha1 = (b: Buffer): string => createHash('sha1').update(b).digest('hex');
/** Git's blob id, which the hub lists as blobId and sends as the ETag of non-LFS files. */
const gitBlobId = (b: Buffer): string => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
const isLfs = (path: string, b: Buffer): boolean => /\.(onnx|onnx_data|bin|safetensors)$/.test(path) || b.length > 10 * 1024 * 1024;

export interface HubOptions {
  /** Send bodies at about this rate (default: as fast as the socket takes them). */
  throttleBytesPerSec?: number;
}

export async function startHub(opts: HubOptions = {}): Promise<HubServer> {
  const repos = new Map<string, HubRepo & { commit: string }>();
  const blobs = new Map<string, { path: string; data: Buffer }>();
  const faults: (Fault & { left: number })[] = [];
  const requests: LoggedRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();

  const takeFault = (path: string, pred: (f: Fault) => boolean): Fault | null => {
    const f = faults.find((x) => x.path === path && x.left > 0 && pred(x));
    if (!f) return null;
    f.left--;
    return f;
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push({ method: req.method ?? 'GET', url: url.pathname, range: req.headers.range ?? null, ifRange: (req.headers['if-range'] as string | undefined) ?? null });
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);

    // listing
    if (parts[0] === 'api' && parts[1] === 'models' && parts[4] === 'revision') {
      const repo = repos.get(`${parts[2]}/${parts[3]}`);
      if (!repo || (parts[5] !== repo.revision && parts[5] !== repo.commit)) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Repository not found"}');
      const siblings = [...repo.files].map(([p, b]) => ({ rfilename: p, size: b.length, blobId: gitBlobId(b), ...(isLfs(p, b) ? { lfs: { sha256: sha256(b), size: b.length, pointerSize: 134 } } : {}) }));
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `${parts[2]}/${parts[3]}`, sha: repo.commit, siblings }));
    }

    // resolve
    const ri = parts.indexOf('resolve');
    if (ri === 2) {
      const repo = repos.get(`${parts[0]}/${parts[1]}`);
      const rev = parts[3];
      const path = parts.slice(4).join('/');
      const data = repo && (rev === repo.revision || rev === repo.commit) ? repo.files.get(path) : undefined;
      if (!repo || !data) return void res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end('Entry not found');
      const st = takeFault(path, (f) => f.status !== undefined);
      if (st) return void res.writeHead(st.status!).end(`error ${st.status}`);
      const sum = sha256(data);
      if (isLfs(path, data)) {
        blobs.set(sum, { path, data });
        return void res.writeHead(302, {
          location: `/cdn/${sum}?file=${encodeURIComponent(path)}`,
          'x-linked-size': String(data.length),
          'x-linked-etag': `"${sum}"`,
          'x-repo-commit': repo.commit,
          etag: `"${sum}"`,
        }).end();
      }
      return void serveBytes(req, res, path, data, `"${gitBlobId(data)}"`, { 'x-repo-commit': repo.commit });
    }

    if (parts[0] === 'cdn' && parts[1]) {
      const blob = blobs.get(parts[1]);
      if (!blob) return void res.writeHead(404).end();
      return void serveBytes(req, res, blob.path, blob.data, `"${parts[1]}"`, {});
    }
    res.writeHead(404).end();
  });

  function serveBytes(req: http.IncomingMessage, res: http.ServerResponse, path: string, real: Buffer, etag: string, extra: Record<string, string>): void {
    const corrupt = takeFault(path, (f) => !!f.corrupt);
    const data = corrupt ? Buffer.from(real.map((b, i) => (i === 100 ? b ^ 0xff : b))) : real;
    let start = 0;
    let status = 200;
    const headers: Record<string, string> = { etag, 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream', ...extra };
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    if (range && (!ifRange || ifRange === etag)) {
      start = Number(range[1]);
      if (start >= data.length) return void res.writeHead(416, { 'content-range': `bytes */${data.length}` }).end();
      status = 206;
      headers['content-range'] = `bytes ${start}-${data.length - 1}/${data.length}`;
    }
    const body = data.subarray(start);
    headers['content-length'] = String(body.length);
    res.writeHead(status, headers);
    if (req.method === 'HEAD') return void res.end();
    const drop = takeFault(path, (f) => f.dropAfter !== undefined);
    const stall = drop ? null : takeFault(path, (f) => f.stallAfter !== undefined);
    if (drop) {
      res.write(body.subarray(0, drop.dropAfter), () => res.socket?.destroy());
      return;
    }
    if (stall) {
      res.write(body.subarray(0, stall.stallAfter)); // …and nothing more until the client gives up
      return;
    }
    if (opts.throttleBytesPerSec) return void sendPaced(res, body, opts.throttleBytesPerSec);
    res.end(body);
  }

  /** Writes `body` in small slices on a timer, about `rate` bytes a second; stops if the client goes away. */
  function sendPaced(res: http.ServerResponse, body: Buffer, rate: number): void {
    const slice = Math.max(1024, Math.round(rate / 50)); // ~50 writes a second
    let at = 0;
    const tick = (): void => {
      if (res.destroyed) return;
      const next = Math.min(body.length, at + slice);
      const last = next === body.length;
      res.write(body.subarray(at, next));
      at = next;
      if (last) res.end();
      else setTimeout(tick, (1000 * slice) / rate);
    };
    tick();
  }

  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    addRepo(name, repo) {
      const commit = repo.commit ?? sha1(Buffer.concat([Buffer.from(name), ...[...repo.files.values()].map((b) => Buffer.from(sha1(b)))]));
      repos.set(name, { ...repo, revision: repo.revision ?? 'main', commit });
    },
    fault(f) {
      faults.push({ ...f, left: f.times ?? 1 });
    },
    clearFaults() {
      faults.length = 0;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
