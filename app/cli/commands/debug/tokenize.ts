import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { CliIO, Command } from '../../command.js';
import { formatError } from '../../../shared/result.js';
import { TokenizerSpecSchema } from '../../../embed/common/model-format.js';
import { loadTokenizer } from '../../../embed/node/load-tokenizer.js';

const usage = `usage: shoebox debug tokenize --tokenizer FILE [--context 77] [--pad 0] [--cleaning clip|none] [--truncation clip|plain]
Reads JSON lines {"text": "..."} on stdin, writes one {"ids": [...]} line per input on stdout.`;

// Writes buffered, honouring back-pressure, so that thousands of lines go out quickly.
function writer(out: NodeJS.WritableStream): { push(line: string): Promise<void>; flush(): Promise<void> } {
  let buf: string[] = [];
  const flush = async (): Promise<void> => {
    if (!buf.length) return;
    const chunk = buf.join('');
    buf = [];
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  return {
    async push(line) {
      buf.push(line);
      if (buf.length >= 256) await flush();
    },
    flush,
  };
}

function fail(io: CliIO, message: string, code = 1): number {
  io.stderr.write(`shoebox debug tokenize: ${message}\n`);
  return code;
}

export const command: Command = {
  summary: 'tokenize JSON lines of text like CLIP (parity checks)',
  usage,
  async run(args, io) {
    let values;
    try {
      ({ values } = parseArgs({
        args,
        options: {
          tokenizer: { type: 'string' },
          context: { type: 'string', default: '77' },
          pad: { type: 'string', default: '0' },
          cleaning: { type: 'string', default: 'clip' },
          truncation: { type: 'string', default: 'clip' },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (e) {
      return fail(io, `${e instanceof Error ? e.message : String(e)}\n${usage}`, 2);
    }
    if (!values.tokenizer) return fail(io, `--tokenizer FILE is required\n${usage}`, 2);
    const spec = TokenizerSpecSchema.safeParse({
      file: values.tokenizer,
      contextLength: Number(values.context),
      padId: Number(values.pad),
      cleaning: values.cleaning,
      truncation: values.truncation,
    });
    if (!spec.success) {
      const issue = spec.error.issues[0];
      return fail(io, `bad option ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`, 2);
    }
    const tok = await loadTokenizer(values.tokenizer, spec.data);
    if (!tok.ok) return fail(io, formatError(tok.error));

    const out = writer(io.stdout);
    const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
    let n = 0;
    for await (const line of lines) {
      n++;
      if (!line.trim()) continue;
      let text: unknown;
      try {
        text = (JSON.parse(line) as { text?: unknown } | null)?.text;
      } catch {
        text = undefined;
      }
      if (typeof text !== 'string') {
        await out.flush();
        lines.close();
        return fail(io, `stdin line ${n}: expected a JSON object like {"text": "..."}`);
      }
      await out.push(`{"ids":[${tok.value.encode(text).join(',')}]}\n`);
    }
    await out.flush();
    return 0;
  },
};
