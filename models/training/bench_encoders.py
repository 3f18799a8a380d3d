"""Times fwd+bwd of candidate image encoders at 64x64 on 2 threads (design measurement, issue 7)."""
import sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(0)

def conv_bn(ci, co, s=1):
    return nn.Sequential(nn.Conv2d(ci, co, 3, s, 1, bias=False), nn.BatchNorm2d(co), nn.ReLU(inplace=True))

class CNN(nn.Module):
    def __init__(self, w=(32, 64, 128, 192), out=128):
        super().__init__()
        a, b, c, d = w
        self.body = nn.Sequential(conv_bn(3, a, 2), conv_bn(a, a), conv_bn(a, b, 2), conv_bn(b, b), conv_bn(b, c, 2), conv_bn(c, c), conv_bn(c, d))
        # position-preserving head: flatten 8x8 grid (keeps where things are)
        self.head = nn.Sequential(nn.Conv2d(d, 32, 1), nn.Flatten(), nn.Linear(32 * 64, out))
    def forward(self, x):
        return self.head(self.body(x))

class ViT(nn.Module):
    def __init__(self, patch=8, width=128, depth=4, heads=4, out=128):
        super().__init__()
        self.patch = nn.Conv2d(3, width, patch, patch)
        n = (64 // patch) ** 2
        self.pos = nn.Parameter(torch.randn(n + 1, width) * 0.02)
        self.cls = nn.Parameter(torch.zeros(1, 1, width))
        layer = nn.TransformerEncoderLayer(width, heads, width * 4, 0.0, batch_first=True, norm_first=True, activation='gelu')
        self.tr = nn.TransformerEncoder(layer, depth)
        self.ln = nn.LayerNorm(width)
        self.proj = nn.Linear(width, out)
    def forward(self, x):
        x = self.patch(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], 1) + self.pos
        x = self.tr(x)
        return self.proj(self.ln(x[:, 0]))

def bench(name, m, bs=256, cl=False, bf16=False, iters=4):
    x = torch.randn(bs, 3, 64, 64)
    if cl:
        m = m.to(memory_format=torch.channels_last); x = x.contiguous(memory_format=torch.channels_last)
    opt = torch.optim.AdamW(m.parameters(), 1e-3)
    def step():
        with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16):
            y = m(x)
        loss = y.float().pow(2).mean(); opt.zero_grad(); loss.backward(); opt.step()
    step()
    t = time.perf_counter()
    for _ in range(iters): step()
    dt = (time.perf_counter() - t) / iters
    npar = sum(p.numel() for p in m.parameters())
    print(f"{name:40s} params={npar/1e6:5.2f}M  {dt*1000:7.0f} ms/step(bs{bs})  {bs/dt:6.0f} img/s", flush=True)

which = sys.argv[1:] or ['all']
cands = {
  'cnn32-192': lambda: CNN(),
  'cnn24-128': lambda: CNN((24, 48, 96, 128)),
  'vit8-w128-d4': lambda: ViT(8, 128, 4, 4),
  'vit8-w192-d4': lambda: ViT(8, 192, 4, 6),
  'vit8-w128-d6': lambda: ViT(8, 128, 6, 4),
}
for k, f in cands.items():
    if which != ['all'] and k not in which: continue
    bench(k + ' fp32', f())
    if k.startswith('cnn'): bench(k + ' fp32 channels_last', f(), cl=True)
bench('cnn32-192 bf16', CNN(), bf16=True, iters=2)
bench('vit8-w128-d4 bf16', ViT(8,128,4,4), bf16=True, iters=2)
