#!/usr/bin/env bash
# `npm run model:vitb32-random`: OpenAI CLIP ViT-B/32-shaped encoders with random weights in both
# upstream layouts (Immich, transformers.js), each converted to the app's model.json, into
# models/vitb32-random/ (git-ignored). For benchmarks and format tests: real-size compute, real layouts.
# Knobs: OUT (default models/vitb32-random), SEED (0), THREADS (2), TOKENIZER (the CLIP tokenizer.json
# from ../shared/reference, read at build time, never committed).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-models/vitb32-random}
TOKENIZER=${TOKENIZER:-../shared/reference/clip-tokenizer/tokenizer.json}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
if [ ! -f "$TOKENIZER" ]; then
  echo "vitb32-random: CLIP's tokenizer.json not found at $TOKENIZER (set TOKENIZER=...)" >&2
  exit 1
fi
T0=$SECONDS
/usr/bin/python3 models/training/vitb32_random.py --tokenizer "$TOKENIZER" --out "$OUT" --seed "${SEED:-0}" --threads "${THREADS:-2}"
# model.json for each layout, written by the app's own converters (checksums included).
node bin/shoebox.js models convert "$OUT/immich" --layout immich --id vitb32-random-immich --name "ViT-B/32 random weights (Immich layout)"
node bin/shoebox.js models convert "$OUT/transformers.js" --layout transformers.js --id vitb32-random-tjs --name "ViT-B/32 random weights (transformers.js layout)"
echo "vitb32-random: done in $((SECONDS - T0)) s: $OUT/immich, $OUT/transformers.js"
