// `shoebox serve`: web mode. The engine plus the app in the browser, on 127.0.0.1 unless asked
// otherwise (then every request needs the printed token).
import type { CliIO, Command } from '../command.js';
import { fail, openEngine, parseCli } from '../args.js';
import { startWebMode } from '../../server/web-mode.js';
import { isLoopbackHost } from '../../server/guard.js';
import { appError } from '../../shared/result.js';

const usage = `usage: shoebox serve [--port N] [--host ADDR] [--no-watch] [--no-resume] [--library DIR] [--model DIR] [--threads N]

  Opens the library and serves the Shoebox app at http://127.0.0.1:PORT/ (default port 5174).
  --host ADDR    listen on another address (e.g. 0.0.0.0); a random access token is then
                 required on every request and printed with the URL
  --no-watch     do not watch the library folders for changes
  --no-resume    do not resume unfinished indexing at start
  The app needs the renderer build: run \`npm run build:renderer\` once (npm start does it).`;

export const command: Command = {
  summary: 'web mode: the app in your browser at http://127.0.0.1:5174/',
  usage,
  async run(args: string[], io: CliIO): Promise<number> {
    const p = parseCli(args, io, {
      port: { type: 'string' },
      host: { type: 'string' },
      'no-watch': { type: 'boolean', default: false },
      'no-resume': { type: 'boolean', default: false },
    });
    if (!p.ok) return fail(io, 'serve', p.error);
    const { common, values } = p.value;
    const portRaw = (values.port as string | undefined) ?? io.env.SHOEBOX_PORT ?? '5174';
    const port = Number(portRaw);
    if (!Number.isInteger(port) || port < 0 || port > 65535) return fail(io, 'serve', appError('bad-input', `--port must be a port number, not '${portRaw}'`));
    const host = (values.host as string | undefined) ?? '127.0.0.1';

    // Watching starts once there are roots (the engine's watcher waits forever on none).
    const opened = await openEngine(common, { watch: false });
    if (!opened.ok) return fail(io, 'serve', opened.error);
    const engine = opened.value;
    const started = await startWebMode({ engine, host, port });
    if (!started.ok) {
      await engine.close();
      return fail(io, 'serve', started.error);
    }
    const server = started.value;
    io.stdout.write(`Shoebox is running at ${server.openUrl}\n`);
    io.stdout.write(`  library: ${engine.ctx.libraryDir}\n`);
    if (!isLoopbackHost(host)) io.stdout.write(`  listening on ${host}: anyone who can reach it needs the token in that URL\n`);
    io.stdout.write('  press Ctrl+C to stop\n');
    if (values['no-watch'] !== true) {
      let watching = false;
      const watchIfRoots = async () => {
        if (watching) return;
        const st = await engine.status({});
        if (!st.ok || st.value.roots.length === 0) return;
        watching = true;
        const w = await engine.startWatching();
        if (!w.ok) io.stderr.write(`shoebox serve: not watching for changes: ${w.error.message}\n`);
      };
      engine.subscribe((e) => {
        if (e.type === 'library-changed' && e.reason === 'roots') void watchIfRoots();
      });
      void watchIfRoots();
    }
    if (values['no-resume'] !== true) {
      const status = await engine.status({});
      if (status.ok && status.value.photos.pending > 0) void engine.startIndexing({});
    }

    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    io.stdout.write('Stopping…\n');
    await server.close();
    await engine.close();
    return 0;
  },
};
