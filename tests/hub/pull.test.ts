// `pullModel` against the local hub: a clean pull of each upstream layout (then the model loads,
// encodes like the bundled one and searches), and every failure a user can meet — a transfer cut
// mid-file and resumed, a wrong checksum, 404, 500-then-retry, a stalled server, the disk full,
// cancellation, no network — each with the message the user sees and the library left usable.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DownloadProgress } from '../../app/api/contract.js';
import { loadModel } from '../../app/embed/node/model-load.js';
import { createEngine } from '../../app/engine/engine.js';
import type { CatalogModel } from '../../app/models/catalog.js';
import { activeModelDir, installedModels, setActiveModel, stagingDir } from '../../app/models/installed.js';
import { pullModel, type PullOptions } from '../../app/models/pull.js';
import { writeDemoLibrary } from '../../app/world/demo-library.js';
import { DEMO_DIR, fixtureCatalogEntry, immichRepo, transformersJsRepo, type RepoFiles } from './fixtures.js';
import { startHub, type HubServer } from './hub-server.js';

let hub: HubServer;
let immich: RepoFiles;
let tjs: RepoFiles;
let immichEntry: CatalogModel;
let tjsEntry: CatalogModel;
let tmp: string;
let lib: string;

beforeAll(async () => {
  hub = await startHub();
  immich = immichRepo();
  tjs = transformersJsRepo();
  hub.addRepo('shoebox-test/demo-immich', { files: immich });
  hub.addRepo('shoebox-test/demo-tjs', { files: tjs });
  immichEntry = fixtureCatalogEntry('immich', immich);
  tjsEntry = fixtureCatalogEntry('transformers.js', tjs);
});
afterAll(async () => {
  await hub.close();
});
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-hub-'));
  lib = path.join(tmp, 'lib');
  hub.requests.length = 0;
  hub.clearFaults();
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A port nobody listens on (connections are refused). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

const base = (extra: Partial<PullOptions> = {}): PullOptions => ({ libraryDir: lib, endpoint: hub.url, env: {}, backoffMs: 1, retries: 2, timeoutMs: 5000, ...extra });

/** The library still works as before: nothing half-installed is listed, the bundled model stays active. */
async function expectLibraryUsable(id: string): Promise<void> {
  expect((await installedModels(lib)).map((m) => m.id)).not.toContain(id);
  expect((await activeModelDir(lib)).dir).toBe(path.resolve(DEMO_DIR));
  const use = await setActiveModel(lib, id);
  expect(use.ok).toBe(false);
}

async function cosineToBundled(dir: string, texts: string[]): Promise<number[]> {
  const a = await loadModel(dir, { threads: 1, providers: ['cpu'], verifyCachePath: null });
  const b = await loadModel(DEMO_DIR, { threads: 1, providers: ['cpu'], verifyCachePath: null });
  if (!a.ok) throw new Error(a.error.message);
  if (!b.ok) throw new Error(b.error.message);
  try {
    const va = await a.value.text.encode(texts);
    const vb = await b.value.text.encode(texts);
    if (!va.ok || !vb.ok) throw new Error('encode failed');
    return va.value.map((v, i) => v.reduce((s, x, j) => s + x * vb.value[i]![j]!, 0));
  } finally {
    await a.value.close();
    await b.value.close();
  }
}

describe('a clean pull', () => {
  it.each([['immich'], ['transformers.js']] as const)('of the %s layout installs a model that encodes like the bundled one', async (layout) => {
    const entry = layout === 'immich' ? immichEntry : tjsEntry;
    const events: DownloadProgress[] = [];
    const r = await pullModel(entry, base({ onProgress: (p) => events.push(p) }));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.dir).toBe(path.join(lib, 'models', entry.id));
    expect(r.value.manifest.source).toMatchObject({ kind: 'hub', layout, repo: entry.repo });
    expect(r.value.manifest.source.revision).toMatch(/^[0-9a-f]{40}$/); // pinned to the commit the hub resolved
    expect(fs.existsSync(stagingDir(lib, entry.id))).toBe(false);
    // progress: starts downloading, ends done, bytes grow to the total
    expect(events[0]!.state).toBe('downloading');
    expect(events.at(-1)!.state).toBe('done');
    const total = [...(layout === 'immich' ? immich : tjs)].filter(([p]) => p !== 'README.md').reduce((s, [, b]) => s + b.length, 0);
    expect(events.at(-1)!.bytes).toBe(total);
    expect(events.at(-1)!.totalBytes).toBe(total);
    // an LFS file came through the redirect, a small one directly
    expect(hub.requests.some((q) => q.url.startsWith('/cdn/'))).toBe(true);

    if (layout === 'immich') {
      expect(r.value.manifest.text.input).toEqual({ name: 'text', type: 'int32' });
      expect(r.value.manifest.image.normalized).toBe(true);
      expect(r.value.manifest.tokenizer.padId).toBe(765); // <|endoftext|>, from tokenizer_config.json
    } else {
      expect(r.value.manifest.image.output).toBe('image_embeds');
      // the preprocessor_config.json of the layout read back as the bundled model's own preprocessing
      const bundled = JSON.parse(fs.readFileSync(path.join(DEMO_DIR, 'model.json'), 'utf8')) as { preprocess: { size: number } };
      expect(r.value.manifest.preprocess).toMatchObject({ size: bundled.preprocess.size, resize: 'shortest', interpolation: 'bicubic' });
    }
    const cos = await cosineToBundled(r.value.dir, ['a red circle', 'two small blue stars above a green triangle', '']);
    for (const c of cos) expect(c).toBeGreaterThan(0.9999);
    expect((await installedModels(lib)).map((m) => m.id)).toContain(entry.id);
  });

  it('then search works with it through the engine', async () => {
    const r = await pullModel(immichEntry, base());
    if (!r.ok) throw new Error(r.error.message);
    const use = await setActiveModel(lib, immichEntry.id);
    expect(use.ok).toBe(true);
    const active = await activeModelDir(lib);
    expect(active.dir).toBe(r.value.dir);
    const photos = path.join(tmp, 'photos');
    const demo = await writeDemoLibrary(photos, { count: 6, seed: 3, size: { width: 96, height: 72 }, concurrency: 1 });
    if (!demo.ok) throw new Error(demo.error.message);
    const eng = await createEngine({ libraryDir: lib, modelDir: active.dir, threads: 1 });
    if (!eng.ok) throw new Error(eng.error.message);
    try {
      const idx = await eng.value.indexFolders([photos]);
      if (!idx.ok) throw new Error(idx.error.message);
      const caption = demo.value.photos[0]!.caption;
      const s = await eng.value.search({ terms: [{ kind: 'text', text: caption }], limit: 6 });
      if (!s.ok) throw new Error(s.error.message);
      expect(s.value.model).toBe(immichEntry.id);
      expect(s.value.results).toHaveLength(6);
      expect(new Set(s.value.results.map((x) => x.id)).size).toBe(6);
    } finally {
      await eng.value.close();
    }
  });
});

describe('failures leave the library usable and say why', () => {
  it('a transfer cut in the middle resumes with Range on the next pull', async () => {
    const big = 'textual/model.onnx';
    hub.fault({ path: big, dropAfter: 1_000_000 });
    const first = await pullModel(immichEntry, base({ retries: 0 }));
    expect(first.ok).toBe(false);
    if (first.ok) return;
    expect(first.error.code).toBe('network');
    expect(first.error.hint).toMatch(/resumes where it stopped/);
    await expectLibraryUsable(immichEntry.id);
    // What arrived before the cut is kept (the stream may lose its last queued chunks on the error).
    const partial = path.join(stagingDir(lib, immichEntry.id), `${big}.partial`);
    const kept = fs.statSync(partial).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(1_000_000);

    hub.requests.length = 0;
    const second = await pullModel(immichEntry, base());
    if (!second.ok) throw new Error(second.error.message);
    expect(second.value.resumedBytes).toBeGreaterThanOrEqual(kept);
    const ranged = hub.requests.filter((q) => q.url.startsWith('/cdn/') && q.range);
    expect(ranged.map((q) => q.range)).toEqual([`bytes=${kept}-`]);
    expect(ranged.every((q) => q.ifRange)).toBe(true);
    const cos = await cosineToBundled(second.value.dir, ['a red circle']);
    expect(cos[0]).toBeGreaterThan(0.9999);
  });

  it('a drop mid-file is retried within the same pull, resuming', async () => {
    hub.fault({ path: 'onnx/text_model.onnx', dropAfter: 300_000 });
    const r = await pullModel(tjsEntry, base());
    if (!r.ok) throw new Error(r.error.message);
    const cdn = hub.requests.filter((q) => q.url === '/cdn/' + r.value.manifest.files.find((f) => f.path === 'onnx/text_model.onnx')!.sha256);
    expect(cdn.length).toBe(2);
    expect(cdn[0]!.range).toBeNull();
    // the retry asks for the rest when some bytes were kept, or everything when none were
    expect(cdn[1]!.range === null || /^bytes=([1-9]\d*)-$/.test(cdn[1]!.range) && Number(cdn[1]!.range.slice(6, -1)) <= 300_000).toBe(true);
  });

  it('leftovers of an earlier attempt at another commit are discarded, not mixed in', async () => {
    const staging = stagingDir(lib, tjsEntry.id);
    fs.mkdirSync(staging, { recursive: true });
    fs.writeFileSync(path.join(staging, '.revision'), 'an-older-commit');
    fs.writeFileSync(path.join(staging, 'config.json'), '{"model_type":"clip","projection_dim":999}');
    const r = await pullModel(tjsEntry, base());
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.manifest.embeddingSize).toBe(128);
    expect(fs.readFileSync(path.join(r.value.dir, 'config.json'))).toEqual(tjs.get('config.json'));
  });

  it('one download per model: a live owner\'s lock is respected, a dead one\'s taken over', async () => {
    const lock = `${stagingDir(lib, tjsEntry.id)}.lock`;
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    fs.writeFileSync(lock, String(process.pid));
    const busy = await pullModel(tjsEntry, base());
    expect(!busy.ok && busy.error).toMatchObject({ code: 'busy', message: 'another Shoebox process is downloading this model' });
    expect(fs.existsSync(lock)).toBe(true);
    fs.writeFileSync(lock, '2147483646'); // no such process
    const r = await pullModel(tjsEntry, base());
    expect(r.ok).toBe(true);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('a wrong checksum is refused and nothing is installed', async () => {
    hub.fault({ path: 'visual/model.onnx', corrupt: true });
    const r = await pullModel(immichEntry, base());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('model-invalid');
    expect(r.error.message).toMatch(/^visual\/model\.onnx failed its checksum \(sha256 [0-9a-f]{12}…, expected [0-9a-f]{12}…\)$/);
    expect(r.error.hint).toMatch(/nothing was installed/);
    expect(fs.existsSync(stagingDir(lib, immichEntry.id))).toBe(false);
    await expectLibraryUsable(immichEntry.id);
  });

  it('a small (non-LFS) file is checked against the git blob id the hub lists', async () => {
    hub.fault({ path: 'textual/tokenizer.json', corrupt: true });
    const r = await pullModel(immichEntry, base());
    expect(!r.ok && r.error.message).toMatch(/^textual\/tokenizer\.json failed its checksum \(git blob [0-9a-f]{12}…, expected [0-9a-f]{12}…\)$/);
    await expectLibraryUsable(immichEntry.id);
  });

  it('a file that differs from the sha256 the catalog pins is refused before download', async () => {
    const pinned = fixtureCatalogEntry('transformers.js', tjs, { pinSha: new Map([['onnx/vision_model.onnx', 'ab'.repeat(32)]]) });
    const r = await pullModel(pinned, base());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toMatch(/onnx\/vision_model\.onnx on the hub is not the file the catalog pins/);
    await expectLibraryUsable(pinned.id);
  });

  it('404: a repository or a file the hub does not have', async () => {
    const noRepo = { ...immichEntry, id: 'gone', repo: 'shoebox-test/nope' };
    const a = await pullModel(noRepo, base());
    expect(!a.ok && a.error.message).toBe('the model hub has no repository shoebox-test/nope at revision main');
    const noFile = { ...immichEntry, id: 'missing-file', files: [...immichEntry.files, { path: 'visual/extra.onnx', bytes: null, sha256: null }] };
    const b = await pullModel(noFile, base());
    expect(!b.ok && b.error.message).toBe('the model hub repository shoebox-test/demo-immich has no visual/extra.onnx');
    expect(!b.ok && b.error.code).toBe('not-found');
    await expectLibraryUsable('missing-file');
  });

  it('500 twice, then the retry succeeds', async () => {
    hub.fault({ path: 'config.json', status: 500, times: 2 });
    const r = await pullModel(tjsEntry, base({ retries: 2 }));
    if (!r.ok) throw new Error(r.error.message);
    expect(hub.requests.filter((q) => q.url.endsWith('/resolve/' + r.value.commit + '/config.json'))).toHaveLength(3);
  });

  it('500 past the retries says the hub has a problem', async () => {
    hub.fault({ path: 'config.json', status: 503, times: 5 });
    const r = await pullModel(tjsEntry, base({ retries: 1 }));
    expect(!r.ok && r.error.message).toBe('the model hub answered 503 for demo-tjs/config.json');
    await expectLibraryUsable(tjsEntry.id);
  });

  it('a stalled server times out', async () => {
    hub.fault({ path: 'onnx/vision_model.onnx', stallAfter: 50_000 });
    const r = await pullModel(tjsEntry, base({ retries: 0, timeoutMs: 400 }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toBe('the model hub stopped sending onnx/vision_model.onnx (no data for 400 ms)');
    await expectLibraryUsable(tjsEntry.id);
  });

  it('disk full: a clear message and the staging folder is cleaned', async () => {
    let written = 0;
    const r = await pullModel(immichEntry, base({
      writeChunk: async (fh, chunk) => {
        if (written + chunk.length > 500_000) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        written += chunk.length;
        await fh.write(chunk);
      },
    }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('io');
    expect(r.error.message).toBe('the disk is full');
    expect(r.error.hint).toBe('free some space and try again');
    expect(fs.existsSync(stagingDir(lib, immichEntry.id))).toBe(false);
    await expectLibraryUsable(immichEntry.id);
  });

  it('cancellation stops the transfer and removes the staging folder', async () => {
    const ctl = new AbortController();
    hub.fault({ path: 'onnx/text_model.onnx', stallAfter: 200_000 }); // keeps the transfer open until cancelled
    const events: DownloadProgress[] = [];
    const r = await pullModel(tjsEntry, base({
      signal: ctl.signal,
      progressEveryMs: 0,
      onProgress: (p) => {
        events.push(p);
        if (p.file === 'onnx/text_model.onnx' && p.bytes > 0 && !ctl.signal.aborted && hub.requests.some((q) => q.url.startsWith('/cdn/'))) {
          setTimeout(() => ctl.abort(), 50);
        }
      },
    }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code: 'cancelled', message: 'download cancelled' });
    expect(events.at(-1)!.state).toBe('cancelled');
    expect(fs.existsSync(stagingDir(lib, tjsEntry.id))).toBe(false);
    await expectLibraryUsable(tjsEntry.id);
  });

  it('no network: "can\'t reach the model hub (offline?)"', async () => {
    const port = await closedPort();
    const r = await pullModel(tjsEntry, base({ endpoint: `http://127.0.0.1:${port}`, retries: 0 }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toBe(`can't reach the model hub at 127.0.0.1:${port} (offline?)`);
    await expectLibraryUsable(tjsEntry.id);
  });
});
