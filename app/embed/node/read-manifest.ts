// Reading a model folder's model.json without ONNX Runtime: `shoebox status`, the engine's lazy
// model and the model manager need the manifest long before (or instead of) any session.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJsonFile } from '../../node/read-json-file.js';
import { appError, err, ok, type Result } from '../../shared/result.js';
import { ModelManifestSchema, type ModelManifest } from '../common/model-format.js';

/** The model that ships with the app: `<repo>/models/demo`. */
export function bundledModelDir(): string {
  return fileURLToPath(new URL('../../../models/demo', import.meta.url));
}

/** Reads and validates `<dir>/model.json`, and checks that the files it names are all listed with checksums. */
export async function readManifest(dir: string): Promise<Result<ModelManifest>> {
  const path = join(dir, 'model.json');
  const json = await readJsonFile(path, {
    unreadable: (e) => e.code === 'not-found'
      ? appError('model-invalid', `no model.json in ${dir}`, { hint: 'is this a model folder?' })
      : appError('model-invalid', `model.json could not be read: ${e.message}`, { path }),
    invalid: (reason) => appError('model-invalid', `model.json is not valid JSON: ${reason}`, { path }),
  });
  if (!json.ok) return json;
  const parsed = ModelManifestSchema.safeParse(json.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : '(top level)';
    return err(appError('model-invalid', `model.json: ${where}: ${issue.message}`, { path }));
  }
  const m = parsed.data;
  const listed = new Set(m.files.map((f) => f.path));
  for (const [role, file] of [['image.file', m.image.file], ['text.file', m.text.file], ['tokenizer.file', m.tokenizer.file]] as const) {
    if (!listed.has(file)) return err(appError('model-invalid', `model.json: ${role} '${file}' is not listed in files (every file needs a checksum)`, { path }));
  }
  return ok(m);
}
