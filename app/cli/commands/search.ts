// `shoebox search "<query>"`: natural-language search with rclip-style arithmetic, filters,
// sorting and paging.
import type { Command } from '../command.js';
import { SearchRequestSchema } from '../../api/contract.js';
import { fail, openEngine, parseCli } from '../args.js';
import { appError } from '../../shared/result.js';
import { parseQuery } from '../../search/common/query-parse.js';
import { imagePathResolver } from '../../search/resolve-image-path.js';
import { filterOptions, filterUsage, filtersFromArgs, intOption, numberOption, sortFromArgs } from '../../search/cli-options.js';
import { printHits } from '../../search/cli-output.js';

const usage = `usage: shoebox search "<query>" [options]
Finds photos by what is in them. Terms combine: "beach" + "sunset" - "people", weights 2:cat or
0.5:"red circle", an image file as a term (./example.jpg), a library photo as #ID.
${filterUsage}
  --sort S           relevance (default), date (newest first) or date-asc
  --json             print {"results":[{"path","score","id"}],"took_ms"}
  -f                 print paths only, one a line
  --library DIR      the library (default: SHOEBOX_HOME or the per-user data folder)`;

export const command: Command = {
  summary: 'search photos by text, example images or photos ("beach" + "sunset" - "people")',
  usage,
  async run(args, io) {
    const p = parseCli(args, io, filterOptions);
    if (!p.ok) return fail(io, 'search', p.error);
    const { common, values, positionals } = p.value;
    const query = positionals.join(' ').trim();
    if (!query) return fail(io, 'search', appError('bad-input', 'give a query, e.g. shoebox search "two red circles"'), common.json);
    const terms = parseQuery(query, { resolveImagePath: imagePathResolver(io.cwd) });
    if (!terms.ok) return fail(io, 'search', terms.error, common.json);
    const limit = intOption(values, 'limit', 20, 1, 500);
    if (!limit.ok) return fail(io, 'search', limit.error, common.json);
    const offset = intOption(values, 'offset', 0, 0, 1_000_000);
    if (!offset.ok) return fail(io, 'search', offset.error, common.json);
    const minScore = numberOption(values, 'min-score', -1, 1);
    if (!minScore.ok) return fail(io, 'search', minScore.error, common.json);
    const filters = filtersFromArgs(values, io.cwd);
    if (!filters.ok) return fail(io, 'search', filters.error, common.json);
    const sort = sortFromArgs(values);
    if (!sort.ok) return fail(io, 'search', sort.error, common.json);
    const req = SearchRequestSchema.safeParse({ terms: terms.value, filters: filters.value, sort: sort.value, limit: limit.value, offset: offset.value, ...(minScore.value !== undefined ? { minScore: minScore.value } : {}) });
    if (!req.success) return fail(io, 'search', appError('bad-input', `invalid query: ${req.error.issues[0]?.message ?? 'malformed'}`), common.json);

    const engine = await openEngine(common);
    if (!engine.ok) return fail(io, 'search', engine.error, common.json);
    try {
      const res = await engine.value.search(req.data);
      if (!res.ok) return fail(io, 'search', res.error, common.json);
      printHits(io, common, res.value, offset.value);
      return 0;
    } finally {
      await engine.value.close();
    }
  },
};
