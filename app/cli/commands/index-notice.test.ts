// `shoebox index` says why it re-indexes photos that were indexed before (the model's image
// weights changed): once, on stderr, before the progress; in --json as the summary's modelNotice.
// `shoebox status` says the same from the same field. In-process CLI on role rt's tiny fixture.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePhotos } from '../../../tests/faults/helpers.js';
import { copyFixtureModel, swapEncoder } from '../../server/testing/new-weights.js';
import type { CliIO } from '../command.js';
import { main } from '../main.js';

let tmp: string;
let lib: string;
let photos: string;
let modelDir: string;

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let errText = '';
  const sink = (f: (s: string) => void) => new Writable({ write: (c, _e, cb) => (f(String(c)), cb()) });
  const io: CliIO = { stdout: sink((s) => (out += s)), stderr: sink((s) => (errText += s)), stdin: process.stdin, env: { ...process.env, SHOEBOX_HOME: lib }, cwd: tmp };
  const code = await main([...args, '--model', modelDir, '--threads', '1'], io);
  return { code, out, err: errText };
}

const notice = (n: number): string => `the weights of model 'tiny-clip' changed since the library was indexed: ${n} photos will be re-indexed`;
const count = (text: string, part: string): number => text.split(part).length - 1;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-index-notice-'));
  lib = path.join(tmp, 'lib');
  photos = path.join(tmp, 'photos');
  modelDir = copyFixtureModel('tiny-clip', path.join(tmp, 'model'));
  await makePhotos(photos, 3, 41);
  const r = await run(['index', photos]);
  expect(r.code, r.err).toBe(0);
  expect(r.err).not.toContain('note:');
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('the model notice in the CLI', () => {
  it('index prints it once before indexing, and re-indexes the photos', async () => {
    swapEncoder(modelDir, 'image', 'tiny-clip-hf');
    const r = await run(['index', photos]);
    expect(r.code, r.err).toBe(0);
    expect(count(r.err, notice(3))).toBe(1);
    expect(r.err).toContain(`note: ${notice(3)}\n`);
    expect(r.out).not.toContain(notice(3));
    expect(r.out).toMatch(/^Done: 3 photos indexed/m);
    // Nothing new to say on the next run.
    const quiet = await run(['index', photos]);
    expect(quiet.err).not.toContain('note:');
  });

  it('index --json carries it as modelNotice (null when there is none), nothing on stderr', async () => {
    swapEncoder(modelDir, 'image', 'tiny-clip');
    const r = await run(['index', photos, '--json']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).not.toContain(notice(3));
    const summary = JSON.parse(r.out) as { modelNotice: string | null; indexed: number };
    expect(summary).toMatchObject({ modelNotice: notice(3), indexed: 3 });
    const quiet = JSON.parse((await run(['index', photos, '--json'])).out) as { modelNotice: string | null; indexed: number };
    expect(quiet).toMatchObject({ modelNotice: null, indexed: 0 });
  });

  it('status prints the same line, and has it in --json', async () => {
    swapEncoder(modelDir, 'image', 'tiny-clip-hf');
    const j = JSON.parse((await run(['status', '--json'])).out) as { modelNotice: string | null };
    expect(j.modelNotice).toBe(notice(3));
    // Recorded at that open: the next status has nothing to say.
    const quiet = JSON.parse((await run(['status', '--json'])).out) as { modelNotice: string | null };
    expect(quiet.modelNotice).toBeNull();
    expect((await run(['index', photos])).err).not.toContain('note:');
    swapEncoder(modelDir, 'image', 'tiny-clip');
    const s = await run(['status']);
    expect(s.code, s.err).toBe(0);
    expect(s.out).toContain(`note: ${notice(3)}\n`);
    expect(s.out).toMatch(/^Photos {3}3 total: 0 indexed, 3 pending/m);
  });
});
