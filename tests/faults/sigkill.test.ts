// SIGKILL the real `shoebox index` at random moments (scan, decode, encode, commit, checkpoint):
// the next run finishes, every photo is indexed exactly once, no duplicate rows, search works.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../app/library/catalog.js';
import { VectorIndex } from '../../app/vectors/vector-index.js';
import { TEST_MODEL, collect, makePhotos, runCli, spawnCli } from './helpers.js';

const TRIALS = 20;

/** Invariants that must hold after any kill, even mid-batch; returns [indexed, pending]. */
function checkConsistent(lib: string): [number, number] {
  const file = path.join(lib, 'catalog.sqlite');
  if (!fs.existsSync(file)) return [0, 0]; // killed before the catalog was created
  const db = new Database(file);
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.prepare('SELECT COUNT(*) FROM (SELECT path FROM photos GROUP BY path HAVING COUNT(*) > 1)').pluck().get()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM (SELECT photo_id FROM vectors GROUP BY photo_id, model HAVING COUNT(*) > 1)').pluck().get()).toBe(0);
    // A photo is 'indexed' exactly when it has its vector: the batch transaction writes both or neither.
    expect(db.prepare("SELECT COUNT(*) FROM photos p WHERE p.status = 'indexed' AND NOT EXISTS (SELECT 1 FROM vectors v WHERE v.photo_id = p.id)").pluck().get()).toBe(0);
    expect(db.prepare("SELECT COUNT(*) FROM vectors v JOIN photos p ON p.id = v.photo_id WHERE p.status != 'indexed'").pluck().get()).toBe(0);
    return [db.prepare("SELECT COUNT(*) FROM photos WHERE status = 'indexed'").pluck().get() as number, db.prepare("SELECT COUNT(*) FROM photos WHERE status = 'pending'").pluck().get() as number];
  } finally {
    db.close();
  }
}

describe(`SIGKILL during indexing (${TRIALS} trials)`, () => {
  const lib = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-kill-lib-'));
  const photos = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-kill-photos-'));
  afterAll(() => {
    fs.rmSync(lib, { recursive: true, force: true });
    fs.rmSync(photos, { recursive: true, force: true });
  });

  it('every rerun resumes; the end state has each photo indexed exactly once and search works', { timeout: 300_000 }, async () => {
    let seed = 1;
    const all = new Set(await makePhotos(photos, 24, seed++, 'base'));
    // A full first run tells how long a run takes, to spread the timed kills over its length.
    const t0 = Date.now();
    const r0 = await runCli(['index', photos, '--library', lib, '--model', TEST_MODEL]);
    expect(r0.code, r0.stderr).toBe(0);
    // Start-up is most of a run, and runs vary: a timed kill that misses (the run ended first)
    // narrows the window to that run's length, so the kills keep landing inside runs.
    let span = Date.now() - t0;
    let killed = 0;
    let midIndexing = 0;
    let lastIndexed = checkConsistent(lib)[0];
    const indexedNow = (): number => {
      try {
        const db = new Database(path.join(lib, 'catalog.sqlite'), { readonly: true, timeout: 1000 });
        try {
          return db.prepare("SELECT COUNT(*) FROM photos WHERE status = 'indexed'").pluck().get() as number;
        } finally {
          db.close();
        }
      } catch {
        return -1;
      }
    };

    let rnd = 12345;
    const next = (): number => ((rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let t = 0; t < TRIALS; t++) {
      // New work each trial: fresh photos, one deleted, one moved to another folder.
      for (const f of await makePhotos(photos, 12, seed++, `t${t}`)) all.add(f);
      const list = [...all];
      const victim = list[Math.floor(next() * list.length)]!;
      fs.rmSync(victim);
      all.delete(victim);
      const mover = [...all][Math.floor(next() * all.size)]!;
      const moved = path.join(photos, 'moved', `m${t}-${path.basename(mover)}`);
      fs.mkdirSync(path.dirname(moved), { recursive: true });
      fs.renameSync(mover, moved);
      all.delete(mover);
      all.add(moved);
      const started = Date.now();
      const child = spawnCli(['index', photos, '--library', lib, '--model', TEST_MODEL, '--threads', '1', '--batch-size', '4']);
      const done = collect(child);
      let timer: NodeJS.Timeout | undefined;
      if (t % 2 === 0) {
        // Timed kill: anywhere from start-up through scan, batches, checkpoint and exit.
        timer = setTimeout(() => child.kill('SIGKILL'), 200 + next() * span);
      } else {
        // Kill once batches are being committed: poll the catalog (WAL readers never block the writer).
        const before = lastIndexed;
        const extra = next() * 60; // a batch of 4 takes ~15–50 ms: often mid-batch, rarely after the end
        void (async () => {
          while (child.exitCode === null && child.signalCode === null) {
            const n = indexedNow();
            if (n > before) {
              setTimeout(() => child.kill('SIGKILL'), extra);
              return;
            }
            await new Promise((r) => setTimeout(r, 15));
          }
        })();
      }
      const r = await done;
      clearTimeout(timer);
      const [indexed, pending] = checkConsistent(lib);
      if (r.signal === 'SIGKILL') {
        killed++;
        // Killed after some batches committed and before the last: a real mid-indexing kill.
        if (pending > 0 && indexed > lastIndexed) midIndexing++;
      } else {
        expect(r.code, r.stderr).toBe(0);
        if (t % 2 === 0) span = Math.max(100, Math.min(span, Date.now() - started - 200) * 0.9);
      }
      if (process.env.SHOEBOX_TEST_VERBOSE) console.log(`trial ${t}: ${r.signal ?? r.code} indexed=${indexed} pending=${pending} t=${Date.now() - t0}`);
      lastIndexed = indexed;
    }
    // Most trials must really have been killed, or the test proves nothing.
    expect(killed).toBeGreaterThanOrEqual(TRIALS * 0.6);
    console.log(`sigkill: ${killed} of ${TRIALS} runs killed, ${midIndexing} between two batches of one run`);
    expect(midIndexing).toBeGreaterThanOrEqual(3);

    const final = await runCli(['index', photos, '--library', lib, '--model', TEST_MODEL, '--json']);
    expect(final.code, final.stderr).toBe(0);
    checkConsistent(lib);

    const cat = Catalog.open(path.join(lib, 'catalog.sqlite'));
    if (!cat.ok) throw new Error(cat.error.message);
    try {
      const c = cat.value;
      const rows = c.db.prepare('SELECT path, status FROM photos').all() as { path: string; status: string }[];
      expect(rows.map((r) => r.path).sort()).toEqual([...all].sort());
      expect(rows.every((r) => r.status === 'indexed')).toBe(true);
      const model = c.getMeta('model')!;
      expect(c.vectorCount(model)).toBe(all.size);
      // The saved HNSW file (or its repair from SQLite) holds exactly the live photos, and a
      // photo's own vector finds itself first.
      const dims = c.vectorFor(model, c.photoIds({}, { limit: 1 })[0]!)!.length;
      const vi = VectorIndex.open({ dir: lib, model, dims, catalog: c });
      if (!vi.ok) throw new Error(vi.error.message);
      expect(vi.value.size).toBe(all.size);
      for (const id of c.photoIds({}, { limit: 5, sort: 'path' })) {
        const hit = vi.value.search(c.vectorFor(model, id)!, 1)[0]!;
        expect(hit.score).toBeGreaterThan(0.999);
        expect(c.vectorFor(model, hit.id)).toEqual(c.vectorFor(model, id));
      }
    } finally {
      cat.value.close();
    }
  });
});
