// Models installed in a library (`<library>/models/<id>/` with a checksummed model.json) and the
// active one (`<library>/models/active.json`). A folder counts as installed only when its
// model.json reads and validates: staging folders and half-written downloads never do.
import { mkdir, readdir, rename, rm, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelManifest } from '../embed/common/model-format.js';
import { bundledModelDir, readManifest } from '../embed/node/model-load.js';
import { appError, err, ok, toAppError, type Result } from '../shared/result.js';

export const modelsDir = (libraryDir: string): string => join(libraryDir, 'models');
export const installedModelDir = (libraryDir: string, id: string): string => join(modelsDir(libraryDir), id);
export const stagingDir = (libraryDir: string, id: string): string => join(modelsDir(libraryDir), '.staging', id);
const activeFile = (libraryDir: string): string => join(modelsDir(libraryDir), 'active.json');

export interface InstalledModel {
  id: string;
  dir: string;
  manifest: ModelManifest;
  bundled: boolean;
}

/** The bundled demo model plus every valid model folder of the library. */
export async function installedModels(libraryDir: string, bundledDir: string = bundledModelDir()): Promise<InstalledModel[]> {
  const out: InstalledModel[] = [];
  const b = await readManifest(bundledDir);
  if (b.ok) out.push({ id: b.value.id, dir: bundledDir, manifest: b.value, bundled: true });
  let names: string[] = [];
  try {
    names = (await readdir(modelsDir(libraryDir), { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  } catch {
    // no models folder yet
  }
  for (const name of names.sort()) {
    const dir = installedModelDir(libraryDir, name);
    const m = await readManifest(dir);
    if (m.ok && m.value.id === name && !out.some((x) => x.id === name)) out.push({ id: name, dir, manifest: m.value, bundled: false });
  }
  return out;
}

/** The id recorded by `use`, or null (= the bundled model). */
export async function readActiveModel(libraryDir: string): Promise<string | null> {
  try {
    const v = JSON.parse(await readFile(activeFile(libraryDir), 'utf8')) as { id?: unknown };
    return typeof v.id === 'string' ? v.id : null;
  } catch {
    return null;
  }
}

/**
 * The folder the engine should load: the active model when it is installed and valid, else the
 * bundled one (with the reason, so the caller can say why it fell back).
 */
export async function activeModelDir(libraryDir: string, bundledDir: string = bundledModelDir()): Promise<{ dir: string; id: string | null; fallbackReason: string | null }> {
  const id = await readActiveModel(libraryDir);
  if (!id) return { dir: bundledDir, id: null, fallbackReason: null };
  const found = (await installedModels(libraryDir, bundledDir)).find((m) => m.id === id);
  if (found) return { dir: found.dir, id, fallbackReason: null };
  return { dir: bundledDir, id: null, fallbackReason: `the active model '${id}' is not installed (or fails validation); using the bundled model` };
}

/** Records `id` as the library's active model (it must be installed). */
export async function setActiveModel(libraryDir: string, id: string, bundledDir: string = bundledModelDir()): Promise<Result<InstalledModel>> {
  const found = (await installedModels(libraryDir, bundledDir)).find((m) => m.id === id);
  if (!found) return err(appError('not-found', `model '${id}' is not installed`, { hint: `run: shoebox models pull ${id}` }));
  try {
    await mkdir(modelsDir(libraryDir), { recursive: true });
    const path = activeFile(libraryDir);
    await writeFile(`${path}.tmp`, `${JSON.stringify({ id })}\n`);
    await rename(`${path}.tmp`, path);
  } catch (e) {
    return err(toAppError(e, 'io', activeFile(libraryDir)));
  }
  return ok(found);
}

/** Deletes an installed model folder. The active and the bundled model cannot be removed. */
export async function removeInstalledModel(libraryDir: string, id: string, bundledDir: string = bundledModelDir()): Promise<Result<boolean>> {
  const models = await installedModels(libraryDir, bundledDir);
  const found = models.find((m) => m.id === id);
  if (found?.bundled) return err(appError('bad-input', `'${id}' ships with Shoebox and cannot be removed`));
  const active = await readActiveModel(libraryDir);
  if (active === id) return err(appError('busy', `'${id}' is the active model`, { hint: 'switch to another model first (shoebox models use <id>)' }));
  const dir = installedModelDir(libraryDir, id);
  // Rename first, so a crash mid-delete never leaves a folder that looks like a model.
  const trash = join(modelsDir(libraryDir), '.staging', `.removing-${id}-${process.pid}`);
  try {
    await mkdir(join(modelsDir(libraryDir), '.staging'), { recursive: true });
    await rename(dir, trash);
  } catch (e) {
    const ae = toAppError(e, 'io', dir);
    if (ae.code === 'not-found') return ok(false);
    return err(ae);
  }
  await rm(trash, { recursive: true, force: true });
  await rm(stagingDir(libraryDir, id), { recursive: true, force: true });
  return ok(true);
}
