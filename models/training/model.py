"""The demo CLIP: a small CNN image encoder, a causal text transformer, and the paper's loss.

The loss reads side by side with the CLIP paper's pseudo-code (Radford et al. 2021, Figure 3):

    # image_encoder - ResNet or Vision Transformer
    # text_encoder  - CBOW or Text Transformer
    # I[n, h, w, c] - minibatch of aligned images
    # T[n, l]       - minibatch of aligned texts
    # W_i[d_i, d_e] - learned proj of image to embed
    # W_t[d_t, d_e] - learned proj of text to embed
    # t             - learned temperature parameter
    # extract feature representations of each modality
    I_f = image_encoder(I) #[n, d_i]
    T_f = text_encoder(T)  #[n, d_t]
    # joint multimodal embedding [n, d_e]
    I_e = l2_normalize(np.dot(I_f, W_i), axis=1)
    T_e = l2_normalize(np.dot(T_f, W_t), axis=1)
    # scaled pairwise cosine similarities [n, n]
    logits = np.dot(I_e, T_e.T) * np.exp(t)
    # symmetric loss function
    labels = np.arange(n)
    loss_i = cross_entropy_loss(logits, labels, axis=0)
    loss_t = cross_entropy_loss(logits, labels, axis=1)
    loss = (loss_i + loss_t)/2
"""
import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class Config:
    vocab_size: int
    context_length: int = 32
    embed_dim: int = 128          # d_e
    # image encoder: channels of the 32x32, 16x16 and 8x8 stages
    widths: tuple = (32, 64, 128)
    # input side in pixels: 64, or 128 (a stride-2 stem, or space-to-depth, brings it to 64 first)
    image_size: int = 64
    # channels of an extra conv at input resolution before the first stride-2 stage (0 = none; a
    # 128 px input needs one, or space_to_depth): small objects (~10 px at 64) keep their outline instead of being halved at once
    stem: int = 0
    # a 128 px input without a stem: each 2x2 pixel block becomes 12 channels of one 64x64 cell
    # (pixel_unshuffle), so every pixel reaches the first conv at ~1.03x the cost of a 64 px input
    space_to_depth: bool = False
    # space-to-depth in a 2x2 Haar basis: per colour the block's mean and its three differences
    # (left-right, top-bottom, diagonal) instead of its four pixels, so the optimiser steps the
    # detail weights on their own gradients rather than as a small part of the pixel weights'
    haar: bool = False
    grid_channels: int = 16       # per-cell channels kept by the position-preserving head
    image_width: int = 256        # d_i
    # text encoder
    text_width: int = 128         # d_t
    text_layers: int = 3
    text_heads: int = 4

    def to_dict(self):
        d = asdict(self)
        d['widths'] = list(self.widths)
        return d


def conv_bn(ci, co, stride=1):
    return nn.Sequential(nn.Conv2d(ci, co, 3, stride, 1, bias=False), nn.BatchNorm2d(co), nn.ReLU(inplace=True))


class ImageEncoder(nn.Module):
    """64x64 (or 128x128 through a stride-2 stem or space-to-depth) -> 8x8 CNN, then a head that keeps both *what* and *where*.

    Global average + max pooling give translation-invariant colour/shape evidence; a 1x1 conv to a few
    channels, flattened over the 8x8 grid, keeps which cell holds what ("on the left", "above").
    (Measured: a ViT with 8x8 patches of the same size is ~4x slower to train on this CPU.)
    """

    def __init__(self, cfg: Config):
        super().__init__()
        a, b, c = cfg.widths
        reducers = bool(cfg.stem and cfg.image_size == 128) + bool(cfg.space_to_depth)
        if cfg.image_size not in (64, 128) or reducers != (cfg.image_size == 128):
            raise ValueError('image_size must be 64, or 128 with a stem or space_to_depth (one of them)')
        stem = [conv_bn(3, cfg.stem, cfg.image_size // 64)] if cfg.stem else []   # -> 64x64
        if cfg.haar and not cfg.space_to_depth:
            raise ValueError('haar is a basis for space_to_depth')
        self.unshuffle = (HaarSpaceToDepth() if cfg.haar else nn.PixelUnshuffle(2)) if cfg.space_to_depth else nn.Identity()
        self.body = nn.Sequential(
            *stem,
            conv_bn(cfg.stem or (12 if cfg.space_to_depth else 3), a, 2), conv_bn(a, a),      # 32x32
            conv_bn(a, b, 2), conv_bn(b, b),      # 16x16
            conv_bn(b, c, 2), conv_bn(c, c),      # 8x8
        )
        self.grid = nn.Sequential(nn.Conv2d(c, cfg.grid_channels, 1), nn.ReLU(inplace=True))
        d_in = 2 * c + cfg.grid_channels * 64
        self.fc = nn.Sequential(nn.Linear(d_in, cfg.image_width), nn.ReLU(inplace=True), nn.LayerNorm(cfg.image_width))
        if cfg.space_to_depth:
            # Start as a 64 px model sees the 2x2 average: one random 3-channel kernel shared by the
            # four pixels of each block. From a plain random init the 128 px model learned colour and
            # place ~3x slower (phase-1 probe: val R@1 0.29-0.45 vs 0.84 after 250 steps).
            first = self.body[0][0].weight                      # [a, 12, 3, 3]; channel 4c+k = colour c, pixel k
            with torch.no_grad():
                shared = torch.empty(first.shape[0], 3, 3, 3)
                nn.init.kaiming_uniform_(shared, a=math.sqrt(5))   # PyTorch's default conv init, fan-in 27
                first.copy_(kernel_for_space_to_depth(shared, cfg.haar))

    def forward(self, x):
        h = self.body(self.unshuffle(x))
        pooled = torch.cat([h.mean(dim=(2, 3)), h.amax(dim=(2, 3))], dim=1)
        grid = self.grid(h).flatten(1)
        return self.fc(torch.cat([pooled, grid], dim=1))


class HaarSpaceToDepth(nn.Module):
    """128x128x3 -> 64x64x12: per colour c, channels 4c..4c+3 are the 2x2 block's mean, (left - right),
    (top - bottom) and diagonal differences, each a quarter-weighted sum of its four pixels.

    The mean channels are exactly the 2x2-averaged image a 64 px model sees. A fixed stride-2 conv
    (grouped by colour), so ONNX exports it as one Conv.
    """

    def __init__(self):
        super().__init__()
        h = torch.tensor([[[1, 1], [1, 1]], [[1, -1], [1, -1]], [[1, 1], [-1, -1]], [[1, -1], [-1, 1]]], dtype=torch.float32) / 4
        self.register_buffer('kernel', h.unsqueeze(1).repeat(3, 1, 1, 1), persistent=False)   # [12, 1, 2, 2]

    def forward(self, x):
        return F.conv2d(x, self.kernel, stride=2, groups=3)


def widen_to_space_to_depth(state_dict, haar=False):
    """A 64 px model's weights as a 128 px space-to-depth model that computes the same function.

    Its first conv sees each 64 px cell as the mean of a 2x2 block; giving each of a block's four
    pixels a quarter of the 3-channel kernel (channel 4c+k = colour c, pixel k, as pixel_unshuffle
    orders them), or in the Haar basis the whole kernel to the mean channel and zero to the details,
    makes the 128 px model start exactly as the 64 px one on 2x2-averaged input. Phase 1
    runs at 64 px (4x cheaper per image, and at 128 px it learned colour and place ~3x slower) and
    phase 2 continues at 128 px, where small shapes have twice the pixels.
    """
    out = dict(state_dict)
    key = 'image_encoder.body.0.0.weight'
    if out[key].shape[1] != 3:
        raise ValueError(f'{key} has {out[key].shape[1]} input channels; expected a 64 px model (3)')
    out[key] = kernel_for_space_to_depth(out[key], haar)
    return out


def kernel_for_space_to_depth(kernel, haar):
    """A first-conv kernel over 3 colours [o, 3, k, k] as one over space-to-depth's 12 channels that
    sees the 2x2 block mean: a quarter per pixel, or in the Haar basis all on the mean channel."""
    if haar:
        w = torch.zeros(kernel.shape[0], 12, *kernel.shape[2:])
        w[:, 0::4] = kernel                   # the mean channels; no detail yet
        return w
    return kernel.repeat_interleave(4, dim=1) / 4


class Block(nn.Module):
    """Pre-LN transformer block with causal self-attention (as in CLIP's text tower)."""

    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.out = nn.Linear(width, width)
        self.ln_2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width))

    def forward(self, x, mask):
        n, l, w = x.shape
        q, k, v = self.qkv(self.ln_1(x)).reshape(n, l, 3, self.heads, w // self.heads).permute(2, 0, 3, 1, 4)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(w // self.heads)) + mask
        y = (att.softmax(dim=-1) @ v).transpose(1, 2).reshape(n, l, w)
        x = x + self.out(y)
        return x + self.mlp(self.ln_2(x))


class TextEncoder(nn.Module):
    """Token + position embeddings, causal transformer; the feature is the output at <|endoftext|>.

    As in CLIP, <|endoftext|> has the highest id, so its position is `argmax(ids)`. Because the mask
    is causal and the feature is read at <|endoftext|>, trailing padding never influences the result:
    training may cut the batch to its longest caption (`forward(ids[:, :L])` gives the same features).
    """

    def __init__(self, cfg: Config):
        super().__init__()
        self.token_embedding = nn.Embedding(cfg.vocab_size, cfg.text_width)
        self.positional_embedding = nn.Parameter(torch.randn(cfg.context_length, cfg.text_width) * 0.01)
        self.blocks = nn.ModuleList(Block(cfg.text_width, cfg.text_heads) for _ in range(cfg.text_layers))
        self.ln_final = nn.LayerNorm(cfg.text_width)
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        mask = torch.full((cfg.context_length, cfg.context_length), float('-inf')).triu_(1)
        self.register_buffer('mask', mask, persistent=False)

    def forward(self, ids):
        l = ids.shape[1]
        x = self.token_embedding(ids) + self.positional_embedding[:l]
        mask = self.mask[:l, :l]
        for blk in self.blocks:
            x = blk(x, mask)
        x = self.ln_final(x)
        return x[torch.arange(x.shape[0]), ids.argmax(dim=-1)]


class Clip(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        self.image_encoder = ImageEncoder(cfg)
        self.text_encoder = TextEncoder(cfg)
        self.W_i = nn.Parameter(torch.randn(cfg.image_width, cfg.embed_dim) * cfg.image_width ** -0.5)
        self.W_t = nn.Parameter(torch.randn(cfg.text_width, cfg.embed_dim) * cfg.text_width ** -0.5)
        # t: learned log-temperature, initialised so that exp(t) = 1/0.07 (the paper's value)
        self.t = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    # Unnormalised embeddings: what the ONNX graphs output (the app's runtime L2-normalises).
    def embed_image(self, I):
        I_f = self.image_encoder(I)          # [n, d_i]
        return I_f @ self.W_i                # [n, d_e]

    def embed_text(self, T):
        T_f = self.text_encoder(T)           # [n, d_t]
        return T_f @ self.W_t                # [n, d_e]

    def embed_texts_by_length(self, T):
        """embed_text(T) row for row, the rows split in two by caption length and each part cut to its
        own longest caption (exact, see TextEncoder). A phase-2 batch mixes "a star" with 30-token
        captions: cut to the longest, it encodes ~2.7x the tokens it has; split in two, ~1.5x."""
        ends = T.argmax(dim=-1) + 1                    # tokens each row needs
        order = ends.argsort()
        ends = ends[order]
        n = T.shape[0]
        # first part = the k shortest rows: k * ends[k-1] + (n - k) * ends[-1] tokens (k = n: one part)
        k = int((torch.arange(1, n + 1) * ends + (n - torch.arange(1, n + 1)) * ends[-1]).argmin()) + 1
        parts = [(order[:k], ends[k - 1]), (order[k:], ends[-1])] if k < n else [(order, ends[-1])]
        e = torch.cat([self.embed_text(T[rows, :int(end)]) for rows, end in parts])
        inverse = torch.empty_like(order)
        inverse[order] = torch.arange(n)
        return e[inverse]

    def logit_scale(self):
        return self.t.exp()

    def clip_loss(self, I, T, T_neg=None, twin_pairs=0, twin_weight=0.0, twin_margin=0.9, twin_pair_weights=None):
        # joint multimodal embedding [n, d_e]
        I_e = F.normalize(self.embed_image(I), dim=1)
        T_e = F.normalize(self.embed_texts_by_length(T), dim=1)
        # scaled pairwise cosine similarities [n, n]
        logits = I_e @ T_e.t() * self.t.exp()
        # symmetric loss function
        labels = torch.arange(I.shape[0])
        logits_i = logits
        if T_neg is not None and T_neg.shape[0] > 0:
            # NegCLIP: edited false captions (negatives.py) are extra texts each image must rank below its own
            N_e = F.normalize(self.embed_texts_by_length(T_neg), dim=1)
            logits_i = torch.cat([logits, I_e @ N_e.t() * self.t.exp()], dim=1)
        loss_i = F.cross_entropy(logits_i, labels)     # each image picks its text (rows)
        loss_t = F.cross_entropy(logits.t(), labels)   # each text picks its image (columns)
        loss = (loss_i + loss_t) / 2
        if twin_pairs and twin_weight:
            # not in the paper: keep minimal pairs apart in both towers (see twin_separation)
            loss = loss + twin_weight * (twin_separation(I_e, twin_pairs, twin_margin, twin_pair_weights)
                                         + twin_separation(T_e, twin_pairs, twin_margin, twin_pair_weights)) / 2
        return loss, logits

    @torch.no_grad()
    def clamp_temperature(self):
        # "clipped to prevent scaling the logits by more than 100"
        self.t.clamp_(0, math.log(100))


def twin_separation(E, n_pairs, margin, weights=None):
    """Mean hinge max(0, d(margin) - distance) over pairs of unit rows of E [n, d]: among its last
    2 * n_pairs rows, row -2p + i with row -p + i (a scene and its twin, or their two captions;
    twins.py); d(margin) is the distance at cosine margin. weights [n_pairs], optional: each pair's
    hinge times its weight (train.py --small-twin-weight), still averaged over n_pairs.

    Why: after phase 1 both towers are blind to shape (full captions are told apart without it: the
    text embeddings of "a circle" and "a hexagon" have cosine 0.995, twins' images 0.99). The paper's
    loss can only pull a twin pair apart along the other tower's difference, so the two differences
    grow from each other: from ~0 they grow late, by chance, and some pairs never split (circle and
    hexagon at cosine 1.00 after phase 2 in training seed 1's runs; MODEL_CARD.md session 9). This
    term gives each tower a difference of its own to start from; the margin stops it once a pair is
    as far apart as a trained model keeps twins (median image cosine ~0.96).
    """
    if n_pairs == 0:
        return E.new_zeros(())
    a, b = E[-2 * n_pairs:-n_pairs], E[-n_pairs:]
    # on the distance, not the cosine: the cosine's gradient vanishes as a pair merges (~sin of the
    # angle, 0.045 at cosine 0.999) while the distance's stays 1 (eps: twins may render identically)
    distance = ((a - b).pow(2).sum(dim=1) + 1e-8).sqrt()
    hinge = F.relu(math.sqrt(2 * (1 - margin)) - distance)
    return (hinge * weights).mean() if weights is not None else hinge.mean()


class ImageTower(nn.Module):
    """Export wrapper: pixel_values -> image_embeds (unnormalised)."""

    def __init__(self, clip: Clip):
        super().__init__()
        self.clip = clip

    def forward(self, pixel_values):
        return self.clip.embed_image(pixel_values)


class TextTower(nn.Module):
    """Export wrapper: input_ids -> text_embeds (unnormalised)."""

    def __init__(self, clip: Clip):
        super().__init__()
        self.clip = clip

    def forward(self, input_ids):
        return self.clip.embed_text(input_ids.long())
