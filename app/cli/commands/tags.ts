// `shoebox tags`: tag counts per label set and label; with --label, the photos carrying it.
import type { Command } from '../command.js';
import type { Filters, PhotoSummary, TagCountSchema } from '../../api/contract.js';
import type { z } from 'zod';
import type { Engine } from '../../engine/engine.js';
import { fail, openEngine, parseCli } from '../args.js';
import { err, ok, type AppError, type Result } from '../../shared/result.js';
import { displayPath, formatDate, table, writeJson, writePaths } from '../format.js';

type TagCount = z.infer<typeof TagCountSchema>;

const usage = `usage: shoebox tags [--set NAME] [--label L] [options]
Without --label: how many photos carry each label. With --label: those photos.
  --set NAME         one label set only
  --label L          list the photos tagged L
  --json             print {"tags":[{"set","label","count"}]} or {"photos":[{"path","id"}],"total"}
  -f                 print paths only (with --label)
  --library DIR      the library (default: SHOEBOX_HOME or the per-user data folder)`;

const apiErr = (e: { code: string; message: string; hint?: string | undefined }): AppError => e as AppError;

export async function tagCounts(e: Engine, set?: string): Promise<Result<TagCount[]>> {
  const r = await e.tagCounts(set ? { set } : {});
  return r.ok ? ok(r.value) : err(apiErr(r.error));
}

/** Every photo passing the filters, paging through browse. */
export async function listPhotos(e: Engine, filters: Filters): Promise<Result<PhotoSummary[]>> {
  const out: PhotoSummary[] = [];
  for (let offset = 0; ; offset += 1000) {
    const r = await e.browse({ filters, sort: 'path', offset, limit: 1000 });
    if (!r.ok) return err(apiErr(r.error));
    out.push(...r.value.results);
    if (r.value.results.length < 1000 || out.length >= r.value.total) return ok(out);
  }
}

export const command: Command = {
  summary: 'tag counts, or the photos with one tag',
  usage,
  async run(args, io) {
    const p = parseCli(args, io, { set: { type: 'string' }, label: { type: 'string' } });
    if (!p.ok) return fail(io, 'tags', p.error);
    const { common, values, positionals } = p.value;
    if (positionals.length) return fail(io, 'tags', { code: 'bad-input', message: `unexpected argument '${positionals[0]}'` }, common.json);
    const set = typeof values.set === 'string' ? values.set : undefined;
    const label = typeof values.label === 'string' ? values.label : undefined;
    const engine = await openEngine(common);
    if (!engine.ok) return fail(io, 'tags', engine.error, common.json);
    const e = engine.value;
    try {
      if (label) {
        const photos = await listPhotos(e, { tag: set ? `${set}/${label}` : label });
        if (!photos.ok) return fail(io, 'tags', photos.error, common.json);
        if (common.json) writeJson(io, { photos: photos.value.map((ph) => ({ path: ph.path, id: ph.id })), total: photos.value.length });
        else if (common.pathsOnly) writePaths(io, photos.value.map((ph) => ph.path));
        else if (photos.value.length === 0) io.stdout.write(`no photos tagged '${label}'\n`);
        else {
          io.stdout.write(table(photos.value, [{ header: 'id', value: (r) => String(r.id), align: 'right' }, { header: 'taken', value: (r) => formatDate(r.takenAt) }, { header: 'path', value: (r) => displayPath(r.path, io.cwd) }]));
          io.stdout.write(`${photos.value.length} photos tagged '${label}'\n`);
        }
        return 0;
      }
      const counts = await tagCounts(e, set);
      if (!counts.ok) return fail(io, 'tags', counts.error, common.json);
      if (common.json) writeJson(io, { tags: counts.value });
      else if (common.pathsOnly) return fail(io, 'tags', { code: 'bad-input', message: '-f lists photos: give --label L' });
      else if (counts.value.length === 0) io.stdout.write('no label sets yet (shoebox tag DIR --labels "a,b")\n');
      else io.stdout.write(table(counts.value, [{ header: 'set', value: (r) => r.set }, { header: 'label', value: (r) => r.label }, { header: 'photos', value: (r) => String(r.count), align: 'right' }]));
      return 0;
    } finally {
      await e.close();
    }
  },
};
