// End-to-end through the CLI on the tiny fixture model (random weights: these tests check the
// plumbing and output formats; tests/quality checks search quality on the demo model).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import type { CliIO } from '../command.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tinyModel = path.join(repo, 'app/embed/node/fixtures/tiny-clip');

let tmp: string;
let photos: string;
let lib: string;

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let errText = '';
  const sink = (f: (s: string) => void) => new Writable({ write: (c, _e, cb) => (f(String(c)), cb()) });
  const io: CliIO = { stdout: sink((s) => (out += s)), stderr: sink((s) => (errText += s)), stdin: process.stdin, env: { ...process.env, SHOEBOX_HOME: lib }, cwd: tmp };
  const code = await main([...args, '--model', tinyModel, '--threads', '1'], io);
  return { code, out, err: errText };
}

const colours: [string, [number, number, number]][] = [
  ['red', [220, 20, 20]], ['green', [20, 200, 40]], ['blue', [30, 40, 220]], ['yellow', [240, 230, 30]], ['black', [10, 10, 10]], ['white', [245, 245, 245]],
];

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-search-cli-'));
  photos = path.join(tmp, 'photos');
  lib = path.join(tmp, 'lib');
  fs.mkdirSync(path.join(photos, 'sub'), { recursive: true });
  for (const [i, [name, [r, g, b]]] of colours.entries()) {
    const file = path.join(photos, i % 2 ? 'sub' : '', `${name}.png`);
    // A coloured disc on grey, so images differ in structure as well as colour.
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="72"><rect width="96" height="72" fill="#777"/><circle cx="${30 + i * 6}" cy="36" r="${14 + i * 2}" fill="rgb(${r},${g},${b})"/></svg>`;
    await sharp(Buffer.from(svg)).png().toFile(file);
  }
  await sharp({ create: { width: 80, height: 60, channels: 3, background: { r: 200, g: 30, b: 30 } } }).jpeg().toFile(path.join(tmp, 'outside.jpg'));
  const r = await run(['index', photos]);
  expect(r.code, r.err).toBe(0);
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('shoebox search', () => {
  it('--json prints results with path, score, id first, then took_ms', async () => {
    const r = await run(['search', 'a red circle', '--json', '--limit', '4']);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const j = JSON.parse(lines[0]!) as { results: { path: string; score: number; id: number }[]; took_ms: number };
    expect(Object.keys(j).slice(0, 2)).toEqual(['results', 'took_ms']);
    expect(j.results).toHaveLength(4);
    for (const h of j.results) {
      expect(Object.keys(h).slice(0, 3)).toEqual(['path', 'score', 'id']);
      expect(fs.existsSync(h.path)).toBe(true);
      expect(h.score).toBeGreaterThanOrEqual(-1);
      expect(h.score).toBeLessThanOrEqual(1.0001);
    }
    const scores = j.results.map((h) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(j.took_ms).toBeGreaterThanOrEqual(0);
  });

  it('-f prints paths only; the table has a header and a summary', async () => {
    const f = await run(['search', 'red', '-f', '--limit', '3']);
    expect(f.code).toBe(0);
    const paths = f.out.trim().split('\n');
    expect(paths).toHaveLength(3);
    for (const p of paths) expect(path.isAbsolute(p) && fs.existsSync(p)).toBe(true);
    const t = await run(['search', 'red', '--limit', '3']);
    expect(t.out.split('\n')[0]).toMatch(/^#\s+score\s+id\s+taken\s+path$/);
    expect(t.out).toMatch(/1–3 of 6 · .* · exact · tiny-clip/);
  });

  it('pages and filters by folder and format', async () => {
    const all = JSON.parse((await run(['search', 'blue', '--json', '--limit', '6'])).out) as { results: { id: number }[] };
    const p2 = JSON.parse((await run(['search', 'blue', '--json', '--limit', '2', '--offset', '2'])).out) as { results: { id: number }[] };
    expect(p2.results.map((h) => h.id)).toEqual(all.results.slice(2, 4).map((h) => h.id));
    const sub = await run(['search', 'blue', '-f', '--folder', 'photos/sub']);
    const subPaths = sub.out.trim().split('\n');
    expect(subPaths).toHaveLength(3);
    expect(subPaths.every((p) => p.includes(`${path.sep}sub${path.sep}`))).toBe(true);
    const none = await run(['search', 'blue', '-f', '--format', 'jpeg']);
    expect(none.out).toBe('');
  });

  it('rejects malformed queries and options with one line and exit code 2', async () => {
    for (const args of [['search', 'cat +'], ['search', '"unterminated'], ['search'], ['search', 'cat', '--limit', '0'], ['search', 'cat', '--from', 'yesterday'], ['search', 'cat', '--sort', 'size']]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.err).toMatch(/^shoebox search: /);
    }
  });

  it('accepts an image file and a library photo as terms', async () => {
    const byFile = await run(['search', 'outside.jpg', '--json', '--limit', '1']);
    expect(byFile.code, byFile.err).toBe(0);
    const first = JSON.parse(byFile.out) as { results: { id: number; path: string }[] };
    const byRef = await run(['search', `#${first.results[0]!.id}`, '--json', '--limit', '1']);
    const top = JSON.parse(byRef.out) as { results: { id: number; score: number }[] };
    // A photo's own vector is its own best match.
    expect(top.results[0]!.id).toBe(first.results[0]!.id);
    expect(top.results[0]!.score).toBeCloseTo(1, 4);
  });
});

describe('shoebox similar', () => {
  it('finds neighbours of a library photo by path or id, never the photo itself', async () => {
    const target = path.join(photos, 'red.png');
    const byPath = JSON.parse((await run(['similar', target, '--json', '--limit', '10'])).out) as { results: { id: number; path: string }[] };
    expect(byPath.results).toHaveLength(5);
    expect(byPath.results.some((h) => h.path === target)).toBe(false);
    const id = JSON.parse((await run(['search', `${target}`, '--json', '--limit', '1'])).out).results[0].id as number;
    const byId = JSON.parse((await run(['similar', `#${id}`, '--json', '--limit', '10'])).out) as { results: { id: number }[] };
    expect(byId.results.map((h) => h.id)).toEqual(byPath.results.map((h) => h.id));
  });

  it('embeds a file outside the library, and reports a missing one', async () => {
    const r = await run(['similar', 'outside.jpg', '-f', '--limit', '2']);
    expect(r.code, r.err).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(2);
    const missing = await run(['similar', 'nope.jpg']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^shoebox similar: no such photo or file/);
  });
});

describe('shoebox tag / tags', () => {
  it('tags a folder, counts tags, lists and filters by them', async () => {
    const t = await run(['tag', 'photos', '--labels', 'red,green,blue', '--set', 'col', '--threshold', '0', '--json']);
    expect(t.code, t.err).toBe(0);
    const j = JSON.parse(t.out) as { set: string; version: number; photos: number; tagged: number; counts: { label: string; count: number }[] };
    expect(j).toMatchObject({ set: 'col', version: 1, photos: 6, tagged: 6 });
    expect(j.counts.reduce((a, c) => a + c.count, 0)).toBe(6);

    const counts = JSON.parse((await run(['tags', '--set', 'col', '--json'])).out) as { tags: { set: string; label: string; count: number }[] };
    expect(counts.tags.map((c) => c.label)).toEqual(['red', 'green', 'blue']);
    const withRed = counts.tags.find((c) => c.label === 'red')!.count;
    const listed = await run(['tags', '--set', 'col', '--label', 'red', '-f']);
    expect(listed.out.trim().split('\n').filter(Boolean)).toHaveLength(withRed);
    const filtered = await run(['search', 'anything', '--tag', 'col/red', '-f']);
    expect(filtered.out.trim().split('\n').filter(Boolean).sort()).toEqual(listed.out.trim().split('\n').filter(Boolean).sort());

    // Same definition: same version; a new threshold: next version.
    const again = JSON.parse((await run(['tag', 'photos', '--labels', 'red,green,blue', '--set', 'col', '--threshold', '0', '--json'])).out) as { version: number };
    expect(again.version).toBe(1);
    const bumped = JSON.parse((await run(['tag', 'photos', '--labels', 'red,green,blue', '--set', 'col', '--threshold', '0.99', '--json'])).out) as { version: number; tagged: number };
    expect(bumped.version).toBe(2);
  });

  it('explains bad tag requests', async () => {
    expect((await run(['tag', 'photos', '--labels', 'red'])).err).toMatch(/at least two/);
    expect((await run(['tag', 'nowhere', '--labels', 'a,b'])).err).toMatch(/no such folder/);
    expect((await run(['tag', 'photos', '--labels', 'a,b', '--templates', 'no placeholder'])).err).toMatch(/has no \{\}/);
    expect((await run(['tags', '--set', 'nope'])).err).toMatch(/no label set named 'nope'/);
  });
});
