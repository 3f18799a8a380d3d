// The narrow interfaces search and tagging need from the rest of the engine. The engine adapts
// its EngineContext (catalog, vector index, loaded model) to these in ./engine-adapter.ts; tests
// use small in-memory fakes. Keeping them narrow keeps search testable without SQLite or ONNX.
import type { Filters, LabelSet, PhotoSummary } from '../api/contract.js';
import type { Result } from '../shared/result.js';
import type { Scored } from './common/rank.js';

export interface EncoderPort {
  readonly modelId: string;
  readonly embeddingSize: number;
  /** exp(temperature) from model.json, for zero-shot softmax. */
  readonly logitScale: number;
  readonly promptTemplates: readonly string[];
  /** Unit-length text embeddings, one per text. */
  embedTexts(texts: string[]): Promise<Result<Float32Array[]>>;
  /** Unit-length embedding of an image file or its bytes (decode + preprocess + image encoder). */
  embedImage(input: string | Uint8Array): Promise<Result<Float32Array>>;
}

export interface CatalogPort {
  /** Photos that have a vector for `modelId`. */
  indexedCount(modelId: string): number;
  /** Ids of photos with a vector for `modelId` that pass the filters (all of them when filters are empty). */
  candidateIds(filters: Filters, modelId: string): Result<number[]>;
  /** The stored vectors of these photos for `modelId`; ids without one are absent from the map. */
  vectors(ids: readonly number[], modelId: string): Map<number, Float32Array>;
  /** Summaries of these photos; ids that no longer exist are absent. */
  summaries(ids: readonly number[]): Map<number, PhotoSummary>;
  /** The ids among `ids` whose photos lie under `folder` (absolute or root-relative), order kept. */
  idsUnder(ids: readonly number[], folder: string): number[];
}

export interface VectorIndexPort {
  /** Number of live vectors in the index. */
  readonly size: number;
  /** k nearest by cosine similarity (score = cosine, best first); `filter` restricts to ids it accepts. */
  knn(query: Float32Array, k: number, filter?: (id: number) => boolean): Scored[];
}

/** A label set as stored: the API shape plus the folders it was run on (null = whole library). */
export interface StoredLabelSet extends LabelSet {
  scopes: (string | null)[];
}

export interface TagRow {
  photoId: number;
  label: string;
  score: number;
}

export interface TagStorePort {
  listSets(): StoredLabelSet[];
  getSet(name: string): StoredLabelSet | null;
  /** Creates the set or replaces its definition; the store bumps `version` when labels, templates or threshold change. */
  upsertSet(def: { name: string; labels: string[]; templates: string[]; threshold: number }): StoredLabelSet;
  deleteSet(name: string): boolean;
  /** Cached label vectors of the set's current version for `modelId`, one per label in label order; null when not (all) cached. */
  labelVectors(setName: string, modelId: string): Float32Array[] | null;
  saveLabelVectors(setName: string, modelId: string, vectors: Float32Array[]): void;
  /** Replaces the set's tags on `photoIds` with `rows` (photos absent from rows lose their tag), in one transaction. */
  replaceTags(setName: string, modelId: string, photoIds: readonly number[], rows: readonly TagRow[]): void;
  /** Remembers that the set was run on `folder` (null = the whole library) so new photos there get tagged. */
  addScope(setName: string, folder: string | null): void;
  tagCounts(setName?: string): { set: string; label: string; count: number }[];
}

export interface SearchPorts {
  encoder: EncoderPort;
  catalog: CatalogPort;
  index: VectorIndexPort;
}

export interface TaggingPorts {
  encoder: EncoderPort;
  catalog: CatalogPort;
  tags: TagStorePort;
}
