import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from './load-tokenizer.js';

const spec = { file: 'tokenizer.json', contextLength: 8, padId: 0, cleaning: 'clip', truncation: 'clip' } as const;
const dir = mkdtempSync(path.join(tmpdir(), 'shoebox-tok-'));

describe('loadTokenizer', () => {
  it('reports a missing file as not-found, naming it', async () => {
    const missing = path.join(dir, 'nope.json');
    const r = await loadTokenizer(missing, spec);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('not-found');
      expect(r.error.path).toBe(missing);
    }
  });

  it('reports a file that is not JSON as bad-input on one line', async () => {
    const f = path.join(dir, 'broken.json');
    writeFileSync(f, '{"model": ');
    const r = await loadTokenizer(f, spec);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('bad-input');
      expect(r.error.message).not.toContain('\n');
    }
  });

  it('reports JSON that is not a tokenizer as bad-input', async () => {
    const f = path.join(dir, 'other.json');
    writeFileSync(f, JSON.stringify({ hello: 'world' }));
    const r = await loadTokenizer(f, spec);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('bad-input');
  });
});
