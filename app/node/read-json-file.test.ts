import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appError } from '../shared/result.js';
import { readJsonFile } from './read-json-file.js';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-json-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('readJsonFile', () => {
  it('parses a file, whatever JSON value it holds', async () => {
    const f = path.join(tmp, 'a.json');
    fs.writeFileSync(f, '{"a": [1, 2, {"b": null}]}');
    expect(await readJsonFile(f)).toEqual({ ok: true, value: { a: [1, 2, { b: null }] } });
    fs.writeFileSync(f, '"just a string"');
    expect(await readJsonFile(f)).toEqual({ ok: true, value: 'just a string' });
  });

  it('a missing file or a folder: the file-system error with the path, or the caller\'s wording of it', async () => {
    const missing = path.join(tmp, 'none.json');
    const r = await readJsonFile(missing);
    expect(r.ok ? null : r.error).toEqual({ code: 'not-found', message: `no such file or folder: ${missing}`, path: missing });
    const folder = await readJsonFile(tmp);
    expect(folder.ok ? null : folder.error.code).toBe('bad-input'); // EISDIR
    const worded = await readJsonFile(missing, { unreadable: (e) => appError('model-invalid', `gone (${e.code})`) });
    expect(worded.ok ? null : worded.error).toEqual({ code: 'model-invalid', message: 'gone (not-found)' });
  });

  it('text that is not JSON: one line naming the file and JSON.parse\'s reason, or the caller\'s wording', async () => {
    const f = path.join(tmp, 'bad.json');
    fs.writeFileSync(f, '{"a": 1,,}\n');
    const r = await readJsonFile(f);
    if (r.ok) throw new Error('parsed invalid JSON');
    expect(r.error.code).toBe('bad-input');
    expect(r.error.path).toBe(f);
    expect(r.error.message.startsWith(`${f} is not valid JSON: `)).toBe(true);
    expect(r.error.message).not.toContain('\n');
    const worded = await readJsonFile(f, { invalid: (reason) => appError('model-invalid', `bad.json: ${reason}`) });
    expect(worded.ok ? null : worded.error.message).toMatch(/^bad\.json: \S/);
  });
});
