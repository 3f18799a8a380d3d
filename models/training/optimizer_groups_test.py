"""Check of train.optimizer_groups, run by smoke.test.ts: every parameter is optimised exactly once,
and --temp-lr moves the temperature t that many times as far as the other weights' rate would."""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import Clip, Config  # noqa: E402
from train import optimizer_groups  # noqa: E402

LR = 1e-3


def first_step_of_t(temp_lr, space_to_depth=False):
    """|change of t| after one AdamW step, and the groups it was made with."""
    torch.manual_seed(0)
    cfg = Config(vocab_size=50, context_length=8, widths=(4, 4, 4), image_width=16, embed_dim=8, text_width=16,
                 text_layers=1, text_heads=2, image_size=128 if space_to_depth else 64, space_to_depth=space_to_depth)
    model = Clip(cfg)
    groups = optimizer_groups(model, cfg, wd=0.1, temp_lr=temp_lr)
    ids = [id(p) for g in groups for p in g['params']]
    assert len(ids) == len(set(ids)), 'a parameter is in two groups'
    assert set(ids) == {id(p) for p in model.parameters()}, 'a parameter is in no group'
    opt = torch.optim.AdamW(groups, lr=LR)
    for g in opt.param_groups:
        g['lr'] = LR * g.get('lr_scale', 1.0)
    images = torch.randn(4, 3, cfg.image_size, cfg.image_size)
    texts = torch.tensor([[1, 2, 3, 49], [4, 5, 49, 0], [6, 49, 0, 0], [7, 8, 9, 49]])
    before = model.t.item()
    loss, _ = model.clip_loss(images, texts)
    loss.backward()
    opt.step()
    return abs(model.t.item() - before), groups


for s2d in (False, True):
    plain, _ = first_step_of_t(1.0, s2d)
    fast, groups = first_step_of_t(10.0, s2d)
    # Adam's first step moves each weight by ~lr whatever its gradient's size
    assert abs(plain - LR) < 1e-4, f'plain step of t {plain:.2e}, expected ~{LR:.0e}'
    assert abs(fast - 10 * LR) < 1e-3, f'step of t with --temp-lr 10: {fast:.2e}, expected ~{10 * LR:.0e}'
    t_group = next(g for g in groups if any(p.ndim == 0 for p in g['params']))
    assert t_group['weight_decay'] == 0.0 and len(t_group['params']) == 1
print('optimizer groups ok: t steps 10x with --temp-lr 10')
