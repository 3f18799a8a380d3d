// Output helpers shared by CLI commands: aligned human tables, JSON lines and paths-only output
// (`-f`, for pipes). Commands choose one of the three per invocation.
import path from 'node:path';
import type { CliIO } from './command.js';

export type Align = 'left' | 'right';

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  align?: Align;
}

/** An aligned plain-text table; the last column is never padded so long paths do not add trailing spaces. */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => c.value(r)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]!.length)));
  const line = (vals: readonly string[]) =>
    vals
      .map((v, i) => {
        if (i === vals.length - 1) return columns[i]!.align === 'right' ? v.padStart(widths[i]!) : v;
        return columns[i]!.align === 'right' ? v.padStart(widths[i]!) : v.padEnd(widths[i]!);
      })
      .join('  ');
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n') + '\n';
}

export function writeJson(io: CliIO, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value)}\n`);
}

export function writePaths(io: CliIO, paths: readonly string[]): void {
  if (paths.length) io.stdout.write(`${paths.join('\n')}\n`);
}

export function formatScore(score: number): string {
  return score.toFixed(3);
}

/** Milliseconds with one decimal, as a number (for JSON). */
export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** A path shown relative to the working directory when it lies under it (shorter tables). */
export function displayPath(p: string, cwd: string): string {
  const rel = path.relative(cwd, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/** The date part of an ISO timestamp, or a dash. */
export function formatDate(iso: string | null): string {
  return iso ? iso.slice(0, 10) : '-';
}
