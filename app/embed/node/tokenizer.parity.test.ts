// Parity with OpenAI's own tokenizer: every case in the reference set (made outside the project
// with openai/CLIP's clip.tokenize, ftfy 6.3.1) must give exactly the same 77 ids.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from './load-tokenizer.js';

const refDir = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../shared/reference/clip-tokenizer');
const tokenizerPath = path.join(refDir, 'tokenizer.json');
const casesPath = path.join(refDir, 'cases.jsonl');
const haveReference = existsSync(tokenizerPath) && existsSync(casesPath);

interface Case {
  text: string;
  ids: number[];
  category: string;
}

describe.skipIf(!haveReference)('CLIP tokenizer parity with OpenAI clip.tokenize', () => {
  it('gives OpenAI’s exact ids for every reference case', async () => {
    const tok = await loadTokenizer(tokenizerPath, { file: 'tokenizer.json', contextLength: 77, padId: 0, cleaning: 'clip', truncation: 'clip' });
    if (!tok.ok) throw new Error(tok.error.message);
    const cases = readFileSync(casesPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Case);
    expect(cases.length).toBeGreaterThanOrEqual(1500);

    const byCategory: Record<string, number> = {};
    const examples: string[] = [];
    for (const c of cases) {
      const got = Array.from(tok.value.encode(c.text));
      if (JSON.stringify(got) === JSON.stringify(c.ids)) continue;
      byCategory[c.category] = (byCategory[c.category] ?? 0) + 1;
      if (examples.length < 5) examples.push(`${JSON.stringify(c.text)}\n  want ${c.ids.filter(Boolean).join(' ')}\n  got  ${got.filter(Boolean).join(' ')}`);
    }
    const failed = Object.values(byCategory).reduce((a, b) => a + b, 0);
    if (failed) console.error(`mismatches by category: ${JSON.stringify(byCategory)}\n${examples.join('\n')}`);
    expect(byCategory).toEqual({});
  });

  it('batches exactly like single encodes', async () => {
    const tok = await loadTokenizer(tokenizerPath, { file: 'tokenizer.json', contextLength: 77, padId: 0, cleaning: 'clip', truncation: 'clip' });
    if (!tok.ok) throw new Error(tok.error.message);
    const texts = readFileSync(casesPath, 'utf8').split('\n').filter(Boolean).slice(0, 50).map((l) => (JSON.parse(l) as Case).text);
    const batch = tok.value.encodeBatch(texts);
    expect(batch.length).toBe(texts.length * 77);
    texts.forEach((t, i) => expect(Array.from(batch.subarray(i * 77, (i + 1) * 77))).toEqual(Array.from(tok.value.encode(t))));
  });
});
