// The world's CLI commands: demo-library, debug world-vocab, debug training-data (argument handling and outputs).
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import type { CliIO } from '../command.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'shoebox-world-cli-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let errText = '';
  const sink = (f: (s: string) => void): Writable => new Writable({ write: (c, _e, cb) => (f(String(c)), cb()) });
  const io: CliIO = { stdout: sink((s) => (out += s)), stderr: sink((s) => (errText += s)), stdin: process.stdin, env: process.env, cwd: tmp };
  const code = await main(args, io);
  return { code, out, err: errText };
}

describe('world CLI', () => {
  it('demo-library writes photos and captions.jsonl into the folder given', async () => {
    const r = await run(['demo-library', 'lib', '--count', '6', '--seed', '2', '--size', '80x60']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('wrote 6 photos');
    const lines = (await readFile(join(tmp, 'lib', 'captions.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(6);
    for (const l of lines) expect((await stat(join(tmp, 'lib', JSON.parse(l).file))).size).toBeGreaterThan(100);
    expect((await readdir(join(tmp, 'lib'))).length).toBeGreaterThan(2);
  });

  it('demo-library refuses bad arguments with exit code 2 and one line', async () => {
    for (const args of [['demo-library'], ['demo-library', 'x', '--size', '80by60'], ['demo-library', 'x', '--count', '0'], ['demo-library', 'x', '--bogus']]) {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.err.split('\n')[0]).toMatch(/^shoebox demo-library: /);
    }
  });

  it('debug world-vocab writes the vocabulary JSON', async () => {
    const r = await run(['debug', 'world-vocab', '--out', join(tmp, 'vocab.json')]);
    expect(r.code, r.err).toBe(0);
    const v = JSON.parse(await readFile(join(tmp, 'vocab.json'), 'utf8'));
    expect(v.colours.length).toBeGreaterThanOrEqual(10);
    expect(v.shapes.length).toBeGreaterThanOrEqual(8);
    for (const w of [...v.colours, ...v.shapes, ',']) expect(v.words).toContain(w);
    expect(v.heldout.length).toBe(6);
    expect(v.templates.colour.every((t: string) => t.includes('{}'))).toBe(true);
  });

  it('debug training-data needs its required options and a valid split', async () => {
    expect((await run(['debug', 'training-data', '--out', join(tmp, 'td')])).code).toBe(2);
    const bad = await run(['debug', 'training-data', '--out', join(tmp, 'td'), '--count', '2', '--seed', '1', '--tokenizer', 'x.json', '--split', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--split');
    const missing = await run(['debug', 'training-data', '--out', join(tmp, 'td'), '--count', '2', '--seed', '1', '--tokenizer', join(tmp, 'missing.json')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('missing.json');
  });
});
