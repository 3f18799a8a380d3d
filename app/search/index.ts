// Search entry points the engine calls with its EngineContext (see app/engine/context.ts).
import type { Filters, SearchRequest, SearchResponse } from '../api/contract.js';
import type { EngineContext } from '../engine/context.js';
import type { Result } from '../shared/result.js';
import { searchPorts } from './engine-adapter.js';
import * as core from './search.js';

export { parseQuery, formatQuery } from './common/query-parse.js';
export { DEFAULT_TUNING, type SearchTuning } from './search.js';

/** `LibraryApi.search`: terms → query vector → ranked, filtered, paged hits. */
export function search(ctx: EngineContext, req: SearchRequest, tuning?: core.SearchTuning): Promise<Result<SearchResponse>> {
  return core.search(searchPorts(ctx), req, tuning);
}

/** `LibraryApi.similar`: photos nearest to the photo's stored vector, itself excluded. */
export function similar(ctx: EngineContext, req: { photoId: number; filters: Filters; limit: number }, tuning?: core.SearchTuning): Promise<Result<SearchResponse>> {
  return core.similar(searchPorts(ctx), req, tuning);
}
