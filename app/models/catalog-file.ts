// Reads the model catalog from disk: models/catalog.json beside the app, or the file named by
// SHOEBOX_MODEL_CATALOG (tests, a private mirror's catalog).
import { fileURLToPath } from 'node:url';
import { readJsonFile } from '../node/read-json-file.js';
import type { Result } from '../shared/result.js';
import { parseCatalog, type Catalog } from './catalog.js';

export function bundledCatalogPath(): string {
  return fileURLToPath(new URL('../../models/catalog.json', import.meta.url));
}

export async function loadCatalog(opts: { path?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Result<Catalog>> {
  const path = opts.path ?? (opts.env ?? process.env).SHOEBOX_MODEL_CATALOG ?? bundledCatalogPath();
  const json = await readJsonFile(path);
  if (!json.ok) return json;
  return parseCatalog(json.value, path);
}
