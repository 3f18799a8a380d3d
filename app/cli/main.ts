import type { CliIO } from './command.js';
import { commands } from './commands/registry.js';

const processIO = (): CliIO => ({
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
});

async function help(io: CliIO): Promise<number> {
  io.stdout.write('usage: shoebox <command> [options]\n\ncommands:\n');
  for (const [name, load] of Object.entries(commands)) {
    const { command } = await load();
    io.stdout.write(`  ${name.padEnd(14)} ${command.summary}\n`);
  }
  io.stdout.write('\nRun `shoebox <command> --help` for the options of one command.\n');
  return 0;
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') return help(io);
  const load = commands[name];
  if (!load) {
    io.stderr.write(`shoebox: unknown command '${name}' (see 'shoebox help')\n`);
    return 2;
  }
  const { command } = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.usage.endsWith('\n') ? command.usage : `${command.usage}\n`);
    return 0;
  }
  return command.run(rest, io);
}
