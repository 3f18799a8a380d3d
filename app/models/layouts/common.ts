// Shared pieces of the upstream-layout converters: reading the upstream JSON configs, finding a
// token's id in tokenizer.json, and listing the folder's files with checksums for model.json.
import { readdir, stat, writeFile, rename } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ModelManifestSchema, type ModelFile, type ModelManifest, type TensorSpec } from '../../embed/common/model-format.js';
import { sha256File } from '../../embed/node/checksums.js';
import { readJsonFile } from '../../node/read-json-file.js';
import { appError, err, ok, toAppError, type Result } from '../../shared/result.js';
import type { CatalogModel, Layout } from '../catalog.js';

/** What the catalog (or a caller) knows that the upstream configs do not say. */
export interface ConvertHints {
  embeddingSize?: number;
  tensors?: CatalogModel['tensors'];
  logitScale?: number | null;
  promptTemplates?: string[];
}

export interface ConvertOptions {
  id: string;
  name: string;
  description?: string;
  source: { repo?: string; revision?: string };
  hints?: ConvertHints;
  /** Hashes already computed while downloading (path → sha256), so big files are not hashed twice. */
  knownHashes?: ReadonlyMap<string, string>;
  /** transformers.js: file-name suffix of the variant to use ('' = fp32, '_quantized', '_fp16', …). */
  variant?: string;
}

export type Converter = (dir: string, opts: ConvertOptions) => Promise<Result<ModelManifest>>;

export const DEFAULT_TEMPLATES = ['a photo of a {}.', 'a {}.'];
/** CLIP's trained scale is clamped at 100; used when a model publishes none. */
export const DEFAULT_LOGIT_SCALE = 100;

export async function readJson(dir: string, file: string): Promise<Result<Record<string, unknown>>> {
  const path = join(dir, file);
  const json = await readJsonFile(path, {
    unreadable: (e) => (e.code === 'not-found' ? appError('model-invalid', `the download has no ${file}`, { path, hint: 'the repository does not have the layout the catalog says' }) : e),
    invalid: (reason) => appError('model-invalid', `${file} is not valid JSON: ${reason}`, { path }),
  });
  if (!json.ok) return json;
  const v = json.value;
  if (!v || typeof v !== 'object' || Array.isArray(v)) return err(appError('model-invalid', `${file} is not a JSON object`, { path }));
  return ok(v as Record<string, unknown>);
}

export const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** A special token as tokenizer_config.json writes it: a string or `{ content }`. */
export function tokenText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  const c = obj(v).content;
  return typeof c === 'string' ? c : undefined;
}

/** The id of `token` in a tokenizer.json: added tokens first, then the BPE map or the Unigram list. */
export function tokenId(tokenizer: Record<string, unknown>, token: string): number | undefined {
  const added = Array.isArray(tokenizer.added_tokens) ? tokenizer.added_tokens : [];
  for (const a of added) {
    const t = obj(a);
    if (t.content === token && typeof t.id === 'number') return t.id;
  }
  const vocab = obj(tokenizer.model).vocab;
  if (Array.isArray(vocab)) {
    const i = vocab.findIndex((e) => Array.isArray(e) && e[0] === token);
    return i >= 0 ? i : undefined;
  }
  const id = obj(vocab)[token];
  return typeof id === 'number' ? id : undefined;
}

/** The largest token id a tokenizer.json can produce (vocabulary and added tokens). */
export function maxTokenId(tokenizer: Record<string, unknown>): number {
  let max = -1;
  const vocab = obj(tokenizer.model).vocab;
  if (Array.isArray(vocab)) max = vocab.length - 1;
  else for (const id of Object.values(obj(vocab))) if (typeof id === 'number' && id > max) max = id;
  for (const a of Array.isArray(tokenizer.added_tokens) ? tokenizer.added_tokens : []) {
    const id = obj(a).id;
    if (typeof id === 'number' && id > max) max = id;
  }
  return max;
}

/** A tokenizer whose ids overflow the text model's embedding table fails at the first search; say so at install. */
export function checkVocab(tokenizer: Record<string, unknown>, vocabSize: number | undefined, file: string): Result<void> {
  const max = maxTokenId(tokenizer);
  if (vocabSize !== undefined && max >= vocabSize) {
    return err(appError('model-invalid', `${file} has token ids up to ${max}, but the text model knows ${vocabSize} tokens`, { hint: 'the tokenizer does not belong to this model' }));
  }
  return ok(undefined);
}

/** CLIP-style tokenizers (OpenAI BPE) carry `<|startoftext|>`; they get CLIP cleaning and truncation. */
export function isClipTokenizer(tokenizer: Record<string, unknown>): boolean {
  return tokenId(tokenizer, '<|startoftext|>') !== undefined && tokenId(tokenizer, '<|endoftext|>') !== undefined;
}

/**
 * How a model's text is cleaned before its tokenizer.json: OpenAI BPE files get CLIP's cleaning;
 * SigLIP models were trained on canonicalised text (lowercase, no punctuation); others get none.
 */
export function textCleaning(tokenizer: Record<string, unknown>, siglip: boolean): 'clip' | 'canonicalize' | 'none' {
  if (isClipTokenizer(tokenizer)) return 'clip';
  return siglip ? 'canonicalize' : 'none';
}

/** Pad id: tokenizer_config.json's pad_token looked up in tokenizer.json; a catalog value, then 0, otherwise. */
export function padIdOf(tokenizer: Record<string, unknown>, tokConfig: Record<string, unknown> | null, fallback: number | null | undefined): number {
  const pad = tokConfig ? tokenText(tokConfig.pad_token) : undefined;
  const padding = obj(tokenizer.padding);
  const fromFile = pad !== undefined ? tokenId(tokenizer, pad) : num(padding.pad_id);
  return fromFile ?? fallback ?? 0;
}

/** Every regular file under `dir` (relative, '/' separators), except model.json and dot files. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) {
        const rel = relative(dir, p).split(sep).join('/');
        if (rel !== 'model.json' && !rel.endsWith('.partial')) out.push(rel);
      }
    }
  };
  await walk(dir);
  return out.sort();
}

/** model.json file entries for `files`, reusing hashes the download already computed. */
export async function fileEntries(dir: string, files: readonly string[], known?: ReadonlyMap<string, string>): Promise<Result<ModelFile[]>> {
  const out: ModelFile[] = [];
  for (const f of files) {
    const p = join(dir, f);
    try {
      const st = await stat(p);
      out.push({ path: f, bytes: st.size, sha256: known?.get(f) ?? (await sha256File(p)) });
    } catch (e) {
      return err(toAppError(e, 'io', p));
    }
  }
  return ok(out);
}

/** Checks the assembled manifest against the schema and the catalog's expectations. */
export function finishManifest(raw: unknown, hints: ConvertHints | undefined, layout: Layout): Result<ModelManifest> {
  const parsed = ModelManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return err(appError('model-invalid', `converting the ${layout} layout: ${issue.path.join('.') || 'model.json'}: ${issue.message}`));
  }
  const m = parsed.data;
  if (hints?.embeddingSize !== undefined && hints.embeddingSize !== m.embeddingSize) {
    return err(appError('model-invalid', `the ${layout} configs say embedding size ${m.embeddingSize}, the catalog says ${hints.embeddingSize}`, { hint: 'the repository changed; check the catalog entry' }));
  }
  return ok(m);
}

/** Writes model.json atomically (the folder is only a model once this file is complete). */
export async function writeManifest(dir: string, manifest: ModelManifest): Promise<Result<void>> {
  const path = join(dir, 'model.json');
  try {
    await writeFile(`${path}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(`${path}.tmp`, path);
    return ok(undefined);
  } catch (e) {
    return err(toAppError(e, 'io', path));
  }
}

export type TensorsOf = { image: { input: TensorSpec; output: string; normalized: boolean }; text: { input: TensorSpec; attentionMask?: TensorSpec; output: string; normalized: boolean } };
