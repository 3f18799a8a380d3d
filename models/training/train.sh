#!/usr/bin/env bash
# `npm run model:train`: rebuilds the demo model from nothing and prints the time of each step:
#   world vocabulary → tokenizer.json → training data → train → export to models/demo → eval.
# Training runs in two phases: phase 1 learns from the captions as drawn (colour, place, size and
# background separate most scenes in a batch); phase 2 continues from it drawing most texts from the
# short captions that name a shape ("a star", "two red hearts") and adding edited false captions as
# hard negatives ("two red circles" -> "three red circles"), which is what teaches shape and count.
# The default PRESET=128 runs phase 2 at 128 px (see below).
# Knobs (environment): PRESET (64 or 128), SIZE (input px: 64, or 128 with a "stem" or "space_to_depth":true in CONFIG), POOL1 + CONFIG1 (phase 1 at SIZE/POOL1 px), DATA_COUNT, GROUP_PARTIAL, GROUP_FRAC, TWINS, SMALL_TWINS, TWIN_FRAC, STEPS, STEPS2, LR2, TEMP_LR, TWIN_WEIGHT, SMALL_TWIN_WEIGHT, WARMUP, WARMUP1, SHORT_FRAC, SHAPE_FRAC, NEG_FRAC, NEG_CONFUSABLE, NEG_EDITS, BATCH, THREADS, THREADS2, HARD_FRAC, TRAIN_SEED, EVAL_SEED, OUT (default models/demo),
# WORK (default build/model-train). Same knobs + same thread count → the same model.
# The default is session 10's recipe (MODEL_CARD.md); the shipped weights are its training seed 0 with
# phase 2 on one thread (the steps of THREADS2=1 npm run model:train; the default 2 threads is another draw).
# Session 11's 30-minute variant (1,586 s = 26.4 min from nothing, timed;
# clears issue 7's numbers but reads small shapes less well and fails the app's e2e check, so it is
# not the default; MODEL_CARD.md):
#   DATA_COUNT=16000 STEPS=500 STEPS2=1800 npm run model:train
# Session 6's recipe, the model shipped until session 10:
#   TWINS=0.5 TWIN_FRAC=0.25 SMALL_TWINS=0 GROUP_PARTIAL=0 TEMP_LR=1 WARMUP1=50 TWIN_WEIGHT=0 NEG_EDITS= npm run model:train
set -euo pipefail
cd "$(dirname "$0")/../.."
# The whole script is one block, read before it runs: editing this file during a 25-minute run
# cannot change the steps still to come.
{

PY=/usr/bin/python3
WORK=${WORK:-build/model-train}
OUT=${OUT:-models/demo}
DATA_SEED=${DATA_SEED:-1}
# PRESET=128 (default): the shipped model's recipe (128 px through Haar space-to-depth, phase 1 at 64 px
# widened into it, every caption with an aimed negative, 30 % of each phase-2 batch twin pairs kept apart
# by twin separation, colour edits among the negatives; MODEL_CARD.md). PRESET=64: the recipe of the
# 64 px model shipped until session 6.
PRESET=${PRESET:-128}
if [ "$PRESET" = 128 ]; then
  : "${SIZE:=128}" "${STEPS:=600}" "${STEPS2:=2200}" "${NEG_FRAC:=1}" "${NEG_CONFUSABLE:=0.05}" "${POOL1:=2}"
  : "${DATA_COUNT:=24000}" "${TWINS:=0.6}" "${SMALL_TWINS:=0.6}" "${TWIN_FRAC:=0.3}" "${GROUP_PARTIAL:=0.4}"
  : "${TEMP_LR:=10}" "${WARMUP1:=150}" "${TWIN_WEIGHT:=1}" "${NEG_EDITS=colour=1,shape=2}"
  CONFIG=${CONFIG:-'{"widths":[24,48,96],"text_layers":2,"space_to_depth":true,"haar":true}'}
  CONFIG1=${CONFIG1:-'{"widths":[24,48,96],"text_layers":2}'}
fi
SIZE=${SIZE:-64}
GROUP_PARTIAL=${GROUP_PARTIAL:-0}
DATA_COUNT=${DATA_COUNT:-30000}   # scenes; with TWINS the data has ~(1 + TWINS) x as many images
# TWINS: probability that a training scene also gets its twin, the same scene with the largest group's
# shape changed (a minimal pair, models/training/twins.py); TWIN_FRAC: share of each phase-2 batch made of such pairs
TWINS=${TWINS:-0}
# SMALL_TWINS: probability that a twin changes one of the smaller groups instead (their shape is named by the full captions only)
SMALL_TWINS=${SMALL_TWINS:-0}
TWIN_FRAC=${TWIN_FRAC:-0}
STEPS=${STEPS:-700}
STEPS2=${STEPS2:-2000}
LR2=${LR2:-1.5e-3}
# TEMP_LR: phase 2's learning-rate multiplier for the temperature t (1 = the other weights' rate; 10
# lets the logit scale reach ~62 instead of ~38, where the loss still pulls it up; MODEL_CARD.md session 8)
TEMP_LR=${TEMP_LR:-1}
# TWIN_WEIGHT: phase 2's weight of model.twin_separation (keeps a twin pair's images, and its two captions,
# at least a margin apart, so shape has a difference to grow from; 0 = off; MODEL_CARD.md session 9)
TWIN_WEIGHT=${TWIN_WEIGHT:-0}
# SMALL_TWIN_WEIGHT: that term's weight for pairs whose twin changed a smaller group, relative to the others
SMALL_TWIN_WEIGHT=${SMALL_TWIN_WEIGHT:-1}
SHORT_FRAC=${SHORT_FRAC:-0.3}
SHAPE_FRAC=${SHAPE_FRAC:-0.5}
NEG_FRAC=${NEG_FRAC:-0.5}
NEG_CONFUSABLE=${NEG_CONFUSABLE:-0}   # >0: shape edits aim at the shapes the model confuses (temperature)
# NEG_EDITS: relative weights of the kinds of edited negative, e.g. "colour=1" (negatives.py; empty = shape, count and swaps alike, no colour edits)
NEG_EDITS=${NEG_EDITS:-}
GROUP_FRAC=${GROUP_FRAC:-0}
BATCH=${BATCH:-128}
THREADS=${THREADS:-2}
THREADS2=${THREADS2:-$THREADS}   # phase 2's threads (the shipped weights: 1)
HARD_FRAC=${HARD_FRAC:-0}   # 0.5 tried: colour 0.915, shape still at chance (see MODEL_CARD.md)
WARMUP=${WARMUP:-50}
# phase 1's warmup steps: with 50, training seeds 1 and 3 sit near chance for ~75 steps; 150 removes that stall
WARMUP1=${WARMUP1:-$WARMUP}
TRAIN_SEED=${TRAIN_SEED:-0}
EVAL_SEED=${EVAL_SEED:-424242}
CONFIG=${CONFIG:-'{"widths":[24,48,96],"text_layers":2}'}
# Phase 1 may train a smaller input on the same data (POOL1=2: the 128 px images averaged to 64 px,
# CONFIG1 without space_to_depth): from a random init the 128 px model learned colour and place ~3x
# slower; phase 2 then starts the space-to-depth model from it exactly (PRESET=128 does this).
POOL1=${POOL1:-1}
CONFIG1=${CONFIG1:-$CONFIG}
# Waiting threads sleep instead of spinning: on a shared machine spinning OpenMP threads starve each other.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}

mkdir -p "$WORK" "$OUT"
T0=$SECONDS
step() {
  local name=$1; shift
  local t=$SECONDS
  echo "== $name"
  "$@"
  echo "== $name: $((SECONDS - t)) s"
}

step "world vocabulary" node bin/shoebox.js debug world-vocab --out "$WORK/world-vocab.json"
step "tokenizer" "$PY" models/training/build_tokenizer.py "$WORK/world-vocab.json" "$OUT/tokenizer.json"
step "training data ($DATA_COUNT scenes)" node bin/shoebox.js debug training-data --out "$WORK/data" --count "$DATA_COUNT" \
  --seed "$DATA_SEED" --tokenizer "$OUT/tokenizer.json" --size "$SIZE" --split train --captions 6 --partial 0.4 --group-partial "$GROUP_PARTIAL" --twins "$TWINS" --small-twins "$SMALL_TWINS"
step "validation data" node bin/shoebox.js debug training-data --out "$WORK/val" --count 500 --seed $((DATA_SEED + 1)) \
  --tokenizer "$OUT/tokenizer.json" --size "$SIZE" --split all --captions 1
step "train ($STEPS steps of $BATCH)" "$PY" models/training/train.py --data "$WORK/data" --val "$WORK/val" \
  --tokenizer "$OUT/tokenizer.json" --out "$WORK/ckpt.pt" --steps "$STEPS" --batch "$BATCH" --threads "$THREADS" \
  --seed "$TRAIN_SEED" --log-every 50 --warmup "$WARMUP1" --hard-frac "$HARD_FRAC" --pool "$POOL1" --config "$CONFIG1"
step "train phase 2 ($STEPS2 steps of $BATCH, shape captions $SHAPE_FRAC, group captions $GROUP_FRAC, short $SHORT_FRAC, negatives $NEG_FRAC aimed $NEG_CONFUSABLE, twin pairs $TWIN_FRAC)" "$PY" models/training/train.py --data "$WORK/data" --val "$WORK/val" \
  --tokenizer "$OUT/tokenizer.json" --out "$WORK/ckpt2.pt" --init "$WORK/ckpt.pt" --steps "$STEPS2" --batch "$BATCH" --threads "$THREADS2" \
  --seed "$TRAIN_SEED" --log-every 50 --warmup "$WARMUP" --lr "$LR2" --short-frac "$SHORT_FRAC" --shape-frac "$SHAPE_FRAC" --group-frac "$GROUP_FRAC" --neg-frac "$NEG_FRAC" --neg-confusable "$NEG_CONFUSABLE" --neg-edits "$NEG_EDITS" --twin-frac "$TWIN_FRAC" --temp-lr "$TEMP_LR" --twin-weight "$TWIN_WEIGHT" --small-twin-weight "$SMALL_TWIN_WEIGHT" --config "$CONFIG"
step "export" "$PY" models/training/export.py --ckpt "$WORK/ckpt2.pt" --tokenizer "$OUT/tokenizer.json" \
  --vocab "$WORK/world-vocab.json" --out "$OUT" --data "$WORK/val"
echo "== model rebuilt in $((SECONDS - T0)) s (without eval)"
step "eval (seed $EVAL_SEED)" node bin/run-ts.js models/eval/evaluate.ts --seed "$EVAL_SEED" --count 1000 --model "$OUT" --threads "$THREADS"
echo "== total: $((SECONDS - T0)) s"
exit
}
