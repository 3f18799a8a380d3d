// Watch mode: chokidar reports added, changed and removed files under the roots; events are
// gathered for a short quiet period and handed over in one batch per root, so that a move
// (unlink + add) is seen as one change and a copied folder as one batch.
import chokidar, { type FSWatcher } from 'chokidar';
import path from 'node:path';
import { ok, err, toAppError, type Result } from '../shared/result.js';
import type { RootRow } from './catalog.js';
import { classifyFile, skipDirectory } from './formats.js';

export interface RootWatcher {
  add(root: RootRow): Promise<void>;
  close(): Promise<void>;
}

export interface WatchOptions {
  /** Quiet period before a batch is handed over (ms). */
  debounceMs?: number;
  /** How long a file's size must stay still before it counts as written (ms). */
  stabilityMs?: number;
  /** Poll instead of inotify (network drives, some containers). */
  usePolling?: boolean;
}

export async function watchRoots(roots: RootRow[], onBatch: (rootId: number, paths: string[]) => void, opts: WatchOptions = {}): Promise<Result<RootWatcher>> {
  const pending = new Map<number, Set<string>>();
  let timer: NodeJS.Timeout | null = null;
  let known = [...roots];
  const rootOf = (p: string): RootRow | undefined => known.filter((r) => p === r.path || p.startsWith(r.path + path.sep)).sort((a, b) => b.path.length - a.path.length)[0];
  const flush = (): void => {
    timer = null;
    const batches = [...pending];
    pending.clear();
    for (const [rootId, set] of batches) onBatch(rootId, [...set]);
  };
  const onEvent = (p: string): void => {
    if (classifyFile(p).kind === 'other') return;
    const r = rootOf(p);
    if (!r) return;
    let set = pending.get(r.id);
    if (!set) pending.set(r.id, (set = new Set()));
    set.add(p);
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, opts.debounceMs ?? 300);
  };
  let w: FSWatcher;
  try {
    w = chokidar.watch(roots.map((r) => r.path), {
      ignoreInitial: true,
      persistent: true,
      followSymlinks: true,
      usePolling: opts.usePolling ?? false,
      awaitWriteFinish: { stabilityThreshold: opts.stabilityMs ?? 500, pollInterval: 100 },
      // Same rules as the scanner: no hidden or system folders.
      ignored: (p: string) => {
        const rel = rootOf(p);
        if (!rel) return false;
        const parts = path.relative(rel.path, p).split(path.sep).filter(Boolean);
        return parts.some((seg, i) => (i < parts.length - 1 ? skipDirectory(seg) : seg.startsWith('.')));
      },
    });
    w.on('add', onEvent).on('change', onEvent).on('unlink', onEvent);
    // chokidar never says 'ready' when it was given no paths; roots added later come through add().
    if (roots.length) await new Promise<void>((resolve, reject) => {
      w.once('ready', () => resolve());
      w.once('error', (e) => reject(e));
    });
  } catch (e) {
    return err(toAppError(e, 'io'));
  }
  return ok({
    async add(root) {
      known = [...known, root];
      w.add(root.path);
    },
    async close() {
      if (timer) {
        clearTimeout(timer);
        flush();
      }
      await w.close();
    },
  });
}
