// The end-to-end tests drive the real renderer build; build it once when it is missing.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export function ensureRendererBuilt(): string {
  const dist = join(repoRoot, 'renderer', 'dist');
  if (!existsSync(join(dist, 'index.html')) || process.env.SHOEBOX_REBUILD_RENDERER === '1') {
    execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(repoRoot, 'renderer', 'vite.config.ts'), '--logLevel', 'warn'], { cwd: repoRoot, stdio: 'inherit' });
  }
  return dist;
}
