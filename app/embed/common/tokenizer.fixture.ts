// A tiny CLIP-style tokenizer.json for tests (byte-level BPE, `</w>` suffix, specials as the last
// two ids: the shape the demo model ships). Not used by the app itself.
const chars = 'abcdefghijklmnopqrstuvwxyz'.split('');
export const vocab: Record<string, number> = {};
for (const c of chars) vocab[c] = Object.keys(vocab).length;
for (const c of chars) vocab[`${c}</w>`] = Object.keys(vocab).length;
for (const t of ['<', '|', '>', '(', ')', '<</w>', '|</w>', '></w>', '(</w>', ')</w>', '<|</w>', '|>', '(<|</w>', '|>)</w>']) vocab[t] = Object.keys(vocab).length;
vocab['do'] = Object.keys(vocab).length;
vocab['dog</w>'] = Object.keys(vocab).length;
export const START = Object.keys(vocab).length;
vocab['<|startoftext|>'] = START;
vocab['<|endoftext|>'] = START + 1;
export const END = START + 1;

export const tinyJson = {
  version: '1.0',
  added_tokens: [
    { id: START, content: '<|startoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: true, special: true },
    { id: END, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
  ],
  normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }] },
  pre_tokenizer: {
    type: 'Sequence',
    pretokenizers: [
      { type: 'Split', pattern: { Regex: "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+" }, behavior: 'Removed', invert: true },
      { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
    ],
  },
  post_processor: { type: 'RobertaProcessing', sep: ['<|endoftext|>', END], cls: ['<|startoftext|>', START], trim_offsets: false, add_prefix_space: false },
  decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
  model: { type: 'BPE', dropout: null, unk_token: '<|endoftext|>', continuing_subword_prefix: '', end_of_word_suffix: '</w>', fuse_unk: false, byte_fallback: false, vocab, merges: ['d o', 'do g</w>', '< |</w>', '( <|</w>', '| >', '|> )</w>'] },
};

