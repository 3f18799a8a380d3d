// Shared CLI option parsing (node:util parseArgs): every command takes --library DIR, --json and
// -f (paths only); --model DIR picks a model folder other than the library's active one.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ApiError } from '../api/contract.js';
import type { CliIO } from './command.js';
import { createEngine, type Engine, type EngineOptions } from '../engine/engine.js';
import { defaultLibraryDir } from '../library/paths.js';
import { appError, err, ok, formatError, type AppError, type Result } from '../shared/result.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export const commonOptions = {
  library: { type: 'string' },
  json: { type: 'boolean', default: false },
  f: { type: 'boolean', short: 'f', default: false },
  model: { type: 'string' },
  threads: { type: 'string' },
} as const satisfies Options;

export interface CommonArgs {
  libraryDir: string;
  json: boolean;
  pathsOnly: boolean;
  modelDir: string | undefined;
  threads: number | undefined;
}

export interface ParsedCli {
  common: CommonArgs;
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Parses `args` with the common options plus `extra`; unknown options are errors. */
export function parseCli(args: string[], io: CliIO, extra: Options = {}): Result<ParsedCli> {
  let parsed: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: { ...commonOptions, ...extra }, allowPositionals: true, strict: true });
  } catch (e) {
    return err(appError('bad-input', (e as Error).message.split('\n')[0]!));
  }
  const v = parsed.values;
  const threadsRaw = v.threads as string | undefined;
  const threads = threadsRaw === undefined ? undefined : Number(threadsRaw);
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) return err(appError('bad-input', `--threads must be a positive whole number, not '${threadsRaw}'`));
  const library = v.library as string | undefined;
  return ok({
    common: {
      libraryDir: defaultLibraryDir(io.env, { library, cwd: io.cwd }),
      json: v.json === true,
      pathsOnly: v.f === true,
      modelDir: (v.model as string | undefined) ?? io.env.SHOEBOX_MODEL ?? undefined,
      threads,
    },
    values: v as ParsedCli['values'],
    positionals: parsed.positionals,
  });
}

export function openEngine(common: CommonArgs, extra: Partial<EngineOptions> = {}): Promise<Result<Engine>> {
  return createEngine({ libraryDir: common.libraryDir, ...(common.modelDir ? { modelDir: common.modelDir } : {}), ...(common.threads ? { threads: common.threads } : {}), ...extra });
}

/** Prints an error as one line (JSON on --json) and returns the exit code. */
export function fail(io: CliIO, cmd: string, e: AppError | ApiError, json = false): number {
  if (json) io.stdout.write(`${JSON.stringify({ error: e })}\n`);
  io.stderr.write(`shoebox ${cmd}: ${formatError(e as AppError)}\n`);
  return e.code === 'bad-input' ? 2 : 1;
}
