// Options shared by `shoebox search` and `shoebox similar`: filters, paging, sorting.
import fs from 'node:fs';
import path from 'node:path';
import { FiltersSchema, type Filters } from '../api/contract.js';
import { appError, err, ok, type Result } from '../shared/result.js';

export const filterOptions = {
  limit: { type: 'string' },
  offset: { type: 'string' },
  folder: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  tag: { type: 'string' },
  format: { type: 'string' },
  camera: { type: 'string' },
  sort: { type: 'string' },
  'min-score': { type: 'string' },
} as const;

export const filterUsage = `  --limit N          results to show (default 20, at most 500)
  --offset N         skip the first N results (paging)
  --folder F         only photos under folder F (a path, or relative to a library root)
  --from DATE        taken on or after DATE (YYYY-MM-DD or ISO 8601)
  --to DATE          taken on or before DATE
  --tag T            only photos tagged T ("label" or "set/label")
  --format LIST      only these formats, e.g. jpeg,png
  --camera C         camera make or model contains C
  --min-score S      only results with a score of at least S (-1…1)`;

type Values = Record<string, string | boolean | string[] | undefined>;

const str = (v: Values, k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);

export function intOption(v: Values, name: string, def: number, min: number, max: number): Result<number> {
  const raw = str(v, name);
  if (raw === undefined) return ok(def);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) return err(appError('bad-input', `--${name} must be a whole number from ${min} to ${max}, not '${raw}'`));
  return ok(n);
}

export function numberOption(v: Values, name: string, min: number, max: number): Result<number | undefined> {
  const raw = str(v, name);
  if (raw === undefined) return ok(undefined);
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max) return err(appError('bad-input', `--${name} must be a number from ${min} to ${max}, not '${raw}'`));
  return ok(n);
}

/** Filters from the command line. A --folder that exists relative to the working directory becomes absolute. */
export function filtersFromArgs(v: Values, cwd: string): Result<Filters> {
  const f: Record<string, unknown> = {};
  const folder = str(v, 'folder');
  if (folder) {
    const abs = path.resolve(cwd, folder);
    f.folder = fs.existsSync(abs) ? abs : folder;
  }
  if (str(v, 'from')) f.dateFrom = str(v, 'from');
  if (str(v, 'to')) f.dateTo = str(v, 'to');
  if (str(v, 'tag')) f.tag = str(v, 'tag');
  if (str(v, 'camera')) f.camera = str(v, 'camera');
  const format = str(v, 'format');
  if (format) f.format = format.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean);
  const r = FiltersSchema.safeParse(f);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    const flag = { dateFrom: '--from', dateTo: '--to' }[key] ?? `--${key}`;
    return err(appError('bad-input', `${flag}: ${key.startsWith('date') ? 'expected a date like 2024-05-01 or 2024-05-01T12:00:00Z' : issue.message}`));
  }
  return ok(r.data);
}

export function sortFromArgs(v: Values): Result<'relevance' | 'date-desc' | 'date-asc'> {
  const s = str(v, 'sort') ?? 'relevance';
  if (s === 'relevance') return ok('relevance');
  if (s === 'date' || s === 'date-desc') return ok('date-desc');
  if (s === 'date-asc') return ok('date-asc');
  return err(appError('bad-input', `--sort must be relevance, date (newest first) or date-asc, not '${s}'`));
}
