// `shoebox status [--errors]`: counts per status, roots, model, and with --errors every skipped
// file with its reason. While another process holds the library, shows the catalog read-only.
import type { CliIO, Command } from '../command.js';
import { fail, openEngine, parseCli } from '../args.js';
import { Catalog, type SkippedRow } from '../../library/catalog.js';
import { catalogFile } from '../../library/paths.js';
import type { Status } from '../../api/contract.js';
import { NOT_LOADED } from '../../engine/lazy-model.js';
import { modelNoticeLine } from './status-notice.js';

const usage = `usage: shoebox status [--errors] [--library DIR] [--json]

  --errors       list every file that was skipped, with the reason
  --json         print {status…, modelNotice, errors?: [{path, status, reason}]} as JSON

Status reads the model's manifest only: it does not start ONNX Runtime, so runtime.provider is
"not-loaded" (\`shoebox doctor\` reports the provider that runs).`;

type Report = Omit<Status, 'model' | 'runtime' | 'progress' | 'modelNotice'> & Partial<Pick<Status, 'model' | 'runtime' | 'progress' | 'modelNotice'>> & { readOnly?: string; errors?: SkippedRow[] };

function readOnlyReport(libraryDir: string, why: string, withErrors: boolean): Report | null {
  const c = Catalog.open(catalogFile(libraryDir), { readonly: true });
  if (!c.ok) return null;
  try {
    const cat = c.value;
    const r: Report = {
      library: libraryDir,
      roots: cat.roots().map((x) => ({ id: x.id, path: x.path, photos: x.photos, indexed: x.indexed, failed: x.failed, watching: x.watch })),
      photos: cat.counts(),
      readOnly: why,
    };
    const model = cat.getMeta('model');
    if (model) r.model = { id: model, name: model, embeddingSize: 0, bundled: false };
    if (withErrors) r.errors = cat.skipped().files;
    return r;
  } finally {
    c.value.close();
  }
}

function runtimeText(r: Status['runtime']): string {
  const threads = `${r.intraOpThreads} encoder thread${r.intraOpThreads === 1 ? '' : 's'}, ${r.decodeConcurrency} decoding`;
  // The provider is known once sessions exist; status does not create them (`shoebox doctor` does).
  if (r.provider === NOT_LOADED) return `${r.requestedProviders.join(' > ')} (first available; \`shoebox doctor\` says which), ${threads}`;
  return `${r.provider}, ${threads}${r.fallbackReason ? ` (${r.fallbackReason})` : ''}`;
}

export const command: Command = {
  summary: 'library summary: photos per status, folders, model (--errors: skipped files and why)',
  usage,
  async run(args: string[], io: CliIO): Promise<number> {
    const p = parseCli(args, io, { errors: { type: 'boolean', default: false } });
    if (!p.ok) return fail(io, 'status', p.error);
    const { common, values } = p.value;
    const withErrors = values.errors === true;
    let report: Report;
    // Lazily: the model's manifest answers; ONNX sessions (the slow part) are never created.
    const opened = await openEngine(common, { lazyModel: true });
    if (opened.ok) {
      try {
        const s = await opened.value.status({});
        if (!s.ok) return fail(io, 'status', s.error, common.json);
        report = { ...s.value };
        if (withErrors) report.errors = opened.value.ctx.catalog.skipped().files;
      } finally {
        await opened.value.close();
      }
    } else {
      // Busy (an indexer is running) or the model cannot load: the catalog alone still answers.
      const ro = opened.error.code === 'busy' || opened.error.code === 'model-invalid' || opened.error.code === 'not-found' ? readOnlyReport(common.libraryDir, opened.error.message, withErrors) : null;
      if (!ro) return fail(io, 'status', opened.error, common.json);
      report = ro;
    }
    if (common.json) {
      io.stdout.write(`${JSON.stringify(report)}\n`);
      return 0;
    }
    if (common.pathsOnly) {
      for (const e of report.errors ?? []) io.stdout.write(`${e.path}\n`);
      return 0;
    }
    const o = io.stdout;
    const ph = report.photos;
    o.write(`Library  ${report.library}${report.readOnly ? `  (read-only: ${report.readOnly})` : ''}\n`);
    if (report.model) o.write(`Model    ${report.model.id}${report.model.embeddingSize ? ` (${report.model.embeddingSize}-d)` : ''}${report.runtime ? ` on ${runtimeText(report.runtime)}` : ''}\n`);
    if (report.modelNotice) o.write(`         ${modelNoticeLine(report.modelNotice)}`);
    o.write(`Photos   ${ph.total} total: ${ph.indexed} indexed, ${ph.pending} pending, ${ph.failed} failed, ${ph.unsupported} unsupported\n`);
    if (report.progress && report.progress.state !== 'idle') o.write(`Indexing ${report.progress.state} ${report.progress.done}/${report.progress.total}\n`);
    if (report.roots.length) {
      o.write('Folders\n');
      for (const r of report.roots) o.write(`  ${String(r.indexed).padStart(7)} / ${String(r.photos).padEnd(7)} ${r.path}${r.failed ? `  (${r.failed} skipped)` : ''}\n`);
    } else o.write('No folders yet: run `shoebox index <dir>`.\n');
    if (report.errors) {
      o.write(report.errors.length ? `Skipped files (${report.errors.length})\n` : 'No skipped files.\n');
      for (const e of report.errors) o.write(`  ${e.status.padEnd(11)} ${e.path}\n              ${e.reason}\n`);
    }
    return 0;
  },
};
