// Errors are values: every failure a user can meet carries a stable code, a one-line
// message that says what went wrong and, where there is one, what to do about it.

export type ErrorCode =
  | 'bad-input' // a request, argument or file that does not have the expected form
  | 'not-found' // a file, photo, model or label set that does not exist
  | 'unsupported' // a format or feature this build cannot handle
  | 'decode-failed' // an image that could not be decoded
  | 'too-large' // an image over the pixel limit, a request over its size limit
  | 'io' // the file system refused (permission, vanished, disk full)
  | 'model-invalid' // a model folder that fails validation or its checksums
  | 'runtime' // ONNX Runtime or another native component failed
  | 'network' // a download failed
  | 'busy' // the library is in use by another process
  | 'cancelled'
  | 'internal';

export interface AppError {
  readonly code: ErrorCode;
  /** One line, for a person: what failed and why. */
  readonly message: string;
  /** What the user can do about it, when there is something. */
  readonly hint?: string;
  /** The file or resource the error is about. */
  readonly path?: string;
}

export type Result<T, E = AppError> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E = AppError>(error: E): Result<never, E> => ({ ok: false, error });

export function appError(code: ErrorCode, message: string, extra: { hint?: string; path?: string } = {}): AppError {
  return { code, message, ...extra };
}

/** Thrown only to cross a boundary that cannot return a value (an event handler, a worker); caught and turned back into an AppError. */
export class AppFailure extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
    this.name = 'AppFailure';
  }
}

/** Turns anything thrown into an AppError, keeping Node's errno codes meaningful. */
export function toAppError(e: unknown, fallback: ErrorCode = 'internal', path?: string): AppError {
  if (e instanceof AppFailure) return e.error;
  const anyErr = e as { code?: unknown; message?: unknown } | null;
  const msg = typeof anyErr?.message === 'string' ? anyErr.message.split('\n')[0]! : String(e);
  const errno = typeof anyErr?.code === 'string' ? anyErr.code : undefined;
  const withPath = (x: AppError): AppError => (path ? { ...x, path } : x);
  switch (errno) {
    case 'ENOENT':
      return withPath(appError('not-found', `no such file or folder${path ? `: ${path}` : ''}`));
    case 'EACCES':
    case 'EPERM':
      return withPath(appError('io', `permission denied${path ? `: ${path}` : ''}`, { hint: 'check the file permissions' }));
    case 'ENOSPC':
      return withPath(appError('io', 'the disk is full', { hint: 'free some space and try again' }));
    case 'EISDIR':
      return withPath(appError('bad-input', `is a folder, not a file${path ? `: ${path}` : ''}`));
    default:
      return withPath(appError(fallback, msg));
  }
}

/** Formats an error as the one line the CLI prints. */
export function formatError(e: AppError): string {
  return `${e.path && !e.message.includes(e.path) ? `${e.path}: ` : ''}${e.message}${e.hint ? ` (${e.hint})` : ''}`;
}
