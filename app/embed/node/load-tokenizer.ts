// Reads a tokenizer.json from disk into a ClipTokenizer (Node side; the renderer fetches the JSON itself).
import { readFile } from 'node:fs/promises';
import { appError, err, toAppError, type Result } from '../../shared/result.js';
import { ClipTokenizer } from '../common/tokenizer.js';
import type { TokenizerSpec } from '../common/model-format.js';

export async function loadTokenizer(path: string, spec: TokenizerSpec): Promise<Result<ClipTokenizer>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return err(toAppError(e, 'io', path));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err(appError('bad-input', `tokenizer file is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { path }));
  }
  const tok = ClipTokenizer.fromJson(json, spec);
  return tok.ok ? tok : err({ ...tok.error, path });
}
