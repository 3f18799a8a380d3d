// The contract's types as the renderer uses them (one import site).
export type {
  ApiError, ApiResult, CatalogEntry, DownloadProgress, Filters, IndexProgress, LabelSet, PhotoDetail, PhotoSummary, QueryTerm, Status,
} from '../../../app/api/contract.js';
import type { z } from 'zod';
import type { TagCountSchema, SkippedFileSchema, RootSchema } from '../../../app/api/contract.js';
export type TagCount = z.infer<typeof TagCountSchema>;
export type SkippedFile = z.infer<typeof SkippedFileSchema>;
export type Root = z.infer<typeof RootSchema>;
