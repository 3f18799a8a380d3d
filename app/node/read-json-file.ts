// Reading a JSON file into a Result, for Node-side code that loads model.json, tokenizer.json,
// the model catalog and downloaded model configs. A dependency (load-json-file and the like)
// would still throw: the part worth sharing is turning both failures into one-line messages
// that name the file, which each caller words for its own user.
import { readFile } from 'node:fs/promises';
import { appError, err, ok, toAppError, type AppError, type Result } from '../shared/result.js';

export interface JsonFileMessages {
  /** What a failed read becomes; gets the file-system error (with its path). Default: that error. */
  unreadable?: (e: AppError) => AppError;
  /** What text that is not JSON becomes; gets JSON.parse's one-line reason. Default: "<path> is not valid JSON: <reason>". */
  invalid?: (reason: string) => AppError;
}

/** Reads and parses `path`; the value is unchecked JSON (validate it with the caller's schema). */
export async function readJsonFile(path: string, messages: JsonFileMessages = {}): Promise<Result<unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const ae = toAppError(e, 'io', path);
    return err(messages.unreadable ? messages.unreadable(ae) : ae);
  }
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return err(messages.invalid ? messages.invalid(reason) : appError('bad-input', `${path} is not valid JSON: ${reason}`, { path }));
  }
}
