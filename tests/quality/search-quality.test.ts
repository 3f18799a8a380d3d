// Search quality on the bundled demo model: a generated demo library of 2,000 scenes is indexed
// with `shoebox index`, then `search`, `tag` and `similar` are measured against the scenes'
// known contents (captions.jsonl). Numbers go to the log and build/quality/last-results.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../app/cli/main.js';
import type { CliIO } from '../../app/cli/command.js';
import { COLOURS, PROMPT_TEMPLATES } from '../../app/world/vocabulary.js';
import { demoModelDir, groupSignature, largestGroup, qualityFixture, repo, type QualityFixture } from './demo-fixture.js';

// Seed 42 has 15 scenes with a group of exactly two red circles (precision@10 needs ≥ 8 to be reachable).
const SEED = Number(process.env.SHOEBOX_QUALITY_SEED ?? 42);
const COUNT = Number(process.env.SHOEBOX_QUALITY_COUNT ?? 2000);
const VARIANTS = 30;
// Acceptance targets the shipped demo model does not reach yet (see models/demo/MODEL_CARD.md) run
// only with SHOEBOX_TARGETS=1 (`npm run test:targets`); the plain run reports them as skipped.
const targets = process.env.SHOEBOX_TARGETS === '1';
const haveModel = fs.existsSync(path.join(demoModelDir, 'model.json')) && fs.existsSync(path.join(demoModelDir, 'image.onnx'));

let fx: QualityFixture;
let lib: string;
const results: Record<string, unknown> = { seed: SEED, count: COUNT };

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let errText = '';
  const sink = (f: (s: string) => void) => new Writable({ write: (c, _e, cb) => (f(String(c)), cb()) });
  const io: CliIO = { stdout: sink((s) => (out += s)), stderr: sink((s) => (errText += s)), stdin: process.stdin, env: { ...process.env }, cwd: repo };
  const code = await main([...args, '--library', lib, '--model', demoModelDir, '--threads', '2'], io);
  return { code, out, err: errText };
}

interface Hit {
  path: string;
  score: number;
  id: number;
}

describe.skipIf(!haveModel)('search quality on the demo model (models/demo)', () => {
  beforeAll(async () => {
    fx = await qualityFixture({ seed: SEED, count: COUNT, width: 256, height: 192, variants: VARIANTS });
    lib = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-quality-'));
    const t0 = performance.now();
    const r = await cli(['index', fx.photosDir, fx.variantsDir]);
    results.indexSeconds = Math.round((performance.now() - t0) / 100) / 10;
    if (r.code !== 0) throw new Error(`shoebox index failed: ${r.err}`);
  }, 900_000);

  afterAll(() => {
    if (lib) fs.rmSync(lib, { recursive: true, force: true });
    fs.mkdirSync(path.join(repo, 'build', 'quality'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'build', 'quality', 'last-results.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log('quality results', results);
  });

  it.runIf(targets)('search "two red circles": precision@10 ≥ 0.8 (target)', async () => {
    const isHit = (file: string) => fx.byPath.get(file)?.scene.groups.some((g) => g.count === 2 && g.colour === 'red' && g.shape === 'circle') ?? false;
    const available = fx.photos.filter((p) => p.scene.groups.some((g) => g.count === 2 && g.colour === 'red' && g.shape === 'circle')).length;
    expect(available, 'the library must hold enough matching scenes for precision@10 to be meaningful').toBeGreaterThanOrEqual(10);
    const r = await cli(['search', 'two red circles', '--json', '--limit', '10']);
    expect(r.code, r.err).toBe(0);
    const hits = (JSON.parse(r.out) as { results: Hit[] }).results;
    expect(hits).toHaveLength(10);
    const precision = hits.filter((h) => isHit(h.path)).length / 10;
    results.searchTwoRedCircles = { precisionAt10: precision, matchingScenes: available, top: hits.map((h) => ({ score: Math.round(h.score * 1000) / 1000, caption: fx.byPath.get(h.path)?.caption })) };
    expect(precision).toBeGreaterThanOrEqual(0.8);
  });

  it('tag with the colour names: the largest object’s colour with accuracy ≥ 0.9', async () => {
    const t = await cli(['tag', fx.photosDir, '--set', 'colour', '--labels', COLOURS.join(','), '--templates', PROMPT_TEMPLATES.colour.join('|'), '--threshold', '0', '--json']);
    expect(t.code, t.err).toBe(0);
    const run = JSON.parse(t.out) as { photos: number; tagged: number };
    expect(run.photos).toBe(COUNT);
    const tagOf = new Map<string, string>();
    for (const colour of COLOURS) {
      const r = await cli(['tags', '--set', 'colour', '--label', colour, '-f']);
      expect(r.code, r.err).toBe(0);
      for (const p of r.out.split('\n').filter(Boolean)) tagOf.set(p, colour);
    }
    let correct = 0;
    const confusion: Record<string, number> = {};
    for (const [p, photo] of fx.byPath) {
      if (fx.variants.has(p)) continue;
      const want = largestGroup(photo).colour;
      const got = tagOf.get(p);
      if (got === want) correct++;
      else confusion[`${want}→${got ?? 'none'}`] = (confusion[`${want}→${got ?? 'none'}`] ?? 0) + 1;
    }
    const accuracy = correct / COUNT;
    const worst = Object.entries(confusion).sort((a, b) => b[1] - a[1]).slice(0, 8);
    results.tagColour = { accuracy, tagged: run.tagged, worstConfusions: Object.fromEntries(worst) };
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('similar: the same scene rendered again finds its original first', async () => {
    let first = 0;
    for (const [rerender, original] of fx.variants) {
      const r = await cli(['similar', rerender, '--json', '--limit', '5']);
      expect(r.code, r.err).toBe(0);
      const hits = (JSON.parse(r.out) as { results: Hit[] }).results;
      expect(hits.some((h) => h.path === rerender)).toBe(false);
      if (hits[0]?.path === original) first++;
    }
    const rate = first / fx.variants.size;
    results.similarRerenderTop1 = rate;
    expect(rate).toBeGreaterThanOrEqual(0.9);
  });

  it('similar: scenes sharing the main object rank far above chance', async () => {
    // Looser than near-identical: does the first result share the largest group's colour and
    // shape (other groups, positions and background aside)? Chance is the share of the library
    // that does, averaged over the queries.
    const originals = [...fx.byPath].filter(([p]) => !fx.variants.has(p));
    const key = (photo: (typeof originals)[number][1]) => `${largestGroup(photo).colour} ${largestGroup(photo).shape}`;
    const keyCount = new Map<string, number>();
    for (const [, photo] of originals) keyCount.set(key(photo), (keyCount.get(key(photo)) ?? 0) + 1);
    const queries = originals.filter((_, i) => i % 50 === 7);
    let same = 0;
    let sameSignature = 0;
    let chance = 0;
    for (const [p, photo] of queries) {
      const r = await cli(['similar', p, '--json', '--limit', '1', '--folder', fx.photosDir]);
      expect(r.code, r.err).toBe(0);
      const top = fx.byPath.get((JSON.parse(r.out) as { results: Hit[] }).results[0]!.path)!;
      if (key(top) === key(photo)) same++;
      if (groupSignature(top) === groupSignature(photo)) sameSignature++;
      chance += (keyCount.get(key(photo))! - 1) / (originals.length - 1);
    }
    const rate = same / queries.length;
    const chanceRate = chance / queries.length;
    results.similarSameMainObject = { queries: queries.length, top1: rate, chance: chanceRate, top1SameGroups: sameSignature / queries.length };
    expect(rate).toBeGreaterThanOrEqual(5 * chanceRate);
  });
});
