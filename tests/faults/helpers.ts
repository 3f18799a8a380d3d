// Helpers for the fault tests: run the real CLI in a child process, make small photo folders.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(REPO, 'bin/shoebox.js');
export const REFERENCE = path.resolve(REPO, '../shared/reference');
/** role rt's tiny CLIP fixture until the demo model lands; real ONNX Runtime, random weights. */
export const TEST_MODEL = fs.existsSync(path.join(REPO, 'models/demo/model.json')) && fs.existsSync(path.join(REPO, 'models/demo/image.onnx'))
  ? path.join(REPO, 'models/demo')
  : path.join(REPO, 'app/embed/node/fixtures/tiny-clip');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { cwd: REPO, env: { ...process.env, SHOEBOX_THREADS: '1', SHOEBOX_PROVIDERS: 'cpu', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function collect(child: ChildProcess): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return collect(spawnCli(args, env));
}

/** Writes n distinct small JPEGs (random blocks, seeded) into dir; returns their paths. */
export async function makePhotos(dir: string, n: number, seed: number, prefix = 'img'): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  let s = seed >>> 0 || 1;
  const rnd = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const raw = Buffer.alloc(8 * 8 * 3);
    for (let j = 0; j < raw.length; j++) raw[j] = Math.floor(rnd() * 256);
    const file = path.join(dir, `${prefix}-${String(i).padStart(4, '0')}.jpg`);
    await sharp(raw, { raw: { width: 8, height: 8, channels: 3 } }).resize(96, 96, { kernel: 'nearest' }).jpeg({ quality: 85 }).toFile(file);
    out.push(file);
  }
  return out;
}

/** Parses the last JSON line of a CLI's stdout. */
export function lastJson<T>(stdout: string): T {
  const lines = stdout.trim().split('\n').filter((l) => l.startsWith('{'));
  return JSON.parse(lines[lines.length - 1]!) as T;
}
