"""Checks of negatives.py on real captions, run by smoke.test.ts: every edit is a false caption that
differs from the true one in exactly what it claims to change (a shape, a count, or a swap)."""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from negatives import COLOURS, HardNegatives, SHAPES, PLURALS, parse_edit_weights  # noqa: E402

tokenizer = sys.argv[1]
vocab = json.load(open(tokenizer, encoding='utf-8'))['model']['vocab']
ids = lambda text: [vocab[w + '</w>'] for w in text.split()]  # noqa: E731  (every world word is one token)
words = {i: w[:-4] for w, i in vocab.items() if w.endswith('</w>')}
text = lambda row: ' '.join(words[i] for i in row)  # noqa: E731

neg = HardNegatives(tokenizer, np.random.default_rng(0))
assert neg.edit(ids('a photo of a red object')) is None, 'no shape, no count, one colour: nothing to edit'
seen = set()
for _ in range(200):
    true = 'two red circles with a large blue star on sand'
    out = text(neg.edit(ids(true)))
    assert out != true
    a, b = true.split(), out.split()
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    # words: 0 two, 1 red, 2 circles, 3 with, 4 a, 5 large, 6 blue, 7 star, 8 on, 9 sand
    if diff and diff[0] in (0, 4) and set(diff) <= {diff[0], diff[0] + (2 if diff[0] == 0 else 3)}:
        kind = 'count'                                 # a count changed, and its noun's number with it
        c, n = diff[0], diff[0] + (2 if diff[0] == 0 else 3)
        assert b[c] in ('a', 'two', 'three') and b[c] != a[c]
        assert b[n].rstrip('s').rstrip('e') == a[n].rstrip('s').rstrip('e') and (b[n] in PLURALS) == (b[c] != 'a')
    elif diff == [2, 7]:                               # shapes swapped between the groups, numbers kept
        kind = 'swap-shapes'
        assert (b[2], b[7]) == ('stars', 'circle')
    elif diff == [1, 6]:                               # colours swapped between the groups
        kind = 'swap-colours'
        assert (b[1], b[6]) == ('blue', 'red')
    else:                                              # one shape replaced by another, number kept
        kind = 'shape'
        assert len(diff) == 1 and diff[0] in (2, 7), (true, out)
        assert b[diff[0]] in (PLURALS if diff[0] == 2 else SHAPES)
    seen.add(kind)
assert seen == {'count', 'shape', 'swap-shapes', 'swap-colours'}, seen

# aimed shape edits: when the model's texts of circle and hexagon are nearly one, "a circle" becomes
# "a hexagon" most of the time, and every other shape still some of the time (the uniform share)
sim = np.full((8, 8), 0.5) + 0.5 * np.eye(8)
c, h = SHAPES.index('circle'), SHAPES.index('hexagon')
sim[c, h] = sim[h, c] = 0.99
neg.set_shape_similarity(sim, temp=0.05, uniform=0.25)
assert np.allclose(neg.replace_p.sum(axis=1), 1) and np.all(np.diag(neg.replace_p) == 0)
edits = [text(neg.edit(ids('a circle'))).split() for _ in range(800)]
got = [w for a, w in edits if a == 'a']             # the shape edits (the others change the count)
share = got.count('hexagon') / len(got)
assert 0.7 < share < 0.85, share                   # 0.75 aimed + 0.25/7 uniform ~ 0.79
assert set(got) == set(SHAPES) - {'circle'}, set(got)

# weighted kinds: count edits at a quarter of the others' weight, shape edits at twice; count=0 never
def kinds(neg, n=1200):
    out = {}
    for _ in range(n):
        a, b = 'two red circles'.split(), text(neg.edit(ids('two red circles'))).split()
        k = 'count' if a[0] != b[0] else 'shape'
        out[k] = out.get(k, 0) + 1
    return out
got = kinds(HardNegatives(tokenizer, np.random.default_rng(1), parse_edit_weights('count=0.25,shape=2')))
assert 0.06 < got['count'] / 1200 < 0.16, got       # 0.25 / (0.25 + 2) ~ 0.11
assert 'count' not in kinds(HardNegatives(tokenizer, np.random.default_rng(2), parse_edit_weights('count=0')))
# colour edits, drawn only when named: exactly one colour word becomes another colour; close colours
# (red -> orange, pink, brown) half the time, so more often than the uniform 1/9 each
only_colour = HardNegatives(tokenizer, np.random.default_rng(3), parse_edit_weights('colour=1,shape=0,count=0,swap-shapes=0,swap-colours=0'))
true = 'two red circles with a large blue star on sand'.split()
to = {}
for _ in range(900):
    b = text(only_colour.edit(ids(' '.join(true)))).split()
    diff = [i for i in range(len(true)) if true[i] != b[i]]
    assert len(diff) == 1 and diff[0] in (1, 6) and b[diff[0]] in COLOURS, (true, b)
    if diff[0] == 1:
        to[b[1]] = to.get(b[1], 0) + 1
red = sum(to.values())
assert 0.15 < to['orange'] / red < 0.3 and to.get('green', 0) / red < 0.1, to   # 1/6 + 1/18 ~ 0.22 vs 1/18
unnamed = HardNegatives(tokenizer, np.random.default_rng(4), parse_edit_weights('count=1'))
assert all(text(unnamed.edit(ids('two red circles'))).split()[1] == 'red' for _ in range(300)), 'colour edits only when named'
try:
    parse_edit_weights('size=1')
    raise AssertionError('an unknown edit kind must be refused')
except ValueError:
    pass
print('negatives ok:', sorted(seen))
