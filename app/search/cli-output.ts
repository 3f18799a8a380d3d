// How `shoebox search` and `shoebox similar` print results: JSON (`{"results":[{"path","score","id"}],"took_ms",…}`),
// paths only (-f) or a human table.
import type { SearchResponse } from '../api/contract.js';
import type { CliIO } from '../cli/command.js';
import { displayPath, formatDate, formatDuration, formatScore, roundMs, table, writeJson, writePaths } from '../cli/format.js';

export function printHits(io: CliIO, mode: { json: boolean; pathsOnly: boolean }, res: SearchResponse, offset = 0): void {
  if (mode.json) {
    writeJson(io, {
      results: res.results.map((h) => ({ path: h.path, score: h.score, id: h.id, takenAt: h.takenAt })),
      took_ms: roundMs(res.tookMs),
      total: res.total,
      path: res.path,
      model: res.model,
    });
    return;
  }
  if (mode.pathsOnly) {
    writePaths(io, res.results.map((h) => h.path));
    return;
  }
  if (res.results.length === 0) {
    io.stdout.write(`no results (${res.total} photos searched, ${formatDuration(res.tookMs)})\n`);
    return;
  }
  const rows = res.results.map((h, i) => ({ ...h, rank: offset + i + 1 }));
  io.stdout.write(
    table(rows, [
      { header: '#', value: (r) => String(r.rank), align: 'right' },
      { header: 'score', value: (r) => formatScore(r.score), align: 'right' },
      { header: 'id', value: (r) => String(r.id), align: 'right' },
      { header: 'taken', value: (r) => formatDate(r.takenAt) },
      { header: 'path', value: (r) => displayPath(r.path, io.cwd) },
    ]),
  );
  io.stdout.write(`${offset + 1}–${offset + res.results.length} of ${res.total} · ${formatDuration(res.tookMs)} · ${res.path} · ${res.model}\n`);
}
