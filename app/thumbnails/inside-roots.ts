// The second gate: the file a catalog row points at must really live under one of the library
// roots once symlinks are resolved (a symlink inside a root may point anywhere).
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';

export function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' ? true : !rel.startsWith('..') && !isAbsolute(rel);
}

/** The real path of `file` when it resolves inside one of `roots` (also resolved), else null. */
export async function resolveInsideRoots(file: string, roots: readonly string[]): Promise<string | null> {
  let real: string;
  try {
    real = await realpath(file);
  } catch {
    return null;
  }
  for (const root of roots) {
    let realRoot: string;
    try {
      realRoot = await realpath(resolve(root));
    } catch {
      continue;
    }
    if (isInside(real, realRoot)) return real;
  }
  return null;
}
