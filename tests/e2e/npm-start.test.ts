// The README's first command, as a newcomer runs it: `npm start` (bin/start.js) on a fresh library,
// where Electron is not installed. It must say it falls back to web mode, generate the demo library,
// serve the app on 127.0.0.1, index every demo photo, answer a search, and stop cleanly on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt, repoRoot } from './support/renderer-build.js';

// Where Electron is installed `npm start` opens its window instead; this test is about the fallback.
function electronInstalled(): boolean {
  try {
    const bin = createRequire(import.meta.url)('electron') as unknown;
    return typeof bin === 'string' && existsSync(bin);
  } catch {
    return false;
  }
}

const home = mkdtempSync(join(tmpdir(), 'shoebox-npm-start-'));
let child: ChildProcess | null = null;
let output = '';

afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(home, { recursive: true, force: true });
});

async function api<T>(url: string, method: string, input: unknown = {}): Promise<T> {
  const r = await fetch(new URL(`/api/${method}`, url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) });
  const body = (await r.json()) as { ok: boolean; value?: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
  return body.value as T;
}

describe.skipIf(electronInstalled())('npm start without Electron', () => {
  it('falls back to web mode, generates and indexes the demo library, answers a search, stops on SIGTERM', async () => {
    ensureRendererBuilt();
    child = spawn(process.execPath, [join(repoRoot, 'bin', 'start.js'), '--no-open', '--port', '0', '--library', home], {
      cwd: repoRoot,
      env: { ...process.env, SHOEBOX_THREADS: '1', SHOEBOX_DECODE_CONCURRENCY: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));

    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL after 120 s:\n${output}`)), 120_000);
      const poll = setInterval(() => {
        const m = /Shoebox is running at (http:\/\/127\.0\.0\.1:\d+\/?)/.exec(output);
        if (m) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve(m[1]!);
        }
      }, 100);
      child!.on('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
    });
    expect(output).toContain('Electron is not installed here, so Shoebox starts in web mode');
    expect(output).toMatch(/generating 200 demo photos/);

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app"');

    // Indexing starts on its own; wait until every demo photo is in (none of them is broken).
    let photos = { total: 0, indexed: 0, failed: 0 };
    for (let i = 0; i < 600 && !(photos.total === 200 && photos.indexed === 200); i++) {
      photos = (await api<{ photos: typeof photos }>(url, 'status')).photos;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(photos).toMatchObject({ total: 200, indexed: 200, failed: 0 });

    const found = await api<{ results: unknown[] }>(url, 'search', { terms: [{ kind: 'text', text: 'a red shape' }], limit: 5 });
    expect(found.results).toHaveLength(5);

    const code = await new Promise<number | null>((resolve) => {
      child!.once('exit', (c) => resolve(c));
      child!.kill('SIGTERM');
    });
    expect(code).toBe(0);
    child = null;
  }, 300_000);
});
