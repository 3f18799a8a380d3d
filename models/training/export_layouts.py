"""Exports a trained demo checkpoint in the two upstream layouts the app can download, from the
PyTorch weights (the tests build the same layouts from the committed ONNX graphs in TypeScript,
tests/hub/fixtures.ts, so they need no Python; this script is for checking against a fresh export).

usage: export_layouts.py --ckpt build/model-train/ckpt.pt --tokenizer models/demo/tokenizer.json --out DIR
                         [--layouts immich,transformers.js]

  DIR/immich/           visual/model.onnx 'image' -> 'embedding' (L2-normalised in-graph), textual/model.onnx
                        'text' int32 -> 'embedding' (normalised), config.json, visual/preprocess_cfg.json,
                        textual/tokenizer.json, textual/tokenizer_config.json (Immich's exporter's contract)
  DIR/transformers.js/  onnx/vision_model.onnx pixel_values -> image_embeds, onnx/text_model.onnx input_ids
                        int64 -> text_embeds (unnormalised), config.json, preprocessor_config.json,
                        tokenizer.json, tokenizer_config.json
Then `node bin/shoebox.js models convert DIR/<layout> --layout <layout> --id ID` writes model.json.
"""
import argparse
import json
import os
import shutil
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export import CLIP_MEAN, CLIP_STD, export_onnx, load_checkpoint  # noqa: E402



def write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(value, f, indent=2)
        f.write('\n')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckpt', required=True)
    ap.add_argument('--tokenizer', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--layouts', default='immich,transformers.js')
    args = ap.parse_args()
    torch.set_num_threads(2)
    model, _ = load_checkpoint(args.ckpt)
    cfg = model.cfg
    size = cfg.image_size  # the demo model's input side
    layouts = args.layouts.split(',')
    special = {'bos_token': '<|startoftext|>', 'eos_token': '<|endoftext|>', 'pad_token': '<|endoftext|>',
               'model_max_length': cfg.context_length}

    if 'immich' in layouts:
        d = os.path.join(args.out, 'immich')
        os.makedirs(os.path.join(d, 'visual'), exist_ok=True)
        os.makedirs(os.path.join(d, 'textual'), exist_ok=True)
        export_onnx(model, os.path.join(d, 'visual/model.onnx'), 'image', 'image', 'float32', 'embedding', normalize=True)
        export_onnx(model, os.path.join(d, 'textual/model.onnx'), 'text', 'text', 'int32', 'embedding', normalize=True)
        write_json(os.path.join(d, 'config.json'), {'embed_dim': cfg.embed_dim, 'vision_cfg': {'image_size': size},
                                                    'text_cfg': {'context_length': cfg.context_length, 'vocab_size': cfg.vocab_size}})
        write_json(os.path.join(d, 'visual/preprocess_cfg.json'), {'size': [size, size], 'mode': 'RGB', 'mean': CLIP_MEAN, 'std': CLIP_STD,
                                                                   'interpolation': 'bicubic', 'resize_mode': 'shortest', 'fill_color': 0})
        shutil.copyfile(args.tokenizer, os.path.join(d, 'textual/tokenizer.json'))
        write_json(os.path.join(d, 'textual/tokenizer_config.json'), special)
        print(f'export_layouts: {d}')

    if 'transformers.js' in layouts:
        d = os.path.join(args.out, 'transformers.js')
        os.makedirs(os.path.join(d, 'onnx'), exist_ok=True)
        export_onnx(model, os.path.join(d, 'onnx/vision_model.onnx'), 'image', 'pixel_values', 'float32', 'image_embeds')
        export_onnx(model, os.path.join(d, 'onnx/text_model.onnx'), 'text', 'input_ids', 'int64', 'text_embeds')
        write_json(os.path.join(d, 'config.json'), {'model_type': 'clip', 'projection_dim': cfg.embed_dim,
                                                    'text_config': {'max_position_embeddings': cfg.context_length, 'vocab_size': cfg.vocab_size},
                                                    'vision_config': {'image_size': size}})
        write_json(os.path.join(d, 'preprocessor_config.json'), {
            'do_resize': True, 'size': {'shortest_edge': size}, 'do_center_crop': True, 'crop_size': {'height': size, 'width': size},
            'resample': 3, 'do_normalize': True, 'image_mean': CLIP_MEAN, 'image_std': CLIP_STD})
        shutil.copyfile(args.tokenizer, os.path.join(d, 'tokenizer.json'))
        write_json(os.path.join(d, 'tokenizer_config.json'), special)
        print(f'export_layouts: {d}')


if __name__ == '__main__':
    main()
