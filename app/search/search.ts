// Search: query terms → one unit query vector → nearest photos, with filters, sorting, paging.
// Approximate (HNSW) for large unfiltered libraries, exact (brute force over stored vectors) when
// a filter leaves few candidates or the library is small — exact is then both cheaper and right.
import type { Filters, QueryTerm, SearchRequest, SearchResponse } from '../api/contract.js';
import { appError, err, ok, type Result } from '../shared/result.js';
import { dot, l2Normalize, weightedSum } from './common/vector-math.js';
import { byRelevance, sortHits, topK, type Scored } from './common/rank.js';
import type { SearchPorts } from './ports.js';

export interface SearchTuning {
  /** Libraries with at most this many indexed photos are always searched exactly. */
  smallLibrary: number;
  /** A filter that leaves at most this many candidates is searched exactly. */
  exactCandidates: number;
  /** HNSW over-fetch factor when a filter applies (the filter callback does the rest). */
  overFetch: number;
  /** With a date sort, the best this-many hits by relevance are ordered by date. */
  datePool: number;
}

export const DEFAULT_TUNING: SearchTuning = { smallLibrary: 1000, exactCandidates: 4000, overFetch: 4, datePool: 1000 };

export function hasFilters(f: Filters): boolean {
  return !!(f.folder || f.dateFrom || f.dateTo || f.tag || (f.format && f.format.length > 0) || f.camera);
}

/** Embeds every term and combines them into one unit vector (rclip-style arithmetic). */
export async function queryVector(ports: SearchPorts, terms: readonly QueryTerm[]): Promise<Result<Float32Array>> {
  const { encoder, catalog } = ports;
  const model = encoder.modelId;
  const dim = encoder.embeddingSize;
  const parts: { vector: ArrayLike<number>; weight: number }[] = [];

  const texts = terms.filter((t): t is Extract<QueryTerm, { kind: 'text' }> => t.kind === 'text');
  let textVecs: Float32Array[] = [];
  if (texts.length > 0) {
    const r = await encoder.embedTexts(texts.map((t) => t.text));
    if (!r.ok) return r;
    textVecs = r.value;
  }
  let ti = 0;
  for (const t of terms) {
    switch (t.kind) {
      case 'text':
        parts.push({ vector: textVecs[ti++]!, weight: t.weight });
        break;
      case 'vector': {
        if (t.model !== model) {
          return err(appError('bad-input', `the query vector${t.label ? ` for '${t.label}'` : ''} was made with model '${t.model}', but the library uses '${model}'`, { hint: `embed the query with '${model}'` }));
        }
        if (t.vector.length !== dim) {
          return err(appError('bad-input', `the query vector${t.label ? ` for '${t.label}'` : ''} has ${t.vector.length} dimensions; model '${model}' has ${dim}`));
        }
        const unit = l2Normalize(t.vector);
        if (!unit) return err(appError('bad-input', 'a query vector is all zeros'));
        parts.push({ vector: unit, weight: t.weight });
        break;
      }
      case 'photo': {
        const v = catalog.vectors([t.photoId], model).get(t.photoId);
        if (!v) return err(appError('not-found', `photo #${t.photoId} is not in the library or not indexed with '${model}' yet`));
        parts.push({ vector: v, weight: t.weight });
        break;
      }
      case 'image': {
        const input = t.path ?? base64Bytes(t.dataBase64 ?? '');
        const r = await encoder.embedImage(input);
        if (!r.ok) return r;
        parts.push({ vector: r.value, weight: t.weight });
        break;
      }
    }
  }
  for (const p of parts) {
    if (p.vector.length !== dim) return err(appError('internal', `an embedding has ${p.vector.length} dimensions; model '${model}' has ${dim}`));
  }
  const q = l2Normalize(weightedSum(parts));
  if (!q) return err(appError('bad-input', 'the query terms cancel each other out', { hint: 'change the weights or remove a negative term' }));
  return ok(q);
}

function base64Bytes(b64: string): Uint8Array {
  // atob is available in Node ≥ 16 and browsers; avoids Buffer so the module stays portable.
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Scores `ids` exactly against q, in chunks so memory stays flat on large candidate lists. */
function exactScores(ports: SearchPorts, q: Float32Array, ids: readonly number[], keep: number, exclude: ReadonlySet<number>): Scored[] {
  const model = ports.encoder.modelId;
  const CHUNK = 2048;
  let best: Scored[] = [];
  for (let s = 0; s < ids.length; s += CHUNK) {
    const vecs = ports.catalog.vectors(ids.slice(s, s + CHUNK), model);
    const scored: Scored[] = [];
    for (const [id, v] of vecs) if (!exclude.has(id)) scored.push({ id, score: dot(q, v) });
    best = topK([...best, ...scored], keep);
  }
  return best;
}

export interface RankOptions {
  filters: Filters;
  sort: SearchRequest['sort'];
  minScore?: number | undefined;
  offset: number;
  limit: number;
  /** Photo ids never returned (similar: the photo itself). */
  exclude?: ReadonlySet<number>;
}

/** Nearest photos to a unit query vector, filtered, sorted and paged. */
export function rankByVector(ports: SearchPorts, q: Float32Array, opts: RankOptions, tuning: SearchTuning = DEFAULT_TUNING): Result<Omit<SearchResponse, 'tookMs'>> {
  const model = ports.encoder.modelId;
  const exclude = opts.exclude ?? new Set<number>();
  const filtered = hasFilters(opts.filters);
  let candidates: number[] | null = null;
  if (filtered) {
    const c = ports.catalog.candidateIds(opts.filters, model);
    if (!c.ok) return c;
    candidates = c.value;
  }
  const indexed = ports.catalog.indexedCount(model);
  const total = Math.max(0, (candidates ? candidates.length : indexed) - countIn(exclude, candidates));
  // How many hits by relevance we need before sorting and paging.
  const need = opts.sort === 'relevance' ? opts.offset + opts.limit : Math.max(opts.offset + opts.limit, tuning.datePool);
  const keep = Math.min(need, total);

  let path: 'hnsw' | 'exact' = 'exact';
  let best: Scored[] = [];
  const useExact = indexed <= tuning.smallLibrary || (candidates !== null && candidates.length <= tuning.exactCandidates) || ports.index.size === 0;
  if (keep > 0 && !useExact) {
    path = 'hnsw';
    const allowed = candidates ? new Set(candidates) : null;
    const accept = (id: number) => !exclude.has(id) && (allowed === null || allowed.has(id));
    const k = Math.min(ports.index.size, filtered ? keep * tuning.overFetch : keep + exclude.size);
    // No callback on plain queries: hnswlib calls it for every visited node.
    const needsFilter = allowed !== null || exclude.size > 0;
    best = ports.index.knn(q, k, needsFilter ? accept : undefined).filter((h) => accept(h.id)).sort(byRelevance).slice(0, keep);
    // The graph can miss some matches under a tight filter; exact scoring is then the honest answer.
    if (best.length < keep && candidates) {
      path = 'exact';
      best = [];
    }
  }
  if (keep > 0 && path === 'exact') {
    let ids = candidates;
    if (!ids) {
      const all = ports.catalog.candidateIds({}, model);
      if (!all.ok) return all;
      ids = all.value;
    }
    best = exactScores(ports, q, ids, keep, exclude);
  }
  if (opts.minScore !== undefined) best = best.filter((h) => h.score >= opts.minScore!);

  const summaries = ports.catalog.summaries(best.map((h) => h.id));
  const hits = best.flatMap((h) => {
    const s = summaries.get(h.id);
    return s ? [{ ...s, score: h.score }] : [];
  });
  const page = sortHits(hits, opts.sort).slice(opts.offset, opts.offset + opts.limit);
  return ok({ results: page, total, model, path });
}

function countIn(ids: ReadonlySet<number>, within: number[] | null): number {
  if (ids.size === 0) return 0;
  if (within === null) return ids.size;
  const s = new Set(within);
  let n = 0;
  for (const id of ids) if (s.has(id)) n++;
  return n;
}

/** `search` of LibraryApi. */
export async function search(ports: SearchPorts, req: SearchRequest, tuning: SearchTuning = DEFAULT_TUNING): Promise<Result<SearchResponse>> {
  const t0 = performance.now();
  const q = await queryVector(ports, req.terms);
  if (!q.ok) return q;
  const r = rankByVector(ports, q.value, req, tuning);
  if (!r.ok) return r;
  return ok({ ...r.value, tookMs: performance.now() - t0 });
}

/** `similar` of LibraryApi: the photo's own vector as the query, the photo itself left out. */
export async function similar(ports: SearchPorts, req: { photoId: number; filters: Filters; limit: number }, tuning: SearchTuning = DEFAULT_TUNING): Promise<Result<SearchResponse>> {
  const t0 = performance.now();
  const q = await queryVector(ports, [{ kind: 'photo', photoId: req.photoId, weight: 1 }]);
  if (!q.ok) return q;
  const r = rankByVector(ports, q.value, { filters: req.filters, sort: 'relevance', offset: 0, limit: req.limit, exclude: new Set([req.photoId]) }, tuning);
  if (!r.ok) return r;
  return ok({ ...r.value, tookMs: performance.now() - t0 });
}
