"""Hard negative captions made by editing a true caption's tokens (NegCLIP, Yuksekgonul et al. 2023).

Contrastive learning takes the cheapest cue that tells a batch apart. In this world a scene's full
caption is already unique by colour, place and background, so the encoders never need shape or count
(zero-shot shape stayed at 0.16 after phase 1; a linear probe of the image features reached only 0.6,
while the same CNN trained on shape labels reaches 0.92 in 500 steps). A caption with one word changed
("two red circles" -> "two red hearts", "three red circles", or the shapes of two groups swapped) is
false for the image, and the image can only prefer its true caption by seeing shape and count.
The negatives join the batch's texts for the image->text half of the loss (the paper's loss otherwise).

Every world word is one token (see build_tokenizer.py), so edits are swaps of token ids.
"""
import json

import numpy as np

SHAPES = ['circle', 'square', 'triangle', 'star', 'heart', 'cross', 'diamond', 'hexagon']
PLURALS = ['circles', 'squares', 'triangles', 'stars', 'hearts', 'crosses', 'diamonds', 'hexagons']
COLOURS = ['red', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'brown', 'white', 'black']
SIZE_WORDS = ['small', 'little', 'large', 'big']
COUNT_WORDS = {'a': 1, 'one': 1, 'two': 2, 'three': 3}
COUNT_TOKEN = {1: 'a', 2: 'two', 3: 'three'}
# any other shape, uniformly: row s is the replacement distribution for shape s
UNIFORM_REPLACE = (1 - np.eye(len(SHAPES))) / (len(SHAPES) - 1)
EDIT_KINDS = ('shape', 'count', 'swap-shapes', 'swap-colours', 'colour')
# 'colour' (one colour word replaced) is drawn only when --neg-edits names it (train.sh's default
# recipe does, since session 10; older recipes keep their negatives). Half the time the new colour is
# one that looks close: small objects are where a model mixes them ("three small orange circles"
# first for "two red circles" before it).
COLOUR_LOOKALIKE = {
    'red': ['orange', 'pink', 'brown'], 'orange': ['red', 'yellow', 'brown'], 'yellow': ['orange', 'white'],
    'green': ['blue', 'brown'], 'blue': ['purple', 'green'], 'purple': ['blue', 'pink'],
    'pink': ['red', 'purple'], 'brown': ['red', 'orange', 'black'], 'white': ['yellow', 'pink'],
    'black': ['brown', 'blue'],
}


DEFAULT_WEIGHTS = {k: 0.0 if k == 'colour' else 1.0 for k in EDIT_KINDS}


def parse_edit_weights(text):
    """'count=0.25,shape=2' -> {'count': 0.25, 'shape': 2.0, …} (kinds not named keep DEFAULT_WEIGHTS)."""
    weights = dict(DEFAULT_WEIGHTS)
    for part in filter(None, (p.strip() for p in text.split(','))):
        kind, _, value = part.partition('=')
        if kind not in weights:
            raise ValueError(f'unknown edit kind {kind!r}; known: {EDIT_KINDS}')
        weights[kind] = float(value)
    return weights


def shape_token_ids(tokenizer_path):
    """Token ids of every shape word, singular and plural."""
    with open(tokenizer_path, encoding='utf-8') as f:
        vocab = json.load(f)['model']['vocab']
    return sorted(vocab[w + '</w>'] for w in SHAPES + PLURALS)


class HardNegatives:
    def __init__(self, tokenizer_path, rng, weights=None):
        with open(tokenizer_path, encoding='utf-8') as f:
            vocab = json.load(f)['model']['vocab']
        tok = lambda w: vocab[w + '</w>']  # noqa: E731
        self.rng = rng
        self.singular = np.array([tok(s) for s in SHAPES])
        self.plural = np.array([tok(p) for p in PLURALS])
        self.colour = np.array([tok(c) for c in COLOURS])
        self.modifier = set(tok(w) for w in SIZE_WORDS + COLOURS)
        self.count_of = {tok(w): n for w, n in COUNT_WORDS.items()}
        self.count_token = {n: tok(w) for n, w in COUNT_TOKEN.items()}
        # token id -> (shape index, is plural)
        self.shape_of = {int(t): (i, False) for i, t in enumerate(self.singular)}
        self.shape_of.update({int(t): (i, True) for i, t in enumerate(self.plural)})
        self.colour_ids = set(int(t) for t in self.colour)
        self.colour_index = {int(t): i for i, t in enumerate(self.colour)}
        self.colour_near = [[COLOURS.index(c) for c in COLOUR_LOOKALIKE[name]] for name in COLOURS]
        # replace_p[s]: which shape replaces shape s in a shape edit (uniform over the others until
        # set_shape_similarity says which ones the model still confuses)
        self.replace_p = UNIFORM_REPLACE
        # relative weight of each kind of edit among those a caption allows (None: all equal, no colour edits)
        if weights and set(weights) - set(EDIT_KINDS):
            raise ValueError(f'unknown edit kinds {sorted(set(weights) - set(EDIT_KINDS))}; known: {EDIT_KINDS}')
        self.weights = {**DEFAULT_WEIGHTS, **weights} if weights else None

    def set_shape_similarity(self, sim, temp, uniform=0.25):
        """Aim shape edits at the shapes the model confuses: sim [8, 8] is the cosine similarity of the
        model's current text embeddings of "a {shape}" (the towers are aligned, so shapes whose images
        look alike to the image encoder have close texts: circle/hexagon, star/cross). Replacements are
        drawn softmax(sim / temp) over the other shapes, mixed with `uniform` of the uniform choice."""
        sim = np.asarray(sim, dtype=np.float64)
        logits = np.where(np.eye(len(SHAPES), dtype=bool), -np.inf, sim / temp)
        w = np.exp(logits - logits.max(axis=1, keepdims=True))
        w /= w.sum(axis=1, keepdims=True)
        self.replace_p = (1 - uniform) * w + uniform * UNIFORM_REPLACE

    def _shape_token(self, shape, plural):
        return int((self.plural if plural else self.singular)[shape])

    def edit(self, ids):
        """One false variant of a caption (list of token ids), or None when no edit applies."""
        shapes = [p for p, t in enumerate(ids) if t in self.shape_of]
        colours = [p for p, t in enumerate(ids) if t in self.colour_ids]
        # count words that quantify a shape: "two [small] [red] circles"
        counts = []
        for p, t in enumerate(ids):
            if t in self.count_of:
                q = p + 1
                while q < len(ids) and q - p <= 3 and ids[q] in self.modifier:
                    q += 1
                if q < len(ids) and ids[q] in self.shape_of:
                    counts.append((p, q))
        options = []
        if shapes:
            options.append('shape')
        if counts:
            options.append('count')
        if len({ids[p] for p in shapes}) >= 2:
            options.append('swap-shapes')
        if len({ids[p] for p in colours}) >= 2:
            options.append('swap-colours')
        if colours and self.weights is not None:
            options.append('colour')
        if self.weights is not None:
            options = [o for o in options if self.weights[o] > 0]
        if not options:
            return None
        out = list(ids)
        if self.weights is None:
            kind = options[self.rng.integers(len(options))]
        else:
            w = np.array([self.weights[o] for o in options])
            kind = options[self.rng.choice(len(options), p=w / w.sum())]
        if kind == 'shape':
            p = shapes[self.rng.integers(len(shapes))]
            s, plural = self.shape_of[out[p]]
            out[p] = self._shape_token(int(self.rng.choice(len(SHAPES), p=self.replace_p[s])), plural)
        elif kind == 'count':
            p, q = counts[self.rng.integers(len(counts))]
            n = self.count_of[out[p]]
            m = [c for c in (1, 2, 3) if c != n][self.rng.integers(2)]
            out[p] = self.count_token[m]
            out[q] = self._shape_token(self.shape_of[out[q]][0], m > 1)
        elif kind == 'colour':
            p = colours[self.rng.integers(len(colours))]
            c = self.colour_index[out[p]]
            if self.rng.random() < 0.5:
                new = self.colour_near[c][self.rng.integers(len(self.colour_near[c]))]
            else:
                new = [i for i in range(len(COLOURS)) if i != c][self.rng.integers(len(COLOURS) - 1)]
            out[p] = int(self.colour[new])
        else:
            pool = shapes if kind == 'swap-shapes' else colours
            while True:
                a, b = self.rng.choice(pool, size=2, replace=False)
                if out[a] != out[b]:
                    break
            if kind == 'swap-shapes':
                (sa, pa), (sb, pb) = self.shape_of[out[a]], self.shape_of[out[b]]
                out[a], out[b] = self._shape_token(sb, pa), self._shape_token(sa, pb)
            else:
                out[a], out[b] = out[b], out[a]
        return out

    def batch(self, T):
        """Negatives for a batch of token rows [n, L] (int64 tensor): rows [m, L] for the rows an edit applies to."""
        rows = []
        for r in T.tolist():
            e = self.edit(r)
            if e is not None:
                rows.append(e)
        return rows
