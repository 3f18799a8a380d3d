import type { Command } from '../../command.js';
import { formatError } from '../../../shared/result.js';
import { modelOptionsUsage, parseAndLoad } from './embed-options.js';

const usage = `usage: shoebox debug embed-text ${modelOptionsUsage} TEXT…
Prints {"model", "provider", "dim", "items": [{"text", "ids", "vector"}]} as JSON: the model's
L2-normalised text embeddings (default model: the bundled demo model).`;

export const command: Command = {
  summary: 'embed texts with the model and print the vectors as JSON (parity checks)',
  usage,
  async run(args, io) {
    const parsed = await parseAndLoad('embed-text', usage, args, io);
    if (typeof parsed === 'number') return parsed;
    const { model, positionals: texts } = parsed;
    try {
      const ids = model.tokenizer.encodeBatch(texts);
      const vecs = await model.text.encodeIds(ids, texts.length);
      if (!vecs.ok) {
        io.stderr.write(`shoebox debug embed-text: ${formatError(vecs.error)}\n`);
        return 1;
      }
      const ctx = model.tokenizer.contextLength;
      const items = texts.map((text, k) => ({ text, ids: Array.from(ids.subarray(k * ctx, (k + 1) * ctx)), vector: Array.from(vecs.value[k]!) }));
      io.stdout.write(`${JSON.stringify({ model: model.manifest.id, provider: model.runtime.provider, dim: model.manifest.embeddingSize, items })}\n`);
      return 0;
    } finally {
      await model.close();
    }
  },
};
