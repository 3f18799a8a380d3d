import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIP_MEAN } from '../embed/common/model-format.js';
import { downloadSize, findModel, parseCatalog, type Catalog } from './catalog.js';
import { bundledCatalogPath, loadCatalog } from './catalog-file.js';

const raw: unknown = JSON.parse(readFileSync(bundledCatalogPath(), 'utf8'));

describe('models/catalog.json', () => {
  const parsed = parseCatalog(raw);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const cat: Catalog = parsed.value;

  it('validates and lists the required families, ViT-B/32 recommended', () => {
    const ids = cat.models.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['clip-vit-b32-openai', 'clip-vit-b16-openai', 'clip-vit-l14-openai', 'mobileclip-s2', 'siglip-base-patch16-224', 'xlm-roberta-large-vit-b32']));
    expect(cat.models.filter((m) => m.recommended).map((m) => m.id)).toEqual(['clip-vit-b32-openai']);
    expect(cat.models.some((m) => m.multilingual)).toBe(true);
    expect(new Set(cat.models.map((m) => m.layout))).toEqual(new Set(['immich', 'transformers.js']));
  });

  it('says where a missing checksum or revision comes from instead of inventing one', () => {
    for (const m of cat.models) {
      if (m.files.some((f) => f.sha256 === null)) expect(m.notes.sha256, m.id).toMatch(/not found|X-Linked-ETag/);
      if (!/^[0-9a-f]{40}$/.test(m.revision)) expect(m.notes.revision ?? m.notes.repo, m.id).toBeTruthy();
    }
  });

  it('keeps the layout facts: Immich normalises in-graph with int32 text, SigLIP squashes with 0.5 mean/std and pads with </s>', () => {
    const b32 = findModel(cat, 'clip-vit-b32-openai');
    if (!b32.ok) throw new Error(b32.error.message);
    expect(b32.value.tensors.text.input).toEqual({ name: 'text', type: 'int32' });
    expect(b32.value.tensors.image.normalized).toBe(true);
    expect(b32.value.preprocess).toMatchObject({ size: 224, resize: 'shortest', mean: CLIP_MEAN });
    const sig = findModel(cat, 'siglip-base-patch16-224');
    if (!sig.ok) throw new Error(sig.error.message);
    expect(sig.value.preprocess).toMatchObject({ resize: 'squash', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
    expect(sig.value.tokenizer).toMatchObject({ contextLength: 64, padId: 1, truncation: 'plain' });
    expect(downloadSize(b32.value)).toBe(b32.value.approxBytes); // per-file sizes not all known
  });

  it('loads from SHOEBOX_MODEL_CATALOG and reports a bad entry with its path', async () => {
    const ok = await loadCatalog({ env: {} });
    expect(ok.ok).toBe(true);
    const bad = parseCatalog({ schema: 1, models: [{ ...(raw as { models: object[] }).models[0], layout: 'tflite' }] }, 'x.json');
    expect(!bad.ok && bad.error.message).toMatch(/^x\.json: models\.0\.layout: /);
    const dup = parseCatalog({ schema: 1, models: [(raw as { models: object[] }).models[0], (raw as { models: object[] }).models[0]] });
    expect(!dup.ok && dup.error.message).toBe("catalog.json: models.1.id: duplicate id 'clip-vit-b32-openai'");
    const missing = await loadCatalog({ env: { SHOEBOX_MODEL_CATALOG: '/nonexistent/catalog.json' } });
    expect(!missing.ok && missing.error.code).toBe('not-found');
  });
});
