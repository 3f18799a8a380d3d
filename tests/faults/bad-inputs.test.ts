// Index the reference photos and every problem file next to them, through the real CLI: each
// manifest entry gets its expected outcome, with its reason in `status --errors --json`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE, TEST_MODEL, lastJson, runCli, type CliRun } from './helpers.js';

interface ManifestEntry { name: string; expected: 'skip' | 'index' | 'ignore' | 'index-if-supported' | 'not-a-file'; reason: string; also_acceptable?: string }
interface StatusJson { photos: { total: number; indexed: number; failed: number; unsupported: number }; errors: { path: string; status: string; reason: string }[] }

const photosDir = path.join(REFERENCE, 'photos');
const badDir = path.join(REFERENCE, 'bad-inputs');
const manifest = JSON.parse(fs.readFileSync(path.join(badDir, 'manifest.json'), 'utf8')) as { files: ManifestEntry[] };
const goodPhotos = fs.readdirSync(photosDir).filter((f) => !/\.(md|json)$/.test(f));

describe('bad inputs through `shoebox index` and `shoebox status --errors --json`', () => {
  let lib: string;
  let index: CliRun;
  let status: StatusJson;
  beforeAll(async () => {
    lib = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-bad-'));
    index = await runCli(['index', photosDir, badDir, '--library', lib, '--model', TEST_MODEL]);
    const s = await runCli(['status', '--errors', '--json', '--library', lib, '--model', TEST_MODEL]);
    expect(s.code, s.stderr).toBe(0);
    status = lastJson<StatusJson>(s.stdout);
  });
  afterAll(() => fs.rmSync(lib, { recursive: true, force: true }));

  it('exits 0 and says how many were skipped and why', () => {
    expect(index.code, index.stderr).toBe(0);
    expect(index.stdout).toMatch(/Skipped \d+:/);
    expect(index.stdout).toMatch(/empty file/);
  });

  it('indexes every good photo', async () => {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(path.join(lib, 'catalog.sqlite'), { readonly: true });
    try {
      const rows = db.prepare("SELECT path, status, error FROM photos WHERE path LIKE ?").all(`${photosDir}${path.sep}%`) as { path: string; status: string; error: string | null }[];
      expect(rows.map((r) => path.basename(r.path)).sort()).toEqual([...goodPhotos].sort());
      for (const r of rows) expect({ file: r.path, status: r.status }).toEqual({ file: r.path, status: 'indexed' });
      const vecs = db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT photo_id) AS d FROM vectors').get() as { n: number; d: number };
      expect(vecs.n).toBe(vecs.d);
      expect(vecs.n).toBe(status.photos.indexed);
    } finally {
      db.close();
    }
  });

  for (const entry of manifest.files) {
    it(`${entry.name}: ${entry.expected}`, async () => {
      const file = path.join(badDir, entry.name);
      const err = status.errors.find((e) => e.path === file);
      const { default: Database } = await import('better-sqlite3');
      const db = new Database(path.join(lib, 'catalog.sqlite'), { readonly: true });
      const row = db.prepare('SELECT status, error FROM photos WHERE path = ?').get(file) as { status: string; error: string | null } | undefined;
      db.close();
      switch (entry.expected) {
        case 'index':
          expect(row?.status).toBe('indexed');
          expect(err).toBeUndefined();
          break;
        case 'skip':
          if (entry.also_acceptable && row?.status === 'indexed') break; // e.g. a PNG CRC a decoder may ignore
          expect(row?.status).toMatch(/^(failed|unsupported)$/);
          expect(err?.reason).toBeTruthy();
          // The reason names the problem, not just "failed".
          expect(err!.reason.length).toBeGreaterThan(8);
          if (/empty/.test(entry.reason)) expect(err!.reason).toMatch(/empty|0 bytes/);
          if (/too large/.test(entry.reason)) expect(err!.reason).toMatch(/too large|pixel limit/);
          if (/truncated|corrupt/.test(entry.reason)) expect(err!.reason).toMatch(/truncated|corrupt/);
          if (/not (a recognised|an image)/.test(entry.reason)) expect(err!.reason).toMatch(/not an image|not recognised/);
          break;
        case 'index-if-supported':
          if (row?.status === 'indexed') break;
          expect(row?.status).toBe('unsupported');
          expect(err?.reason).toMatch(new RegExp(`unsupported format: ${/\.heic$/.test(entry.name) ? 'HEIC' : 'BMP'}`));
          break;
        case 'ignore':
          expect(row).toBeUndefined();
          expect(err).toBeUndefined();
          break;
        case 'not-a-file':
          expect(row).toBeUndefined();
          expect(fs.statSync(file).isDirectory()).toBe(true);
          break;
      }
    });
  }

  it('non-ASCII and quoted names round-trip through the catalog and the JSON', () => {
    const names = manifest.files.filter((f) => /[^\x20-\x7e]|"/.test(f.name)).map((f) => f.name);
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect(status.errors.some((e) => path.basename(e.path) === n)).toBe(false);
    expect(status.photos.indexed).toBe(goodPhotos.length + manifest.files.filter((f) => f.expected === 'index').length);
  });
});
