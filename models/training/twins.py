"""Twin pairs: a training scene and its twin, the same scene with one group's shape changed — the
largest group's, or with `--small-twins` sometimes a smaller one's (rendered by the app's world,
`debug training-data --twins`) — put in one batch with the same caption slot, one that names the
changed shape: a full caption, or a short one naming the largest object or that group alone.

Edited captions (negatives.py) make each image prefer its own shape word over another; they cannot
make a text prefer the right image, because no image in a random batch differs from the true one in
shape alone. A twin does: "a red circle" must pick the circle's image over the hexagon's, and the
two renders differ in nothing else (background, places, sizes, rotations, texture), so the image
encoder's only way to tell them apart is the shape. Both directions of the paper's loss, unchanged.
"""
import json
import os

import numpy as np
import torch


def read_meta(data_dir):
    """meta.jsonl's rows (one dict per image), read once and handed to everything that needs them."""
    with open(os.path.join(data_dir, 'meta.jsonl'), encoding='utf-8') as f:
        return [json.loads(line) for line in f]


def twin_rows(rows):
    """[n] int64: for each image the row of its twin (meta "twinOf": the twin is written right after
    its scene), both ways; -1 for images without one. rows: read_meta's."""
    out = np.full(len(rows), -1, dtype=np.int64)
    for i, row in enumerate(rows):
        j = row.get('twinOf')
        if j is not None:
            out[i], out[j] = j, i
    return out


def twin_changes_smaller_group(rows):
    """[n] bool: True at both rows of a twin pair whose twin changed a smaller group's shape (the
    largest group's colour and shape are the same in both rows' meta "largest"). rows: read_meta's."""
    out = np.zeros(len(rows), dtype=bool)
    for i, row in enumerate(rows):
        j = row.get('twinOf')
        if j is not None and row['largest'] == rows[j]['largest']:
            out[i] = out[j] = True
    return out


def pick(mask, rng):
    """One random True column per row of a [rows, k] bool mask (column 0 when a row has none): which
    caption of each image a batch uses, among those the mask allows."""
    return (torch.from_numpy(rng.random(tuple(mask.shape))).float() * mask.float()).argmax(dim=1)


class TwinPairs:
    def __init__(self, twin, tokens, shapey, n_pairs, rng):
        """twin [n] from twin_rows; tokens [n, k, L]; shapey [n, k]: short captions that name a shape
        (the largest object's, or one group's alone)."""
        n = len(twin)
        self.twin, self.shapey, self.n_pairs, self.rng = twin, shapey, n_pairs, rng
        self.bases = np.nonzero((twin >= 0) & (twin > np.arange(n)))[0]
        if n_pairs and len(self.bases) < n_pairs:
            raise SystemExit(f'{n_pairs} twin pairs per batch need twins in the data (debug training-data --twins); found {len(self.bases)}')
        # caption slots that differ between a scene and its twin: the ones naming the changed shape
        self.differs = torch.zeros(tokens.shape[:2], dtype=torch.bool)
        if len(self.bases):
            b = torch.from_numpy(self.bases)
            self.differs[b] = (tokens[b] != tokens[torch.from_numpy(twin[self.bases])]).any(dim=-1)
        self.order, self.pos = (rng.permutation(self.bases) if n_pairs else self.bases), 0

    def sample(self):
        """Rows [2 * n_pairs]: n_pairs scenes, then their twins in the same order."""
        if self.pos + self.n_pairs > len(self.order):
            self.order, self.pos = self.rng.permutation(self.bases), 0
        b = self.order[self.pos:self.pos + self.n_pairs]
        self.pos += self.n_pairs
        return torch.from_numpy(np.concatenate([b, self.twin[b]]))

    def slots(self, rows, shape_frac):
        """Caption slot per row of sample()'s rows: the same for a scene and its twin, one that differs
        between them; a short one naming the shape with probability shape_frac (when there is one)."""
        b = rows[:self.n_pairs]
        slot = pick(self.differs[b], self.rng)
        short_diff = self.differs[b] & self.shapey[b]
        want = torch.from_numpy(self.rng.random(self.n_pairs) < shape_frac) & short_diff.any(dim=1)
        slot = torch.where(want, pick(short_diff, self.rng), slot)
        return torch.cat([slot, slot])
