// Reads the model catalog from disk: models/catalog.json beside the app, or the file named by
// SHOEBOX_MODEL_CATALOG (tests, a private mirror's catalog).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { appError, err, toAppError, type Result } from '../shared/result.js';
import { parseCatalog, type Catalog } from './catalog.js';

export function bundledCatalogPath(): string {
  return fileURLToPath(new URL('../../models/catalog.json', import.meta.url));
}

export async function loadCatalog(opts: { path?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Result<Catalog>> {
  const path = opts.path ?? (opts.env ?? process.env).SHOEBOX_MODEL_CATALOG ?? bundledCatalogPath();
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
    return err(appError('bad-input', `${path} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { path }));
  }
  return parseCatalog(json, path);
}
