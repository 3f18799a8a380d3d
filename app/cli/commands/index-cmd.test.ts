// `shoebox index <dir> --watch` as a user runs it: a child process that indexes, keeps watching,
// picks up a photo dropped into the folder and drops a deleted one, then ends on Ctrl-C (SIGINT)
// with a summary, its lock released and its index saved.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../library/catalog.js';
import { VectorIndex } from '../../vectors/vector-index.js';
import { TEST_MODEL, collect, makePhotos, runCli, spawnCli } from '../../../tests/faults/helpers.js';

function photoRows(lib: string): Map<string, string> {
  const db = new Database(path.join(lib, 'catalog.sqlite'), { readonly: true, timeout: 2000 });
  try {
    return new Map((db.prepare('SELECT path, status FROM photos').all() as { path: string; status: string }[]).map((r) => [r.path, r.status]));
  } finally {
    db.close();
  }
}

async function until(what: string, cond: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('shoebox index --watch (child process)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-watch-cli-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('indexes an added photo, forgets a removed one, and ends cleanly on SIGINT with a summary', { timeout: 180_000 }, async () => {
    const root = path.join(tmp, 'photos');
    const lib = path.join(tmp, 'lib');
    const files = await makePhotos(root, 3, 21);
    const child = spawnCli(['index', root, '--watch', '--library', lib, '--model', TEST_MODEL]);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = collect(child);
    try {
      await until('watching', () => stderr.includes('watching 1 folder'));
      expect([...photoRows(lib).values()]).toEqual(['indexed', 'indexed', 'indexed']);

      // A photo arrives (written elsewhere, then moved in, as a finished download would).
      const [incoming] = await makePhotos(path.join(tmp, 'incoming'), 1, 22);
      const added = path.join(root, 'added.jpg');
      fs.renameSync(incoming!, added);
      await until('the added photo is indexed', () => photoRows(lib).get(added) === 'indexed');
      await until('the watcher reports it', () => stderr.includes('indexed 1 changed photo'));

      fs.rmSync(files[0]!);
      await until('the removed photo leaves the catalog', () => !photoRows(lib).has(files[0]!));
    } finally {
      child.kill('SIGINT');
    }
    const r = await done;
    expect(r.signal).toBeNull();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Done: 3 photos indexed/m);
    expect(r.stdout).toMatch(/^Stopped watching after [\d.]+ s: 1 photo indexed while watching$/m);
    expect(r.stdout).toMatch(/^Library: 3 indexed, 0 pending, 0 failed, 0 unsupported$/m);

    // The lock is released (status opens the library, not read-only) and the saved index is whole.
    const s = await runCli(['status', '--json', '--library', lib, '--model', TEST_MODEL]);
    expect(s.code, s.stderr).toBe(0);
    const status = JSON.parse(s.stdout) as { readOnly?: string; photos: { total: number; indexed: number } };
    expect(status.readOnly).toBeUndefined();
    expect(status.photos).toMatchObject({ total: 3, indexed: 3 });
    const rows = photoRows(lib);
    expect([...rows.keys()].sort()).toEqual([files[1]!, files[2]!, path.join(root, 'added.jpg')].sort());
    // Saved at exit in step with SQLite: it loads as is, with nothing to replay or delete.
    const cat = Catalog.open(path.join(lib, 'catalog.sqlite'));
    if (!cat.ok) throw new Error(cat.error.message);
    try {
      const model = cat.value.getMeta('model')!;
      const dims = cat.value.vectorFor(model, cat.value.photoIds({}, { limit: 1 })[0]!)!.length;
      const vi = VectorIndex.open({ dir: lib, model, dims, catalog: cat.value });
      if (!vi.ok) throw new Error(vi.error.message);
      expect(vi.value.openReport).toEqual({ action: 'loaded', reason: null, replayed: 0, removed: 0 });
      expect(vi.value.size).toBe(3);
    } finally {
      cat.value.close();
    }
  });
});
