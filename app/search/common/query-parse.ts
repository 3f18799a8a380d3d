// rclip-style query arithmetic: `"beach" + "sunset" - "people"`, `beach + sunset - people`,
// weights `2:cat`, `0.5:"red circle"`, photo references `#123`, and image files as terms.
// Browser-safe: the renderer parses with no path resolver, so paths stay text; the CLI passes
// a resolver that recognises image files on disk.
import type { QueryTerm } from '../../api/contract.js';
import { appError, err, ok, type Result } from '../../shared/result.js';

export interface ParseOptions {
  /** Returns the absolute path when `text` names an existing image file, else null. */
  resolveImagePath?: (text: string) => string | null;
}

interface RawTerm {
  text: string;
  quoted: boolean;
  weight: number;
  /** Where the term starts in the query, for error messages. */
  at: number;
}

const WEIGHT = /^([0-9]+(?:\.[0-9]+)?|\.[0-9]+):/;
const PHOTO_REF = /^#([0-9]+)$/;

/** Splits a query into signed, weighted raw terms; errors say where the query is malformed. */
function tokenize(query: string): Result<RawTerm[]> {
  const terms: RawTerm[] = [];
  let i = 0;
  let sign = 1;
  let expectTerm = true; // after start or an operator
  const n = query.length;
  const bad = (msg: string) => err(appError('bad-input', `malformed query: ${msg}`, { hint: 'e.g. "beach" + "sunset" - 0.5:"people"' }));

  while (i < n) {
    const c = query[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '+' || c === '-') {
      if (!expectTerm) {
        sign = c === '+' ? 1 : -1;
        expectTerm = true;
        i++;
        continue;
      }
      // A leading '-' (or '+') negates the first term; two operators in a row are a mistake.
      if (terms.length === 0 && sign === 1 && (query.slice(0, i).trim() === '')) {
        sign = c === '+' ? 1 : -1;
        i++;
        continue;
      }
      return bad(`'${c}' at position ${i + 1} follows another operator`);
    }
    if (!expectTerm) return bad(`missing '+' or '-' before position ${i + 1}`);

    const start = i;
    let weight = 1;
    const w = WEIGHT.exec(query.slice(i));
    if (w) {
      weight = Number(w[1]);
      i += w[0].length;
      if (i >= n || /\s/.test(query[i]!) || query[i] === '+' || query[i] === '-') return bad(`weight '${w[1]}:' at position ${start + 1} has no term after it`);
    }

    let text: string;
    let quoted = false;
    if (query[i] === '"') {
      const close = query.indexOf('"', i + 1);
      if (close < 0) return bad(`unterminated quote at position ${i + 1}`);
      text = query.slice(i + 1, close).trim();
      if (!text) return bad(`empty quotes at position ${i + 1}`);
      quoted = true;
      i = close + 1;
      if (i < n && !/\s/.test(query[i]!) && query[i] !== '+' && query[i] !== '-') return bad(`unexpected text after the quote at position ${i + 1}`);
    } else {
      // A bare term runs to the next operator: '+' anywhere, '-' only after whitespace so that
      // hyphenated words ("black-and-white") and paths stay whole.
      let j = i;
      while (j < n) {
        const d = query[j]!;
        if (d === '"') return bad(`stray quote at position ${j + 1}`);
        if (d === '+') break;
        if (d === '-' && j > i && /\s/.test(query[j - 1]!)) break;
        j++;
      }
      text = query.slice(i, j).trim();
      i = j;
      if (!text) return bad(`empty term at position ${start + 1}`);
    }
    terms.push({ text, quoted, weight: sign * weight, at: start });
    sign = 1;
    expectTerm = false;
  }
  if (terms.length === 0) return bad('the query is empty');
  if (expectTerm) return bad('the query ends with an operator');
  return ok(terms);
}

/** Parses a query string into the terms of a SearchRequest. */
export function parseQuery(query: string, opts: ParseOptions = {}): Result<QueryTerm[]> {
  const raw = tokenize(query);
  if (!raw.ok) return raw;
  const out: QueryTerm[] = [];
  for (const t of raw.value) {
    const ref = PHOTO_REF.exec(t.text);
    if (ref && !t.quoted) {
      const photoId = Number(ref[1]);
      if (!Number.isSafeInteger(photoId) || photoId < 1) return err(appError('bad-input', `malformed query: '${t.text}' is not a photo id`));
      out.push({ kind: 'photo', photoId, weight: t.weight });
      continue;
    }
    const path = opts.resolveImagePath?.(t.text) ?? null;
    if (path) {
      out.push({ kind: 'image', path, weight: t.weight });
      continue;
    }
    if (t.text.length > 1000) return err(appError('bad-input', 'malformed query: a term is longer than 1000 characters'));
    out.push({ kind: 'text', text: t.text, weight: t.weight });
  }
  if (out.length > 32) return err(appError('bad-input', `the query has ${out.length} terms; at most 32 are allowed`));
  return ok(out);
}

/** Renders terms back to a query string (for display, and so parse ∘ format round-trips). */
export function formatQuery(terms: readonly QueryTerm[]): string {
  return terms
    .map((t, k) => {
      const w = Math.abs(t.weight);
      const sign = t.weight < 0 ? '-' : '+';
      const weight = w === 1 ? '' : `${w}:`;
      const body = t.kind === 'text' ? `"${t.text}"` : t.kind === 'photo' ? `#${t.photoId}` : t.kind === 'image' ? `"${t.path ?? '(image)'}"` : `"${t.label ?? '(vector)'}"`;
      return `${k === 0 ? (sign === '-' ? '-' : '') : ` ${sign} `}${weight}${body}`;
    })
    .join('');
}
