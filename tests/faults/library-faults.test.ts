// File-system faults during a scan and an indexing run: vanishing and unreadable files, a
// permission-denied folder, a symlink loop, a 0-byte file, a folder named x.jpg. Each is skipped
// with a reason and the run goes on. Plus two processes on one library.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../app/engine/engine.js';
import { nodeScanFs, type ScanFs } from '../../app/library/scanner.js';
import { TEST_MODEL, collect, makePhotos, runCli, spawnCli } from './helpers.js';

let tmp: string;
let engine: Engine | null = null;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-faults-'));
});
afterEach(async () => {
  await engine?.close();
  engine = null;
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function open(opts: { scanFs?: ScanFs; decode?: Parameters<typeof createEngine>[0]['decode'] } = {}): Promise<Engine> {
  const r = await createEngine({ libraryDir: path.join(tmp, 'lib'), modelDir: TEST_MODEL, threads: 1, ...opts });
  if (!r.ok) throw new Error(r.error.message);
  engine = r.value;
  return r.value;
}

const isRoot = process.getuid?.() === 0;

describe('scan and index faults', () => {
  it('symlink loop, 0-byte file, folder named x.jpg, hidden and system folders', async () => {
    const root = path.join(tmp, 'photos');
    const good = await makePhotos(root, 3, 7);
    fs.mkdirSync(path.join(root, 'sub'));
    fs.symlinkSync(root, path.join(root, 'sub', 'loop')); // sub/loop → root: a cycle
    fs.writeFileSync(path.join(root, 'empty.jpg'), '');
    fs.mkdirSync(path.join(root, 'x.jpg'));
    await makePhotos(path.join(root, 'x.jpg'), 1, 8, 'inside');
    for (const skip of ['.git', 'node_modules', '@eaDir', '$RECYCLE.BIN', '.Trash-1000']) await makePhotos(path.join(root, skip), 1, 9, 'hidden');
    const e = await open();
    const r = await e.indexFolders([root]);
    expect(r.ok && r.value.run.state).toBe('done');
    const c = e.ctx.catalog;
    const paths = (c.db.prepare('SELECT path FROM photos ORDER BY path').pluck().all() as string[]).map((p) => path.relative(root, p));
    // The loop adds nothing twice; x.jpg is walked as a folder; skipped folders are not walked.
    expect(paths).toEqual([...good.map((g) => path.basename(g)), 'empty.jpg', path.join('x.jpg', 'inside-0000.jpg')].sort());
    expect(c.photo(c.photoIdByPath(path.join(root, 'empty.jpg'))!)).toMatchObject({ status: 'failed', error: 'empty file (0 bytes)' });
    expect(c.counts().indexed).toBe(4);
    expect(e.ctx.vectors.size).toBe(4);
  });

  it('a permission-denied folder is skipped with a reason and its photos are kept', async () => {
    const root = path.join(tmp, 'photos');
    await makePhotos(root, 2, 1);
    const locked = path.join(root, 'locked');
    await makePhotos(locked, 2, 2);
    // As root, chmod 000 does not deny reads; simulate the kernel's EACCES at the same call.
    const denyLocked = { value: false };
    const scanFs: ScanFs = {
      ...nodeScanFs,
      readdir: async (dir) => {
        if (denyLocked.value && dir === locked) throw Object.assign(new Error(`EACCES: permission denied, scandir '${dir}'`), { code: 'EACCES' });
        return nodeScanFs.readdir(dir);
      },
    };
    if (!isRoot) fs.chmodSync(locked, 0o000);
    const e = await open({ scanFs });
    let r = await e.indexFolders([root]);
    if (!isRoot) fs.chmodSync(locked, 0o755);
    expect(r.ok).toBe(true);
    const c = e.ctx.catalog;
    if (isRoot) {
      // First pass readable: 4 photos. Then the folder becomes unreadable.
      expect(c.counts().indexed).toBe(4);
      denyLocked.value = true;
      r = await e.indexFolders([root]);
      expect(r.ok).toBe(true);
      // Not deleted just because they could not be listed this time.
      expect(c.counts().indexed).toBe(4);
    } else expect(c.counts().indexed).toBe(2);
    const skipped = c.skipped().files;
    expect(skipped).toContainEqual({ path: locked, status: 'failed', reason: 'folder skipped: permission denied' });
  });

  it('a file that vanishes between scan and decode, and one that becomes unreadable, are skipped; the run goes on', async () => {
    const root = path.join(tmp, 'photos');
    const files = await makePhotos(root, 6, 3);
    const [vanish, unreadable] = [files[1]!, files[4]!];
    const e0 = await open({
      // Remove one file and refuse another at the moment the indexer opens them.
      decode: async (file) => {
        const { preprocessImage } = await import('../../app/embed/node/preprocess.js');
        if (file === vanish) fs.rmSync(vanish, { force: true });
        if (file === unreadable) return { ok: false, error: { code: 'io', message: 'permission denied', path: file } };
        const { readManifest } = await import('../../app/embed/node/model-load.js');
        const m = await readManifest(TEST_MODEL);
        if (!m.ok) return m;
        return preprocessImage(file, m.value.preprocess);
      },
    });
    const r = await e0.indexFolders([root]);
    expect(r.ok && r.value.run).toMatchObject({ state: 'done', indexed: 4, failed: 2 });
    const c = e0.ctx.catalog;
    expect(c.photo(c.photoIdByPath(vanish)!)).toMatchObject({ status: 'failed', error: 'file vanished before it could be indexed' });
    expect(c.photo(c.photoIdByPath(unreadable)!)).toMatchObject({ status: 'failed', error: 'permission denied' });
    // The next scan notices the vanished file is gone for good.
    const r2 = await e0.indexFolders([root]);
    expect(r2.ok && r2.value.scan.removedIds.length).toBe(1);
    expect(c.photoIdByPath(vanish)).toBeNull();
  });

  it('files that vanish during the walk are skipped with a reason', async () => {
    const root = path.join(tmp, 'photos');
    const files = await makePhotos(root, 4, 4);
    const scanFs: ScanFs = {
      ...nodeScanFs,
      hash: async (f) => {
        if (f === files[2]) fs.rmSync(f);
        return nodeScanFs.hash(f);
      },
    };
    const e = await open({ scanFs });
    const r = await e.indexFolders([root]);
    expect(r.ok && r.value.run.indexed).toBe(3);
    expect(e.ctx.catalog.skipped().files).toContainEqual({ path: files[2], status: 'failed', reason: 'skipped: vanished while scanning' });
  });
});

describe('two processes on one library', () => {
  it('the second gets a clear "library in use" error and the first finishes unharmed', async () => {
    const root = path.join(tmp, 'photos');
    await makePhotos(root, 30, 5);
    const lib = path.join(tmp, 'lib');
    const first = spawnCli(['index', root, '--library', lib, '--model', TEST_MODEL]);
    const firstDone = collect(first);
    // Wait for the first to hold the lock.
    while (!fs.existsSync(path.join(lib, 'library.lock')) && first.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    const second = await runCli(['index', root, '--library', lib, '--model', TEST_MODEL]);
    const a = await firstDone;
    expect(a.code, a.stderr).toBe(0);
    if (second.code !== 0) {
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/library in use by another Shoebox process \(pid \d+\)/);
    }
    // While it was busy, status still answers from the catalog, read-only.
    const s = await runCli(['status', '--json', '--library', lib, '--model', TEST_MODEL]);
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout).photos.indexed).toBe(30);
    expect(fs.existsSync(path.join(lib, 'library.lock'))).toBe(false);
  });

  it('a lock left by a killed process is taken over', async () => {
    const lib = path.join(tmp, 'lib');
    fs.mkdirSync(lib, { recursive: true });
    // A pid that is not running (pid_max is below 2^22 on Linux).
    fs.writeFileSync(path.join(lib, 'library.lock'), JSON.stringify({ pid: 4_194_300, host: os.hostname(), since: new Date().toISOString() }));
    const e = await open();
    expect(JSON.parse(fs.readFileSync(path.join(lib, 'library.lock'), 'utf8')).pid).toBe(process.pid);
    const other = await createEngine({ libraryDir: lib, modelDir: TEST_MODEL, threads: 1 });
    expect(other.ok ? null : other.error.code).toBe('busy');
    await e.close();
    engine = null;
    expect(fs.existsSync(path.join(lib, 'library.lock'))).toBe(false);
  });
});
