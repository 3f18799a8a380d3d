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

interface AddedTokenJson {
  id: number;
  content: string;
  special?: boolean;
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
  private readonly specials: Map<string, number>;

  private constructor(
    private readonly tok: Tokenizer,
    private readonly preTokenizer: PreTokenizerLike | null,
    private readonly model: ModelLike,
    spec: TokenizerSpec,
    specials: Map<string, number>,
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
    const model = tok.model as unknown as ModelLike | null;
    if (!model || typeof model.encode !== 'function' || !(model.tokens_to_ids instanceof Map)) {
      return err(appError('unsupported', 'tokenizer.json has a tokenizer model this app cannot drive'));
    }
    // Special tokens by their text, so that a model with its own small vocabulary works too.
    const specials = new Map<string, number>();
    if (Array.isArray(obj.added_tokens)) {
      for (const t of obj.added_tokens as AddedTokenJson[]) {
        if (t && typeof t.content === 'string' && Number.isInteger(t.id)) specials.set(t.content, t.id);
      }
    }
    for (const s of [START_OF_TEXT, END_OF_TEXT]) {
      const id = specials.get(s) ?? model.tokens_to_ids.get(s);
      if (id !== undefined) specials.set(s, id);
    }
    const cleaning = spec.cleaning ?? 'clip';
    const truncation = spec.truncation ?? 'clip';
    if ((cleaning === 'clip' || truncation === 'clip') && (!specials.has(START_OF_TEXT) || !specials.has(END_OF_TEXT))) {
      return err(appError('bad-input', `tokenizer.json has no ${START_OF_TEXT} / ${END_OF_TEXT} tokens, which CLIP-style tokenizing needs`));
    }
    const pre = tok.pre_tokenizer as unknown as PreTokenizerLike | null;
    return ok(new ClipTokenizer(tok, pre, model, { ...spec, cleaning, truncation }, specials));
  }

  /** The ids of one text without padding or truncation, wrapped as the model expects. */
  encodeUnpadded(text: string): number[] {
    if (this.cleaning === 'none') return this.tok.encode(text).ids;
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

  // OpenAI's `SimpleTokenizer.encode` after cleaning: split with the pre-tokenizer's pattern, a piece
  // that is exactly a special-token string becomes that token (and only then: a `<|` glued to
  // punctuation stays text), every other piece is byte-level BPE.
  private encodeCleaned(text: string): number[] {
    const pieces = this.preTokenizer ? this.preTokenizer.pre_tokenize(text) : [text];
    const ids: number[] = [];
    for (const piece of pieces) {
      const special = this.specials.get(piece);
      if (special !== undefined) {
        ids.push(special);
        continue;
      }
      for (const t of this.model.encode([piece])) {
        const id = this.model.tokens_to_ids.get(t);
        if (id !== undefined) ids.push(id);
      }
    }
    return ids;
  }
}
