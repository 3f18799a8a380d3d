// The bundled demo model (models/demo) re-exported in both upstream layouts, in memory, at test
// time (no Python): the same weights with each layout's file names, configs and tensor contract.
//   immich:          visual/model.onnx 'image' → 'embedding' (normalised in-graph), textual/model.onnx
//                    'text' int32 → 'embedding' (normalised), config.json, visual/preprocess_cfg.json,
//                    textual/tokenizer.json + tokenizer_config.json (pad_token <|endoftext|>, as HF's CLIP tokenizer)
//   transformers.js: onnx/vision_model.onnx pixel_values → image_embeds, onnx/text_model.onnx
//                    input_ids int64 → text_embeds (both unnormalised, as HF's *WithProjection towers),
//                    config.json, preprocessor_config.json, tokenizer.json, tokenizer_config.json
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ModelManifest } from '../../app/embed/common/model-format.js';
import type { CatalogModel } from '../../app/models/catalog.js';
import { editOnnxIo, ELEM } from './onnx-edit.js';

export const DEMO_DIR = fileURLToPath(new URL('../../models/demo/', import.meta.url));

export type RepoFiles = Map<string, Buffer>;

function demo(): { manifest: ModelManifest; image: Buffer; text: Buffer; tokenizer: Buffer } {
  const manifest = JSON.parse(readFileSync(`${DEMO_DIR}model.json`, 'utf8')) as ModelManifest;
  return {
    manifest,
    image: readFileSync(`${DEMO_DIR}${manifest.image.file}`),
    text: readFileSync(`${DEMO_DIR}${manifest.text.file}`),
    tokenizer: readFileSync(`${DEMO_DIR}${manifest.tokenizer.file}`),
  };
}

const json = (v: unknown): Buffer => Buffer.from(`${JSON.stringify(v, null, 2)}\n`);

export function immichRepo(): RepoFiles {
  const d = demo();
  const m = d.manifest;
  const ids = ELEM[m.text.input.type];
  return new Map([
    ['config.json', json({ embed_dim: m.embeddingSize, vision_cfg: { image_size: m.preprocess.size }, text_cfg: { context_length: m.tokenizer.contextLength } })],
    ['visual/preprocess_cfg.json', json({ size: [m.preprocess.size, m.preprocess.size], mode: 'RGB', mean: m.preprocess.mean, std: m.preprocess.std, interpolation: m.preprocess.interpolation, resize_mode: m.preprocess.resize, fill_color: 0 })],
    ['visual/model.onnx', editOnnxIo(d.image, { input: { from: m.image.input.name, to: 'image' }, output: { from: m.image.output, to: 'embedding', normalize: true } })],
    ['textual/model.onnx', editOnnxIo(d.text, { input: { from: m.text.input.name, to: 'text', type: { from: ids, to: ELEM.int32 } }, output: { from: m.text.output, to: 'embedding', normalize: true } })],
    ['textual/tokenizer.json', d.tokenizer],
    ['textual/tokenizer_config.json', json({ pad_token: '<|endoftext|>', bos_token: '<|startoftext|>', eos_token: '<|endoftext|>', model_max_length: m.tokenizer.contextLength })],
    ['README.md', Buffer.from('demo model in the Immich layout (Shoebox test fixture)\n')],
  ]);
}

export function transformersJsRepo(): RepoFiles {
  const d = demo();
  const m = d.manifest;
  return new Map([
    ['config.json', json({ model_type: 'clip', projection_dim: m.embeddingSize, text_config: { max_position_embeddings: m.tokenizer.contextLength }, vision_config: { image_size: m.preprocess.size } })],
    ['preprocessor_config.json', json({ do_resize: true, size: { shortest_edge: m.preprocess.size }, do_center_crop: true, crop_size: { height: m.preprocess.size, width: m.preprocess.size }, resample: 3, do_normalize: true, image_mean: m.preprocess.mean, image_std: m.preprocess.std })],
    ['onnx/vision_model.onnx', d.image],
    ['onnx/text_model.onnx', d.text],
    ['tokenizer.json', d.tokenizer],
    ['tokenizer_config.json', json({ pad_token: '<|endoftext|>', model_max_length: m.tokenizer.contextLength })],
  ]);
}

/** Catalog entries for the two fixture repositories, as models/catalog.json would list them. */
export function fixtureCatalogEntry(layout: 'immich' | 'transformers.js', files: RepoFiles, opts: { id?: string; repo?: string; pinSha?: Map<string, string> } = {}): CatalogModel {
  const d = demo().manifest;
  const immich = layout === 'immich';
  const wanted = [...files.keys()].filter((p) => p !== 'README.md');
  return {
    id: opts.id ?? (immich ? 'demo-immich' : 'demo-tjs'),
    name: `Demo model (${layout} layout)`,
    description: 'the bundled demo model re-exported in an upstream layout',
    recommended: false,
    multilingual: false,
    layout,
    repo: opts.repo ?? (immich ? 'shoebox-test/demo-immich' : 'shoebox-test/demo-tjs'),
    revision: 'main',
    approxBytes: [...files.values()].reduce((s, b) => s + b.length, 0),
    files: wanted.map((p) => ({ path: p, bytes: null, sha256: opts.pinSha?.get(p) ?? null })),
    embeddingSize: d.embeddingSize,
    preprocess: d.preprocess,
    tokenizer: { contextLength: d.tokenizer.contextLength, padId: null, cleaning: 'clip', truncation: 'clip' },
    tensors: immich
      ? { image: { input: { name: 'image', type: 'float32' }, output: 'embedding', normalized: true }, text: { input: { name: 'text', type: 'int32' }, output: 'embedding', normalized: true } }
      : { image: { input: { name: 'pixel_values', type: 'float32' }, output: 'image_embeds', normalized: false }, text: { input: { name: 'input_ids', type: 'int64' }, output: 'text_embeds', normalized: false } },
    logitScale: d.logitScale,
    promptTemplates: d.promptTemplates,
    variants: [],
    notes: { source: 'tests/hub/fixtures.ts' },
  };
}
