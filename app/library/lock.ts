// One process per library: a lock file holding the owner's pid and host. A lock whose process is
// gone (crash, SIGKILL) is taken over; a live one gives a clear "library in use" error.
import fs from 'node:fs';
import os from 'node:os';
import { appError, err, ok, type Result } from '../shared/result.js';
import { lockFile } from './paths.js';

export interface LibraryLock {
  readonly file: string;
  release(): void;
}

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readInfo(file: string): LockInfo | null {
  try {
    const j = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockInfo>;
    return typeof j.pid === 'number' ? { pid: j.pid, host: String(j.host ?? ''), since: String(j.since ?? '') } : null;
  } catch {
    return null;
  }
}

/** Lock files this process holds, so a second engine in the same process is refused too. */
const heldHere = new Set<string>();

export function acquireLibraryLock(libraryDir: string): Result<LibraryLock> {
  const file = lockFile(libraryDir);
  const me: LockInfo = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // 'wx' = O_CREAT|O_EXCL: exactly one process creates it.
      fs.writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
      heldHere.add(file);
      let released = false;
      return ok({
        file,
        release() {
          if (released) return;
          released = true;
          heldHere.delete(file);
          const cur = readInfo(file);
          if (cur?.pid === process.pid) fs.rmSync(file, { force: true });
        },
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return err(appError('io', `cannot create the library lock: ${(e as Error).message}`, { path: file }));
    }
    const owner = readInfo(file);
    if (heldHere.has(file)) return err(appError('busy', 'library in use by another engine in this process', { path: libraryDir }));
    // Our own pid in a lock we do not hold: a previous process with the same pid crashed.
    if (owner && owner.pid !== process.pid && owner.host === me.host && alive(owner.pid)) {
      return err(appError('busy', `library in use by another Shoebox process (pid ${owner.pid})`, { path: libraryDir, hint: 'wait for it to finish or stop it' }));
    }
    if (owner && owner.host !== me.host) {
      return err(appError('busy', `library in use by Shoebox on ${owner.host} (pid ${owner.pid})`, { path: libraryDir, hint: `if that process is gone, delete ${file}` }));
    }
    // Stale (dead owner) or unreadable half-written lock: remove it and retry. If a lock is
    // half-written by a live process that is racing us, its next attempt sees ours.
    if (!owner) {
      const age = Date.now() - (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age < 2000) continue;
    }
    fs.rmSync(file, { force: true });
  }
  return err(appError('busy', 'library in use by another Shoebox process', { path: libraryDir }));
}
