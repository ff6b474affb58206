#!/bin/bash
# ONE call on a lent GPU after the teacher passes its bar (commit its teacher.safetensors first), e.g.
#   run(command="bash tools/device_student.sh", carry=[".whl", ".devdata"], timeout_s=600)
# The seed recipe for the student: 60,000 DDIM-50 pairs of $TEACHER, then ddkit-train-direct with the original flags
# (--lr 1e-4 --batch_size 128 --epochs 50) for at most $BUDGET seconds (resumable with RESUME=1 in a later call,
# carrying runs/student-gpu), the EMA decoder exported; with ABLATIONS=N also the ablation students on N pairs each.
# Leaves in $OUT: student.safetensors, loss_log.csv, loss_curve.png, the last samples grid, the newest epoch checkpoint
# (resume state), ablations.json. The pairs are regenerated on resume (deterministic; they are too large to bring back).
set -uo pipefail
TEACHER=${TEACHER:-ddkit/assets/teacher.safetensors}; RUN=${RUN:-runs/student-gpu}; BUDGET=${BUDGET:-360}
PAIRS=${PAIRS:-60000}; EPOCHS=${EPOCHS:-50}
source tools/device_env.sh
mkdir -p "$RUN"
cli ddkit.pairs generate_main ddkit-generate-data --ckpt "$TEACHER" --n_samples "$PAIRS" --batch_size 1000 --sampler ddim --steps 50 \
    --output_dir "$RUN/pairs" 2>&1 | tr '\r' '\n' | grep -v 'it/s\]$\|shard' | tail -3
timeout -s TERM -k 30 "$BUDGET" bash -c "$(declare -f cli); cli ddkit.train_direct main ddkit-train-direct --ddpm_ckpt $TEACHER \
    --data_path $RUN/pairs --output_dir $RUN/train --lr 1e-4 --batch_size 128 --epochs $EPOCHS --resume" 2>&1 | tr '\r' '\n' | grep '^epoch' | tail -5
cli ddkit.train_direct export_student_main ddkit-export-student --decoder_ckpt "$RUN/train/best_model.pt" --output "$OUT/student.safetensors"
cp "$RUN/train/loss_log.csv" "$RUN/train/loss_curve.png" "$OUT/" 2>/dev/null
cp "$(ls "$RUN"/train/samples_epoch_*.png | tail -1)" "$OUT/student_samples.png" 2>/dev/null
cp "$(ls "$RUN"/train/ckpt_epoch_*.pt | tail -1)" "$OUT/" 2>/dev/null  # to resume: put it in $RUN/train and carry $RUN/train
if [ "${ABLATIONS:-0}" != 0 ]; then
  python3 -c "
import json, sys; from ddkit.bench import ablation_study; from ddkit.data import mnist_tensors
real = mnist_tensors(train=False)[0][:, None].float() / 255
rows = ablation_study('$RUN/ablations', '$TEACHER', n_pairs=$ABLATIONS, epochs=${ABL_EPOCHS:-10}, n_eval=1000, real=real, pair_batch=1000, progress=False)
json.dump(rows, open('$OUT/ablations.json', 'w'), indent=1); print(json.dumps(rows, indent=1))"
fi
ls -la "$OUT"
