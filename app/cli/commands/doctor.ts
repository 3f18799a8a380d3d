// `shoebox doctor`: what this machine gives Shoebox — Node, ONNX Runtime and its execution
// providers (requested, available, in use and why), the model (verified or not), the image
// decoders (incl. HEIF/AVIF), SQLite, and where the library lives. Exit code 1 when something
// needed is missing, so scripts and bug reports can rely on it.
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import sharp, { type Sharp } from 'sharp';
import type { CliIO, Command } from '../command.js';
import { formatError } from '../../shared/result.js';
import { bundledModelDir, loadModel } from '../../embed/node/model-load.js';
import { createSessions, resolveRuntimeSettings, supportedProviders, type RuntimeInfo, type SupportedProvider } from '../../embed/node/execution-providers.js';
import { verifyCachePath } from '../../embed/node/checksums.js';
import { defaultLibraryDir } from '../../library/paths.js';

const usage = `usage: shoebox doctor [--json] [--model DIR] [--providers cuda,cpu] [--threads N] [--library DIR]
Checks Node, ONNX Runtime and its execution providers, the model, image decoders, SQLite and the
library folder. --json prints the report as one JSON object. Exit code 1 when a check fails.`;

export interface DoctorReport {
  node: { version: string; platform: string; arch: string };
  onnxruntime: {
    version: string;
    supportedProviders: SupportedProvider[];
    requestedProviders: string[];
    /** The provider the model's sessions run on (or a probe session when there is no model). */
    providerInUse: string | null;
    fallbackReason: string | null;
    /** 'model' when measured by loading the model, 'probe' when by a tiny test graph. */
    measuredWith: 'model' | 'probe' | null;
    threads: number;
  };
  model: {
    dir: string;
    ok: boolean;
    id: string | null;
    name: string | null;
    embeddingSize: number | null;
    /** 'hashed' = SHA-256 checked now, 'cached' = checked earlier with the same size+mtime. */
    verified: 'hashed' | 'cached' | null;
    verifyCache: string;
    error: string | null;
  };
  images: {
    sharp: string;
    libvips: string;
    libheif: string | null;
    /** Formats sharp can read from a file. */
    decodes: string[];
    /** Round-trip probes: can this build actually decode these? */
    avif: boolean;
    heic: boolean;
  };
  sqlite: { betterSqlite3: string | null; version: string | null; error: string | null };
  library: { dir: string; from: '--library' | 'SHOEBOX_HOME' | 'default' };
  problems: string[];
}

async function probeDecode(make: () => Promise<Buffer>): Promise<boolean> {
  try {
    const buf = await make();
    const { info } = await sharp(buf).raw().toBuffer({ resolveWithObject: true });
    return info.width === 8;
  } catch {
    return false; // the codec is missing from this build; that is the answer, not an error
  }
}

async function imageSupport(): Promise<DoctorReport['images']> {
  const tiny = (): Sharp => sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 200, g: 30, b: 30 } } });
  const decodes = Object.entries(sharp.format)
    .filter(([, f]) => f.input.file)
    .map(([id]) => id)
    .sort();
  return {
    sharp: sharp.versions.sharp ?? 'unknown',
    libvips: sharp.versions.vips,
    libheif: sharp.versions.heif ?? null,
    decodes,
    avif: await probeDecode(() => tiny().avif().toBuffer()),
    heic: await probeDecode(() => tiny().heif({ compression: 'hevc' }).toBuffer()),
  };
}

function sqliteInfo(): DoctorReport['sqlite'] {
  const require = createRequire(import.meta.url);
  try {
    const pkg = require('better-sqlite3/package.json') as { version: string };
    const Database = require('better-sqlite3') as typeof import('better-sqlite3');
    const db = new Database(':memory:');
    try {
      const version = db.prepare('select sqlite_version()').pluck().get() as string;
      return { betterSqlite3: pkg.version, version, error: null };
    } finally {
      db.close();
    }
  } catch (e) {
    return { betterSqlite3: null, version: null, error: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
  }
}

export interface DoctorOptions {
  modelDir?: string;
  providers?: string[];
  threads?: number;
  library?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export async function collectDoctorReport(opts: DoctorOptions): Promise<DoctorReport> {
  const problems: string[] = [];
  const settings = resolveRuntimeSettings({ providers: opts.providers, threads: opts.threads }, opts.env);
  if (!settings.ok) problems.push(formatError(settings.error));
  const requested = settings.ok ? settings.value.providers : [];
  const threads = settings.ok ? settings.value.threads : 1;

  const modelDir = opts.modelDir ?? bundledModelDir();
  const cache = verifyCachePath(opts.env);
  const model: DoctorReport['model'] = { dir: modelDir, ok: false, id: null, name: null, embeddingSize: null, verified: null, verifyCache: cache, error: null };
  let runtime: RuntimeInfo | null = null;
  let measuredWith: DoctorReport['onnxruntime']['measuredWith'] = null;
  if (settings.ok) {
    const loaded = await loadModel(modelDir, { providers: requested, threads, env: opts.env });
    if (loaded.ok) {
      const m = loaded.value;
      Object.assign(model, {
        ok: true,
        id: m.manifest.id,
        name: m.manifest.name,
        embeddingSize: m.manifest.embeddingSize,
        verified: m.verification && m.verification.hashed.length > 0 ? 'hashed' : 'cached',
      });
      runtime = m.runtime;
      measuredWith = 'model';
      await m.close();
    } else {
      model.error = formatError(loaded.error);
      problems.push(`model: ${model.error}`);
      // Still say which provider would run, using the tiny test graph that ships with the sources.
      const probe = fileURLToPath(new URL('../../embed/node/fixtures/tiny-clip/image.onnx', import.meta.url));
      const s = await createSessions({ probe }, settings.value);
      if (s.ok) {
        runtime = s.value.runtime;
        measuredWith = 'probe';
        await s.value.sessions.probe.release();
      } else {
        problems.push(`onnxruntime: ${formatError(s.error)}`);
      }
    }
  }

  const images = await imageSupport();
  const sqlite = sqliteInfo();
  if (sqlite.error) problems.push(`sqlite: ${sqlite.error}`);
  const from: DoctorReport['library']['from'] = opts.library ? '--library' : opts.env.SHOEBOX_HOME ? 'SHOEBOX_HOME' : 'default';

  return {
    node: { version: process.versions.node, platform: process.platform, arch: process.arch },
    onnxruntime: {
      version: ort.env.versions.node ?? ort.env.versions.common,
      supportedProviders: supportedProviders(),
      requestedProviders: requested,
      providerInUse: runtime?.provider ?? null,
      fallbackReason: runtime?.fallbackReason ?? null,
      measuredWith,
      threads,
    },
    model,
    images,
    sqlite,
    library: { dir: defaultLibraryDir(opts.env, { library: opts.library, cwd: opts.cwd }), from },
    problems,
  };
}

export function formatDoctorReport(r: DoctorReport): string {
  const yes = (b: boolean): string => (b ? 'yes' : 'no');
  const o = r.onnxruntime;
  const lines = [
    `node            ${r.node.version} (${r.node.platform}-${r.node.arch})`,
    `onnxruntime     onnxruntime-node ${o.version}`,
    `  providers     requested ${o.requestedProviders.join(', ') || '-'}; this build has ${o.supportedProviders.map((p) => (p.bundled ? p.name : `${p.name} (needs its libraries)`)).join(', ')}`,
    `  in use        ${o.providerInUse ?? 'none'}${o.measuredWith === 'probe' ? ' (probed with a test graph: no model loaded)' : ''}`,
    ...(o.fallbackReason ? [`  fallback      ${o.fallbackReason}`] : []),
    `  threads       ${o.threads}`,
    r.model.ok
      ? `model           ${r.model.id} (${r.model.name}, ${r.model.embeddingSize}-d) — files ${r.model.verified === 'hashed' ? 'verified (SHA-256)' : 'verified earlier (same size and mtime)'}`
      : `model           not usable: ${r.model.error}`,
    `  folder        ${r.model.dir}`,
    `  verify cache  ${r.model.verifyCache}`,
    `images          sharp ${r.images.sharp}, libvips ${r.images.libvips}${r.images.libheif ? `, libheif ${r.images.libheif}` : ''}`,
    `  decodes       ${r.images.decodes.join(', ')}`,
    `  AVIF          ${yes(r.images.avif)}`,
    `  HEIC (HEVC)   ${yes(r.images.heic)}${r.images.heic ? '' : ' — this libvips build has no HEVC codec, so HEVC-coded HEIC photos (iPhone) cannot be decoded'}`,
    r.sqlite.error ? `sqlite          unavailable: ${r.sqlite.error}` : `sqlite          ${r.sqlite.version} (better-sqlite3 ${r.sqlite.betterSqlite3})`,
    `library         ${r.library.dir} (from ${r.library.from})`,
  ];
  lines.push(r.problems.length ? `\n${r.problems.length} problem${r.problems.length > 1 ? 's' : ''}:\n${r.problems.map((p) => `  - ${p}`).join('\n')}` : '\nall checks passed');
  return `${lines.join('\n')}\n`;
}

export const command: Command = {
  summary: 'check this machine: ONNX Runtime providers, model, image decoders, SQLite, library folder',
  usage,
  async run(args: string[], io: CliIO) {
    let values;
    try {
      ({ values } = parseArgs({
        args,
        options: {
          json: { type: 'boolean', default: false },
          model: { type: 'string' },
          providers: { type: 'string' },
          threads: { type: 'string' },
          library: { type: 'string' },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (e) {
      io.stderr.write(`shoebox doctor: ${e instanceof Error ? e.message : String(e)}\n${usage}\n`);
      return 2;
    }
    const report = await collectDoctorReport({
      modelDir: values.model,
      providers: values.providers?.split(','),
      threads: values.threads === undefined ? undefined : Number(values.threads),
      library: values.library,
      env: io.env,
      cwd: io.cwd,
    });
    io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctorReport(report));
    return report.problems.length ? 1 : 0;
  },
};
