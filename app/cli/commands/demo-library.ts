import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { formatError, toAppError } from '../../shared/result.js';
import { writeDemoLibrary } from '../../world/demo-library.js';
import { SPLITS, type Split } from '../../world/scene.js';

const usage = `usage: shoebox demo-library <dir> [--count 200] [--seed 1] [--size WxH] [--split all|train|heldout] [--concurrency 3]

Writes a generated photo library of synthetic scenes into <dir>: JPEG, PNG and WebP files in a
few folders, with EXIF dates and cameras (some stored rotated with an EXIF Orientation tag), and
<dir>/captions.jsonl with one line per file: {"file","caption","scene",…}.
Without --size the long side is 1024 px with varied aspect ratios.`;

export const command: Command = {
  summary: 'write a generated demo photo library (synthetic scenes with captions and EXIF)',
  usage,
  async run(args, io) {
    const fail = (msg: string): number => {
      io.stderr.write(`shoebox demo-library: ${msg}\n`);
      return 2;
    };
    let values: Record<string, string | undefined>;
    let positionals: string[];
    try {
      ({ values, positionals } = parseArgs({
        args,
        strict: true,
        allowPositionals: true,
        options: { count: { type: 'string' }, seed: { type: 'string' }, size: { type: 'string' }, split: { type: 'string' }, concurrency: { type: 'string' } },
      }) as { values: Record<string, string | undefined>; positionals: string[] });
    } catch (e) {
      return fail(toAppError(e, 'bad-input').message);
    }
    if (positionals.length !== 1) return fail(`give one folder to write into\n${usage}`);
    const int = (name: string, fallback: number): number => {
      const v = values[name];
      return v === undefined ? fallback : /^\d+$/.test(v) ? Number(v) : NaN;
    };
    const count = int('count', 200);
    const seed = int('seed', 1);
    const concurrency = int('concurrency', 3);
    if (!Number.isFinite(count) || count < 1) return fail('--count must be a positive integer');
    if (!Number.isFinite(seed)) return fail('--seed must be a non-negative integer');
    if (!Number.isFinite(concurrency) || concurrency < 1) return fail('--concurrency must be a positive integer');
    let size: { width: number; height: number } | undefined;
    if (values.size !== undefined) {
      const m = /^(\d+)x(\d+)$/i.exec(values.size);
      if (!m) return fail('--size must look like 1024x768');
      size = { width: Number(m[1]), height: Number(m[2]) };
    }
    const split = (values.split ?? 'all') as Split;
    if (!SPLITS.includes(split)) return fail(`--split must be one of ${SPLITS.join(', ')}`);
    const dir = resolve(io.cwd, positionals[0] as string);
    const started = Date.now();
    let last = 0;
    const r = await writeDemoLibrary(dir, {
      count,
      seed,
      split,
      concurrency,
      ...(size ? { size } : {}),
      onProgress: (done, total) => {
        if (!io.stderr.isTTY || (Date.now() - last < 500 && done < total)) return;
        last = Date.now();
        io.stderr.write(`\rwriting photos: ${done}/${total}`);
        if (done === total) io.stderr.write('\n');
      },
    });
    if (!r.ok) {
      io.stderr.write(`shoebox demo-library: ${formatError(r.error)}\n`);
      return 1;
    }
    const secs = (Date.now() - started) / 1000;
    io.stdout.write(`wrote ${r.value.photos.length} photos to ${dir} in ${secs.toFixed(1)} s (${(r.value.photos.length / secs).toFixed(1)} photos/s); captions in ${r.value.captionsFile}\n`);
    return 0;
  },
};
