// `shoebox index <dir>… [--watch]`: adds the folders as roots, scans, indexes and prints what was
// indexed and what was skipped and why. Skipped files are not a failure: exit 0.
import type { IndexProgress } from '../../api/contract.js';
import type { CliIO, Command } from '../command.js';
import { fail, openEngine, parseCli } from '../args.js';
import type { SkippedRow } from '../../library/catalog.js';
import { modelNoticeLine } from './status-notice.js';

const usage = `usage: shoebox index <dir>… [--watch] [--library DIR] [--model DIR] [--json]

Adds each folder to the library, finds new, changed, moved and deleted photos, and encodes the
new ones. Prints a summary; files that cannot be indexed are listed with the reason (also in
\`shoebox status --errors\`).

  --watch        keep running and index photos as they are added, changed or removed
  --library DIR  library folder (default: $SHOEBOX_HOME or the per-user data folder)
  --model DIR    model folder (default: the library's active model, see 'shoebox models use')
  --json         print the summary as JSON, with modelNotice (with --watch, then one line per event:
                 {"event":"watching"|"indexed"|"stopped",…})
  --threads N    decode and encoder threads
  --batch-size N images per encoder batch (default 16)`;

function bar(p: IndexProgress, width: number): string {
  const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  const n = Math.round(frac * 24);
  const eta = p.etaSec === null ? '' : ` ETA ${p.etaSec >= 60 ? `${Math.floor(p.etaSec / 60)}m${String(p.etaSec % 60).padStart(2, '0')}s` : `${p.etaSec}s`}`;
  const file = p.currentFile ? ` ${p.currentFile.split(/[\\/]/).pop()}` : '';
  const line = `[${'#'.repeat(n)}${'.'.repeat(24 - n)}] ${p.done}/${p.total} ${p.ratePerSec.toFixed(1)}/s${eta}${p.failed ? ` (${p.failed} skipped)` : ''}${file}`;
  return line.length > width ? line.slice(0, width - 1) : line;
}

function groupReasons(files: SkippedRow[]): [string, number][] {
  const m = new Map<string, number>();
  for (const f of files) {
    const key = f.reason.replace(/:\s.*$/, '').replace(/\s*\(.*$/, '');
    m.set(key, (m.get(key) ?? 0) + 1);
  }
  return [...m].sort((a, b) => b[1] - a[1]);
}

export const command: Command = {
  summary: 'add folders to the library and index their photos (--watch to keep going)',
  usage,
  async run(args: string[], io: CliIO): Promise<number> {
    const p = parseCli(args, io, { watch: { type: 'boolean', default: false }, 'batch-size': { type: 'string' } });
    if (!p.ok) return fail(io, 'index', p.error);
    const { common, values, positionals } = p.value;
    const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
    if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 256)) return fail(io, 'index', { code: 'bad-input', message: '--batch-size must be a whole number from 1 to 256' });
    if (positionals.length === 0) {
      io.stderr.write(`${usage}\n`);
      return 2;
    }
    // Lazily: sessions are created only when there is something to encode.
    const opened = await openEngine(common, { lazyModel: true, ...(batchSize ? { batchSize } : {}) });
    if (!opened.ok) return fail(io, 'index', opened.error, common.json);
    const engine = opened.value;
    const tty = !common.json && io.stderr.isTTY === true;
    const cols = (io.stderr as { columns?: number }).columns ?? 100;
    let lastPlain = 0;
    const unsub = engine.indexer.onProgress((pr) => {
      if (common.json) return;
      if (tty) io.stderr.write(`\r\x1b[2K${bar(pr, cols)}`);
      else if (pr.state === 'indexing' && Date.now() - lastPlain > 2000 && pr.done > 0) {
        lastPlain = Date.now();
        io.stderr.write(`indexed ${pr.done}/${pr.total} (${pr.ratePerSec.toFixed(1)}/s${pr.etaSec !== null ? `, ETA ${pr.etaSec} s` : ''})\n`);
      }
    });
    let interrupted = false;
    const onSigint = (): void => {
      if (interrupted) process.exit(130);
      interrupted = true;
      io.stderr.write('\nstopping after the current batch (Ctrl-C again to quit at once)\n');
      engine.indexer.cancel();
    };
    process.on('SIGINT', onSigint);
    try {
      // Why photos that were indexed are indexed again (new model weights), or why another model
      // than the chosen one runs: said once, before the progress it explains.
      const st = await engine.status({});
      if (!st.ok) return fail(io, 'index', st.error, common.json);
      const modelNotice = st.value.modelNotice;
      if (modelNotice && !common.json) io.stderr.write(modelNoticeLine(modelNotice));
      const r = await engine.indexFolders(positionals, {
        onScanProgress: (n) => {
          if (tty && n % 200 === 0) io.stderr.write(`\r\x1b[2Kscanning: ${n} photos found`);
        },
      });
      if (tty) io.stderr.write('\r\x1b[2K');
      if (!r.ok) return fail(io, 'index', r.error, common.json);
      const { scan, run } = r.value;
      const skipped = engine.ctx.catalog.skipped().files.filter((f) => positionals.length === 0 || scan.roots.some((id) => {
        const root = engine.ctx.catalog.root(id);
        return root && f.path.startsWith(root.path);
      }));
      const counts = engine.ctx.catalog.counts();
      const summary = {
        roots: scan.roots.map((id) => engine.ctx.catalog.root(id)?.path),
        found: scan.found,
        added: scan.added,
        changed: scan.changed,
        moved: scan.moved,
        removed: scan.removedIds.length,
        unchanged: scan.unchanged,
        indexed: run.indexed,
        failed: run.failed,
        unsupported: run.unsupported,
        state: run.state,
        tookMs: run.tookMs,
        library: { ...counts, path: engine.ctx.libraryDir },
        skipped,
        modelNotice,
      };
      if (common.json) io.stdout.write(`${JSON.stringify(summary)}\n`);
      else {
        const out = io.stdout;
        out.write(`${run.state === 'cancelled' ? 'Stopped' : 'Done'}: ${run.indexed} photo${run.indexed === 1 ? '' : 's'} indexed in ${(run.tookMs / 1000).toFixed(1)} s`);
        out.write(` (${scan.found} found: ${scan.added} new, ${scan.changed} changed, ${scan.moved} moved, ${scan.unchanged} unchanged; ${scan.removedIds.length} removed)\n`);
        out.write(`Library: ${counts.indexed} indexed, ${counts.pending} pending, ${counts.failed} failed, ${counts.unsupported} unsupported\n`);
        if (skipped.length) {
          out.write(`Skipped ${skipped.length}:\n`);
          for (const [reason, n] of groupReasons(skipped)) out.write(`  ${String(n).padStart(5)}  ${reason}\n`);
          out.write('Run `shoebox status --errors` for every file and its reason.\n');
        }
      }
      if (values.watch === true && !interrupted) {
        const w = await engine.startWatching();
        if (!w.ok) return fail(io, 'index', w.error, common.json);
        if (common.json) io.stdout.write(`${JSON.stringify({ event: 'watching', roots: summary.roots })}\n`);
        else io.stderr.write(`watching ${summary.roots.length} folder${summary.roots.length === 1 ? '' : 's'} for changes (Ctrl-C to stop)\n`);
        const since = Date.now();
        const watched = { indexed: 0, skipped: 0 };
        engine.subscribe((ev) => {
          if (ev.type === 'progress' && ev.progress.state === 'done' && ev.progress.done > 0) {
            watched.indexed += ev.progress.done - ev.progress.failed;
            watched.skipped += ev.progress.failed;
            const line = { event: 'indexed', done: ev.progress.done, failed: ev.progress.failed };
            if (common.json) io.stdout.write(`${JSON.stringify(line)}\n`);
            else io.stderr.write(`indexed ${ev.progress.done} changed photo${ev.progress.done === 1 ? '' : 's'}${ev.progress.failed ? ` (${ev.progress.failed} skipped)` : ''}\n`);
          }
        });
        process.removeListener('SIGINT', onSigint);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
        // Let the batch in flight finish (close waits for it) before counting.
        await engine.indexer.idle();
        const end = engine.ctx.catalog.counts();
        const seconds = Math.round((Date.now() - since) / 100) / 10;
        if (common.json) io.stdout.write(`${JSON.stringify({ event: 'stopped', watchedSeconds: seconds, ...watched, library: { ...end, path: engine.ctx.libraryDir } })}\n`);
        else {
          io.stdout.write(`Stopped watching after ${seconds} s: ${watched.indexed} photo${watched.indexed === 1 ? '' : 's'} indexed${watched.skipped ? `, ${watched.skipped} skipped` : ''} while watching\n`);
          io.stdout.write(`Library: ${end.indexed} indexed, ${end.pending} pending, ${end.failed} failed, ${end.unsupported} unsupported\n`);
        }
      }
      return interrupted ? 130 : 0;
    } finally {
      unsub();
      process.removeListener('SIGINT', onSigint);
      await engine.close();
    }
  },
};
