// Zero-shot tagging over the library: label sets, cached label vectors (prompt ensembling),
// runs over a folder or the whole library, and tagging of newly indexed photos.
import { LabelSetInputSchema, type LabelSet, type LabelSetInput } from '../api/contract.js';
import { appError, err, ok, type Result } from '../shared/result.js';
import { l2Normalize } from '../search/common/vector-math.js';
import { classify, fillTemplates, labelVectors } from './common/zero-shot.js';
import type { StoredLabelSet, TaggingPorts, TagRow } from '../search/ports.js';

/** Texts embedded per encoder call: bounds memory on sets with many labels × templates. */
const EMBED_BATCH = 256;
/** Photos classified per transaction. */
const TAG_CHUNK = 1000;

const publicSet = ({ scopes: _scopes, ...s }: StoredLabelSet): LabelSet => s;

export function labelSets(ports: TaggingPorts): LabelSet[] {
  return ports.tags.listSets().map(publicSet);
}

/**
 * Creates a label set or redefines one with the same name. The store bumps the version whenever
 * the labels, templates or threshold change, so tags made under an older definition are recognisable.
 */
export async function createLabelSet(ports: TaggingPorts, input: LabelSetInput): Promise<Result<LabelSet>> {
  const parsed = LabelSetInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return err(appError('bad-input', `invalid label set: ${issue ? `${issue.path.join('.') || 'input'}: ${issue.message}` : 'malformed'}`));
  }
  const { name, threshold, vectors } = parsed.data;
  const labels = parsed.data.labels.map((l) => l.trim());
  const seen = new Set<string>();
  for (const l of labels) {
    const key = l.toLowerCase();
    if (seen.has(key)) return err(appError('bad-input', `label '${l}' appears twice in set '${name}'`));
    seen.add(key);
  }
  const templates = parsed.data.templates ?? [...ports.encoder.promptTemplates];
  const model = ports.encoder.modelId;

  let given: Float32Array[] | null = null;
  if (vectors) {
    if (vectors.model !== model) return err(appError('bad-input', `the label vectors were made with model '${vectors.model}', but the library uses '${model}'`, { hint: `embed the labels with '${model}'` }));
    if (vectors.values.length !== labels.length) return err(appError('bad-input', `${vectors.values.length} label vectors for ${labels.length} labels`));
    given = [];
    for (const [i, v] of vectors.values.entries()) {
      if (v.length !== ports.encoder.embeddingSize) return err(appError('bad-input', `the vector for label '${labels[i]}' has ${v.length} dimensions; model '${model}' has ${ports.encoder.embeddingSize}`));
      const unit = l2Normalize(v);
      if (!unit) return err(appError('bad-input', `the vector for label '${labels[i]}' is all zeros`));
      given.push(unit);
    }
  }

  const saved = ports.tags.upsertSet({ name, labels, templates, threshold });
  if (given) ports.tags.saveLabelVectors(saved.name, model, given);
  return ok(publicSet(saved));
}

export function deleteLabelSet(ports: TaggingPorts, name: string): { deleted: boolean } {
  return { deleted: ports.tags.deleteSet(name) };
}

/** The set's label vectors for the active model, embedded once and cached per (set version, model). */
export async function labelVectorsFor(ports: TaggingPorts, set: StoredLabelSet): Promise<Result<Float32Array[]>> {
  const model = ports.encoder.modelId;
  const cached = ports.tags.labelVectors(set.name, model);
  if (cached && cached.length === set.labels.length) return ok(cached);
  const prompts = set.labels.flatMap((l) => fillTemplates(l, set.templates));
  const embeddings: Float32Array[] = [];
  for (let s = 0; s < prompts.length; s += EMBED_BATCH) {
    const r = await ports.encoder.embedTexts(prompts.slice(s, s + EMBED_BATCH));
    if (!r.ok) return r;
    embeddings.push(...r.value);
  }
  const vecs = labelVectors(embeddings, set.labels.length, set.templates.length);
  const out: Float32Array[] = [];
  for (const [i, v] of vecs.entries()) {
    if (!v) return err(appError('bad-input', `the prompts for label '${set.labels[i]}' cancel out`, { hint: 'use other prompt templates' }));
    out.push(v);
  }
  ports.tags.saveLabelVectors(set.name, model, out);
  return ok(out);
}

/** Classifies `ids` against the set and writes their tags, chunk by chunk. Returns how many were tagged. */
function tagPhotos(ports: TaggingPorts, set: StoredLabelSet, vecs: Float32Array[], ids: readonly number[]): number {
  const model = ports.encoder.modelId;
  let tagged = 0;
  for (let s = 0; s < ids.length; s += TAG_CHUNK) {
    const chunk = ids.slice(s, s + TAG_CHUNK);
    const stored = ports.catalog.vectors(chunk, model);
    const rows: TagRow[] = [];
    for (const [photoId, v] of stored) {
      const c = classify(v, vecs, ports.encoder.logitScale, set.threshold);
      if (c.tagged) rows.push({ photoId, label: set.labels[c.label]!, score: c.probability });
    }
    ports.tags.replaceTags(set.name, model, [...stored.keys()], rows);
    tagged += rows.length;
  }
  return tagged;
}

/** `runTagging` of LibraryApi: tags every indexed photo under `folder` (or the whole library). */
export async function runTagging(ports: TaggingPorts, req: { set: string; folder?: string | undefined }): Promise<Result<{ set: string; photos: number; tagged: number; tookMs: number }>> {
  const t0 = performance.now();
  const set = ports.tags.getSet(req.set);
  if (!set) return err(appError('not-found', `no label set named '${req.set}'`, { hint: 'create it first (shoebox tag DIR --labels "a,b" --set NAME)' }));
  const vecs = await labelVectorsFor(ports, set);
  if (!vecs.ok) return vecs;
  const ids = ports.catalog.candidateIds(req.folder ? { folder: req.folder } : {}, ports.encoder.modelId);
  if (!ids.ok) return ids;
  const tagged = tagPhotos(ports, set, vecs.value, ids.value);
  ports.tags.addScope(set.name, req.folder ?? null);
  return ok({ set: set.name, photos: ids.value.length, tagged, tookMs: performance.now() - t0 });
}

/**
 * Indexer hook: tags freshly indexed photos with every set that was run on a folder containing
 * them (or on the whole library). Returns the number of tags written.
 */
export async function tagNewPhotos(ports: TaggingPorts, photoIds: readonly number[]): Promise<Result<number>> {
  if (photoIds.length === 0) return ok(0);
  let tagged = 0;
  for (const set of ports.tags.listSets()) {
    if (set.scopes.length === 0) continue;
    let ids: number[];
    if (set.scopes.includes(null)) {
      ids = [...photoIds];
    } else {
      const inScope = new Set<number>();
      for (const folder of set.scopes) for (const id of ports.catalog.idsUnder(photoIds, folder!)) inScope.add(id);
      ids = [...inScope];
    }
    if (ids.length === 0) continue;
    const vecs = await labelVectorsFor(ports, set);
    if (!vecs.ok) return vecs;
    tagged += tagPhotos(ports, set, vecs.value, ids);
  }
  return ok(tagged);
}

export function tagCounts(ports: TaggingPorts, req: { set?: string | undefined } = {}): Result<{ set: string; label: string; count: number }[]> {
  if (req.set && !ports.tags.getSet(req.set)) return err(appError('not-found', `no label set named '${req.set}'`));
  return ok(ports.tags.tagCounts(req.set));
}

