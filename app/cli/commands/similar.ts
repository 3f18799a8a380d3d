// `shoebox similar <photo>`: "more like this" — photos nearest to a library photo (by path or
// id), or to any image file on disk.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from '../command.js';
import { fail, openEngine, parseCli } from '../args.js';
import { appError } from '../../shared/result.js';
import { filterOptions, filterUsage, filtersFromArgs, intOption } from '../../search/cli-options.js';
import { printHits } from '../../search/cli-output.js';

const usage = `usage: shoebox similar <photo path | id | #id> [options]
Photos that look most like the given one (itself left out). A file that is not in the library is
embedded on the fly.
${filterUsage.split('\n').filter((l) => !/--offset|--min-score/.test(l)).join('\n')}
  --json             print {"results":[{"path","score","id"}],"took_ms"}
  -f                 print paths only, one a line
  --library DIR      the library (default: SHOEBOX_HOME or the per-user data folder)`;

const { offset: _offset, 'min-score': _minScore, sort: _sort, ...options } = filterOptions;

export const command: Command = {
  summary: 'photos that look like a given photo ("more like this")',
  usage,
  async run(args, io) {
    const p = parseCli(args, io, options);
    if (!p.ok) return fail(io, 'similar', p.error);
    const { common, values, positionals } = p.value;
    if (positionals.length !== 1) return fail(io, 'similar', appError('bad-input', 'give one photo: a path, an id or #id'), common.json);
    const target = positionals[0]!;
    const limit = intOption(values, 'limit', 20, 1, 500);
    if (!limit.ok) return fail(io, 'similar', limit.error, common.json);
    const filters = filtersFromArgs(values, io.cwd);
    if (!filters.ok) return fail(io, 'similar', filters.error, common.json);

    const abs = path.resolve(io.cwd, target);
    const isFile = fs.existsSync(abs) && fs.statSync(abs).isFile();
    const idMatch = /^#?([0-9]+)$/.exec(target);

    const engine = await openEngine(common);
    if (!engine.ok) return fail(io, 'similar', engine.error, common.json);
    try {
      const e = engine.value;
      const photoId = isFile ? e.ctx.catalog.photoIdByPath(abs) : idMatch ? Number(idMatch[1]) : null;
      if (photoId !== null) {
        const res = await e.similar({ photoId, filters: filters.value, limit: limit.value });
        if (!res.ok) return fail(io, 'similar', res.error, common.json);
        printHits(io, common, res.value);
        return 0;
      }
      if (!isFile) return fail(io, 'similar', appError('not-found', `no such photo or file: ${target}`), common.json);
      // Not in the library: search by the image itself.
      const res = await e.search({ terms: [{ kind: 'image', path: abs }], filters: filters.value, limit: limit.value });
      if (!res.ok) return fail(io, 'similar', res.error, common.json);
      printHits(io, common, res.value);
      return 0;
    } finally {
      await engine.value.close();
    }
  },
};
