"""Check of model.twin_separation and its place in Clip.clip_loss, run by smoke.test.ts."""
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import Clip, Config, twin_separation  # noqa: E402

torch.manual_seed(0)
MARGIN = 0.9
D = math.sqrt(2 * (1 - MARGIN))          # the distance at cosine MARGIN between unit vectors

# 1. Pairs further apart than the margin cost nothing; rows before the last 2p (not pairs) are ignored.
far = F.normalize(torch.randn(2, 16), dim=1)
far[1] = -far[0]
rest = F.normalize(torch.randn(5, 16), dim=1)
assert twin_separation(torch.cat([rest, far]), 1, MARGIN).item() == 0.0

# 2. A pair at cosine c costs D - sqrt(2 - 2c); the mean is over pairs.
def pair_at(cos):
    """Two unit vectors at cosine cos: a, and a turned towards a random direction orthogonal to it."""
    a = F.normalize(torch.randn(16), dim=0)
    o = torch.randn(16)
    o = F.normalize(o - (o @ a) * a, dim=0)
    return a, cos * a + math.sqrt(1 - cos ** 2) * o

(a1, b1), (a2, b2) = pair_at(0.999), pair_at(0.95)
E = torch.stack([a1, a2, b1, b2])                     # pairs (row 0, row 2) and (row 1, row 3)
expected = (D - math.sqrt(2 - 2 * 0.999) + D - math.sqrt(2 - 2 * 0.95)) / 2
got = twin_separation(E, 2, MARGIN).item()
assert abs(got - expected) < 1e-5, (got, expected)
# with per-pair weights each hinge is scaled, the mean still over the pairs: weight 0 drops a pair
weighted = twin_separation(E, 2, MARGIN, torch.tensor([3.0, 0.0])).item()
assert abs(weighted - 3 * (D - math.sqrt(2 - 2 * 0.999)) / 2) < 1e-5, weighted

# 3. Why the distance and not the cosine: for a nearly merged pair the cosine hinge's gradient is
#    ~sin(angle) (0.045 at 0.999), the distance hinge's stays ~1 per pair.
a, b = pair_at(0.999)
# (through the normalisation, as in clip_loss: only the gradient along the sphere counts)
E = torch.stack([a, b]).requires_grad_()
twin_separation(F.normalize(E, dim=1), 1, MARGIN).backward()
g_distance = E.grad[0].norm().item()
E2 = torch.stack([a, b]).requires_grad_()
U = F.normalize(E2, dim=1)
F.relu((U[0] * U[1]).sum() - MARGIN).backward()
g_cosine = E2.grad[0].norm().item()
assert g_distance > 0.9 and g_distance > 10 * g_cosine, (g_distance, g_cosine)

# 4. In clip_loss: the paper's loss plus weight x the mean of both towers' separations, over the last
#    2p rows of the batch; weight 0 leaves the paper's loss alone.
cfg = Config(vocab_size=50, context_length=8, widths=(4, 4, 4), image_width=16, embed_dim=8, text_width=16,
             text_layers=1, text_heads=2)
model = Clip(cfg).eval()
images = torch.randn(6, 3, 64, 64)
images[5] = images[3] + 0.3 * torch.randn(3, 64, 64)    # the last 4 rows are the pairs (2, 4) and (3, 5)
texts = torch.tensor([[1, 2, 3, 49], [4, 5, 49, 0], [6, 49, 0, 0], [7, 8, 9, 49], [7, 8, 10, 49], [7, 8, 11, 49]])
with torch.no_grad():
    plain, _ = model.clip_loss(images, texts)
    same, _ = model.clip_loss(images, texts, twin_pairs=2, twin_weight=0.0)
    total, _ = model.clip_loss(images, texts, twin_pairs=2, twin_weight=3.0, twin_margin=MARGIN)
    I_e = F.normalize(model.embed_image(images), dim=1)
    T_e = F.normalize(model.embed_text(texts), dim=1)
    extra = 3.0 * (twin_separation(I_e, 2, MARGIN) + twin_separation(T_e, 2, MARGIN)) / 2
assert same.item() == plain.item()
assert extra.item() > 0 and abs(total.item() - (plain.item() + extra.item())) < 1e-5, (total, plain, extra)

# 5. Trained on the term alone, the twins' image embeddings move apart.
model.train()
opt = torch.optim.SGD(model.parameters(), lr=0.05)
def twin_distance():
    with torch.no_grad():
        model.eval()
        e = F.normalize(model.embed_image(images), dim=1)
        model.train()
        return (e[3] - e[5]).norm().item()
before = twin_distance()
for _ in range(20):
    I_e = F.normalize(model.embed_image(images), dim=1)
    loss = twin_separation(I_e, 2, MARGIN)
    opt.zero_grad()
    loss.backward()
    opt.step()
after = twin_distance()
assert after > 2 * before, (before, after)
print(f'twin separation ok: gradient {g_distance:.2f} vs {g_cosine:.3f} on the cosine; twin distance {before:.3f} -> {after:.3f}')
