// CLIP's text tokenizer, id for id like OpenAI's `clip.tokenize(text, truncate=True)`.
// Byte-level BPE comes from the model's own tokenizer.json via @huggingface/tokenizers; what
// tokenizer.json cannot express (OpenAI's text cleaning, its handling of literal special-token
// strings, its truncation and pad value) is done here. Browser-safe: no Node imports.
import { Tokenizer } from '@huggingface/tokenizers';
import { appError, err, ok, type Result } from '../../shared/result.js';
import type { TokenizerSpec } from './model-format.js';
import { cleanClipText } from './clip-text-cleaning.js';

export const START_OF_TEXT = '<|startoftext|>';
export const END_OF_TEXT = '<|endoftext|>';
/** OpenAI's split pattern (simple_tokenizer.py), used when tokenizer.json names none. */
export const CLIP_SPLIT_PATTERN = "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

interface AddedTokenJson {
  id?: unknown;
  content?: unknown;
}

// The parts of the library's Tokenizer this module drives directly (public fields, typed loosely upstream).
interface PreTokenizerLike {
  pre_tokenize(text: string): string[];
}
interface ModelLike {
  encode(tokens: string[]): string[];
  tokens_to_ids: Map<string, number>;
}

export class ClipTokenizer {
  readonly contextLength: number;
  readonly padId: number;
  /** Ids of `<|startoftext|>` / `<|endoftext|>` in this tokenizer file (null when it has none). */
  readonly startId: number | null;
  readonly endId: number | null;
  private readonly cleaning: TokenizerSpec['cleaning'];
  private readonly truncation: TokenizerSpec['truncation'];
  /** The two special tokens OpenAI's tokenizer knows, by text. */
  private readonly specials: Map<string, number>;

  private constructor(
    private readonly tok: Tokenizer,
    private readonly preTokenizer: PreTokenizerLike | null,
    private readonly model: ModelLike | null,
    spec: TokenizerSpec,
    specials: Map<string, number>,
    private readonly splitRe: RegExp,
  ) {
    this.contextLength = spec.contextLength;
    this.padId = spec.padId;
    this.cleaning = spec.cleaning ?? 'clip';
    this.truncation = spec.truncation ?? 'clip';
    this.specials = specials;
    this.startId = specials.get(START_OF_TEXT) ?? null;
    this.endId = specials.get(END_OF_TEXT) ?? null;
  }

  /** Builds a tokenizer from a parsed Hugging Face tokenizer.json. */
  static fromJson(json: unknown, spec: TokenizerSpec): Result<ClipTokenizer> {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      return err(appError('bad-input', 'tokenizer.json is not a JSON object'));
    }
    const obj = json as { model?: { type?: unknown; vocab?: unknown }; added_tokens?: unknown };
    if (typeof obj.model !== 'object' || obj.model === null || typeof obj.model.vocab !== 'object') {
      return err(appError('bad-input', 'tokenizer.json has no model vocabulary'));
    }
    let tok: Tokenizer;
    try {
      tok = new Tokenizer(json, {});
    } catch (e) {
      return err(appError('bad-input', `tokenizer.json could not be loaded: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`));
    }
    const cleaning = spec.cleaning ?? 'clip';
    const truncation = spec.truncation ?? 'clip';
    const model = tok.model as unknown as ModelLike | null;
    // CLIP-style cleaning drives the BPE model piece by piece; 'none' (SigLIP's and XLM-R's
    // SentencePiece/Unigram files) runs the library's whole pipeline, which handles any model type.
    const drivable = !!model && typeof model.encode === 'function' && model.tokens_to_ids instanceof Map;
    if (cleaning === 'clip' && !drivable) {
      return err(appError('unsupported', 'tokenizer.json has a tokenizer model that CLIP text cleaning cannot drive (use cleaning "none")'));
    }
    // Start/end ids by their text (added tokens first, then the vocabulary), never CLIP's numbers:
    // the demo model has its own small vocabulary.
    const added = Array.isArray(obj.added_tokens) ? (obj.added_tokens as AddedTokenJson[]) : [];
    const specials = new Map<string, number>();
    for (const s of [START_OF_TEXT, END_OF_TEXT]) {
      const fromAdded = added.find((t) => t?.content === s && Number.isInteger(t.id))?.id as number | undefined;
      const id = fromAdded ?? (drivable ? model!.tokens_to_ids.get(s) : undefined);
      if (id !== undefined) specials.set(s, id);
    }
    if ((cleaning === 'clip' || truncation === 'clip') && (!specials.has(START_OF_TEXT) || !specials.has(END_OF_TEXT))) {
      return err(appError('bad-input', `tokenizer.json has no ${START_OF_TEXT} / ${END_OF_TEXT} tokens, which CLIP-style tokenizing needs`));
    }
    const pre = tok.pre_tokenizer as unknown as PreTokenizerLike | null;
    let splitRe: RegExp;
    try {
      splitRe = new RegExp(findSplitPattern((json as { pre_tokenizer?: unknown }).pre_tokenizer) ?? CLIP_SPLIT_PATTERN, 'gu');
    } catch {
      splitRe = new RegExp(CLIP_SPLIT_PATTERN, 'gu');
    }
    return ok(new ClipTokenizer(tok, pre, drivable ? model : null, { ...spec, cleaning, truncation }, specials, splitRe));
  }

  /** The ids of one text without padding or truncation, wrapped as the model expects. */
  encodeUnpadded(text: string): number[] {
    if (this.cleaning === 'none') return this.tok.encode(text).ids.slice();
    if (this.cleaning === 'canonicalize') return this.tok.encode(canonicalizeText(text)).ids.slice();
    return [this.startId!, ...this.encodeCleaned(cleanClipText(text)), this.endId!];
  }

  /** `contextLength` ids: truncated (CLIP: end-of-text kept last) and padded with the spec's padId. */
  encode(text: string): Int32Array {
    const out = new Int32Array(this.contextLength);
    this.writeIds(text, out, 0);
    return out;
  }

  /** Row-major texts.length × contextLength ids. */
  encodeBatch(texts: string[]): Int32Array {
    const out = new Int32Array(texts.length * this.contextLength);
    texts.forEach((t, i) => this.writeIds(t, out, i * this.contextLength));
    return out;
  }

  private writeIds(text: string, out: Int32Array, offset: number): void {
    const ids = this.encodeUnpadded(text);
    const n = this.contextLength;
    if (ids.length > n) {
      ids.length = n;
      if (this.truncation === 'clip') ids[n - 1] = this.endId!;
    }
    out.fill(this.padId, offset, offset + n);
    out.set(ids, offset);
  }

  // OpenAI's `SimpleTokenizer.encode` after cleaning: split with CLIP's pattern; a piece that is
  // exactly a special-token string becomes that token (and only then: a `<|` glued to punctuation
  // stays text); everything else goes through tokenizer.json's pre-tokenizer and BPE. Cutting the
  // text at special pieces does not change the other pieces: the pattern has no look-around.
  private encodeCleaned(text: string): number[] {
    // OpenAI compiles its pattern with re.IGNORECASE, under which the `regex` module matches
    // U+0345 (combining ypogegrammeni, case-folding to a letter) with none of the classes: it
    // splits pieces and is dropped, exactly like whitespace.
    text = text.replace(/\u0345/g, ' ');
    const ids: number[] = [];
    if (!text.includes('<|')) {
      this.encodeSegment(text, ids);
      return ids;
    }
    let from = 0;
    for (const m of text.matchAll(this.splitRe)) {
      const special = this.specials.get(m[0]);
      if (special === undefined) continue;
      this.encodeSegment(text.slice(from, m.index), ids);
      ids.push(special);
      from = m.index + m[0].length;
    }
    this.encodeSegment(text.slice(from), ids);
    return ids;
  }

  private encodeSegment(text: string, ids: number[]): void {
    if (!text) return;
    const pieces = this.preTokenizer ? this.preTokenizer.pre_tokenize(text) : [text];
    // Only reached with cleaning 'clip', which fromJson allows only for a drivable model.
    const model = this.model!;
    for (const t of model.encode(pieces)) {
      const id = model.tokens_to_ids.get(t);
      if (id !== undefined) ids.push(id);
    }
  }
}

/** The regex of the Split pre-tokenizer in a tokenizer.json `pre_tokenizer` (possibly inside a Sequence). */
function findSplitPattern(pre: unknown): string | null {
  if (typeof pre !== 'object' || pre === null) return null;
  const p = pre as { type?: unknown; pattern?: { Regex?: unknown }; pretokenizers?: unknown };
  if (p.type === 'Split' && typeof p.pattern?.Regex === 'string') return p.pattern.Regex;
  if (Array.isArray(p.pretokenizers)) {
    for (const inner of p.pretokenizers) {
      const found = findSplitPattern(inner);
      if (found) return found;
    }
  }
  return null;
}

/**
 * SigLIP's text canonicalisation (open_clip `canonicalize_text`, transformers' SiglipTokenizer with
 * do_lower_case): underscores to spaces, Python's `string.punctuation` removed, lowercase, whitespace
 * collapsed. The models were trained on text cleaned this way; their tokenizer.json does not do it.
 */
export function canonicalizeText(text: string): string {
  return text
    .replace(/_/g, ' ')
    .replace(/[!"#$%&'()*+,\-./:;<=>?@[\\\]^`{|}~]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
