// `shoebox tag <dir> --labels "cat,dog,car"`: zero-shot auto-tagging of a folder with a label set.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from '../command.js';
import { fail, openEngine, parseCli } from '../args.js';
import { appError } from '../../shared/result.js';
import { numberOption } from '../../search/cli-options.js';
import { formatDuration, roundMs, table, writeJson, writePaths } from '../format.js';
import { listPhotos, tagCounts } from './tags.js';

const usage = `usage: shoebox tag <dir> --labels "cat,dog,car" [options]
Tags every indexed photo under <dir> with the most probable label of the set, when its
probability reaches the threshold. Photos indexed later under <dir> are tagged as they come.
  --labels LIST      comma-separated labels (at least two)
  --set NAME         the label set to create or update (default: "default")
  --threshold P      minimum probability for a tag, 0–1 (default 0.5)
  --templates LIST   prompt templates separated by |, {} stands for the label
                     (default: the model's, e.g. "a photo of a {}.")
  --json             print {"set","version","photos","tagged","took_ms","counts":[…]}
  -f                 print the paths of the tagged photos
  --library DIR      the library (default: SHOEBOX_HOME or the per-user data folder)`;

export const command: Command = {
  summary: 'auto-tag the photos of a folder with zero-shot labels',
  usage,
  async run(args, io) {
    const p = parseCli(args, io, { labels: { type: 'string' }, set: { type: 'string' }, threshold: { type: 'string' }, templates: { type: 'string' } });
    if (!p.ok) return fail(io, 'tag', p.error);
    const { common, values, positionals } = p.value;
    if (positionals.length !== 1) return fail(io, 'tag', appError('bad-input', 'give one folder to tag, e.g. shoebox tag ~/Pictures --labels "cat,dog"'), common.json);
    const dir = path.resolve(io.cwd, positionals[0]!);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return fail(io, 'tag', appError('not-found', `no such folder: ${dir}`), common.json);
    const labels = typeof values.labels === 'string' ? values.labels.split(',').map((l) => l.trim()).filter(Boolean) : [];
    if (labels.length < 2) return fail(io, 'tag', appError('bad-input', '--labels needs at least two comma-separated labels, e.g. --labels "cat,dog"'), common.json);
    const threshold = numberOption(values, 'threshold', 0, 1);
    if (!threshold.ok) return fail(io, 'tag', threshold.error, common.json);
    const templates = typeof values.templates === 'string' ? values.templates.split('|').map((t) => t.trim()).filter(Boolean) : undefined;
    const bad = templates?.find((t) => !t.includes('{}'));
    if (bad !== undefined) return fail(io, 'tag', appError('bad-input', `template '${bad}' has no {} where the label goes`), common.json);
    const set = typeof values.set === 'string' ? values.set : 'default';

    const engine = await openEngine(common);
    if (!engine.ok) return fail(io, 'tag', engine.error, common.json);
    const e = engine.value;
    try {
      const created = await e.createLabelSet({ name: set, labels, ...(templates ? { templates } : {}), ...(threshold.value !== undefined ? { threshold: threshold.value } : {}) });
      if (!created.ok) return fail(io, 'tag', created.error, common.json);
      const run = await e.runTagging({ set, folder: dir });
      if (!run.ok) return fail(io, 'tag', run.error, common.json);
      if (run.value.photos === 0) return fail(io, 'tag', appError('not-found', `no indexed photos under ${dir}`, { hint: `run shoebox index ${positionals[0]} first` }), common.json);
      const counts = await tagCounts(e, set);
      if (!counts.ok) return fail(io, 'tag', counts.error, common.json);
      if (common.json) {
        writeJson(io, { set, version: created.value.version, photos: run.value.photos, tagged: run.value.tagged, took_ms: roundMs(run.value.tookMs), counts: counts.value.map(({ label, count }) => ({ label, count })) });
      } else if (common.pathsOnly) {
        for (const label of labels) {
          const photos = await listPhotos(e, { tag: `${set}/${label}`, folder: dir });
          if (!photos.ok) return fail(io, 'tag', photos.error);
          writePaths(io, photos.value.map((ph) => ph.path));
        }
      } else {
        io.stdout.write(table(counts.value, [{ header: 'label', value: (r) => r.label }, { header: 'photos', value: (r) => String(r.count), align: 'right' }]));
        io.stdout.write(`tagged ${run.value.tagged} of ${run.value.photos} photos with set '${set}' (version ${created.value.version}, threshold ${created.value.threshold}) in ${formatDuration(run.value.tookMs)}\n`);
      }
      return 0;
    } finally {
      await e.close();
    }
  },
};
