#!/usr/bin/env node
// The `shoebox` command. The sources are TypeScript; tsx compiles them on the fly so that
// `npm install` needs no build step (and stays working where Electron cannot be installed).
import { register } from 'tsx/esm/api';

// `shoebox search … -f | head` closes the pipe early: that is a normal end, not a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

register();
const { main } = await import('../app/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
