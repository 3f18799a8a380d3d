// New weights under the same model id, as an app update (a retrained bundled model) or a re-pull
// leaves a model folder: for tests of what the front doors say about it. Same method as
// app/engine/model-weights.test.ts: an encoder file of another tiny fixture (same I/O, other
// random weights) copied in, with model.json's section and checksum updated to match.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../embed/node/fixtures');

type Manifest = Record<string, { file: string }> & { files: { path: string; sha256: string; bytes: number }[] };

/** Copies role rt's tiny fixture model `name` (e.g. 'tiny-clip') to `dest`, to be changed there. */
export function copyFixtureModel(name: string, dest: string): string {
  fs.cpSync(path.join(FIXTURES, name), dest, { recursive: true });
  return dest;
}

/** Puts the `side` encoder of fixture `donor` into the model folder `dir` (file, model.json section, checksum). */
export function swapEncoder(dir: string, side: 'image' | 'text', donor: string): void {
  const donorDir = path.join(FIXTURES, donor);
  const donorManifest = JSON.parse(fs.readFileSync(path.join(donorDir, 'model.json'), 'utf8')) as Manifest;
  const manifestFile = path.join(dir, 'model.json');
  const m = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest;
  const file = m[side]!.file;
  fs.copyFileSync(path.join(donorDir, donorManifest[side]!.file), path.join(dir, file));
  m[side] = { ...donorManifest[side]!, file };
  const entry = m.files.find((f) => f.path === file)!;
  const bytes = fs.readFileSync(path.join(dir, file));
  entry.sha256 = createHash('sha256').update(bytes).digest('hex');
  entry.bytes = bytes.length;
  fs.writeFileSync(manifestFile, JSON.stringify(m, null, 2));
}
