// The text encoder runs in the renderer, so the page fetches the active model's text-side files
// from here: `model.json`, the tokenizer and the text encoder, and only files the manifest lists.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelManifestSchema } from '../embed/common/model-format.js';

/** Finds a model's folder by id (the bundled demo model, or one installed in the library). */
export type ModelDirResolver = (modelId: string) => Promise<string | null>;

const ID = /^[a-z0-9][a-z0-9._-]*$/;

export async function readModelFile(resolveDir: ModelDirResolver, modelId: string, file: string): Promise<Buffer | null> {
  if (!ID.test(modelId)) return null;
  const dir = await resolveDir(modelId);
  if (!dir) return null;
  let manifestBytes: Buffer;
  try {
    manifestBytes = await readFile(join(dir, 'model.json'));
  } catch {
    return null;
  }
  if (file === 'model.json') return manifestBytes;
  let manifest;
  try {
    manifest = ModelManifestSchema.parse(JSON.parse(manifestBytes.toString('utf8')));
  } catch {
    return null;
  }
  // The renderer needs only the text side; the image encoder stays on the engine's side.
  const allowed = new Set([manifest.text.file, manifest.tokenizer.file]);
  if (!allowed.has(file) || !manifest.files.some((f) => f.path === file)) return null;
  try {
    return await readFile(join(dir, file));
  } catch {
    return null;
  }
}

/** A resolver for a fixed set of model folders, keyed by the id in each folder's model.json. */
export function modelDirsResolver(dirs: readonly string[]): ModelDirResolver {
  return async (modelId) => {
    for (const dir of dirs) {
      try {
        const raw = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { id?: unknown };
        if (raw.id === modelId) return dir;
      } catch {
        // not a model folder (yet)
      }
    }
    return null;
  };
}
