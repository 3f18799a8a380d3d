import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../command.js';
import { command } from './tokenize.js';
import { END, START, tinyJson, vocab } from '../../../embed/common/tokenizer.fixture.js';

const dir = mkdtempSync(path.join(tmpdir(), 'shoebox-tokcli-'));
const tokFile = path.join(dir, 'tokenizer.json');
writeFileSync(tokFile, JSON.stringify(tinyJson));

async function run(args: string[], stdin: string): Promise<{ code: number; out: string; err: string }> {
  const input = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const io: CliIO = { stdin: input, stdout, stderr, env: {}, cwd: dir };
  input.end(stdin);
  const code = await command.run(args, io);
  return { code, out, err };
}

describe('shoebox debug tokenize', () => {
  it('writes one {"ids": [...]} line per input line, contextLength ids each', async () => {
    const r = await run(['--tokenizer', tokFile, '--context', '5'], '{"text": "Dog"}\n{"text": ""}\n');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { ids: number[] });
    expect(lines).toEqual([{ ids: [START, vocab['dog</w>'], END, 0, 0] }, { ids: [START, END, 0, 0, 0] }]);
  });

  it('honours --pad and --truncation plain', async () => {
    const r = await run(['--tokenizer', tokFile, '--context', '3', '--pad', '9', '--truncation', 'plain'], '{"text": "dog dog dog"}\n{"text": "a"}\n');
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ ids: [START, vocab['dog</w>'], vocab['dog</w>']] }, { ids: [START, vocab['a</w>'], END] }]);
  });

  it('stops with a one-line error naming the line on malformed input', async () => {
    const r = await run(['--tokenizer', tokFile], '{"text": "dog"}\nnot json\n{"text": "dog"}\n');
    expect(r.code).not.toBe(0);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('line 2');
    expect(r.out.trim().split('\n')).toHaveLength(1);
  });

  it('rejects a line whose text is not a string', async () => {
    const r = await run(['--tokenizer', tokFile], '{"text": 5}\n');
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('line 1');
  });

  it('fails with one line on a bad tokenizer file', async () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '[1, 2');
    const r = await run(['--tokenizer', bad], '{"text": "dog"}\n');
    expect(r.code).not.toBe(0);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    const missing = await run(['--tokenizer', path.join(dir, 'missing.json')], '');
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain('missing.json');
  });

  it('requires --tokenizer and rejects a bad --context', async () => {
    expect((await run([], '')).code).toBe(2);
    expect((await run(['--tokenizer', tokFile, '--context', 'many'], '')).code).toBe(2);
  });
});
