import type { Command } from '../command.js';

// `shoebox debug <sub>`: re-checkable internals (parity scripts in ../shared/checks drive these).
// One file per subcommand in ./debug; add a line here when adding one.
const subcommands: Record<string, () => Promise<{ command: Command }>> = {
  tokenize: () => import('./debug/tokenize.js'),
  preprocess: () => import('./debug/preprocess.js'),
  'embed-text': () => import('./debug/embed-text.js'),
  'embed-image': () => import('./debug/embed-image.js'),
  'world-vocab': () => import('./debug/world-vocab.js'),
  'training-data': () => import('./debug/training-data.js'),
};

export const command: Command = {
  summary: 'internals for re-checking: tokenize, preprocess, embed-text, embed-image, world-vocab, training-data',
  usage: `usage: shoebox debug <${Object.keys(subcommands).join('|')}> [options]`,
  async run(args, io) {
    const [sub, ...rest] = args;
    const load = sub ? subcommands[sub] : undefined;
    if (!load) {
      io.stderr.write(`${this.usage}\n`);
      return 2;
    }
    const { command } = await load();
    if (rest.includes('--help')) {
      io.stdout.write(`${command.usage}\n`);
      return 0;
    }
    return command.run(rest, io);
  },
};
