#!/bin/bash
# ONE call on a lent GPU (the device tool), prepared by tools/prepare_device.sh, e.g.
#   run(command="bash tools/device_teacher.sh", carry=[".whl", ".devdata"], timeout_s=600)
# Trains the teacher with `--preset gpu` (the original 100 epochs at batch 512, bf16 autocast) for at most
# $BUDGET seconds (SIGTERM makes ddkit-train-ddpm checkpoint and stop), exports the EMA weights, scores 1,000 DDIM-50
# samples (ddkit-eval-teacher) and leaves in $OUT: teacher.safetensors, teacher_quality.json/.png, loss_log.csv,
# loss_curve.png and the full resume checkpoint in 15 MB parts (`cat steps_N.pt.part.* > steps_N.pt` joins them;
# the device tool brings back files of at most 16 MB). A later call carries that checkpoint back with RESUME=1.
set -uo pipefail
RUN=${RUN:-runs/teacher-gpu}; BUDGET=${BUDGET:-420}
source tools/device_env.sh
mkdir -p "$RUN"
EXTRA=${EXTRA:-}; [ "${RESUME:-0}" = 1 ] && EXTRA="$EXTRA --resume"
timeout -s TERM -k 60 "$BUDGET" bash -c "$(declare -f cli); cli ddkit.train_ddpm main ddkit-train-ddpm --preset gpu --output_dir $RUN --ckpt_every 1000 --keep 1 $EXTRA" 2>&1 | tr '\r' '\n' | grep -v 'train-ddpm:' | tail -20
tail -2 "$RUN/loss_log.csv"
cli ddkit.train_ddpm export_main ddkit-export-teacher --ckpt "$RUN" --output "$OUT/teacher.safetensors"
cli ddkit.metrics eval_teacher_main ddkit-eval-teacher --ckpt "$OUT/teacher.safetensors" --n ${EVAL_N:-1000} --batch_size 500 --device auto --output "$OUT/teacher_quality.json"
cp "$RUN/loss_log.csv" "$RUN/loss_curve.png" "$OUT/" 2>/dev/null
CK=$(ls "$RUN"/steps_*.pt | tail -1); echo "checkpoint: $CK"
split -b 15M "$CK" "$OUT/$(basename "$CK").part."
ls -la "$OUT"
