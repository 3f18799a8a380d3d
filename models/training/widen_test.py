"""Check of widen_to_space_to_depth, run by smoke.test.ts on a phase-1 checkpoint trained at 64 px
(`--pool 2`): the 128 px space-to-depth model it makes must compute what the 64 px model computes on
the 2x2-averaged image, so phase 2 starts where phase 1 ended."""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import Clip, Config, widen_to_space_to_depth  # noqa: E402

ckpt = torch.load(sys.argv[1])
cfg = dict(ckpt['config'])
assert cfg['image_size'] == 64 and not cfg.get('space_to_depth'), f'expected a 64 px checkpoint, got {cfg}'
small = Clip(Config(**cfg)).eval()
small.load_state_dict(ckpt['state_dict'])
x = torch.randn(3, 3, 128, 128, generator=torch.Generator().manual_seed(0))
with torch.no_grad():
    a = small.embed_image(F.avg_pool2d(x, 2))
diffs = []
for haar in (False, True):      # pixels, and the Haar basis
    big = Clip(Config(**{**cfg, 'image_size': 128, 'space_to_depth': True, 'haar': haar})).eval()
    big.load_state_dict(widen_to_space_to_depth(ckpt['state_dict'], haar=haar))
    with torch.no_grad():
        b = big.embed_image(x)
    diffs.append((a - b).abs().max().item())
    assert diffs[-1] < 1e-4 * max(1.0, a.abs().max().item()), f'widened model (haar={haar}) differs by {diffs[-1]}'
print(f'widen ok: max diff {max(diffs):.2e} (pixels, haar)')
