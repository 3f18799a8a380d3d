// Reads a tokenizer.json from disk into a ClipTokenizer (Node side; the renderer fetches the JSON itself).
import { readJsonFile } from '../../node/read-json-file.js';
import { appError, err, type Result } from '../../shared/result.js';
import { ClipTokenizer } from '../common/tokenizer.js';
import type { TokenizerSpec } from '../common/model-format.js';

export async function loadTokenizer(path: string, spec: TokenizerSpec): Promise<Result<ClipTokenizer>> {
  const json = await readJsonFile(path, { invalid: (reason) => appError('bad-input', `tokenizer file is not valid JSON: ${reason}`, { path }) });
  if (!json.ok) return json;
  const tok = ClipTokenizer.fromJson(json.value, spec);
  return tok.ok ? tok : err({ ...tok.error, path });
}
