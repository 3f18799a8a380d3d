// Runs a child process (the real CLI) and measures wall time, CPU time and peak RSS. With GNU
// time (/usr/bin/time) present, CPU (user + sys) and peak RSS come from the kernel's rusage of the
// child; CPU time is what to compare on a loaded machine, where wall time mostly measures the
// wait for a core. Without it, peak RSS is VmHWM polled from /proc and CPU time is null.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './report.js';

export interface ChildRun {
  code: number | null;
  wallMs: number;
  stdout: string;
  stderr: string;
  peakRssMiB: number | null;
  /** user + sys seconds of the child (and its children), null without GNU time. */
  cpuS: number | null;
}

const GNU_TIME = '/usr/bin/time';
const MARK = '__bench_time__';

function hwmMiB(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export function runChild(args: string[], opts: { env?: NodeJS.ProcessEnv; pollMs?: number } = {}): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const timed = existsSync(GNU_TIME);
    const [cmd, argv] = timed ? [GNU_TIME, ['-f', `${MARK} %e %U %S %M`, process.execPath, ...args]] : [process.execPath, args];
    const child = spawn(cmd, argv, { cwd: repoRoot, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peak: number | null = null;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setInterval(() => {
      const v = child.pid && !timed ? hwmMiB(child.pid) : null;
      if (v !== null) peak = Math.max(peak ?? 0, v);
    }, opts.pollMs ?? 100);
    child.on('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
    child.on('exit', (code) => {
      clearInterval(timer);
      let cpuS: number | null = null;
      const line = stderr.split('\n').find((l) => l.startsWith(MARK));
      if (line) {
        const [, , user, sys, maxKb] = line.split(' ');
        cpuS = Number(user) + Number(sys);
        peak = Number(maxKb) / 1024;
        stderr = stderr.split('\n').filter((l) => !l.startsWith(MARK)).join('\n');
      }
      resolve({ code, wallMs: Number(process.hrtime.bigint() - t0) / 1e6, stdout, stderr, peakRssMiB: peak === null ? null : Math.round(peak), cpuS: cpuS === null ? null : Math.round(cpuS * 100) / 100 });
    });
  });
}

/** `node bin/shoebox.js …` */
export const shoebox = (args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): Promise<ChildRun> => runChild([join(repoRoot, 'bin', 'shoebox.js'), ...args], opts);
