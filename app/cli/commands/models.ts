// `shoebox models list | pull <id> | use <id> | remove <id>`: the model catalog, verified
// downloads from the hub (HF_ENDPOINT, HTTPS_PROXY) with a progress bar on a terminal, and the
// library's active model. `use` records the choice; the next engine open loads it and re-embeds
// photos that have no vector for it yet (vectors are kept per model, so switching back is free).
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CatalogEntry, DownloadProgress } from '../../api/contract.js';
import { Catalog } from '../../library/catalog.js';
import { catalogFile } from '../../library/paths.js';
import { readManifest } from '../../embed/node/model-load.js';
import { loadCatalog } from '../../models/catalog-file.js';
import { converters, writeManifest } from '../../models/layouts/index.js';
import { ModelManager } from '../../models/manager.js';
import { table, writeJson } from '../format.js';
import { fail, parseCli } from '../args.js';
import type { CliIO, Command } from '../command.js';

const usage = `usage: shoebox models list [--json]
       shoebox models pull <id> [--variant quantized|fp16] [--use] [--json]
       shoebox models use <id>
       shoebox models remove <id>
       shoebox models convert <folder> --layout immich|transformers.js --id ID [--name NAME]
  common: [--library DIR] [--catalog FILE] [--endpoint URL]

  list     the catalog: size, embedding size, installed, active, library coverage
  pull     download from the model hub, verify every file (SHA-256), convert and install
           into <library>/models/<id>/; an interrupted pull resumes where it stopped
  use      make <id> the library's model (photos without a vector for it are re-embedded
           at the next index run; search uses it once it covers the library)
  remove   delete an installed model (not the active one)
  convert  write model.json (with checksums) into a model folder in an upstream layout,
           e.g. one downloaded by hand; then use it with --model <folder>

  --variant   transformers.js models: the quantized or fp16 ONNX files
  --catalog   another catalog file (default models/catalog.json, or SHOEBOX_MODEL_CATALOG)
  --endpoint  the hub (default HF_ENDPOINT or https://huggingface.co); proxies from HTTPS_PROXY/NO_PROXY`;

const mb = (n: number): string => (n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : `${(n / 1e6).toFixed(1)} MB`);
const clock = (s: number): string => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`;

/** One progress line: a bar when the total is known, else the bytes so far. */
export function progressLine(p: DownloadProgress, width = 24): string {
  const rate = p.ratePerSec > 0 ? `  ${mb(p.ratePerSec)}/s` : '';
  const eta = p.etaSec !== null && p.state === 'downloading' ? `  ETA ${clock(p.etaSec)}` : '';
  const file = p.file ? `  ${p.file}` : '';
  if (p.totalBytes) {
    const f = Math.min(1, p.bytes / p.totalBytes);
    const filled = Math.round(f * width);
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(f * 100)).padStart(3)}%  ${mb(p.bytes)} / ${mb(p.totalBytes)}${rate}${eta}${file}`;
  }
  return `${p.state}  ${mb(p.bytes)}${rate}${file}`;
}

function coverageOf(libraryDir: string): { get: (id: string) => number; close: () => void } {
  if (!existsSync(catalogFile(libraryDir))) return { get: () => 0, close: () => undefined };
  const c = Catalog.open(catalogFile(libraryDir), { readonly: true });
  if (!c.ok) return { get: () => 0, close: () => undefined };
  return { get: (id) => c.value.coverage(id), close: () => c.value.close() };
}

export const command: Command = {
  summary: 'model catalog: list, pull (verified download from the hub), use, remove',
  usage,
  async run(args: string[], io: CliIO): Promise<number> {
    const p = parseCli(args, io, { catalog: { type: 'string' }, endpoint: { type: 'string' }, variant: { type: 'string' }, use: { type: 'boolean', default: false }, layout: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' } });
    if (!p.ok) return fail(io, 'models', p.error);
    const { common, values, positionals } = p.value;
    const [sub, id] = positionals;
    const catalog = await loadCatalog({ path: values.catalog as string | undefined, env: io.env });
    if (!catalog.ok) return fail(io, 'models', catalog.error, common.json);
    const endpoint = values.endpoint as string | undefined;
    const manager = new ModelManager({ libraryDir: common.libraryDir, catalog: catalog.value, env: io.env, hub: endpoint ? { endpoint } : {} });
    const needId = (): string | null => {
      if (!id) {
        io.stderr.write(`shoebox models ${sub}: which model? (shoebox models list)\n`);
        return null;
      }
      return id;
    };

    switch (sub ?? 'list') {
      case 'list': {
        const installed = await manager.installed();
        const active = (await manager.activeId()) ?? installed.find((m) => m.bundled)?.id ?? '';
        const cov = coverageOf(common.libraryDir);
        const r = await manager.list(cov.get, active);
        cov.close();
        if (!r.ok) return fail(io, 'models', r.error, common.json);
        if (common.json) {
          writeJson(io, r.value);
          return 0;
        }
        io.stdout.write(table<CatalogEntry>(r.value, [
          { header: 'ID', value: (m) => `${m.active ? '*' : ' '} ${m.id}` },
          { header: 'SIZE', value: (m) => mb(m.sizeBytes), align: 'right' },
          { header: 'DIMS', value: (m) => String(m.embeddingSize), align: 'right' },
          { header: 'INSTALLED', value: (m) => (m.installed ? 'yes' : '-') },
          { header: 'COVERAGE', value: (m) => `${Math.round(m.coverage * 100)}%`, align: 'right' },
          { header: 'NAME', value: (m) => `${m.name}${m.recommended ? ' (recommended)' : ''}` },
        ]));
        return 0;
      }
      case 'pull': {
        const want = needId();
        if (!want) return 2;
        const tty = !common.json && io.stderr.isTTY === true;
        let lastFile: string | null = null;
        const ctl = new AbortController();
        const onSigint = (): void => ctl.abort();
        process.once('SIGINT', onSigint);
        const variant = values.variant as string | undefined;
        const r = await manager.pull(want, {
          signal: ctl.signal,
          variant: variant ? `_${variant}` : undefined,
          onProgress: (ev) => {
            if (common.json) return;
            if (tty) io.stderr.write(`\r\x1b[2K${progressLine(ev)}`);
            else if (ev.file && ev.file !== lastFile) io.stderr.write(`downloading ${ev.file}\n`);
            else if (ev.state === 'verifying' || ev.state === 'installing') io.stderr.write(`${ev.state}\n`);
            lastFile = ev.file ?? lastFile;
          },
        });
        process.removeListener('SIGINT', onSigint);
        if (tty) io.stderr.write('\n');
        if (!r.ok) return fail(io, 'models pull', r.error, common.json);
        if (values.use === true) {
          const u = await manager.use(want);
          if (!u.ok) return fail(io, 'models use', u.error, common.json);
        }
        if (common.json) writeJson(io, { id: r.value.id, dir: r.value.dir, bytes: r.value.bytes, resumedBytes: r.value.resumedBytes, commit: r.value.commit, active: values.use === true });
        else io.stdout.write(`installed ${r.value.id} (${mb(r.value.bytes)}) in ${r.value.dir}${values.use === true ? '; now the active model' : `\nmake it the library's model: shoebox models use ${r.value.id}`}\n`);
        return 0;
      }
      case 'use': {
        const want = needId();
        if (!want) return 2;
        const u = await manager.use(want);
        if (!u.ok) return fail(io, 'models use', u.error, common.json);
        const cov = coverageOf(common.libraryDir);
        const c = cov.get(want);
        cov.close();
        if (common.json) writeJson(io, { id: want, dir: u.value.dir, coverage: c });
        else io.stdout.write(`active model: ${want}${c < 1 ? ` (covers ${Math.round(c * 100)}% of the library; the next index run embeds the rest)` : ''}\n`);
        return 0;
      }
      case 'remove': {
        const want = needId();
        if (!want) return 2;
        const r = await manager.remove(want);
        if (!r.ok) return fail(io, 'models remove', r.error, common.json);
        if (common.json) writeJson(io, { removed: r.value });
        else io.stdout.write(r.value ? `removed ${want}\n` : `${want} was not installed\n`);
        return 0;
      }
      case 'convert': {
        const dir = id ? path.resolve(io.cwd, id) : null;
        const layout = values.layout as string | undefined;
        const modelId = values.id as string | undefined;
        if (!dir || !modelId || (layout !== 'immich' && layout !== 'transformers.js')) {
          io.stderr.write('shoebox models convert: give <folder>, --layout immich|transformers.js and --id ID\n');
          return 2;
        }
        const m = await converters[layout](dir, { id: modelId, name: (values.name as string | undefined) ?? modelId, source: {} });
        if (!m.ok) return fail(io, 'models convert', m.error, common.json);
        const w = await writeManifest(dir, m.value);
        if (!w.ok) return fail(io, 'models convert', w.error, common.json);
        const check = await readManifest(dir);
        if (!check.ok) return fail(io, 'models convert', check.error, common.json);
        if (common.json) writeJson(io, check.value);
        else io.stdout.write(`wrote ${path.join(dir, 'model.json')} (${check.value.files.length} files, embedding ${check.value.embeddingSize}, image ${check.value.preprocess.size} px ${check.value.preprocess.resize})\n`);
        return 0;
      }
      default:
        io.stderr.write(`shoebox models: unknown subcommand '${sub}'\n${usage}\n`);
        return 2;
    }
  },
};
