import type { Command } from '../../command.js';

// Placeholder until this subcommand lands; it says so instead of pretending to work.
export const command: Command = {
  summary: '(not built yet)',
  usage: 'shoebox debug preprocess: not built yet',
  async run(_args, io) {
    io.stderr.write('shoebox debug preprocess: not built yet\n');
    return 2;
  },
};
