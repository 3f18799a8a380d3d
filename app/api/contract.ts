// LibraryApi: the one typed contract between the engine and its front doors (Electron IPC,
// HTTP + server-sent events in web mode, direct calls in tests). Every request and event is a
// zod schema, validated at each boundary; the TypeScript types are inferred from them.
// Browser-safe: the renderer imports this file.
import { z } from 'zod';

export const PhotoId = z.number().int().positive();
const Vector = z.array(z.number().finite()).min(1).max(4096);

export const ApiErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  path: z.string().optional(),
});

// ---- queries -------------------------------------------------------------------------------

/** One term of an rclip-style query: `"beach" + "sunset" - 0.5:"people"`, an image, a photo. */
export const QueryTermSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string().min(1).max(1000), weight: z.number().default(1) }),
  /** A text embedding the renderer computed itself (onnxruntime-web); `model` must match the library's. */
  z.object({ kind: z.literal('vector'), vector: Vector, model: z.string(), weight: z.number().default(1), label: z.string().optional() }),
  z.object({ kind: z.literal('photo'), photoId: PhotoId, weight: z.number().default(1) }),
  /** An example image: a path on this machine (CLI, Electron drop) or bytes (browser drop), base64. */
  z.object({ kind: z.literal('image'), path: z.string().optional(), dataBase64: z.string().max(70_000_000).optional(), weight: z.number().default(1) })
    .refine((t) => !!t.path !== !!t.dataBase64, 'give either path or dataBase64'),
]);

export const FiltersSchema = z.object({
  /** Root-relative or absolute folder; photos at any depth under it. */
  folder: z.string().optional(),
  dateFrom: z.string().datetime({ offset: true }).or(z.string().date()).optional(),
  dateTo: z.string().datetime({ offset: true }).or(z.string().date()).optional(),
  tag: z.string().optional(), // "set/label" or "label"
  format: z.array(z.string()).optional(), // jpeg, png, webp, avif, tiff, gif, heif
  camera: z.string().optional(), // matches make or model, case-insensitive substring
}).default({});

export const SearchRequestSchema = z.object({
  terms: z.array(QueryTermSchema).min(1).max(32),
  filters: FiltersSchema,
  sort: z.enum(['relevance', 'date-desc', 'date-asc']).default('relevance'),
  minScore: z.number().min(-1).max(1).optional(),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(60),
});

export const BrowseRequestSchema = z.object({
  filters: FiltersSchema,
  sort: z.enum(['date-desc', 'date-asc', 'path']).default('date-desc'),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(120),
});

export const PhotoSummarySchema = z.object({
  id: PhotoId,
  path: z.string(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  format: z.string().nullable(),
  takenAt: z.string().nullable(), // ISO 8601
});

export const SearchHitSchema = PhotoSummarySchema.extend({ score: z.number() });

export const SearchResponseSchema = z.object({
  results: z.array(SearchHitSchema),
  total: z.number().int(), // candidates that passed the filters (upper bound for paging)
  tookMs: z.number(),
  model: z.string(),
  /** How it was answered: approximate (HNSW) or exact (few candidates, small library). */
  path: z.enum(['hnsw', 'exact']),
});

export const BrowseResponseSchema = z.object({ results: z.array(PhotoSummarySchema), total: z.number().int() });

export const PhotoDetailSchema = PhotoSummarySchema.extend({
  size: z.number().int(),
  mtime: z.string(),
  cameraMake: z.string().nullable(),
  cameraModel: z.string().nullable(),
  orientation: z.number().int().nullable(),
  status: z.enum(['pending', 'indexed', 'failed', 'unsupported']),
  error: z.string().nullable(),
  tags: z.array(z.object({ set: z.string(), label: z.string(), score: z.number() })),
});

// ---- library, indexing -----------------------------------------------------------------------

export const RootSchema = z.object({
  id: z.number().int(),
  path: z.string(),
  photos: z.number().int(),
  indexed: z.number().int(),
  failed: z.number().int(),
  watching: z.boolean(),
});

export const IndexProgressSchema = z.object({
  state: z.enum(['idle', 'scanning', 'indexing', 'paused', 'cancelled', 'done']),
  done: z.number().int(),
  total: z.number().int(),
  failed: z.number().int(),
  ratePerSec: z.number(),
  etaSec: z.number().nullable(),
  currentFile: z.string().nullable(),
  model: z.string(),
});

export const SkippedFileSchema = z.object({ path: z.string(), status: z.enum(['failed', 'unsupported']), reason: z.string() });

export const ModelInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  embeddingSize: z.number().int(),
  bundled: z.boolean(),
  /** The manifest's text side, so the renderer can load the same text encoder in the browser. */
  textEncoderUrl: z.string().optional(),
  tokenizerUrl: z.string().optional(),
  manifestUrl: z.string().optional(),
});

export const RuntimeInfoSchema = z.object({
  provider: z.string(), // 'cpu', 'cuda', …
  requestedProviders: z.array(z.string()),
  fallbackReason: z.string().nullable(),
  intraOpThreads: z.number().int(),
  decodeConcurrency: z.number().int(),
});

export const StatusSchema = z.object({
  library: z.string(),
  roots: z.array(RootSchema),
  photos: z.object({ total: z.number().int(), indexed: z.number().int(), pending: z.number().int(), failed: z.number().int(), unsupported: z.number().int() }),
  model: ModelInfoSchema,
  runtime: RuntimeInfoSchema,
  progress: IndexProgressSchema,
  /**
   * One line for the user about the model, else null: why the library's chosen model is not the
   * one in use, or that a model's weights changed (its photos are being re-indexed, or tags need
   * a new run). Several are joined with '; '. Front doors show it where indexing progress shows.
   */
  modelNotice: z.string().nullable(),
});

// ---- tagging ---------------------------------------------------------------------------------

export const LabelSetInputSchema = z.object({
  name: z.string().min(1).max(100).regex(/^[^/]+$/, 'no slashes in a label set name'),
  labels: z.array(z.string().trim().min(1).max(100)).min(2).max(1000),
  templates: z.array(z.string().includes('{}')).min(1).optional(), // default: the model's
  threshold: z.number().min(0).max(1).default(0.5),
  /** Label vectors the renderer computed (one per label, same order); else the engine embeds them. */
  vectors: z.object({ model: z.string(), values: z.array(Vector) }).optional(),
});

export const LabelSetSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  labels: z.array(z.string()),
  templates: z.array(z.string()),
  threshold: z.number(),
  version: z.number().int(),
});

export const TagRunRequestSchema = z.object({ set: z.string(), folder: z.string().optional() });
export const TagRunResultSchema = z.object({ set: z.string(), photos: z.number().int(), tagged: z.number().int(), tookMs: z.number() });
export const TagCountSchema = z.object({ set: z.string(), label: z.string(), count: z.number().int() });

// ---- models (download manager) ---------------------------------------------------------------

export const CatalogEntrySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  sizeBytes: z.number().int(),
  embeddingSize: z.number().int(),
  installed: z.boolean(),
  active: z.boolean(),
  recommended: z.boolean(),
  /** Whether removeModel would delete it: installed from the hub (not the bundled model, not a --model folder). */
  removable: z.boolean(),
  /** Fraction of the library that has vectors for this model (0–1). */
  coverage: z.number(),
});

export const DownloadProgressSchema = z.object({
  model: z.string(),
  state: z.enum(['downloading', 'verifying', 'installing', 'done', 'failed', 'cancelled']),
  bytes: z.number().int(),
  totalBytes: z.number().int().nullable(),
  ratePerSec: z.number(),
  etaSec: z.number().nullable(),
  file: z.string().nullable(),
  error: ApiErrorSchema.optional(),
});

// ---- events ----------------------------------------------------------------------------------

export const ApiEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), progress: IndexProgressSchema }),
  z.object({ type: z.literal('download'), progress: DownloadProgressSchema }),
  z.object({ type: z.literal('library-changed'), reason: z.enum(['roots', 'photos', 'tags', 'model']) }),
  z.object({ type: z.literal('error'), error: ApiErrorSchema }),
]);

// ---- the contract ----------------------------------------------------------------------------

/**
 * Every method is one request/response; events arrive through `subscribe`.
 * The table below is the single source of truth for both directions of every transport.
 */
export const methods = {
  status: { input: z.object({}).default({}), output: StatusSchema },
  addRoot: { input: z.object({ path: z.string().min(1) }), output: RootSchema },
  removeRoot: { input: z.object({ id: z.number().int() }), output: z.object({ removed: z.number().int() }) },
  startIndexing: { input: z.object({ rootId: z.number().int().optional() }).default({}), output: IndexProgressSchema },
  pauseIndexing: { input: z.object({}).default({}), output: IndexProgressSchema },
  resumeIndexing: { input: z.object({}).default({}), output: IndexProgressSchema },
  cancelIndexing: { input: z.object({}).default({}), output: IndexProgressSchema },
  skippedFiles: { input: z.object({ offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(200) }), output: z.object({ files: z.array(SkippedFileSchema), total: z.number().int() }) },
  search: { input: SearchRequestSchema, output: SearchResponseSchema },
  similar: { input: z.object({ photoId: PhotoId, filters: FiltersSchema, limit: z.number().int().min(1).max(500).default(60) }), output: SearchResponseSchema },
  browse: { input: BrowseRequestSchema, output: BrowseResponseSchema },
  photo: { input: z.object({ id: PhotoId }), output: PhotoDetailSchema },
  showInFolder: { input: z.object({ id: PhotoId }), output: z.object({ path: z.string() }) },
  labelSets: { input: z.object({}).default({}), output: z.array(LabelSetSchema) },
  createLabelSet: { input: LabelSetInputSchema, output: LabelSetSchema },
  deleteLabelSet: { input: z.object({ name: z.string() }), output: z.object({ deleted: z.boolean() }) },
  runTagging: { input: TagRunRequestSchema, output: TagRunResultSchema },
  tagCounts: { input: z.object({ set: z.string().optional() }).default({}), output: z.array(TagCountSchema) },
  models: { input: z.object({}).default({}), output: z.array(CatalogEntrySchema) },
  pullModel: { input: z.object({ id: z.string() }), output: DownloadProgressSchema },
  cancelPull: { input: z.object({ id: z.string() }), output: z.object({ cancelled: z.boolean() }) },
  useModel: { input: z.object({ id: z.string() }), output: ModelInfoSchema },
  removeModel: { input: z.object({ id: z.string() }), output: z.object({ removed: z.boolean() }) },
} as const;

export type MethodName = keyof typeof methods;
export type MethodInput<M extends MethodName> = z.input<(typeof methods)[M]['input']>;
export type MethodParsedInput<M extends MethodName> = z.output<(typeof methods)[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<(typeof methods)[M]['output']>;

export type ApiError = z.infer<typeof ApiErrorSchema>;
export type ApiEvent = z.infer<typeof ApiEventSchema>;
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** What a front door sees. Each transport implements it; the engine implements it directly. */
export type LibraryApi = {
  [M in MethodName]: (input: MethodInput<M>) => Promise<ApiResult<MethodOutput<M>>>;
} & {
  subscribe(listener: (event: ApiEvent) => void): () => void;
};

export type QueryTerm = z.infer<typeof QueryTermSchema>;
export type Filters = z.output<typeof FiltersSchema>;
export type SearchRequest = z.output<typeof SearchRequestSchema>;
export type SearchResponse = z.infer<typeof SearchResponseSchema>;
export type SearchHit = z.infer<typeof SearchHitSchema>;
export type PhotoSummary = z.infer<typeof PhotoSummarySchema>;
export type PhotoDetail = z.infer<typeof PhotoDetailSchema>;
export type Status = z.infer<typeof StatusSchema>;
export type IndexProgress = z.infer<typeof IndexProgressSchema>;
export type LabelSet = z.infer<typeof LabelSetSchema>;
export type LabelSetInput = z.input<typeof LabelSetInputSchema>;
export type DownloadProgress = z.infer<typeof DownloadProgressSchema>;
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>;
export type ModelInfo = z.infer<typeof ModelInfoSchema>;
