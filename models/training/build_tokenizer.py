"""Builds the demo model's CLIP-style Hugging Face tokenizer.json from the scene world's vocabulary.

usage: build_tokenizer.py WORLD_VOCAB.json OUT/tokenizer.json

Same structure as OpenAI CLIP's tokenizer (as converted by Hugging Face): NFC + whitespace + lowercase
normaliser, CLIP's split pattern, byte-level mapping, BPE with the `</w>` end-of-word suffix,
`<|startoftext|>` / `<|endoftext|>` added by the post-processor. Only the vocabulary differs:

  ids 0..255     the 256 byte-level symbols (in CLIP's bytes_to_unicode order; id 0 = '!' = pad)
  ids 256..511   the same symbols with `</w>` (a symbol that ends a word)
  ids 512..      one token per merge, learned BPE-style on the world's words until every world
                 word is a single token
  last two ids   <|startoftext|>, <|endoftext|>
"""
import json
import re
import sys
from collections import Counter

SOT, EOT = '<|startoftext|>', '<|endoftext|>'
# CLIP's pre-tokenizer pattern, spelled for Python's `re` ([^\W\d_] = a Unicode letter). The regex
# written into tokenizer.json is CLIP's own (\p{L}, \p{N}).
SPLIT_PY = re.compile(r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[^\W\d_]+|\d|[^\s\w]+|_+""")
SPLIT_HF = r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"""


def bytes_to_unicode():
    """GPT-2/CLIP's reversible byte -> printable unicode character map, in CLIP's order."""
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


BYTE_ENCODER = bytes_to_unicode()


def pieces(text):
    """Normalise and pre-tokenise like tokenizer.json does: lowercase, split, byte-level map."""
    return [''.join(BYTE_ENCODER[b] for b in p.encode('utf-8')) for p in SPLIT_PY.findall(' '.join(text.lower().split()))]


def symbols(piece):
    """A word as BPE symbols: one per byte-level character, the last one carrying `</w>`."""
    return tuple(piece[:-1]) + (piece[-1] + '</w>',)


def learn_merges(words):
    """Greedy BPE: merge the most frequent adjacent pair (ties: alphabetical) until every word is one symbol."""
    seqs = {w: symbols(w) for w in sorted(set(words))}
    merges = []
    while True:
        counts = Counter()
        for s in seqs.values():
            for a, b in zip(s, s[1:]):
                counts[(a, b)] += 1
        if not counts:
            return merges
        best = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        merges.append(best)
        for w, s in seqs.items():
            out, i = [], 0
            while i < len(s):
                if i + 1 < len(s) and (s[i], s[i + 1]) == best:
                    out.append(s[i] + s[i + 1])
                    i += 2
                else:
                    out.append(s[i])
                    i += 1
            seqs[w] = tuple(out)


def apply_bpe(piece, ranks):
    """CLIP's own encode loop (simple_tokenizer.bpe): repeatedly merge the lowest-ranked pair present."""
    word = symbols(piece)
    while len(word) > 1:
        pairs = set(zip(word, word[1:]))
        best = min(pairs, key=lambda p: ranks.get(p, float('inf')))
        if best not in ranks:
            break
        out, i = [], 0
        while i < len(word):
            if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                out.append(word[i] + word[i + 1])
                i += 2
            else:
                out.append(word[i])
                i += 1
        word = tuple(out)
    return word


def build(words):
    base = list(BYTE_ENCODER.values())
    vocab_list = base + [c + '</w>' for c in base]
    all_pieces = [p for w in words for p in pieces(w)]
    merges = learn_merges(all_pieces)
    vocab_list += [a + b for a, b in merges]
    vocab_list += [SOT, EOT]
    assert len(set(vocab_list)) == len(vocab_list), 'duplicate token'
    vocab = {t: i for i, t in enumerate(vocab_list)}
    ranks = {m: i for i, m in enumerate(merges)}
    not_single = [p for p in set(all_pieces) if len(apply_bpe(p, ranks)) != 1]
    assert not not_single, f'world words that are not one token: {not_single[:10]}'

    def special(tid, content):
        return {'id': tid, 'content': content, 'single_word': False, 'lstrip': False, 'rstrip': False,
                'normalized': False, 'special': True}

    return {
        'version': '1.0',
        'truncation': None,
        'padding': None,
        'added_tokens': [special(vocab[SOT], SOT), special(vocab[EOT], EOT)],
        'normalizer': {'type': 'Sequence', 'normalizers': [
            {'type': 'NFC'},
            {'type': 'Replace', 'pattern': {'Regex': r'\s+'}, 'content': ' '},
            {'type': 'Lowercase'},
        ]},
        'pre_tokenizer': {'type': 'Sequence', 'pretokenizers': [
            {'type': 'Split', 'pattern': {'Regex': SPLIT_HF}, 'behavior': 'Removed', 'invert': True},
            {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': True, 'use_regex': True},
        ]},
        'post_processor': {'type': 'RobertaProcessing', 'sep': [EOT, vocab[EOT]], 'cls': [SOT, vocab[SOT]],
                           'trim_offsets': False, 'add_prefix_space': False},
        'decoder': {'type': 'ByteLevel', 'add_prefix_space': True, 'trim_offsets': True, 'use_regex': True},
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': EOT, 'continuing_subword_prefix': '',
                  'end_of_word_suffix': '</w>', 'fuse_unk': False, 'byte_fallback': False,
                  'vocab': vocab, 'merges': [f'{a} {b}' for a, b in merges]},
    }


def world_words(vocab_json):
    """Every word the world can emit: its word list plus labels and template words, to be safe."""
    words = list(vocab_json.get('words', []))
    for key in ('colours', 'shapes', 'backgrounds', 'sizes', 'positions'):
        words += vocab_json.get(key, [])
    for group in vocab_json.get('templates', {}).values():
        words += [t.replace('{}', ' ') for t in group]
    return words


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    with open(argv[1], encoding='utf-8') as f:
        words = world_words(json.load(f))
    tok = build(words)
    with open(argv[2], 'w', encoding='utf-8') as f:
        json.dump(tok, f, ensure_ascii=False, indent=2)
        f.write('\n')
    print(f'tokenizer: {len(tok["model"]["vocab"])} tokens, {len(tok["model"]["merges"])} merges -> {argv[2]}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))


class PyTokenizer:
    """Python twin of the app's ClipTokenizer for plain text (ASCII world captions): used only by the
    smoke test and test vectors when no app-tokenized data is at hand. The app's tokenizer is the truth."""

    def __init__(self, tok_json, context_length=32):
        vocab = tok_json['model']['vocab']
        self.vocab = vocab
        self.ranks = {tuple(m.split(' ')): i for i, m in enumerate(tok_json['model']['merges'])}
        self.sot, self.eot = vocab[SOT], vocab[EOT]
        self.context_length = context_length

    def encode(self, text):
        ids = [self.sot]
        for p in pieces(text):
            ids += [self.vocab[s] for s in apply_bpe(p, self.ranks)]
        ids.append(self.eot)
        if len(ids) > self.context_length:  # CLIP truncation: keep <|endoftext|> last
            ids = ids[:self.context_length]
            ids[-1] = self.eot
        return ids + [0] * (self.context_length - len(ids))
