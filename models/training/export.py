"""Exports a trained checkpoint as the app's model folder: ONNX encoders, model.json, test vectors.

usage: export.py --ckpt build/train/ckpt.pt --tokenizer tokenizer.json --vocab world-vocab.json --out DIR
                 [--data DIR] [--eval-json FILE]

`export_onnx` is parameterised (tensor names, dtypes, file names, in-graph normalisation) so other
layouts (Immich's visual/ + textual/, transformers.js onnx/*.onnx) can be written from the same
checkpoint later; `main` writes the project's own layout.
"""
import argparse
import hashlib
import json
import os
import shutil
import sys
import warnings

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from build_tokenizer import PyTokenizer  # noqa: E402
from model import Clip, Config, ImageTower, TextTower  # noqa: E402

CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
TORCH_DTYPES = {'float32': torch.float32, 'int32': torch.int32, 'int64': torch.int64}


def load_checkpoint(path):
    ck = torch.load(path, map_location='cpu')
    cfg = dict(ck['config'])
    cfg['widths'] = tuple(cfg['widths'])
    model = Clip(Config(**cfg))
    model.load_state_dict(ck['state_dict'])
    return model.eval(), ck


class _Normalised(torch.nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return F.normalize(self.inner(x), dim=-1)


def export_onnx(model, path, tower, input_name, input_dtype, output_name, normalize=False, opset=14):
    """Writes one encoder (`tower` = 'image' | 'text') with a dynamic batch axis."""
    model = model.eval()
    cfg = model.cfg
    if tower == 'image':
        module = ImageTower(model)
        dummy = torch.zeros(2, 3, cfg.image_size, cfg.image_size, dtype=TORCH_DTYPES[input_dtype])
    else:
        module = TextTower(model)
        dummy = torch.zeros(2, cfg.context_length, dtype=TORCH_DTYPES[input_dtype])
        dummy[:, 0], dummy[:, 1] = cfg.vocab_size - 2, cfg.vocab_size - 1
    if normalize:
        module = _Normalised(module)
    module.eval()  # fresh wrappers start in training mode, and export restores the mode it found
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        torch.onnx.export(module, (dummy,), path, input_names=[input_name], output_names=[output_name],
                          dynamic_axes={input_name: {0: 'batch'}, output_name: {0: 'batch'}},
                          opset_version=opset, do_constant_folding=True)
    model.eval()
    return path


def file_entry(folder, name):
    p = os.path.join(folder, name)
    with open(p, 'rb') as f:
        data = f.read()
    return {'path': name, 'sha256': hashlib.sha256(data).hexdigest(), 'bytes': len(data)}


def as_list(t):
    return [float(v) for v in t.detach().reshape(-1).numpy().astype(np.float32)]


def test_vectors(model, tok, texts, images):
    """Inputs and PyTorch outputs for the parity test (unnormalised, like the ONNX outputs)."""
    model.eval()  # BatchNorm must use its running statistics, as the exported graph does
    with torch.no_grad():
        ids = torch.tensor([tok.encode(t) for t in texts], dtype=torch.int64)
        te = model.embed_text(ids)
        ie = model.embed_image(images)
    return {
        'tolerance': 1e-4,
        'text': [{'text': t, 'input_ids': ids[i].tolist(), 'text_embeds': as_list(te[i])} for i, t in enumerate(texts)],
        'image': [{'shape': list(images.shape[1:]), 'pixel_values': as_list(images[i]), 'image_embeds': as_list(ie[i])}
                  for i in range(images.shape[0])],
    }


def sample_images(data_dir, n, seed, size=64):
    """A few real training images (normalised) when data is at hand, else seeded noise and flat colours."""
    g = torch.Generator().manual_seed(seed)
    mean = torch.tensor(CLIP_MEAN).view(3, 1, 1)
    std = torch.tensor(CLIP_STD).view(3, 1, 1)
    if data_dir and os.path.exists(os.path.join(data_dir, 'images.u8')):
        with open(os.path.join(data_dir, 'info.json')) as f:
            info = json.load(f)
        u8 = np.fromfile(os.path.join(data_dir, 'images.u8'), dtype=np.uint8).reshape(info['count'], 3, size, size)[:n]
        x = torch.from_numpy(u8.copy()).float() / 255.0
    else:
        x = torch.rand(n, 3, size, size, generator=g)
    return ((x - mean) / std).contiguous()


def manifest(out, ckpt_info, tok_file, templates, embed_dim, description, size=64):
    return {
        'schema': 1,
        'id': 'shoebox-demo-v1',
        'name': 'Shoebox demo CLIP (synthetic shapes)',
        'description': description,
        'embeddingSize': embed_dim,
        'image': {'file': 'image.onnx', 'input': {'name': 'pixel_values', 'type': 'float32'}, 'output': 'image_embeds', 'normalized': False},
        'text': {'file': 'text.onnx', 'input': {'name': 'input_ids', 'type': 'int64'}, 'output': 'text_embeds', 'normalized': False},
        'preprocess': {'size': size, 'resize': 'shortest', 'interpolation': 'bicubic', 'mean': CLIP_MEAN, 'std': CLIP_STD},
        'tokenizer': {'file': tok_file, 'contextLength': 32, 'padId': 0, 'cleaning': 'clip', 'truncation': 'clip'},
        'logitScale': ckpt_info['logit_scale'],
        'promptTemplates': templates,
        'files': [file_entry(out, f) for f in ('image.onnx', 'text.onnx', tok_file)],
        'source': {'kind': 'bundled'},
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckpt', required=True)
    ap.add_argument('--tokenizer', required=True)
    ap.add_argument('--vocab', help="world-vocab.json (prompt templates); default: generic templates")
    ap.add_argument('--out', required=True)
    ap.add_argument('--data', help='training data dir to take test-vector images from')
    args = ap.parse_args()
    torch.set_num_threads(2)

    model, ck = load_checkpoint(args.ckpt)
    os.makedirs(args.out, exist_ok=True)
    tok_name = 'tokenizer.json'
    if os.path.abspath(args.tokenizer) != os.path.abspath(os.path.join(args.out, tok_name)):
        shutil.copyfile(args.tokenizer, os.path.join(args.out, tok_name))
    with open(args.tokenizer, encoding='utf-8') as f:
        tok = PyTokenizer(json.load(f), model.cfg.context_length)

    export_onnx(model, os.path.join(args.out, 'image.onnx'), 'image', 'pixel_values', 'float32', 'image_embeds')
    export_onnx(model, os.path.join(args.out, 'text.onnx'), 'text', 'input_ids', 'int64', 'text_embeds')

    templates = ['a photo of a {}.', 'a {}.', 'a picture of a {}.']
    texts = ['a red circle on sand.', 'two small blue stars above a green triangle.']
    if args.vocab:
        with open(args.vocab, encoding='utf-8') as f:
            vocab = json.load(f)
        t = vocab.get('templates', {})
        generic = t.get('generic') or t.get('shape') or templates
        templates = list(dict.fromkeys(generic))
        if vocab.get('shapes') and vocab.get('colours'):
            texts = [templates[0].replace('{}', vocab['shapes'][0]),
                     f"a {vocab['colours'][1]} {vocab['shapes'][2]} on the left.", texts[1]]
    texts.append('')  # the empty text: [SOT, EOT, 0...]
    vec = test_vectors(model, tok, texts, sample_images(args.data, 3, 7, model.cfg.image_size))
    vec['model'] = 'shoebox-demo-v1'
    with open(os.path.join(args.out, 'test-vectors.json'), 'w') as f:
        json.dump(vec, f)
        f.write('\n')

    info = {'logit_scale': float(model.logit_scale().item())}
    steps = ck['args']['steps']
    # a phase-2 checkpoint records the checkpoint it continued from (train.py --init)
    phases = f"{torch.load(ck['args']['init'])['args']['steps']:,} + {steps:,} steps in two phases" if ck['args'].get('init') and os.path.exists(ck['args']['init']) else f'{steps:,} steps'
    desc = (f'A small CLIP trained by Shoebox on its synthetic scene world ({phases} on 2 CPU cores). '
            'It knows coloured shapes on simple backgrounds, not real photos; see MODEL_CARD.md.')
    man = manifest(args.out, info, tok_name, templates, model.cfg.embed_dim, desc, model.cfg.image_size)
    with open(os.path.join(args.out, 'model.json'), 'w') as f:
        json.dump(man, f, indent=2)
        f.write('\n')
    total = sum(e['bytes'] for e in man['files'])
    print(f'export: {args.out} ({total / 1e6:.1f} MB), logit scale {info["logit_scale"]:.2f}')


if __name__ == '__main__':
    main()
