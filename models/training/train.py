"""Trains the demo CLIP on the scene world's training data (see model.py for the loss).

usage: train.py --data DIR --tokenizer tokenizer.json --out CKPT [--steps N] [--batch B] [--seed S] ...

DIR is what `shoebox debug training-data` writes: images.u8 (N x 3 x 64 x 64 uint8), tokens.i32
(N x K x 32 int32, K captions per image, tokenized by the app's own tokenizer), meta.jsonl, info.json.
Each step takes B images and one of their K captions at random. Seeded: the same data, seed and
thread count give the same model.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import Clip, Config, widen_to_space_to_depth  # noqa: E402
from negatives import SHAPES, HardNegatives, parse_edit_weights, shape_token_ids  # noqa: E402
from twins import TwinPairs, pick, read_meta, twin_changes_smaller_group, twin_rows  # noqa: E402


def load_data(d):
    with open(os.path.join(d, 'info.json')) as f:
        info = json.load(f)
    n, s, k, c = info['count'], info['size'], info['captions'], info['context']
    images = np.fromfile(os.path.join(d, 'images.u8'), dtype=np.uint8).reshape(n, 3, s, s)
    tokens = np.fromfile(os.path.join(d, 'tokens.i32'), dtype='<i4').reshape(n, k, c)
    return info, torch.from_numpy(images), torch.from_numpy(tokens.astype(np.int64))


class Normalise:
    """uint8 CHW -> float, normalised with the data's mean/std (CLIP's, on the 0..1 scale)."""

    def __init__(self, mean, std):
        self.mean = torch.tensor(mean, dtype=torch.float32).view(1, 3, 1, 1) * 255.0
        self.inv_std = 1.0 / (torch.tensor(std, dtype=torch.float32).view(1, 3, 1, 1) * 255.0)

    def __call__(self, u8):
        return ((u8.float() - self.mean) * self.inv_std).contiguous(memory_format=torch.channels_last)


def group_captions(rows, k):
    """[n, k] bool: which captions name one group alone (meta "kinds"; older data has none). rows: read_meta's."""
    out = torch.zeros(len(rows), k, dtype=torch.bool)
    for i, row in enumerate(rows):
        kinds = row.get('kinds')
        if kinds:
            out[i] = torch.tensor([kd == 'group' for kd in kinds])
    return out


def largest_groups(rows):
    """Per image, its largest group (world's largestGroup: the large one, else the only one). rows: read_meta's."""
    return [next((g for g in groups if g['size'] == 'large'), groups[0]) for groups in (row['scene']['groups'] for row in rows)]


def largest_shapes(rows):
    """[n] int64: per image, the index in SHAPES of its largest group's shape."""
    return torch.tensor([SHAPES.index(g['shape']) for g in largest_groups(rows)])


def largest_keys(rows):
    """Per image, (colour, position) of its largest group."""
    return [(g['colour'], g['position']) for g in largest_groups(rows)]


class HardBatches:
    """Batches whose largest objects share colour and position, `per_key` images per (colour, position).

    Contrastive learning takes the cheapest cue that tells a batch apart: with random batches colour,
    position and background already do, and shape is never needed (zero-shot shape stays at chance).
    In these batches the largest object differs in shape (and count) only, so captions that name the
    shape ("a circle", "a large red star") can only be matched by seeing the shape: the batch is the
    source of hard negatives.
    """

    def __init__(self, keys, per_key, rng):
        self.rng = rng
        self.per_key = per_key
        groups = {}
        for i, k in enumerate(keys):
            groups.setdefault(k, []).append(i)
        self.groups = [np.array(v) for _, v in sorted(groups.items()) if len(v) >= per_key]

    def sample(self, batch):
        picks = self.rng.choice(len(self.groups), size=batch // self.per_key, replace=False)
        return np.concatenate([self.rng.choice(self.groups[g], size=self.per_key, replace=False) for g in picks])


def shape_prompt_ids(tokenizer_path, vocab_size):
    """[8, 4] token rows of "a {shape}" (<|startoftext|>, <|endoftext|> are the last two ids)."""
    with open(tokenizer_path, encoding='utf-8') as f:
        vocab = json.load(f)['model']['vocab']
    return torch.tensor([[vocab_size - 2, vocab['a</w>'], vocab[s + '</w>'], vocab_size - 1] for s in SHAPES])


@torch.no_grad()
def shape_text_similarity(model, prompts):
    """Cosine similarity [8, 8] of the model's current text embeddings of "a {shape}"."""
    e = torch.nn.functional.normalize(model.embed_text(prompts), dim=1)
    return (e @ e.t()).numpy()


def trim(ids):
    """Cut a batch of token rows to its longest caption (exact, see TextEncoder)."""
    return ids[:, : int(ids.argmax(dim=1).max()) + 1]


def param_groups(model, wd):
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if p.ndim < 2 or 'embedding' in name or name == 't' else decay).append(p)
    return [{'params': decay, 'weight_decay': wd}, {'params': no_decay, 'weight_decay': 0.0}]


def optimizer_groups(model, cfg, wd, temp_lr=1.0):
    """AdamW parameter groups; a group's 'lr_scale' multiplies the scheduled learning rate."""
    groups = param_groups(model, wd)

    def own_group(p, **opts):
        """Move p out of the group that holds it into a group of its own."""
        for g in groups:
            g['params'] = [q for q in g['params'] if q is not p]
        groups.append({'params': [p], **opts})

    if cfg.space_to_depth and not cfg.haar:
        # The four pixels of a block are nearly equal, so Adam's same-sized steps on their four weights
        # add up: a quarter of the learning rate keeps the first layer's step that of a 64 px model
        # (phase-1 probe: val R@1 0.84 after 250 steps, 0.77 without it).
        own_group(model.image_encoder.body[0][0].weight, weight_decay=wd, lr_scale=0.25)
    if temp_lr != 1.0:
        # Adam moves t by about the learning rate per step whatever the gradient's size, and the loss
        # still wants a larger logit scale when phase 2 ends (mean dL/dt -0.057 at scale 38, MODEL_CARD.md)
        own_group(model.t, weight_decay=0.0, lr_scale=temp_lr)
    return groups


@torch.no_grad()
def retrieval_r1(model, norm, images, tokens, n=500):
    """Text->image R@1 over the first n samples with caption 0 (a quick health check, not the eval)."""
    model.eval()
    n = min(n, images.shape[0])
    I = torch.nn.functional.normalize(model.embed_image(norm(images[:n])), dim=1)
    T = torch.nn.functional.normalize(model.embed_text(trim(tokens[:n, 0])), dim=1)
    r1 = (T @ I.t()).argmax(dim=1).eq(torch.arange(n)).float().mean().item()
    model.train()
    return r1


@torch.no_grad()
def zero_shot_shape(model, norm, images, shapes, prompts, n=500):
    """Accuracy of "a {shape}" zero-shot on the largest object's shape over the first n samples (a quick
    health check of what full captions do not teach; the eval's number uses prompt ensembles)."""
    model.eval()
    n = min(n, images.shape[0])
    I = torch.nn.functional.normalize(model.embed_image(norm(images[:n])), dim=1)
    T = torch.nn.functional.normalize(model.embed_text(prompts), dim=1)
    acc = (I @ T.t()).argmax(dim=1).eq(shapes[:n]).float().mean().item()
    model.train()
    return acc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--val', help='optional held-out data dir for a quick R@1 check')
    ap.add_argument('--tokenizer', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--steps', type=int, default=3000)
    ap.add_argument('--batch', type=int, default=256)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--wd', type=float, default=0.1)
    ap.add_argument('--warmup', type=int, default=100)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--log-every', type=int, default=50)
    ap.add_argument('--shift', type=int, help='max random translation in pixels (0 = none; default 2 per 64 px of input)')
    ap.add_argument('--hard-frac', type=float, default=0.0, help='fraction of steps with hard-negative batches (see HardBatches)')
    ap.add_argument('--hard-per-key', type=int, default=16, help='images per (colour, position) in a hard batch')
    ap.add_argument('--config', default='{}', help='JSON overrides of model.Config')
    ap.add_argument('--short-frac', type=float, default=0.0,
                    help='fraction of texts drawn from each image\'s short (partial) captions: "a red star", "a photo of a star"')
    ap.add_argument('--shape-frac', type=float, default=0.0,
                    help='fraction of texts drawn from the short captions that name a shape ("a star", "two red hearts")')
    ap.add_argument('--group-frac', type=float, default=0.0,
                    help='fraction of texts drawn from captions that name one group alone ("two red circles"); '
                         'group captions are drawn only this way')
    ap.add_argument('--twin-frac', type=float, default=0.0,
                    help='fraction of each batch made of twin pairs (a scene and its twin, captioned with the same '
                         'caption slot, one that names the changed shape), so shapes are told apart in both directions')
    ap.add_argument('--twin-weight', type=float, default=0.0,
                    help='weight of model.twin_separation over the twin pairs of each batch (both towers; 0 = off)')
    ap.add_argument('--small-twin-weight', type=float, default=1.0,
                    help='twin_separation weight of pairs whose twin changed a smaller group, relative to the largest '
                         'group\'s pairs (their images differ in ~2%% of the pixels and stay closer)')
    ap.add_argument('--twin-margin', type=float, default=0.9,
                    help='cosine below which twin_separation leaves a pair alone')
    ap.add_argument('--neg-frac', type=float, default=0.0,
                    help='fraction of captions that also get an edited false copy as a hard negative (negatives.py)')
    ap.add_argument('--neg-edits', default='',
                    help='relative weights of the kinds of edit, e.g. "count=0.25" (default: all kinds equally likely)')
    ap.add_argument('--neg-confusable', type=float, default=0.0,
                    help='temperature with which shape edits pick the shapes the model confuses most (0 = uniform; '
                         'see HardNegatives.set_shape_similarity), refreshed every --log-every steps')
    ap.add_argument('--temp-lr', type=float, default=1.0,
                    help='learning-rate multiplier of the temperature t (see optimizer_groups)')
    ap.add_argument('--init', help='start from this checkpoint (same config, or a 64 px one when this config has '
                                   'space_to_depth) instead of random weights')
    ap.add_argument('--pool', type=int, default=1,
                    help='average-pool the data\'s images by this factor before the model (2: 128 px data trains a 64 px model)')
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    with open(args.tokenizer, encoding='utf-8') as f:
        vocab_size = len(json.load(f)['model']['vocab'])
    info, images, tokens = load_data(args.data)
    n, k = images.shape[0], tokens.shape[1]
    cfg = Config(vocab_size=vocab_size, context_length=info['context'],
                 **{'image_size': info['size'] // args.pool, **json.loads(args.config)})
    if args.shift is None:
        args.shift = 2 * info['size'] // 64      # in the data's pixels, before any pooling
    model = Clip(cfg)
    if args.init:
        init = torch.load(args.init)
        state = init['state_dict']
        if cfg.space_to_depth and not init['config'].get('space_to_depth'):
            state = widen_to_space_to_depth(state, haar=cfg.haar)
        model.load_state_dict(state)
    model = model.to(memory_format=torch.channels_last)
    normalise = Normalise(info['mean'], info['std'])

    def norm(u8):
        x = normalise(u8)
        # pooling after normalising is the same as before it (both are per-channel affine + mean)
        return torch.nn.functional.avg_pool2d(x, args.pool) if args.pool > 1 else x
    val = load_data(args.val) if args.val else None
    val_shapes = largest_shapes(read_meta(args.val)) if args.val else None

    groups = optimizer_groups(model, cfg, args.wd, args.temp_lr)
    opt = torch.optim.AdamW(groups, lr=args.lr, betas=(0.9, 0.98), eps=1e-6)

    def lr_at(step):
        if step < args.warmup:
            return args.lr * (step + 1) / args.warmup
        p = (step - args.warmup) / max(1, args.steps - args.warmup)
        return args.lr * 0.5 * (1 + math.cos(math.pi * p))

    print(f'train: {n} images x {k} captions, {args.steps} steps of {args.batch}, '
          f'{sum(p.numel() for p in model.parameters()) / 1e6:.2f}M params, {args.threads} threads', flush=True)
    order, pos = rng.permutation(n), 0
    # Short captions name one or two attributes of the largest object; drawing them more often gives
    # the loss a reason to tell shapes apart (full captions are separable by colour and place alone).
    lengths = tokens.long().argmax(dim=-1)                     # position of <|endoftext|> = caption length + 1
    # group captions ("two red circles", any group) are drawn only through --group-frac: elsewhere
    # a short caption means the largest object, as zero-shot prompts do
    meta = read_meta(args.data)
    group = group_captions(meta, k)                       # [n, k]
    short = (lengths <= 7) & ~group                       # [n, k]
    has_short = short.any(dim=1)
    negatives = HardNegatives(args.tokenizer, rng, parse_edit_weights(args.neg_edits) if args.neg_edits else None) if args.neg_frac > 0 else None
    # short captions that name a shape: in a batch they can only find their image by its shape
    shapey = short & torch.isin(tokens, torch.tensor(shape_token_ids(args.tokenizer))).any(dim=-1)   # [n, k]
    has_shapey = shapey.any(dim=1)
    has_group = group.any(dim=1)
    shape_prompts = shape_prompt_ids(args.tokenizer, vocab_size)
    # twin pairs: a scene and its twin, one group's shape changed (twins.py); a pair's short caption may
    # also be one naming that group alone ("two red circles"), drawn nowhere else without --group-frac
    n_pairs = int(round(args.batch * args.twin_frac / 2))
    pairs = TwinPairs(twin_rows(meta), tokens, shapey | group, n_pairs, rng)
    small_twin = twin_changes_smaller_group(meta) if n_pairs and args.small_twin_weight != 1.0 else None
    hard = HardBatches(largest_keys(meta), args.hard_per_key, rng) if args.hard_frac > 0 else None

    t0 = time.perf_counter()
    t_log, seen = t0, 0
    model.train()
    for step in range(args.steps):
        paired = False
        if hard is not None and rng.random() < args.hard_frac:
            idx = torch.from_numpy(hard.sample(args.batch))
        else:
            m = args.batch - 2 * n_pairs
            if pos + m > n:
                order, pos = rng.permutation(n), 0
            idx = torch.from_numpy(order[pos:pos + m])
            pos += m
            if n_pairs:
                idx = torch.cat([idx, pairs.sample()])
                paired = True
        I = images[idx]
        if args.shift:
            # small translations keep the meaning ("left" stays left); no flips: left/right matter
            dx, dy = (int(v) for v in rng.integers(-args.shift, args.shift + 1, size=2))
            I = torch.roll(I, shifts=(dy, dx), dims=(2, 3))
        cap = pick(~group[idx], rng) if group.any() else torch.from_numpy(rng.integers(0, k, size=len(idx)))
        # then, each with its probability: a short caption, one naming a shape, one naming a group
        for frac, allowed, has in ((args.short_frac, short, has_short), (args.shape_frac, shapey, has_shapey),
                                   (args.group_frac, group, has_group)):
            if frac > 0:
                want = torch.from_numpy(rng.random(len(idx)) < frac) & has[idx]
                cap = torch.where(want, pick(allowed[idx], rng), cap)
        if paired:
            cap[len(idx) - 2 * n_pairs:] = pairs.slots(idx[len(idx) - 2 * n_pairs:], args.shape_frac)
        T = trim(tokens[idx, cap])
        T_neg = None
        if negatives is not None and args.neg_confusable > 0 and step % args.log_every == 0:
            negatives.set_shape_similarity(shape_text_similarity(model, shape_prompts), args.neg_confusable)
        if negatives is not None:
            rows = negatives.batch(T[torch.from_numpy(rng.random(len(idx)) < args.neg_frac)])
            T_neg = trim(torch.tensor(rows, dtype=torch.int64)) if rows else None
        for g in opt.param_groups:
            g['lr'] = lr_at(step) * g.get('lr_scale', 1.0)
        pair_weights = None
        if paired and small_twin is not None:
            base = idx[len(idx) - 2 * n_pairs:len(idx) - n_pairs].numpy()
            pair_weights = torch.from_numpy(np.where(small_twin[base], args.small_twin_weight, 1.0)).float()
        loss, logits = model.clip_loss(norm(I), T, T_neg, n_pairs if paired else 0, args.twin_weight, args.twin_margin, pair_weights)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        model.clamp_temperature()
        seen += len(idx)
        if (step + 1) % args.log_every == 0 or step + 1 == args.steps:
            now = time.perf_counter()
            acc = logits.argmax(dim=1).eq(torch.arange(len(idx))).float().mean().item()
            msg = (f'step {step + 1:5d}  loss {loss.item():.3f}  batch-acc {acc:.3f}  scale {model.logit_scale().item():6.2f}  '
                   f'lr {lr_at(step):.2e}  {seen / (now - t_log):5.0f} img/s  {now - t0:6.0f}s')
            # the least separated pair of shape words ("a circle" / "a hexagon" stays ~1.0 when shape fails to come)
            sim = shape_text_similarity(model, shape_prompts)
            i, j = np.unravel_index(np.argmax(sim - 2 * np.eye(len(sim))), sim.shape)
            msg += f'  shape-cos max {sim[i, j]:.3f} ({SHAPES[i]}/{SHAPES[j]})'
            if val is not None and ((step + 1) % (args.log_every * 10) == 0 or step + 1 == args.steps):
                msg += (f'  val-R@1(500) {retrieval_r1(model, norm, val[1], val[2]):.3f}'
                        f'  val-shape(500) {zero_shot_shape(model, norm, val[1], val_shapes, shape_prompts):.3f}')
            print(msg, flush=True)
            t_log, seen = now, 0
    train_seconds = time.perf_counter() - t0
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save({'config': cfg.to_dict(), 'state_dict': model.state_dict(), 'args': vars(args),
                'data_info': info, 'train_seconds': train_seconds, 'final_loss': loss.item(),
                'torch': torch.__version__}, args.out)
    print(f'train: done in {train_seconds:.0f}s, logit scale {model.logit_scale().item():.2f} -> {args.out}', flush=True)


if __name__ == '__main__':
    main()
