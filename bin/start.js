#!/usr/bin/env node
// `npm start`: the Electron window where Electron is installed, otherwise web mode in the
// browser (and it says so). Builds the renderer when missing; on a first run, generates the demo
// library so there is something to search. The work is in app/server/start.ts.
import { register } from 'tsx/esm/api';

register();
const { start } = await import('../app/server/start.ts');
process.exitCode = await start(process.argv.slice(2));
