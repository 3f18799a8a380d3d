import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CliIO, Command } from '../../command.js';
import { formatError, toAppError } from '../../../shared/result.js';
import { ModelManifestSchema, PreprocessSchema, type PreprocessSpec } from '../../../embed/common/model-format.js';
import { DEFAULT_ALPHA_POLICY, DEFAULT_MAX_PIXELS, preprocessImage, type AlphaPolicy } from '../../../embed/node/preprocess.js';

const usage = `usage: shoebox debug preprocess IMAGE --out FILE.f32 (--model DIR | --size N --resize shortest|squash --mean a,b,c --std a,b,c [--interpolation bicubic|bilinear|nearest])
       [--alpha ignore|white] [--max-pixels N]
Writes the model input tensor of IMAGE as raw little-endian float32, CHW (3 x N x N), channel order RGB.`;

function fail(io: CliIO, message: string, code = 1): number {
  io.stderr.write(`shoebox debug preprocess: ${message}\n`);
  return code;
}

const triple = (s: string | undefined): number[] | undefined => s?.split(',').map((x) => (x.trim() === '' ? NaN : Number(x)));

/** The spec from --model DIR's model.json, or from the explicit flags. */
async function specFrom(values: Record<string, string | undefined>, cwd: string): Promise<{ spec: PreprocessSpec } | { error: string }> {
  if (values.model) {
    const file = path.resolve(cwd, values.model, 'model.json');
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, 'utf8'));
    } catch (e) {
      return { error: e instanceof SyntaxError ? `${file}: not valid JSON` : formatError(toAppError(e, 'io', file)) };
    }
    const m = ModelManifestSchema.safeParse(json);
    if (!m.success) return { error: `${file}: ${m.error.issues[0]?.path.join('.') ?? ''} ${m.error.issues[0]?.message ?? 'invalid'}` };
    return { spec: m.data.preprocess };
  }
  const p = PreprocessSchema.safeParse({
    size: Number(values.size),
    resize: values.resize,
    interpolation: values.interpolation ?? 'bicubic',
    mean: triple(values.mean),
    std: triple(values.std),
  });
  if (!p.success) {
    const issue = p.error.issues[0];
    return { error: `bad option --${String(issue?.path[0] ?? '')}: ${issue?.message ?? 'invalid'} (or give --model DIR)` };
  }
  return { spec: p.data };
}

export const command: Command = {
  summary: 'write the model input tensor of one image (parity checks)',
  usage,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        options: {
          out: { type: 'string' },
          model: { type: 'string' },
          size: { type: 'string' },
          resize: { type: 'string' },
          mean: { type: 'string' },
          std: { type: 'string' },
          interpolation: { type: 'string' },
          alpha: { type: 'string' },
          'max-pixels': { type: 'string' },
        },
        strict: true,
        allowPositionals: true,
      });
    } catch (e) {
      return fail(io, `${e instanceof Error ? e.message : String(e)}\n${usage}`, 2);
    }
    const { values, positionals } = parsed;
    if (positionals.length !== 1) return fail(io, `give exactly one IMAGE\n${usage}`, 2);
    if (!values.out) return fail(io, `--out FILE is required\n${usage}`, 2);
    const alpha = values.alpha ?? DEFAULT_ALPHA_POLICY;
    if (alpha !== 'white' && alpha !== 'ignore') return fail(io, '--alpha must be white or ignore', 2);
    const maxPixels = values['max-pixels'] === undefined ? DEFAULT_MAX_PIXELS : Number(values['max-pixels']);
    if (!Number.isFinite(maxPixels) || maxPixels <= 0) return fail(io, '--max-pixels must be a positive number', 2);
    const spec = await specFrom(values, io.cwd);
    if ('error' in spec) return fail(io, spec.error, 2);

    const image = path.resolve(io.cwd, positionals[0]!);
    const r = await preprocessImage(image, spec.spec, { maxPixels, alpha: alpha as AlphaPolicy });
    if (!r.ok) return fail(io, formatError(r.error));
    const { tensor, info } = r.value;
    const out = path.resolve(io.cwd, values.out);
    try {
      await writeFile(out, new Uint8Array(tensor.buffer, tensor.byteOffset, tensor.byteLength));
    } catch (e) {
      return fail(io, formatError(toAppError(e, 'io', out)));
    }
    const s = spec.spec.size;
    io.stdout.write(`${values.out}: 3x${s}x${s} float32 from ${info.format} ${info.width}x${info.height}${info.orientation && info.orientation !== 1 ? ` (orientation ${info.orientation})` : ''}${info.hasAlpha ? `, alpha: ${alpha}` : ''}\n`);
    return 0;
  },
};
