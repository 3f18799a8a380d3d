import { describe, expect, it } from 'vitest';
import { ClipTokenizer, canonicalizeText } from './tokenizer.js';
import type { TokenizerSpec } from './model-format.js';
import { END, START, tinyJson, vocab } from './tokenizer.fixture.js';

const spec = (over: Partial<TokenizerSpec> = {}): TokenizerSpec => ({ file: 'tokenizer.json', contextLength: 8, padId: 0, cleaning: 'clip', truncation: 'clip', ...over });
const make = (over: Partial<TokenizerSpec> = {}): ClipTokenizer => {
  const r = ClipTokenizer.fromJson(tinyJson, spec(over));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('ClipTokenizer', () => {
  it('takes start/end ids from the tokenizer file, not from CLIP’s vocabulary', () => {
    const tok = make();
    expect(tok.startId).toBe(START);
    expect(tok.endId).toBe(END);
    expect(Array.from(tok.encode('Dog'))).toEqual([START, vocab['dog</w>'], END, 0, 0, 0, 0, 0]);
  });

  it('gives start, end and padding for empty and whitespace-only text', () => {
    expect(Array.from(make().encode(' \t\n'))).toEqual([START, END, 0, 0, 0, 0, 0, 0]);
  });

  it('truncates like clip.tokenize(truncate=True): first contextLength ids, end-of-text forced last', () => {
    const ids = Array.from(make({ contextLength: 5 }).encode('dog dog dog dog dog'));
    expect(ids).toEqual([START, vocab['dog</w>'], vocab['dog</w>'], vocab['dog</w>'], END]);
  });

  it("plain truncation keeps the first contextLength ids with no forced end token, and pads with the spec's padId", () => {
    const tok = make({ contextLength: 4, truncation: 'plain', padId: 7 });
    expect(Array.from(tok.encode('dog dog dog dog'))).toEqual([START, vocab['dog</w>'], vocab['dog</w>'], vocab['dog</w>']]);
    const short = make({ contextLength: 5, truncation: 'plain', padId: 7 });
    expect(Array.from(short.encode('dog'))).toEqual([START, vocab['dog</w>'], END, 7, 7]);
  });

  it('encodeBatch lays texts out row-major', () => {
    const tok = make({ contextLength: 4 });
    expect(Array.from(tok.encodeBatch(['dog', '', 'a b']))).toEqual([
      START, vocab['dog</w>'], END, 0,
      START, END, 0, 0,
      START, vocab['a</w>'], vocab['b</w>'], END,
    ]);
  });

  it('treats a special-token literal as special only when it starts its own piece, as OpenAI does', () => {
    const tok = make({ contextLength: 16 });
    expect(Array.from(tok.encode('dog<|ENDOFTEXT|>dog')).slice(0, 5)).toEqual([START, vocab['dog</w>'], END, vocab['dog</w>'], END]);
    // After punctuation the `<|` joins the punctuation run: no special id in the middle.
    const ids = Array.from(tok.encode('(<|endoftext|>)'));
    expect(ids[1]).toBe(vocab['(<|</w>']);
    expect(ids.slice(0, ids.indexOf(END) + 1)).toEqual([START, vocab['(<|</w>'], vocab['e'], vocab['n'], vocab['do'], ...'ftex'.split('').map((c) => vocab[c]), vocab['t</w>'], vocab['|>)</w>'], END]);
  });

  it("with cleaning 'none' uses the tokenizer.json pipeline alone (no HTML unescaping)", () => {
    const none = make({ cleaning: 'none', contextLength: 12 });
    const clip = make({ contextLength: 12 });
    expect(Array.from(none.encode('a&amp;b'))).not.toEqual(Array.from(clip.encode('a&amp;b')));
    expect(Array.from(none.encode('Dog'))).toEqual(Array.from(clip.encode('Dog')));
  });

  it('refuses a file that is not a tokenizer, with a one-line reason', () => {
    for (const bad of [null, [], 'x', { model: {} }]) {
      const r = ClipTokenizer.fromJson(bad, spec());
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).not.toContain('\n');
    }
  });

  it('refuses CLIP-style tokenizing when the file has no start/end tokens', () => {
    const noSpecials = { ...tinyJson, added_tokens: [], post_processor: null, model: { ...tinyJson.model, unk_token: null, vocab: Object.fromEntries(Object.entries(vocab).filter(([k]) => !k.startsWith('<|'))) } };
    expect(ClipTokenizer.fromJson(noSpecials, spec()).ok).toBe(false);
  });

  // SigLIP's T5 and XLM-R's files are SentencePiece Unigram models: the shape of the upstream files
  // (Metaspace pre-tokenizer, `</s>` appended by the post-processor), with a tiny vocabulary.
  const unigram = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['<pad>', '</s>', '<unk>'].map((content, id) => ({ id, content, special: true, single_word: false, lstrip: false, rstrip: false, normalized: false })),
    normalizer: null,
    pre_tokenizer: { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'always', split: true },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      pair: [],
      special_tokens: { '</s>': { id: '</s>', ids: [1], tokens: ['</s>'] } },
    },
    decoder: null,
    model: { type: 'Unigram', unk_id: 2, vocab: [['<pad>', 0], ['</s>', 0], ['<unk>', 0], ['\u2581a', -2], ['\u2581cat', -3], ['\u2581c', -4], ['at', -4]] },
  };

  it("drives a SentencePiece (Unigram) tokenizer.json with cleaning 'none', padded with the spec's pad id", () => {
    const r = ClipTokenizer.fromJson(unigram, spec({ cleaning: 'none', truncation: 'plain', contextLength: 6, padId: 1 }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    // "▁cat" beats "▁c" + "at" on score; the post-processor appends </s> (1); padding is </s> too, as SigLIP pads
    expect(Array.from(r.value.encode('a cat'))).toEqual([3, 4, 1, 1, 1, 1]);
    expect(Array.from(r.value.encode('a cat a cat a cat'))).toEqual([3, 4, 3, 4, 3, 4]);
  });

  it('refuses CLIP-style tokenizing of a SentencePiece file, naming the missing CLIP tokens', () => {
    const r = ClipTokenizer.fromJson(unigram, spec());
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('<|startoftext|>');
  });

  it("canonicalises SigLIP text like open_clip: lowercase, punctuation gone, whitespace collapsed", () => {
    expect(canonicalizeText('  A Dog_on the BEACH!!  (at sunset), isn\'t it? ')).toBe('a dog on the beach at sunset isnt it');
    expect(canonicalizeText('Café — naïve')).toBe('café — naïve'); // only ASCII punctuation goes, as in Python's string.punctuation
    const r = ClipTokenizer.fromJson(unigram, spec({ cleaning: 'canonicalize', truncation: 'plain', contextLength: 4, padId: 1 }));
    if (!r.ok) throw new Error(r.error.message);
    expect(Array.from(r.value.encode('A CAT!'))).toEqual([3, 4, 1, 1]);
  });
});
