// Ranking helpers: keep the best k of a stream of scored ids, then sort, threshold and page.

export interface Scored {
  id: number;
  score: number;
}

/** Best `k` by score (descending; ties by id ascending so results are stable). O(n log k) with a min-heap. */
export function topK(items: Iterable<Scored>, k: number): Scored[] {
  if (k <= 0) return [];
  const heap: Scored[] = []; // min-heap on (score, -id): the root is the worst kept item
  const worse = (a: Scored, b: Scored) => a.score < b.score || (a.score === b.score && a.id > b.id);
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!worse(heap[i]!, heap[p]!)) break;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && worse(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (const it of items) {
    if (heap.length < k) {
      heap.push({ id: it.id, score: it.score });
      up(heap.length - 1);
    } else if (worse(heap[0]!, it)) {
      heap[0] = { id: it.id, score: it.score };
      down(0);
    }
  }
  return heap.sort(byRelevance);
}

export function byRelevance(a: Scored, b: Scored): number {
  return b.score - a.score || a.id - b.id;
}

export type SortOrder = 'relevance' | 'date-desc' | 'date-asc';

/**
 * Orders hits for the response. Date sorts keep undated photos last and fall back to relevance,
 * so a date-sorted page still shows the best matches of that date first.
 */
export function sortHits<T extends Scored & { takenAt: string | null }>(hits: T[], sort: SortOrder): T[] {
  if (sort === 'relevance') return hits.sort(byRelevance);
  const dir = sort === 'date-desc' ? -1 : 1;
  return hits.sort((a, b) => {
    if (a.takenAt === b.takenAt) return byRelevance(a, b);
    if (a.takenAt === null) return 1;
    if (b.takenAt === null) return -1;
    const ta = Date.parse(a.takenAt);
    const tb = Date.parse(b.takenAt);
    return (ta - tb) * dir || byRelevance(a, b);
  });
}
