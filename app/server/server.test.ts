import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApi } from '../api/transport/http-client.js';
import { startServer, type RunningServer } from './server.js';
import { createFakeLibrary } from './testing/fake-library.js';

const fake = createFakeLibrary(['/nowhere'], [{ id: 1, path: '/nowhere/a.png' }, { id: 2, path: '/nowhere/b.png' }]);
let server: RunningServer;

beforeAll(async () => {
  const r = await startServer({ api: fake, port: 0, staticDir: null });
  if (!r.ok) throw new Error(r.error.message);
  server = r.value;
});
afterAll(() => server.close());

describe('web server', () => {
  it('answers API calls through the HTTP client, validated', async () => {
    const api = createHttpApi({ baseUrl: server.url.replace(/\/$/, '') });
    const status = await api.status({});
    expect(status.ok && status.value.photos.total).toBe(2);
    const photo = await api.photo({ id: 2 });
    expect(photo.ok && photo.value.path).toBe('/nowhere/b.png');
    const missing = await api.photo({ id: 9 });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('refuses malformed requests before the engine sees them', async () => {
    const before = fake.calls.length;
    const post = (path: string, body: string, type = 'application/json') => fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
    const bad = await (await post('api/photo', JSON.stringify({ id: -3 }))).json();
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    expect((await post('api/photo', '{not json')).status).toBe(400);
    expect((await post('api/nope', '{}')).status).toBe(404);
    expect((await post('api/photo', '{"id":1}', 'text/plain')).status).toBe(415);
    expect((await post('api/__proto__', '{}')).status).toBe(404);
    expect(fake.calls.length).toBe(before);
  });

  it('refuses a foreign Host header', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/api/status', method: 'POST', headers: { host: 'evil.example', 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(403);
  });

  it('streams events as server-sent events', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${server.url}api/events`, { signal: ctrl.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    await reader.read(); // ": connected"
    fake.emit({ type: 'library-changed', reason: 'tags' });
    let text = '';
    while (!text.includes('\n\n') || !text.includes('data:')) text += new TextDecoder().decode((await reader.read()).value);
    ctrl.abort();
    expect(JSON.parse(text.slice(text.indexOf('data:') + 5).trim())).toEqual({ type: 'library-changed', reason: 'tags' });
  });

  it('says how to build the app when the renderer is missing', async () => {
    const res = await fetch(server.url);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('build:renderer');
  });
});

describe('web server off loopback', () => {
  it('requires the printed token', async () => {
    const r = await startServer({ api: fake, host: '0.0.0.0', port: 0, staticDir: null });
    if (!r.ok) throw new Error(r.error.message);
    try {
      expect(r.value.token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      const url = `http://127.0.0.1:${r.value.port}/api/status`;
      const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' };
      expect((await fetch(url, init)).status).toBe(401);
      const withToken = await fetch(url, { ...init, headers: { ...init.headers, 'x-shoebox-token': r.value.token! } });
      expect(withToken.status).toBe(200);
      expect(r.value.openUrl).toContain(`token=${r.value.token}`);
    } finally {
      await r.value.close();
    }
  });
});
