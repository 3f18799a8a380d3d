// Stale vectors after a model's weights change. Vectors are stored per model id, but the files
// behind an id can change (the bundled demo model retrained and shipped under the same id, a hub
// model re-pulled at a newer revision): vectors of the old weights live in another embedding space,
// and search over them would silently return garbage. The catalog records which weights produced
// each model's vectors (model.json's SHA-256 of each encoder file; no ONNX session, no file read),
// and every time the engine opens a model this compares and cleans up before its index opens.
import type { ModelManifest } from '../embed/common/model-format.js';
import type { Catalog, FingerprintCheck, ModelFingerprint } from '../library/catalog.js';
import { VectorIndex } from '../vectors/vector-index.js';

/** The fingerprint of a model's weights, from its manifest's checksums; null when a file is not listed. */
export function manifestFingerprint(m: ModelManifest): ModelFingerprint | null {
  const sha = (file: string): string | undefined => m.files.find((f) => f.path === file)?.sha256;
  const image = sha(m.image.file);
  const text = sha(m.text.file);
  return image && text ? { image, text } : null;
}

export interface WeightsCheck {
  check: FingerprintCheck | null;
  /** One line for the user when something they can see changes, else null. */
  notice: string | null;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Brings the catalog and the model's HNSW files in line with the weights now behind
 * `manifest.id` (see Catalog.reconcileModelFingerprint). Call it after the model's manifest is
 * read and before its VectorIndex opens. `requeue`: this is the model the library is on, whose
 * photo statuses should say what is left to index.
 */
export function reconcileModelWeights(catalog: Catalog, libraryDir: string, manifest: ModelManifest, opts: { requeue: boolean }): WeightsCheck {
  const fp = manifestFingerprint(manifest);
  // Only a hand-made manifest (tests) lacks its encoders in files[]; readManifest refuses those.
  if (!fp) return { check: null, notice: null };
  const id = manifest.id;
  const check = catalog.reconcileModelFingerprint(id, fp, { requeue: opts.requeue });
  if (check.imageChanged) {
    try {
      VectorIndex.removeFiles(libraryDir, id);
    } catch {
      // Left in place, the file still cannot be used: its sidecar's seq is above every vector of
      // the model now in SQLite, so VectorIndex.open rebuilds it (empty) instead of loading it.
    }
  }
  let notice: string | null = null;
  if (check.droppedVectors > 0) notice = `the weights of model '${id}' changed since the library was indexed: ${plural(check.droppedVectors, 'photo')} will be re-indexed`;
  else if (check.textChanged && check.droppedLabelVectors > 0) notice = `the text encoder of model '${id}' changed since tags were computed: run tagging again to refresh them`;
  return { check, notice };
}
