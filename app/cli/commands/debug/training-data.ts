import { parseArgs } from 'node:util';
import type { Command } from '../../command.js';
import { formatError, toAppError } from '../../../shared/result.js';
import { SPLITS, type Split } from '../../../world/scene.js';
import { writeTrainingData } from '../../../world/training-data.js';

const usage = `usage: shoebox debug training-data --out DIR --count N --seed S --tokenizer FILE
       [--size 64] [--context 32] [--captions 4] [--split train|heldout|all] [--partial P] [--group-partial P] [--twins P] [--small-twins P] [--concurrency 4]

Renders N scenes of the synthetic world (varied sizes and aspect ratios, JPEG-encoded), runs them
through the app's own preprocessing and tokenizer, and writes DIR/images.u8 (uint8 N×3×size×size),
DIR/tokens.i32 (int32 LE N×K×context), DIR/meta.jsonl and DIR/info.json.
--partial P: probability that captions 2..K are attribute-only ("a photo of a star").
--group-partial P: probability that captions 2..K name one group alone ("two red circles").
--twins P: probability that a scene is followed by its twin, the same scene with the largest group's shape changed.
--small-twins P: probability that a twin changes one of the smaller groups' shape instead (scenes with more than one group).`;

export const command: Command = {
  summary: "the demo model's training data from the scene world (images.u8, tokens.i32, meta.jsonl)",
  usage,
  async run(args, io) {
    const fail = (msg: string): number => {
      io.stderr.write(`shoebox debug training-data: ${msg}\n`);
      return 2;
    };
    let values: Record<string, string | undefined>;
    try {
      ({ values } = parseArgs({
        args,
        strict: true,
        options: Object.fromEntries(['out', 'count', 'seed', 'tokenizer', 'size', 'context', 'captions', 'split', 'partial', 'group-partial', 'twins', 'small-twins', 'concurrency'].map((k) => [k, { type: 'string' as const }])),
      }) as { values: Record<string, string | undefined> });
    } catch (e) {
      return fail(toAppError(e, 'bad-input').message);
    }
    const int = (name: string, fallback?: number): number | undefined => {
      const v = values[name];
      if (v === undefined) return fallback;
      return /^\d+$/.test(v) ? Number(v) : NaN;
    };
    const { out, tokenizer } = values;
    if (!out || !tokenizer || values.count === undefined || values.seed === undefined) return fail(`--out, --count, --seed and --tokenizer are required\n${usage}`);
    const split = (values.split ?? 'train') as Split;
    if (!SPLITS.includes(split)) return fail(`--split must be one of ${SPLITS.join(', ')}`);
    const nums = { count: int('count')!, seed: int('seed')!, size: int('size', 64)!, context: int('context', 32)!, captions: int('captions', 4)!, concurrency: int('concurrency', 4)! };
    for (const [k, v] of Object.entries(nums)) if (!Number.isFinite(v)) return fail(`--${k} must be a non-negative integer`);
    const partial = values.partial === undefined ? 0 : Number(values.partial);
    const started = Date.now();
    let lastReport = 0;
    const r = await writeTrainingData(out, {
      ...nums,
      tokenizerPath: tokenizer,
      split,
      partial,
      groupPartial: values['group-partial'] === undefined ? 0 : Number(values['group-partial']),
      twins: values.twins === undefined ? 0 : Number(values.twins),
      smallTwins: values['small-twins'] === undefined ? 0 : Number(values['small-twins']),
      onProgress: (done, total) => {
        if (Date.now() - lastReport < 2000 && done < total) return;
        lastReport = Date.now();
        const secs = (Date.now() - started) / 1000;
        io.stderr.write(`training-data: ${done}/${total} (${(done / secs).toFixed(0)} samples/s)\n`);
      },
    });
    if (!r.ok) {
      io.stderr.write(`shoebox debug training-data: ${formatError(r.error)}\n`);
      return 1;
    }
    const secs = (Date.now() - started) / 1000;
    io.stdout.write(`${JSON.stringify({ ...r.value, out, seconds: Math.round(secs * 10) / 10, samplesPerSecond: Math.round(r.value.count / secs) })}\n`);
    return 0;
  },
};
