// Options shared by `debug embed-text` and `debug embed-image`: which model, which providers, threads.
import { parseArgs } from 'node:util';
import type { CliIO } from '../../command.js';
import { formatError } from '../../../shared/result.js';
import { bundledModelDir, loadModel, type LoadedModel } from '../../../embed/node/model-load.js';

export const modelOptionsUsage = '[--model DIR] [--providers cuda,cpu] [--threads N] [--no-verify]';

export interface EmbedArgs {
  model: LoadedModel;
  positionals: string[];
}

/** Parses the shared options and loads the model; on failure prints one line and returns the exit code. */
export async function parseAndLoad(name: string, usage: string, args: string[], io: CliIO): Promise<EmbedArgs | number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        model: { type: 'string' },
        providers: { type: 'string' },
        threads: { type: 'string' },
        'no-verify': { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    io.stderr.write(`shoebox debug ${name}: ${e instanceof Error ? e.message : String(e)}\n${usage}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) {
    io.stderr.write(`${usage}\n`);
    return 2;
  }
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  const model = await loadModel(values.model ?? bundledModelDir(), {
    providers: values.providers?.split(','),
    threads,
    verify: !values['no-verify'],
    env: io.env,
  });
  if (!model.ok) {
    io.stderr.write(`shoebox debug ${name}: ${formatError(model.error)}\n`);
    return 1;
  }
  return { model: model.value, positionals };
}
