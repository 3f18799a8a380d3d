// What the engine hands to search, tagging and the indexer: the open catalog, the vector index
// of the active model, the loaded model and a few hooks. Types are structural so that role rt's
// LoadedModel (app/embed/node/model-load.ts) fits without this file importing the runtime.
import type { ApiEvent } from '../api/contract.js';
import type { ModelManifest } from '../embed/common/model-format.js';
import type { Catalog } from '../library/catalog.js';
import type { Result } from '../shared/result.js';
import type { VectorIndex } from '../vectors/vector-index.js';

/** role rt's RuntimeInfo. */
export interface EngineRuntime {
  provider: string;
  requestedProviders: string[];
  fallbackReason: string | null;
  intraOpThreads: number;
}

/** What the engine needs of a loaded model (a subset of LoadedModel). */
export interface EngineModel {
  readonly dir: string;
  readonly manifest: ModelManifest;
  readonly image: { encode(pixels: Float32Array, n: number): Promise<Result<Float32Array[]>> };
  readonly text: { encode(texts: string[]): Promise<Result<Float32Array[]>> };
  readonly runtime: EngineRuntime;
  /** Lazily opened models (lazy-model.ts): false until the sessions exist. Absent = loaded. */
  readonly loaded?: boolean;
  /** Lazily opened models: loads now, so a broken model stops indexing before any photo is touched. */
  ready?(): Promise<Result<void>>;
  close(): Promise<void>;
}

/** role pre's ImageInfo. */
export interface DecodedInfo {
  format: string;
  width: number;
  height: number;
  displayWidth: number;
  displayHeight: number;
  orientation: number | null;
  hasAlpha: boolean;
}

/** Decode + preprocess one file into the model's input tensor (role pre's preprocessImage, bound to the model's spec). */
export type ImageDecoder = (file: string) => Promise<Result<{ tensor: Float32Array; info: DecodedInfo }>>;

/**
 * Model, modelId, vectors and decode change together when the engine switches models (useModel):
 * read them from the context at each use rather than keeping them across awaits.
 */
export interface EngineContext {
  readonly libraryDir: string;
  readonly catalog: Catalog;
  /** HNSW index of the active model's photo vectors (labels = photo ids). */
  readonly vectors: VectorIndex;
  readonly model: EngineModel;
  /** The active model's id (= model.manifest.id). */
  readonly modelId: string;
  /** Decodes an image file for the active model (used by the indexer and by image query terms). */
  readonly decode: ImageDecoder;
  /** Sends an event to every `subscribe` listener. */
  emit(event: ApiEvent): void;
  /**
   * Called by the indexer after each batch is written with the ids of photos that just got a
   * vector; role search's tagging sets it (tagNewPhotos). Errors are reported as events, not thrown.
   */
  onPhotosIndexed?: (ctx: EngineContext, photoIds: number[]) => Promise<Result<unknown>>;
}
