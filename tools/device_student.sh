#!/bin/bash
# ONE call on a lent GPU (the device tool), prepared by tools/prepare_device.sh (.whl/, .devdata/):
#   run(command="bash tools/device_student.sh", carry=[".whl", ".devdata"], timeout_s=600)
# Issue 29's open lever, many epochs over many fresh pairs, which a 2-core CPU cannot afford (an epoch of 35,200 pairs
# is 74 min there): the bundled student's own recipe (stage 7: --train_encoder --loss perceptual=0.0625,dmd=1
# --fake_steps 2, cosine from 5e-5, EMA 0.99) from ddkit/assets/student.safetensors, on PAIRS DDIM-30 pairs of noise
# seed SEED (no CPU stage trained on seeds >= 3), for as many epochs as fit until BUDGET seconds after the call began.
# The epoch count is fixed before training (the cosine schedule needs it): one timed epoch of a PROBE-pair set sizes it.
# Each epoch's checkpoint is kept, so a cut call loses at most one epoch; the newest is scored on the students table's
# 1,000 noises (seeds from 3,000,000, the teacher's DDIM-50) and exported.
# Leaves in $OUT: student.safetensors (the EMA of the newest epoch), eval.json (ddkit-eval-student), loss_log.csv,
# steps_log.csv, pairs_manifest.json, device.log. The pairs are not brought back (deterministic: regenerate them).
# For a rehearsal on a CPU: PAIRS=300 PROBE=128 BUDGET=60 EVAL_N=50 BATCH=32 bash tools/device_student.sh
set -uo pipefail
PAIRS=${PAIRS:-60000}; SEED=${SEED:-3}; BUDGET=${BUDGET:-420}; PROBE=${PROBE:-3200}; EVAL_N=${EVAL_N:-1000}
BATCH=${BATCH:-64}; MAX_EPOCHS=${MAX_EPOCHS:-40}; RUN=${RUN:-runs/student-gpu-2}
source tools/device_env.sh
exec > >(tee -a "$OUT/device.log") 2>&1
RECIPE="--init_from ddkit/assets/student.safetensors --train_encoder --loss perceptual=0.0625,dmd=1 --fake_steps 2 \
  --lr 5e-5 --batch_size $BATCH --schedule cosine --ema_decay 0.99 --seed 0 --num_workers 4"
mkdir -p "$RUN"

stamp "pairs: $PAIRS DDIM-30 of seed $SEED, and $PROBE of seed $((SEED + 1)) for the timing probe"
for spec in "$PAIRS $SEED pairs" "$PROBE $((SEED + 1)) probe_pairs"; do set -- $spec
  cli ddkit.pairs generate_main ddkit-generate-data --n_samples "$1" --sampler ddim --steps 30 --seed "$2" \
    --batch_size 1000 --output_dir "$RUN/$3" 2>&1 | quiet | tail -2
done
cp "$RUN/pairs/manifest.json" "$OUT/pairs_manifest.json"

stamp "probe: one epoch of $PROBE pairs"
rm -rf "$RUN/probe"; t0=$SECONDS
cli ddkit.train_direct main ddkit-train-direct --data_path "$RUN/probe_pairs" --output_dir "$RUN/probe" --epochs 1 \
  $RECIPE 2>&1 | quiet | tail -2
per_pair=$(python3 -c "print(max($SECONDS - $t0, 1) / $PROBE)")
EPOCHS=$(python3 -c "print(max(1, min($MAX_EPOCHS, int(($BUDGET - ($SECONDS)) / ($per_pair * $PAIRS)))))")
stamp "probe took $((SECONDS - t0)) s ($per_pair s a pair, start-up included): $EPOCHS epochs of $PAIRS pairs"

timeout -s TERM -k 30 $((BUDGET - SECONDS > 30 ? BUDGET - SECONDS : 30)) bash -c "$(declare -f cli); cli ddkit.train_direct \
  main ddkit-train-direct --data_path $RUN/pairs --output_dir $RUN/train --epochs $EPOCHS --resume $RECIPE" 2>&1 \
  | quiet | grep -v '^ *[0-9]*%' | tail -6
CKPT=$(ls "$RUN"/train/ckpt_epoch_*.pt 2>/dev/null | tail -1)
[ -n "$CKPT" ] || { stamp "no epoch finished: raise BUDGET or lower PAIRS"; exit 1; }
stamp "scoring $CKPT on $EVAL_N noises"
cli ddkit.evaluate eval_student_main ddkit-eval-student --decoder_ckpt "$CKPT" --no_sweeps --n "$EVAL_N" \
  --output "$OUT/eval.json" 2>&1 | quiet | tail -3
cli ddkit.train_direct export_main ddkit-export --ckpt "$CKPT" --weights ema --output "$OUT/student.safetensors" 2>&1 | tail -1
cp "$RUN"/train/loss_log.csv "$RUN"/train/steps_log.csv "$OUT/" 2>/dev/null
stamp "done"; ls -la "$OUT"
