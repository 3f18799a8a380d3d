// Web mode: the engine behind HTTP on 127.0.0.1. `POST /api/<method>` (JSON in, ApiResult out,
// validated both ways by the contract), `GET /api/events` (server-sent events), `GET /thumb/<id>`,
// `GET /preview/<id>` (viewer size), `GET /model/<id>/<file>` (text-encoder files for the renderer), and the renderer build
// (which carries onnxruntime-web's WASM file as an asset) for everything else.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { LibraryApi } from '../api/contract.js';
import { callChecked, isMethodName } from '../api/transport/checked-call.js';
import { appError, err, ok, type Result } from '../shared/result.js';
import type { Thumbnailer } from '../thumbnails/thumbnailer.js';
import { checkRequest, isLoopbackHost, RENDERER_CSP, TOKEN_COOKIE, TOKEN_HEADER, type GuardConfig } from './guard.js';
import { readModelFile, type ModelDirResolver } from './model-files.js';
import { readStatic } from './static-files.js';

export interface ServerOptions {
  /** The engine (or any LibraryApi); every call is validated on its way in and out. */
  api: LibraryApi;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Token for non-loopback binds; generated when absent. Ignored on loopback. */
  token?: string;
  /** renderer/dist; when missing the page says how to build it. */
  staticDir?: string | null;
  thumbnails?: Thumbnailer | null;
  /** Large renditions for the viewer (`/preview/<id>`), same rules as thumbnails. */
  previews?: Thumbnailer | null;
  modelDir?: ModelDirResolver | null;
  /** Largest request body (an image dropped on the window travels as base64). */
  maxBodyBytes?: number;
}

export interface RunningServer {
  readonly url: string;
  /** The URL to open, with the token when one is needed. */
  readonly openUrl: string;
  readonly host: string;
  readonly port: number;
  readonly token: string | null;
  close(): Promise<void>;
}

const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;
// The file may sit in a subfolder (upstream layouts: onnx/text_model.onnx, textual/model.onnx);
// readModelFile serves only the text-side files the manifest lists, and dot segments are refused above.
const MODEL_PATH = /^\/model\/([^/]+)\/(.+)$/;

export async function startServer(opts: ServerOptions): Promise<Result<RunningServer>> {
  const host = opts.host ?? '127.0.0.1';
  const token = isLoopbackHost(host) ? null : (opts.token ?? randomBytes(18).toString('base64url'));
  const maxBody = opts.maxBodyBytes ?? 100 * 1024 * 1024;
  const sseClients = new Set<ServerResponse>();
  const cfg: GuardConfig = { host, port: 0, token };

  const unsubscribe = opts.api.subscribe((event) => {
    const line = `data: ${JSON.stringify(event)}\n\n`;
    for (const res of sseClients) res.write(line);
  });

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: appError('internal', e instanceof Error ? e.message : String(e)) });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawPath = (req.url ?? '/').split('?')[0]!;
    // URL parsing would quietly resolve `/thumb/..` or `/%2e%2e/` to another route: refuse dot
    // segments, plain or encoded, before anything is routed.
    if (DOT_SEGMENT.test(rawPath) || !rawPath.startsWith('/')) return sendText(res, 400, 'bad path');
    const url = new URL(req.url ?? '/', 'http://x');
    const verdict = checkRequest(cfg, {
      method: req.method ?? 'GET',
      hostHeader: req.headers.host,
      origin: header(req, 'origin'),
      tokenHeader: header(req, TOKEN_HEADER),
      tokenQuery: url.searchParams.get('token'),
      cookie: header(req, 'cookie'),
      secFetchSite: header(req, 'sec-fetch-site'),
    });
    if (!verdict.allow) return sendJson(res, verdict.status, { ok: false, error: appError('bad-input', verdict.reason) });
    if (verdict.setCookie && token) {
      res.setHeader('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`);
    }
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    const path = url.pathname;

    if (path.startsWith('/api/')) {
      const name = path.slice('/api/'.length);
      if (name === 'events' && req.method === 'GET') return openEvents(req, res);
      if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: appError('bad-input', 'use POST for API calls') });
      if (!isMethodName(name)) return sendJson(res, 404, { ok: false, error: appError('not-found', `no API method '${name}'`) });
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
        return sendJson(res, 415, { ok: false, error: appError('bad-input', 'send the request as application/json') });
      }
      const body = await readBody(req, maxBody);
      if (!body.ok) return sendJson(res, 413, { ok: false, error: body.error });
      let input: unknown;
      try {
        input = body.value.length ? JSON.parse(body.value.toString('utf8')) : {};
      } catch {
        return sendJson(res, 400, { ok: false, error: appError('bad-input', `${name}: the request body is not JSON`) });
      }
      // Errors from the engine are answers, not HTTP failures: 200 with { ok: false }.
      return sendJson(res, 200, await callChecked(opts.api, name, input));
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed');

    const thumbRoute = path.startsWith('/thumb/') ? 'thumb' : path.startsWith('/preview/') ? 'preview' : null;
    if (thumbRoute) {
      const maker = thumbRoute === 'thumb' ? opts.thumbnails : opts.previews;
      if (!maker) return sendText(res, 404, 'thumbnails are not available');
      // The raw (still percent-encoded) segment: encoded dots or slashes never become an id.
      const thumb = await maker.get(rawPath.slice(`/${thumbRoute}/`.length));
      if (!thumb.ok) return sendText(res, thumb.error.code === 'bad-input' ? 400 : 404, thumb.error.message);
      const etag = `"${thumb.value.key}"`;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304).end();
        return;
      }
      res.writeHead(200, { 'content-type': thumb.value.contentType, 'cache-control': 'private, max-age=3600', etag });
      res.end(req.method === 'HEAD' ? undefined : thumb.value.bytes);
      return;
    }

    const model = MODEL_PATH.exec(path);
    if (model) {
      const bytes = opts.modelDir ? await readModelFile(opts.modelDir, model[1]!, model[2]!) : null;
      if (!bytes) return sendText(res, 404, 'no such model file');
      res.writeHead(200, { 'content-type': model[2]!.endsWith('.json') ? 'application/json' : 'application/octet-stream', 'cache-control': 'private, max-age=3600' });
      res.end(req.method === 'HEAD' ? undefined : bytes);
      return;
    }

    if (!opts.staticDir) return sendText(res, 503, 'the app is not built: run `npm run build:renderer`, then reload');
    let file = await readStatic(opts.staticDir, path === '/' ? 'index.html' : path);
    // The page is a single-page app: unknown paths without an extension get index.html.
    if (!file && !/\.[a-z0-9]+$/i.test(path)) file = await readStatic(opts.staticDir, 'index.html');
    if (!file) {
      if (path === '/') return sendText(res, 503, 'the app is not built: run `npm run build:renderer`, then reload');
      return sendText(res, 404, 'not found');
    }
    const headers: Record<string, string> = { 'content-type': file.type };
    if (file.type.startsWith('text/html')) {
      headers['content-security-policy'] = RENDERER_CSP;
      headers['cache-control'] = 'no-cache';
      headers['x-frame-options'] = 'DENY';
    } else if (path.startsWith('/assets/')) {
      headers['cache-control'] = 'public, max-age=31536000, immutable';
    }
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : file.bytes);
  }

  function openEvents(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(': connected\n\n');
    sseClients.add(res);
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(ping);
      sseClients.delete(res);
    });
  }

  return new Promise((resolvePromise) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      unsubscribe();
      resolvePromise(err(appError(e.code === 'EADDRINUSE' ? 'busy' : 'io', `cannot listen on ${host}:${opts.port ?? 0}: ${e.message}`, {
        hint: e.code === 'EADDRINUSE' ? 'another program uses that port: pick another with --port' : undefined,
      })));
    });
    server.listen(opts.port ?? 0, host, () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 0);
      cfg.port = port;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      const url = `http://${shownHost}:${port}/`;
      resolvePromise(ok({
        url,
        openUrl: token ? `${url}?token=${token}` : url,
        host,
        port,
        token,
        close: () => new Promise<void>((done) => {
          unsubscribe();
          for (const r of sseClients) r.end();
          sseClients.clear();
          server.closeAllConnections();
          server.close(() => done());
        }),
      }));
    });
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`${text}\n`);
}

async function readBody(req: IncomingMessage, max: number): Promise<Result<Buffer>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      req.destroy();
      return err(appError('too-large', `the request is larger than ${Math.round(max / 1024 / 1024)} MB`));
    }
    chunks.push(chunk);
  }
  return ok(Buffer.concat(chunks));
}

export const rendererDistDir = (repoRoot: string): string => join(repoRoot, 'renderer', 'dist');
