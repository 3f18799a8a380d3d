// Tagging entry points the engine calls with its EngineContext (see app/engine/context.ts).
import type { LabelSet, LabelSetInput } from '../api/contract.js';
import type { EngineContext } from '../engine/context.js';
import { ok, type Result } from '../shared/result.js';
import { taggingPorts } from '../search/engine-adapter.js';
import * as core from './tagging.js';

export function createLabelSet(ctx: EngineContext, input: LabelSetInput): Promise<Result<LabelSet>> {
  return core.createLabelSet(taggingPorts(ctx), input);
}

export function labelSets(ctx: EngineContext): Result<LabelSet[]> {
  return ok(core.labelSets(taggingPorts(ctx)));
}

export function deleteLabelSet(ctx: EngineContext, name: string): Result<{ deleted: boolean }> {
  return ok(core.deleteLabelSet(taggingPorts(ctx), name));
}

export function runTagging(ctx: EngineContext, req: { set: string; folder?: string | undefined }): Promise<Result<{ set: string; photos: number; tagged: number; tookMs: number }>> {
  return core.runTagging(taggingPorts(ctx), req);
}

export function tagCounts(ctx: EngineContext, req: { set?: string | undefined } = {}): Result<{ set: string; label: string; count: number }[]> {
  return core.tagCounts(taggingPorts(ctx), req);
}

/** Indexer hook (EngineContext.onPhotosIndexed): tags new photos in folders a set was run on. */
export function tagNewPhotos(ctx: EngineContext, photoIds: number[]): Promise<Result<number>> {
  return core.tagNewPhotos(taggingPorts(ctx), photoIds);
}
