import { describe, expect, it } from 'vitest';
import { SearchRequestSchema, type SearchRequest } from '../api/contract.js';
import { DEFAULT_TUNING, search, similar } from './search.js';
import { FakeCatalog, FakeEncoder, FakeIndex, MODEL, type FakePhoto } from './testing/fake-ports.js';
import type { SearchPorts } from './ports.js';

// 3-d world: x = "red", y = "circle", z = "people".
const words = { red: [1, 0, 0], circle: [0, 1, 0], people: [0, 0, 1], 'red circle': [1, 1, 0] };

function library(n = 60): FakePhoto[] {
  // Photos spread around the sphere's positive octant, deterministic.
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    path: `/lib/${i % 2 ? 'odd' : 'even'}/p${i + 1}.${i % 3 ? 'jpeg' : 'png'}`,
    vector: [Math.cos(i * 0.37) + 1.1, Math.sin(i * 0.53) + 1.1, ((i * 7) % 11) / 11],
    takenAt: i % 5 === 0 ? null : new Date(Date.UTC(2020, 0, 1 + i)).toISOString(),
    format: i % 3 ? 'jpeg' : 'png',
  }));
}

function setup(photos = library()) {
  const catalog = new FakeCatalog(photos);
  const index = new FakeIndex(catalog);
  const encoder = new FakeEncoder(3, words, { '/q/example.jpg': [0, 1, 0] });
  const ports: SearchPorts = { encoder, catalog, index };
  return { ports, catalog, index };
}

const req = (r: Record<string, unknown>): SearchRequest => SearchRequestSchema.parse(r);
const text = (t: string, weight = 1) => ({ kind: 'text' as const, text: t, weight });

/** Brute-force expectation, independent of the implementation. */
function expectedOrder(photos: FakePhoto[], q: number[], keep: (p: FakePhoto) => boolean = () => true): number[] {
  const n = Math.hypot(...q);
  return photos
    .filter(keep)
    .map((p) => ({ id: p.id, s: p.vector.reduce((a, x, i) => a + x * q[i]!, 0) / Math.hypot(...p.vector) / n }))
    .sort((a, b) => b.s - a.s || a.id - b.id)
    .map((x) => x.id);
}

describe('search', () => {
  it('ranks by cosine to the text embedding, exactly on a small library', async () => {
    const { ports } = setup();
    const r = await search(ports, req({ terms: [text('red')], limit: 10 }));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.path).toBe('exact');
    expect(r.value.model).toBe(MODEL);
    expect(r.value.total).toBe(60);
    expect(r.value.results.map((h) => h.id)).toEqual(expectedOrder(library(), [1, 0, 0]).slice(0, 10));
    const scores = r.value.results.map((h) => h.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(scores[0]).toBeLessThanOrEqual(1);
  });

  it('combines weighted terms (rclip arithmetic)', async () => {
    const { ports } = setup();
    const r = await search(ports, req({ terms: [text('red', 2), text('circle'), text('people', -1)], limit: 5 }));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.results.map((h) => h.id)).toEqual(expectedOrder(library(), [2, 1, -1]).slice(0, 5));
  });

  it('uses the HNSW index on a large unfiltered library and gets the same answer', async () => {
    const { ports, index } = setup();
    const tuning = { ...DEFAULT_TUNING, smallLibrary: 10 };
    const r = await search(ports, req({ terms: [text('circle')], limit: 7 }), tuning);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.path).toBe('hnsw');
    expect(index.calls).toEqual([{ k: 7, filtered: false }]);
    expect(r.value.results.map((h) => h.id)).toEqual(expectedOrder(library(), [0, 1, 0]).slice(0, 7));
  });

  it('applies filters: exact when few candidates, HNSW with over-fetch when many', async () => {
    const photos = library();
    const isOdd = (p: FakePhoto) => p.path.startsWith('/lib/odd/');
    const want = expectedOrder(photos, [1, 0, 0], isOdd).slice(0, 5);
    {
      const { ports, index } = setup();
      const r = await search(ports, req({ terms: [text('red')], filters: { folder: '/lib/odd' }, limit: 5 }), { ...DEFAULT_TUNING, smallLibrary: 10 });
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value.path).toBe('exact');
      expect(index.calls).toEqual([]);
      expect(r.value.total).toBe(30);
      expect(r.value.results.map((h) => h.id)).toEqual(want);
    }
    {
      const { ports, index } = setup();
      const r = await search(ports, req({ terms: [text('red')], filters: { folder: '/lib/odd' }, limit: 5 }), { ...DEFAULT_TUNING, smallLibrary: 10, exactCandidates: 10 });
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value.path).toBe('hnsw');
      expect(index.calls).toEqual([{ k: 5 * DEFAULT_TUNING.overFetch, filtered: true }]);
      expect(r.value.results.map((h) => h.id)).toEqual(want);
      expect(r.value.results.every((h) => h.path.startsWith('/lib/odd/'))).toBe(true);
    }
  });

  it('pages consistently and honours minScore', async () => {
    const { ports } = setup();
    const all = await search(ports, req({ terms: [text('red')], limit: 20 }));
    const p1 = await search(ports, req({ terms: [text('red')], limit: 10 }));
    const p2 = await search(ports, req({ terms: [text('red')], limit: 10, offset: 10 }));
    if (!all.ok || !p1.ok || !p2.ok) throw new Error('search failed');
    expect([...p1.value.results, ...p2.value.results].map((h) => h.id)).toEqual(all.value.results.map((h) => h.id));
    const cut = all.value.results[4]!.score;
    const m = await search(ports, req({ terms: [text('red')], limit: 20, minScore: cut }));
    if (!m.ok) throw new Error(m.error.message);
    expect(m.value.results.length).toBe(all.value.results.filter((h) => h.score >= cut).length);
    expect(m.value.results.every((h) => h.score >= cut)).toBe(true);
  });

  it('sorts the relevant hits by date, undated last', async () => {
    const { ports } = setup();
    const r = await search(ports, req({ terms: [text('red')], limit: 60, sort: 'date-desc', minScore: 0.5 }));
    if (!r.ok) throw new Error(r.error.message);
    const dates = r.value.results.map((h) => h.takenAt);
    const dated = dates.filter((d): d is string => d !== null);
    expect(dated).toEqual([...dated].sort().reverse());
    expect(dates.slice(dated.length).every((d) => d === null)).toBe(true);
    expect(r.value.results.every((h) => h.score >= 0.5)).toBe(true);
  });

  it('uses vectors as given, refuses another model or dimension', async () => {
    const { ports } = setup();
    const ok = await search(ports, req({ terms: [{ kind: 'vector', vector: [0, 5, 0], model: MODEL }], limit: 3 }));
    if (!ok.ok) throw new Error(ok.error.message);
    expect(ok.value.results.map((h) => h.id)).toEqual(expectedOrder(library(), [0, 1, 0]).slice(0, 3));
    const other = await search(ports, req({ terms: [{ kind: 'vector', vector: [0, 1, 0], model: 'clip-vit-b32' }] }));
    expect(other.ok).toBe(false);
    if (!other.ok) expect(other.error.message).toMatch(/made with model 'clip-vit-b32', but the library uses 'fake-model'/);
    const dim = await search(ports, req({ terms: [{ kind: 'vector', vector: [0, 1], model: MODEL }] }));
    expect(dim.ok).toBe(false);
    if (!dim.ok) expect(dim.error.message).toMatch(/2 dimensions/);
  });

  it('embeds image terms and photo terms', async () => {
    const { ports } = setup();
    const byImage = await search(ports, req({ terms: [{ kind: 'image', path: '/q/example.jpg' }], limit: 3 }));
    if (!byImage.ok) throw new Error(byImage.error.message);
    expect(byImage.value.results.map((h) => h.id)).toEqual(expectedOrder(library(), [0, 1, 0]).slice(0, 3));
    const bytes = await search(ports, req({ terms: [{ kind: 'image', dataBase64: btoa('/q/example.jpg') }], limit: 3 }));
    if (!bytes.ok) throw new Error(bytes.error.message);
    expect(bytes.value.results.map((h) => h.id)).toEqual(byImage.value.results.map((h) => h.id));
    const missing = await search(ports, req({ terms: [{ kind: 'photo', photoId: 999 }] }));
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error.code).toBe('not-found');
  });

  it('refuses terms that cancel out', async () => {
    const { ports } = setup();
    const r = await search(ports, req({ terms: [text('red'), text('red', -1)] }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/cancel/);
  });
});

describe('similar', () => {
  it('returns the nearest photos to the photo itself, without it', async () => {
    const photos = library();
    const { ports } = setup(photos);
    const r = await similar(ports, { photoId: 7, filters: {}, limit: 5 });
    if (!r.ok) throw new Error(r.error.message);
    const want = expectedOrder(photos, photos[6]!.vector).filter((id) => id !== 7).slice(0, 5);
    expect(r.value.results.map((h) => h.id)).toEqual(want);
    expect(r.value.total).toBe(59);
    // Same on the HNSW path.
    const h = await similar(ports, { photoId: 7, filters: {}, limit: 5 }, { ...DEFAULT_TUNING, smallLibrary: 0 });
    if (!h.ok) throw new Error(h.error.message);
    expect(h.value.path).toBe('hnsw');
    expect(h.value.results.map((x) => x.id)).toEqual(want);
  });
});
