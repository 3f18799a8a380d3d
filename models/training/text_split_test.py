"""Check of Clip.embed_texts_by_length, run by smoke.test.ts: encoding a batch split in two by caption
length, each part cut to its own longest caption, gives embed_text's features and gradients."""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import Clip, Config  # noqa: E402

torch.manual_seed(0)
model = Clip(Config(vocab_size=100, context_length=24, widths=(8, 16, 16), image_width=32, embed_dim=16,
                    text_width=32, text_layers=2, text_heads=2)).eval()
g = torch.Generator().manual_seed(1)


def batch(lengths):
    """Token rows padded with 0 to the context; the last token of each is <|endoftext|> (the highest id)."""
    T = torch.zeros(len(lengths), 24, dtype=torch.long)
    for i, n in enumerate(lengths):
        T[i, :n - 1] = torch.randint(1, 99, (n - 1,), generator=g)
        T[i, n - 1] = 99
    return T


cases = {'mixed': [3, 20, 4, 18, 2, 24, 5, 3, 22, 6], 'one row': [7], 'all equal': [9] * 6, 'two lengths': [2] * 5 + [24] * 5}
worst = 0.0
for name, lengths in cases.items():
    T = batch(lengths)
    outs, grads = [], []
    for f in (model.embed_text, model.embed_texts_by_length):
        model.zero_grad()
        e = f(T)
        (e * torch.linspace(-1, 1, e.numel()).reshape(e.shape)).sum().backward()
        outs.append(e.detach())
        grads.append(torch.cat([p.grad.flatten() for p in model.text_encoder.parameters() if p.grad is not None]))
    # relative to the largest value: float sums in another order, nothing more
    d = max(((a - b).abs().max() / a.abs().max()).item() for a, b in (outs, grads))
    assert d < 1e-5, f'{name}: split encoding differs by {d:.1e} (relative)'
    worst = max(worst, d)
print(f'text split ok: max relative diff {worst:.1e} over {len(cases)} batches')
