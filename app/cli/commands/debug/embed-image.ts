import type { Command } from '../../command.js';
import { formatError } from '../../../shared/result.js';
import { preprocessImage } from '../../../embed/node/preprocess.js';
import { modelOptionsUsage, parseAndLoad } from './embed-options.js';

const usage = `usage: shoebox debug embed-image ${modelOptionsUsage} IMAGE…
Prints {"model", "provider", "dim", "items": [{"path", "vector"} | {"path", "error"}]} as JSON: each
image decoded and preprocessed per the model's manifest, then its L2-normalised embedding.
Exit code 1 when any image failed.`;

export const command: Command = {
  summary: 'embed images with the model and print the vectors as JSON (parity checks)',
  usage,
  async run(args, io) {
    const parsed = await parseAndLoad('embed-image', usage, args, io);
    if (typeof parsed === 'number') return parsed;
    const { model, positionals: paths } = parsed;
    try {
      const items: Array<{ path: string; vector: number[] } | { path: string; error: string }> = [];
      let failed = 0;
      for (const path of paths) {
        // One at a time: this is a checking tool, and one bad file must not hide the others' vectors.
        const pre = await preprocessImage(path, model.manifest.preprocess);
        const vec = pre.ok ? await model.image.encode(pre.value.tensor, 1) : pre;
        if (vec.ok) {
          items.push({ path, vector: Array.from(vec.value[0]!) });
        } else {
          failed++;
          items.push({ path, error: formatError(vec.error) });
          io.stderr.write(`shoebox debug embed-image: ${formatError({ ...vec.error, path })}\n`);
        }
      }
      io.stdout.write(`${JSON.stringify({ model: model.manifest.id, provider: model.runtime.provider, dim: model.manifest.embeddingSize, items })}\n`);
      return failed ? 1 : 0;
    } finally {
      await model.close();
    }
  },
};
