// In-memory stand-ins for the engine's catalog, vector index, encoder and tag store, so search
// and tagging logic can be tested with hand-made vectors. Not used by the product.
import type { Filters, PhotoSummary } from '../../api/contract.js';
import { appError, err, ok, type Result } from '../../shared/result.js';
import { dot, l2Normalize } from '../common/vector-math.js';
import { byRelevance, type Scored } from '../common/rank.js';
import type { CatalogPort, EncoderPort, StoredLabelSet, TagRow, TagStorePort, VectorIndexPort } from '../ports.js';

export interface FakePhoto {
  id: number;
  path: string;
  vector: number[];
  takenAt?: string | null;
  format?: string;
}

export const MODEL = 'fake-model';

export function unit(v: number[]): Float32Array {
  const u = l2Normalize(v);
  if (!u) throw new Error('zero vector');
  return u;
}

/** Encoder that knows a fixed vocabulary: each text maps to a given vector. */
export class FakeEncoder implements EncoderPort {
  readonly modelId = MODEL;
  readonly logitScale = 100;
  readonly promptTemplates = ['a photo of a {}.', 'a {}.'];
  textCalls = 0;
  constructor(readonly embeddingSize: number, private readonly words: Record<string, number[]>, private readonly images: Record<string, number[]> = {}) {}
  async embedTexts(texts: string[]): Promise<Result<Float32Array[]>> {
    this.textCalls++;
    const out: Float32Array[] = [];
    for (const t of texts) {
      // Prompts: strip the template around the word.
      const key = Object.keys(this.words).find((w) => t === w || this.promptTemplates.some((tpl) => tpl.replace('{}', w) === t));
      if (!key) return err(appError('bad-input', `unknown text '${t}'`));
      out.push(unit(this.words[key]!));
    }
    return ok(out);
  }
  async embedImage(input: string | Uint8Array): Promise<Result<Float32Array>> {
    const key = typeof input === 'string' ? input : new TextDecoder().decode(input);
    const v = this.images[key];
    return v ? ok(unit(v)) : err(appError('not-found', `no such image: ${key}`));
  }
}

export class FakeCatalog implements CatalogPort {
  readonly photos = new Map<number, FakePhoto>();
  candidateCalls: Filters[] = [];
  constructor(photos: FakePhoto[]) {
    for (const p of photos) this.photos.set(p.id, p);
  }
  indexedCount(): number {
    return this.photos.size;
  }
  private under(p: FakePhoto, folder: string): boolean {
    return p.path.startsWith(folder.endsWith('/') ? folder : `${folder}/`);
  }
  candidateIds(filters: Filters): Result<number[]> {
    this.candidateCalls.push(filters);
    return ok([...this.photos.values()]
      .filter((p) => (!filters.folder || this.under(p, filters.folder)) && (!filters.format?.length || filters.format.includes(p.format ?? 'jpeg')))
      .map((p) => p.id));
  }
  vectors(ids: readonly number[]): Map<number, Float32Array> {
    const m = new Map<number, Float32Array>();
    for (const id of ids) {
      const p = this.photos.get(id);
      if (p) m.set(id, unit(p.vector));
    }
    return m;
  }
  summaries(ids: readonly number[]): Map<number, PhotoSummary> {
    const m = new Map<number, PhotoSummary>();
    for (const id of ids) {
      const p = this.photos.get(id);
      if (p) m.set(id, { id, path: p.path, width: 10, height: 10, format: p.format ?? 'jpeg', takenAt: p.takenAt ?? null });
    }
    return m;
  }
  idsUnder(ids: readonly number[], folder: string): number[] {
    return ids.filter((id) => {
      const p = this.photos.get(id);
      return p !== undefined && this.under(p, folder);
    });
  }
}

/** "HNSW" that is exact but records how it was called. */
export class FakeIndex implements VectorIndexPort {
  calls: { k: number; filtered: boolean }[] = [];
  constructor(private readonly catalog: FakeCatalog) {}
  get size(): number {
    return this.catalog.photos.size;
  }
  knn(q: Float32Array, k: number, filter?: (id: number) => boolean): Scored[] {
    this.calls.push({ k, filtered: !!filter });
    return [...this.catalog.photos.values()]
      .filter((p) => !filter || filter(p.id))
      .map((p) => ({ id: p.id, score: dot(q, unit(p.vector)) }))
      .sort(byRelevance)
      .slice(0, k);
  }
}

export class FakeTagStore implements TagStorePort {
  private sets = new Map<string, StoredLabelSet>();
  private vecs = new Map<string, Float32Array[]>();
  readonly tags = new Map<string, Map<number, { label: string; score: number; version: number }>>();
  private nextId = 1;
  listSets(): StoredLabelSet[] {
    return [...this.sets.values()];
  }
  getSet(name: string): StoredLabelSet | null {
    return this.sets.get(name) ?? null;
  }
  upsertSet(def: { name: string; labels: string[]; templates: string[]; threshold: number }): StoredLabelSet {
    const old = this.sets.get(def.name);
    const same = old && JSON.stringify([old.labels, old.templates, old.threshold]) === JSON.stringify([def.labels, def.templates, def.threshold]);
    const s: StoredLabelSet = { id: old?.id ?? this.nextId++, ...def, version: !old ? 1 : same ? old.version : old.version + 1, scopes: old?.scopes ?? [] };
    this.sets.set(def.name, s);
    return s;
  }
  deleteSet(name: string): boolean {
    this.tags.delete(name);
    return this.sets.delete(name);
  }
  labelVectors(setName: string, model: string): Float32Array[] | null {
    const s = this.sets.get(setName);
    return (s && this.vecs.get(`${setName}@${s.version}@${model}`)) ?? null;
  }
  saveLabelVectors(setName: string, model: string, vectors: Float32Array[]): void {
    const s = this.sets.get(setName)!;
    this.vecs.set(`${setName}@${s.version}@${model}`, vectors);
  }
  replaceTags(setName: string, _model: string, photoIds: readonly number[], rows: readonly TagRow[]): void {
    const version = this.sets.get(setName)!.version;
    const m = this.tags.get(setName) ?? new Map();
    for (const id of photoIds) m.delete(id);
    for (const r of rows) m.set(r.photoId, { label: r.label, score: r.score, version });
    this.tags.set(setName, m);
  }
  addScope(setName: string, folder: string | null): void {
    const s = this.sets.get(setName)!;
    if (!s.scopes.includes(folder)) s.scopes.push(folder);
  }
  tagCounts(setName?: string): { set: string; label: string; count: number }[] {
    return this.listSets()
      .filter((s) => !setName || s.name === setName)
      .flatMap((s) => s.labels.map((label) => ({ set: s.name, label, count: [...(this.tags.get(s.name)?.values() ?? [])].filter((t) => t.label === label).length })));
  }
}
