import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Command } from '../../command.js';
import { formatError, toAppError } from '../../../shared/result.js';
import { worldVocabulary } from '../../../world/vocabulary.js';

// The scene world's vocabulary as JSON: role train's tokenizer builder reads it.
export const command: Command = {
  summary: "the scene world's vocabulary (words, colours, shapes, held-out combos, prompt templates) as JSON",
  usage: 'usage: shoebox debug world-vocab [--out FILE]\n\nWrites {"words","colours","shapes","backgrounds","sizes","positions","heldout","templates"} to FILE (stdout without --out).',
  async run(args, io) {
    let out: string | undefined;
    try {
      ({ values: { out } } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true }));
    } catch (e) {
      io.stderr.write(`shoebox debug world-vocab: ${toAppError(e, 'bad-input').message}\n`);
      return 2;
    }
    const json = `${JSON.stringify(worldVocabulary(), null, 2)}\n`;
    if (!out) {
      io.stdout.write(json);
      return 0;
    }
    try {
      await writeFile(out, json);
    } catch (e) {
      io.stderr.write(`shoebox debug world-vocab: ${formatError(toAppError(e, 'io', out))}\n`);
      return 1;
    }
    return 0;
  },
};
