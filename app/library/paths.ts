// Where the library lives: `--library DIR` > SHOEBOX_HOME > the per-user data folder of the OS.
import os from 'node:os';
import path from 'node:path';

export function defaultLibraryDir(env: NodeJS.ProcessEnv = process.env, opts: { library?: string; platform?: NodeJS.Platform; home?: string; cwd?: string } = {}): string {
  const cwd = opts.cwd ?? process.cwd();
  if (opts.library) return path.resolve(cwd, opts.library);
  if (env.SHOEBOX_HOME) return path.resolve(cwd, env.SHOEBOX_HOME);
  const home = opts.home ?? os.homedir();
  switch (opts.platform ?? process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Shoebox');
    case 'win32':
      return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), 'Shoebox');
    default:
      return path.join(env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(home, '.local', 'share'), 'shoebox');
  }
}

export const catalogFile = (libraryDir: string): string => path.join(libraryDir, 'catalog.sqlite');
export const lockFile = (libraryDir: string): string => path.join(libraryDir, 'library.lock');
