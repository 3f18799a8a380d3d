"""Exports encoders with exactly OpenAI CLIP ViT-B/32's architecture and I/O, with random weights,
in both upstream layouts, for benchmarks and format tests (real-size compute, real file layouts).

usage: vitb32_random.py --tokenizer ../shared/reference/clip-tokenizer/tokenizer.json --out models/vitb32-random
                        [--seed 0] [--threads 2] [--layouts immich,transformers.js]

Architecture (OpenAI CLIP ViT-B/32): image 224, patch 32, width 768, 12 layers, 12 heads, MLP 4x,
QuickGELU, class token, ln_pre/ln_post, projection to 512; text width 512, 12 layers, 8 heads,
causal mask, context 77, vocab 49408, ln_final, feature at argmax(ids) (= <|endoftext|>), projection
to 512. Layouts:
  immich/           visual/model.onnx 'image' float32 [1,3,224,224] -> 'embedding' [1,512] (L2-normalised);
                    textual/model.onnx 'text' int32 [1,77] -> 'embedding' (normalised); batch fixed to 1
                    as Immich's exporter does; config.json, visual/preprocess_cfg.json, textual/tokenizer*.json
  transformers.js/  onnx/vision_model.onnx pixel_values [b,3,224,224] -> image_embeds [b,512];
                    onnx/text_model.onnx input_ids int64 [b,77] -> text_embeds; not normalised (HF
                    *WithProjection towers); config.json, preprocessor_config.json, tokenizer*.json
The output folder is git-ignored; the tokenizer is read from ../shared at build time, never copied into the repo.
"""
import argparse
import json
import math
import os
import shutil
import time
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class ResidualAttentionBlock(nn.Module):
    """CLIP's block: x + attn(ln_1(x)), then x + mlp(ln_2(x)); attention written out (exports cleanly on torch 1.13)."""

    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(width)
        self.in_proj = nn.Linear(width, 3 * width)
        self.out_proj = nn.Linear(width, width)
        self.ln_2 = nn.LayerNorm(width)
        self.c_fc = nn.Linear(width, 4 * width)
        self.gelu = QuickGELU()
        self.c_proj = nn.Linear(4 * width, width)

    def forward(self, x, mask=None):
        n, l, w = x.shape
        h = self.heads
        q, k, v = self.in_proj(self.ln_1(x)).split(w, dim=-1)
        q = q.reshape(n, l, h, w // h).transpose(1, 2)
        k = k.reshape(n, l, h, w // h).transpose(1, 2)
        v = v.reshape(n, l, h, w // h).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(w // h))
        if mask is not None:
            att = att + mask
        y = (att.softmax(dim=-1) @ v).transpose(1, 2).reshape(n, l, w)
        x = x + self.out_proj(y)
        return x + self.c_proj(self.gelu(self.c_fc(self.ln_2(x))))


class VisualTransformer(nn.Module):
    def __init__(self, image_size=224, patch=32, width=768, layers=12, heads=12, embed=512):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, kernel_size=patch, stride=patch, bias=False)
        scale = width ** -0.5
        self.class_embedding = nn.Parameter(scale * torch.randn(width))
        self.positional_embedding = nn.Parameter(scale * torch.randn((image_size // patch) ** 2 + 1, width))
        self.ln_pre = nn.LayerNorm(width)
        self.blocks = nn.ModuleList(ResidualAttentionBlock(width, heads) for _ in range(layers))
        self.ln_post = nn.LayerNorm(width)
        self.proj = nn.Parameter(scale * torch.randn(width, embed))

    def forward(self, x):
        x = self.conv1(x)                                  # [n, w, 7, 7]
        x = x.flatten(2).transpose(1, 2)                   # [n, 49, w]
        cls = self.class_embedding.expand(x.shape[0], 1, -1)
        x = torch.cat([cls, x], dim=1) + self.positional_embedding
        x = self.ln_pre(x)
        for blk in self.blocks:
            x = blk(x)
        return self.ln_post(x[:, 0]) @ self.proj


class TextTransformer(nn.Module):
    def __init__(self, vocab=49408, context=77, width=512, layers=12, heads=8, embed=512):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab, width)
        self.positional_embedding = nn.Parameter(torch.randn(context, width) * 0.01)
        self.blocks = nn.ModuleList(ResidualAttentionBlock(width, heads) for _ in range(layers))
        self.ln_final = nn.LayerNorm(width)
        self.text_projection = nn.Parameter(torch.randn(width, embed) * width ** -0.5)
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        self.register_buffer('mask', torch.full((context, context), float('-inf')).triu_(1), persistent=False)

    def forward(self, ids):
        ids = ids.long()
        l = ids.shape[1]
        x = self.token_embedding(ids) + self.positional_embedding[:l]
        for blk in self.blocks:
            x = blk(x, self.mask[:l, :l])
        x = self.ln_final(x)
        return x[torch.arange(x.shape[0]), ids.argmax(dim=-1)] @ self.text_projection


class Normalised(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return F.normalize(self.inner(x), dim=-1)


def export(module, dummy, path, input_name, output_name, dynamic_batch):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    axes = {input_name: {0: 'batch'}, output_name: {0: 'batch'}} if dynamic_batch else None
    t = time.time()
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        torch.onnx.export(module.eval(), (dummy,), path, input_names=[input_name], output_names=[output_name],
                          dynamic_axes=axes, opset_version=14, do_constant_folding=True)
    print(f'  {path}: {os.path.getsize(path) / 1e6:.0f} MB in {time.time() - t:.0f} s', flush=True)


def write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(value, f, indent=2)
        f.write('\n')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tokenizer', required=True, help="CLIP's tokenizer.json (../shared/reference/clip-tokenizer/tokenizer.json)")
    ap.add_argument('--out', required=True)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--layouts', default='immich,transformers.js')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    visual = VisualTransformer().eval()
    text = TextTransformer().eval()
    print(f'ViT-B/32 random: visual {sum(p.numel() for p in visual.parameters()) / 1e6:.1f}M, '
          f'text {sum(p.numel() for p in text.parameters()) / 1e6:.1f}M parameters', flush=True)
    image = torch.randn(1, 3, 224, 224)
    ids = torch.zeros(1, 77, dtype=torch.int64)
    ids[0, 0], ids[0, 1], ids[0, 2] = 49406, 320, 49407
    layouts = args.layouts.split(',')

    if 'immich' in layouts:
        d = os.path.join(args.out, 'immich')
        print('immich layout', flush=True)
        export(Normalised(visual), image, os.path.join(d, 'visual/model.onnx'), 'image', 'embedding', False)
        export(Normalised(text), ids.int(), os.path.join(d, 'textual/model.onnx'), 'text', 'embedding', False)
        write_json(os.path.join(d, 'config.json'), {
            'embed_dim': 512,
            'vision_cfg': {'image_size': 224, 'layers': 12, 'width': 768, 'patch_size': 32},
            'text_cfg': {'context_length': 77, 'vocab_size': 49408, 'width': 512, 'heads': 8, 'layers': 12}})
        write_json(os.path.join(d, 'visual/preprocess_cfg.json'), {
            'size': [224, 224], 'mode': 'RGB', 'mean': CLIP_MEAN, 'std': CLIP_STD,
            'interpolation': 'bicubic', 'resize_mode': 'shortest', 'fill_color': 0})
        shutil.copyfile(args.tokenizer, os.path.join(d, 'textual/tokenizer.json'))
        write_json(os.path.join(d, 'textual/tokenizer_config.json'), {
            'bos_token': '<|startoftext|>', 'eos_token': '<|endoftext|>', 'pad_token': '<|endoftext|>',
            'unk_token': '<|endoftext|>', 'model_max_length': 77})

    if 'transformers.js' in layouts:
        d = os.path.join(args.out, 'transformers.js')
        print('transformers.js layout', flush=True)
        export(visual, image.repeat(2, 1, 1, 1), os.path.join(d, 'onnx/vision_model.onnx'), 'pixel_values', 'image_embeds', True)
        export(text, ids.repeat(2, 1), os.path.join(d, 'onnx/text_model.onnx'), 'input_ids', 'text_embeds', True)
        write_json(os.path.join(d, 'config.json'), {
            'model_type': 'clip', 'projection_dim': 512,
            'text_config': {'hidden_size': 512, 'num_hidden_layers': 12, 'num_attention_heads': 8,
                            'max_position_embeddings': 77, 'vocab_size': 49408, 'hidden_act': 'quick_gelu'},
            'vision_config': {'hidden_size': 768, 'num_hidden_layers': 12, 'num_attention_heads': 12,
                              'image_size': 224, 'patch_size': 32, 'hidden_act': 'quick_gelu'}})
        write_json(os.path.join(d, 'preprocessor_config.json'), {
            'do_resize': True, 'size': {'shortest_edge': 224}, 'do_center_crop': True,
            'crop_size': {'height': 224, 'width': 224}, 'resample': 3, 'do_rescale': True,
            'rescale_factor': 1 / 255, 'do_normalize': True, 'image_mean': CLIP_MEAN, 'image_std': CLIP_STD,
            'image_processor_type': 'CLIPImageProcessor'})
        shutil.copyfile(args.tokenizer, os.path.join(d, 'tokenizer.json'))
        write_json(os.path.join(d, 'tokenizer_config.json'), {
            'bos_token': '<|startoftext|>', 'eos_token': '<|endoftext|>', 'pad_token': '<|endoftext|>',
            'unk_token': '<|endoftext|>', 'model_max_length': 77, 'tokenizer_class': 'CLIPTokenizer'})


if __name__ == '__main__':
    main()
