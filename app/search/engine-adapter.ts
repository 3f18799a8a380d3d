// Adapts role engine's EngineContext (catalog, HNSW index, loaded model) to the narrow ports
// search and tagging are written against (./ports.ts).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EngineContext } from '../engine/context.js';
import { appError, err, ok, toAppError, type Result } from '../shared/result.js';
import type { CatalogPort, EncoderPort, SearchPorts, StoredLabelSet, TaggingPorts, TagStorePort, VectorIndexPort } from './ports.js';
import type { LabelSetRow } from '../library/catalog.js';

export function encoderPort(ctx: EngineContext): EncoderPort {
  const m = ctx.model.manifest;
  const embedFile = async (file: string): Promise<Result<Float32Array>> => {
    const d = await ctx.decode(file);
    if (!d.ok) return d;
    const r = await ctx.model.image.encode(d.value.tensor, 1);
    if (!r.ok) return r;
    const v = r.value[0];
    return v ? ok(v) : err(appError('runtime', 'the image encoder returned no embedding'));
  };
  return {
    modelId: ctx.modelId,
    embeddingSize: m.embeddingSize,
    logitScale: m.logitScale,
    promptTemplates: m.promptTemplates,
    embedTexts: (texts) => ctx.model.text.encode(texts),
    async embedImage(input) {
      if (typeof input === 'string') return embedFile(input);
      // The decoder reads files; dropped bytes go through a private temp file.
      let dir: string | null = null;
      try {
        dir = await mkdtemp(path.join(tmpdir(), 'shoebox-query-'));
        const file = path.join(dir, 'query-image');
        await writeFile(file, input);
        return await embedFile(file);
      } catch (e) {
        return err(toAppError(e, 'io'));
      } finally {
        if (dir) await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

export function catalogPort(ctx: EngineContext): CatalogPort {
  const c = ctx.catalog;
  return {
    indexedCount: () => c.countPhotos({}, 'indexed'),
    candidateIds(filters) {
      try {
        return ok(c.photoIds(filters));
      } catch (e) {
        return err(toAppError(e, 'internal'));
      }
    },
    vectors: (ids, model) => c.vectorsFor(model, ids),
    summaries: (ids) => new Map(c.summaries(ids).map((s) => [s.id, s])),
    idsUnder(ids, folder) {
      const prefixes = c.folderPrefixes(folder);
      const byId = new Map(c.summaries(ids).map((s) => [s.id, s.path]));
      return ids.filter((id) => {
        const p = byId.get(id);
        return p !== undefined && prefixes.some((pre) => p.startsWith(pre));
      });
    },
  };
}

export function indexPort(ctx: EngineContext): VectorIndexPort {
  return {
    get size() {
      return ctx.vectors.size;
    },
    knn: (q, k, filter) => ctx.vectors.search(q, k, filter),
  };
}

const toStored = (r: LabelSetRow): StoredLabelSet => ({
  id: r.id,
  name: r.name,
  labels: r.labels.map((l) => l.name),
  templates: r.templates,
  threshold: r.threshold,
  version: r.version,
  scopes: r.folders.map((f) => (f === '' ? null : f)),
});

export function tagStorePort(ctx: EngineContext): TagStorePort {
  const c = ctx.catalog;
  const row = (name: string): LabelSetRow => {
    const r = c.labelSet(name);
    if (!r) throw new Error(`label set '${name}' vanished`);
    return r;
  };
  return {
    listSets: () => c.labelSets().map(toStored),
    getSet: (name) => {
      const r = c.labelSet(name);
      return r ? toStored(r) : null;
    },
    upsertSet: (def) => toStored(c.upsertLabelSet(def)),
    deleteSet: (name) => c.deleteLabelSet(name),
    labelVectors(name, model) {
      const r = row(name);
      const byId = c.labelVectors(r.id, model);
      const out: Float32Array[] = [];
      for (const l of r.labels) {
        const v = byId.get(l.id);
        if (!v) return null;
        out.push(v);
      }
      return out;
    },
    saveLabelVectors(name, model, vectors) {
      const r = row(name);
      c.putLabelVectors(r.id, model, new Map(r.labels.map((l, i) => [l.id, vectors[i]!])));
    },
    replaceTags(name, model, photoIds, rows) {
      const r = row(name);
      const ids = new Map(r.labels.map((l) => [l.name, l.id]));
      c.replaceTags(r.id, model, photoIds, rows.map((t) => ({ photoId: t.photoId, labelId: ids.get(t.label)!, score: t.score })));
    },
    addScope: (name, folder) => c.addLabelSetFolder(row(name).id, folder ?? ''),
    tagCounts: (set) => c.tagCounts(set),
  };
}

export function searchPorts(ctx: EngineContext): SearchPorts {
  return { encoder: encoderPort(ctx), catalog: catalogPort(ctx), index: indexPort(ctx) };
}

export function taggingPorts(ctx: EngineContext): TaggingPorts {
  return { encoder: encoderPort(ctx), catalog: catalogPort(ctx), tags: tagStorePort(ctx) };
}
