// What `npm start` does (bin/start.js): pick the shell, build what is missing, make a first-run
// demo library, start. Electron when `require('electron')` gives a binary that exists; web mode
// otherwise (or with --web).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createEngine, type Engine } from '../engine/engine.js';
import { catalogFile, defaultLibraryDir } from '../library/paths.js';
import { formatError } from '../shared/result.js';
import { writeDemoLibrary } from '../world/demo-library.js';
import { startWebMode } from './web-mode.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const say = (line: string) => process.stdout.write(`${line}\n`);

function electronBinary(): string | null {
  try {
    // The electron package's main export is the path of its downloaded binary.
    const bin = createRequire(import.meta.url)('electron') as unknown;
    return typeof bin === 'string' && existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

function run(args: string[]): boolean {
  return spawnSync(process.execPath, args, { cwd: repo, stdio: 'inherit' }).status === 0;
}

/**
 * Native modules are built for Node's ABI by npm install; Electron has its own (better-sqlite3 is
 * not ABI-stable across them). Rebuild once per Electron version with @electron/rebuild.
 */
function rebuildForElectron(): boolean {
  const req = createRequire(import.meta.url);
  let version: string;
  try {
    version = (req('electron/package.json') as { version: string }).version;
  } catch {
    return true;
  }
  const marker = join(repo, 'node_modules', '.shoebox-electron-abi');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === version) return true;
  let cli: string;
  try {
    cli = req.resolve('@electron/rebuild/lib/cli.js');
  } catch {
    say('Electron needs the native modules rebuilt for its ABI: run `npx @electron/rebuild -f -o better-sqlite3,hnswlib-node` once, then `npm start` again.');
    return false;
  }
  say(`Rebuilding native modules for Electron ${version} (once)…`);
  if (!run([cli, '-f', '-v', version, '-o', 'better-sqlite3,hnswlib-node'])) return false;
  writeFileSync(marker, `${version}\n`);
  return true;
}

function ensureRenderer(): boolean {
  if (existsSync(join(repo, 'renderer', 'dist', 'index.html'))) return true;
  say('Building the app (first run)…');
  return run([join(repo, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(repo, 'renderer', 'vite.config.ts'), '--logLevel', 'warn']);
}

/** First run: a generated demo library inside the library folder, added as a root. */
async function addDemoLibrary(engine: Engine, libraryDir: string): Promise<boolean> {
  const dir = join(libraryDir, 'Demo photos');
  say(`No library yet: generating 200 demo photos in ${dir} …`);
  const demo = await writeDemoLibrary(dir, { count: 200, seed: 1 });
  if (!demo.ok) {
    say(`Could not write the demo library: ${formatError(demo.error)}`);
    return false;
  }
  const root = await engine.addRoot({ path: dir });
  if (!root.ok) {
    say(`Could not add the demo library: ${root.error.message}`);
    return false;
  }
  return true;
}

function openBrowser(url: string): void {
  const hasDisplay = process.platform !== 'linux' || !!(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  if (!hasDisplay) return;
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined); // no opener: the printed URL is enough
    child.unref();
  } catch {
    // the printed URL is enough
  }
}

export async function start(argv: string[]): Promise<number> {
  let values: { web?: boolean; 'no-open'?: boolean; port?: string; library?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { web: { type: 'boolean' }, 'no-open': { type: 'boolean' }, port: { type: 'string' }, library: { type: 'string' } } }));
  } catch (e) {
    say(`npm start: ${(e as Error).message} (options: --web, --no-open, --port N, --library DIR)`);
    return 2;
  }
  const libraryDir = defaultLibraryDir(process.env, { library: values.library });
  const firstRun = !existsSync(catalogFile(libraryDir));
  if (!ensureRenderer()) return 1;

  const electron = values.web ? null : electronBinary();
  if (electron) {
    if (firstRun) {
      const e = await createEngine({ libraryDir });
      if (!e.ok) return say(`Shoebox: ${formatError(e.error)}`), 1;
      await addDemoLibrary(e.value, libraryDir);
      await e.value.close(); // the engine process indexes it when the window opens
    }
    if (!run([join(repo, 'main', 'build.mjs')])) return 1;
    if (!rebuildForElectron()) return 1;
    const child = spawn(electron, [repo], { stdio: 'inherit', env: { ...process.env, SHOEBOX_HOME: libraryDir } });
    return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 0)));
  }

  say(values.web ? 'Starting web mode.' : 'Electron is not installed here, so Shoebox starts in web mode: the app opens in your browser.');
  // switchInBackground: a model chosen while the app was closed is re-indexed in the background, search meanwhile on the old one
  const opened = await createEngine({ libraryDir, watch: false, switchInBackground: true });
  if (!opened.ok) return say(`Shoebox: ${formatError(opened.error)}`), 1;
  const engine = opened.value;
  if (firstRun) await addDemoLibrary(engine, libraryDir);
  const port = values.port !== undefined ? Number(values.port) : 5174;
  let server = await startWebMode({ engine, port });
  if (!server.ok && server.error.code === 'busy' && values.port === undefined) server = await startWebMode({ engine, port: 0 });
  if (!server.ok) {
    await engine.close();
    return say(`Shoebox: ${formatError(server.error)}`), 1;
  }
  const status = await engine.status({});
  if (status.ok && status.value.roots.length > 0) {
    void engine.startIndexing({});
    void engine.startWatching();
  }
  say(`Shoebox is running at ${server.value.openUrl}  (library: ${libraryDir})`);
  say('Press Ctrl+C to stop.');
  if (!values['no-open']) openBrowser(server.value.openUrl);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.value.close();
  await engine.close();
  return 0;
}
