// The catalog of downloadable models (models/catalog.json): where each lives on the hub, which
// upstream layout it uses and the facts a converter cannot read from the upstream configs
// (Immich's tensor names, a trained logit scale). Every fact carries its source in `notes`; a
// fact that could not be found is null and says so there, never invented. Browser-safe: the
// renderer's settings page shows the same list.
import { z } from 'zod';
import { PreprocessSchema, TensorSpecSchema } from '../embed/common/model-format.js';
import { appError, err, ok, type Result } from '../shared/result.js';

export const LAYOUTS = ['immich', 'transformers.js'] as const;
export type Layout = (typeof LAYOUTS)[number];

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');

export const CatalogFileSchema = z.object({
  /** Path inside the hub repository (and inside the installed model folder). */
  path: z.string().min(1).refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'must stay inside the repository'),
  /** Size in bytes when known; null = ask the hub (its listing and X-Linked-Size). */
  bytes: z.number().int().nonnegative().nullable(),
  /** SHA-256 when published; null = verify against the hub's X-Linked-ETag / LFS listing, or hash locally. */
  sha256: sha256.nullable(),
});

export const CatalogVariantSchema = z.object({
  /** e.g. fp16, int8, q4, quantized (uint8). */
  name: z.string().min(1),
  files: z.array(z.string().min(1)).min(1),
  note: z.string().optional(),
});

export const CatalogModelSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, dot, dash, underscore'),
  name: z.string().min(1),
  description: z.string(),
  recommended: z.boolean().default(false),
  multilingual: z.boolean().default(false),
  layout: z.enum(LAYOUTS),
  repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'owner/name'),
  /** A branch, tag or commit; a full commit hash pins the files. */
  revision: z.string().min(1),
  /** Approximate download size (bytes) for the list when per-file sizes are not all known. */
  approxBytes: z.number().int().positive(),
  files: z.array(CatalogFileSchema).min(1),
  embeddingSize: z.number().int().positive(),
  preprocess: PreprocessSchema,
  tokenizer: z.object({
    contextLength: z.number().int().min(2),
    padId: z.number().int().nonnegative().nullable(),
    cleaning: z.enum(['clip', 'canonicalize', 'none']),
    truncation: z.enum(['clip', 'plain']),
  }),
  tensors: z.object({
    image: z.object({ input: TensorSpecSchema, output: z.string().min(1), normalized: z.boolean() }),
    text: z.object({ input: TensorSpecSchema, attentionMask: TensorSpecSchema.optional(), output: z.string().min(1), normalized: z.boolean() }),
  }),
  /** exp(trained temperature); null when not published (zero-shot then uses 100, CLIP's). */
  logitScale: z.number().positive().nullable(),
  promptTemplates: z.array(z.string().includes('{}')).min(1).optional(),
  /** Lighter variants in the same repository (not downloaded by default). */
  variants: z.array(CatalogVariantSchema).default([]),
  /** Where each fact comes from, and which could not be found. */
  notes: z.record(z.string(), z.string()),
});

export const CatalogSchema = z.object({
  schema: z.literal(1),
  models: z.array(CatalogModelSchema).min(1),
}).superRefine((c, ctx) => {
  const seen = new Set<string>();
  for (const [i, m] of c.models.entries()) {
    if (seen.has(m.id)) ctx.addIssue({ code: 'custom', path: ['models', i, 'id'], message: `duplicate id '${m.id}'` });
    seen.add(m.id);
  }
});

export type CatalogFile = z.infer<typeof CatalogFileSchema>;
export type CatalogModel = z.infer<typeof CatalogModelSchema>;
export type Catalog = z.infer<typeof CatalogSchema>;

/** Validates catalog JSON; the first problem is the error, naming the entry. */
export function parseCatalog(json: unknown, source = 'catalog.json'): Result<Catalog> {
  const parsed = CatalogSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : '(top level)';
    return err(appError('bad-input', `${source}: ${where}: ${issue.message}`));
  }
  return ok(parsed.data);
}

export function findModel(catalog: Catalog, id: string): Result<CatalogModel> {
  const m = catalog.models.find((x) => x.id === id);
  if (!m) return err(appError('not-found', `no model '${id}' in the catalog`, { hint: `known: ${catalog.models.map((x) => x.id).join(', ')}` }));
  return ok(m);
}

/** Bytes to download: the sum of known file sizes, or the approximate size when some are unknown. */
export function downloadSize(m: CatalogModel): number {
  return m.files.every((f) => f.bytes !== null) ? m.files.reduce((s, f) => s + (f.bytes ?? 0), 0) : m.approxBytes;
}
