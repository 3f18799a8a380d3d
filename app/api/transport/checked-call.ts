// The one place where a transport meets the contract: parse the request with the method's input
// schema, call the implementation, parse its answer with the output schema. Every adapter
// (direct, HTTP server, Electron IPC) goes through here, so nothing unvalidated crosses a boundary.
// Browser-safe.
import { ApiEventSchema, methods, type ApiError, type ApiEvent, type ApiResult, type LibraryApi, type MethodName, type MethodOutput } from '../../api/contract.js';

export const methodNames = Object.keys(methods) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

/** One line from a zod error: the first issue with its path, enough for a person to fix the request. */
export function describeIssues(error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> }): string {
  const first = error.issues[0];
  if (!first) return 'invalid value';
  const where = first.path.length ? `${first.path.map(String).join('.')}: ` : '';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${where}${first.message}${more}`;
}

export function badInput(method: string, detail: string): ApiError {
  return { code: 'bad-input', message: `${method}: ${detail}` };
}

type AnyMethod = (input: unknown) => Promise<ApiResult<unknown>>;

/** Validates `raw` as the input of `method`, calls `impl`, validates the result. Never throws. */
export async function callChecked<M extends MethodName>(impl: LibraryApi, method: M, raw: unknown): Promise<ApiResult<MethodOutput<M>>> {
  const schema = methods[method];
  const input = schema.input.safeParse(raw ?? {});
  if (!input.success) return { ok: false, error: badInput(method, describeIssues(input.error)) };
  let result: ApiResult<unknown>;
  try {
    result = await (impl[method] as AnyMethod).call(impl, input.data);
  } catch (e) {
    // An implementation that throws broke the errors-as-values rule; still answer with a value.
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { ok: false, error: { code: 'internal', message: `${method} failed: ${message}` } };
  }
  if (!result || typeof result !== 'object' || typeof result.ok !== 'boolean') {
    return { ok: false, error: { code: 'internal', message: `${method}: the engine returned no result` } };
  }
  if (!result.ok) return { ok: false, error: normaliseError(result.error) };
  const output = schema.output.safeParse(result.value);
  if (!output.success) {
    return { ok: false, error: { code: 'internal', message: `${method}: the engine returned a malformed answer (${describeIssues(output.error)})` } };
  }
  return { ok: true, value: output.data as MethodOutput<M> };
}

/** Validates the result a remote side sent back (HTTP client, IPC renderer side). */
export function checkResult<M extends MethodName>(method: M, raw: unknown): ApiResult<MethodOutput<M>> {
  const r = raw as { ok?: unknown; value?: unknown; error?: unknown } | null;
  if (!r || typeof r !== 'object' || typeof r.ok !== 'boolean') {
    return { ok: false, error: { code: 'internal', message: `${method}: malformed answer from the engine` } };
  }
  if (!r.ok) return { ok: false, error: normaliseError(r.error) };
  const output = methods[method].output.safeParse(r.value);
  if (!output.success) return { ok: false, error: { code: 'internal', message: `${method}: malformed answer (${describeIssues(output.error)})` } };
  return { ok: true, value: output.data as MethodOutput<M> };
}

export function normaliseError(raw: unknown): ApiError {
  const e = raw as Partial<ApiError> | null;
  if (e && typeof e.code === 'string' && typeof e.message === 'string') {
    return { code: e.code, message: e.message, ...(typeof e.hint === 'string' ? { hint: e.hint } : {}), ...(typeof e.path === 'string' ? { path: e.path } : {}) };
  }
  return { code: 'internal', message: 'unknown error' };
}

/** Parses an event; a malformed one becomes an `error` event so it is seen rather than dropped. */
export function checkEvent(raw: unknown): ApiEvent {
  const parsed = ApiEventSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  return { type: 'error', error: { code: 'internal', message: `malformed event from the engine (${describeIssues(parsed.error)})` } };
}
