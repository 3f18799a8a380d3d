"""Checks of twins.py on real training data written with --twins, run by smoke.test.ts: a batch's
pairs are a scene and its twin (the largest group's shape changed), and each pair gets one caption slot in
which the two captions differ, by naming that shape."""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from negatives import shape_token_ids  # noqa: E402
from train import load_data  # noqa: E402
from twins import TwinPairs, read_meta, twin_changes_smaller_group, twin_rows  # noqa: E402

data, tokenizer = sys.argv[1], sys.argv[2]
info, images, tokens = load_data(data)
meta = read_meta(data)
twin = twin_rows(meta)
assert (twin >= 0).sum() >= 4, 'the data has too few twins for this check'
for i in np.nonzero(twin >= 0)[0]:
    assert twin[twin[i]] == i and abs(twin[i] - i) == 1 and meta[i]['index'] == meta[twin[i]]['index']
# as train.py: short captions (<|endoftext|> by position 7) that name a shape
shapey = (tokens.argmax(dim=-1) <= 7) & torch.isin(tokens, torch.tensor(shape_token_ids(tokenizer))).any(dim=-1)
pairs = TwinPairs(twin, tokens, shapey, n_pairs=2, rng=np.random.default_rng(0))
short_named = 0
for _ in range(20):
    rows = pairs.sample()
    slot = pairs.slots(rows, shape_frac=0.5)
    assert len(rows) == 4 and torch.equal(slot[:2], slot[2:])
    for p in range(2):
        a, b = int(rows[p]), int(rows[p + 2])
        assert twin[a] == b and meta[b].get('twinOf') == a, (a, b)
        ca, cb = meta[a]['captions'][slot[p]], meta[b]['captions'][slot[p]]
        assert ca != cb, f'pair {a}/{b} got slot {int(slot[p])}, where their captions agree: {ca!r}'
        ga, gb = meta[a]['scene']['groups'], meta[b]['scene']['groups']
        changed = [g for g in range(len(ga)) if ga[g]['shape'] != gb[g]['shape']]
        assert len(changed) == 1, (ga, gb)
        assert ga[changed[0]]['shape'] in ca and gb[changed[0]]['shape'] in cb, (ca, cb)
        short_named += bool(shapey[a, slot[p]])
assert short_named > 0, 'no short caption naming the shape was ever picked'
# which pairs changed a smaller group (train.py --small-twin-weight): read from the scenes themselves
small = twin_changes_smaller_group(meta)
assert not small[twin < 0].any()
kinds = set()
for i in np.nonzero(twin >= 0)[0]:
    ga, gb = meta[i]['scene']['groups'], meta[twin[i]]['scene']['groups']
    changed = [g for g in range(len(ga)) if ga[g]['shape'] != gb[g]['shape']][0]
    largest = next((g for g in range(len(ga)) if ga[g]['size'] == 'large'), 0)
    assert small[i] == (changed != largest), (ga, gb)
    kinds.add(bool(small[i]))
assert kinds == {True, False}, 'the smoke data should hold twins of both kinds'
print('twins ok')
