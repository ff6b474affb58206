#!/bin/bash
# ONE call on a lent GPU (the device tool) that makes both bundled models, prepared by tools/prepare_device.sh:
#   run(command="bash tools/device_bundle.sh", carry=[".whl", ".devdata"], timeout_s=600)
# The committed checkpoints under runs/ (about 45 MB) would push what travels over the tool's 64 MiB: move the folder
# out of the checkout for the call (`mv runs /tmp/runs-hold`, then `mv /tmp/runs-hold runs`); the script needs none of it.
# Move it: a symlink left in its place makes the tool count the tracked files through it, and the call is refused.
# 1. the teacher: `--preset gpu` (the original 100 epochs at batch 512, bf16 autocast), fitted by --time_budget to
#    TEACHER_S seconds; its EMA exported and scored on 1,000 DDIM-50 samples (the quality bar);
# 2. the student on that teacher: PAIRS DPM-Solver++-20 pairs (the CPU student's sampler; session 14's 60,000 DDIM-50
#    pairs ran at 192 a second and were cut at 21,000), then ddkit-train-direct with the seed's flags (--lr 1e-4
#    --batch_size 128 --epochs 50) until DEADLINE seconds after the start (cut between epochs; best_model.pt is the EMA
#    of the best epoch so far).
# Each model is packed as soon as it is done, so a cut call still brings back the teacher: $OUT/teacher.tar.part.* and
# $OUT/student.tar.part.* (`cat teacher.tar.part.* | tar x` joins them; the tool brings back files of at most 16 MB),
# and $OUT/device.log.
# EXTRA_T / EXTRA_S (more flags of the two trainings) and EVAL_N are for a small rehearsal on a CPU.
set -uo pipefail
DEADLINE=${DEADLINE:-540}; TEACHER_S=${TEACHER_S:-330}; PAIRS=${PAIRS:-20000}
source tools/device_env.sh
exec > >(tee -a "$OUT/device.log") 2>&1
T=runs/teacher-gpu; S=runs/student-gpu; P=/tmp/pack
rm -rf "$P"; mkdir -p "$T" "$S" "$P/teacher" "$P/student"
pack() { tar -C "$P" -cf - "$1" | split -b 15M - "$OUT/$1.tar.part."; ls -la "$OUT"; }

stamp "teacher: train"
timeout -s TERM -k 30 $((TEACHER_S + 90)) bash -c "$(declare -f cli); cli ddkit.train_ddpm main ddkit-train-ddpm --preset gpu \
  --output_dir $T --ckpt_every 5000 --keep 1 --time_budget $TEACHER_S ${EXTRA_T:-}" 2>&1 | quiet | tail -8
tail -2 "$T/loss_log.csv"
stamp "teacher: export and score"
cli ddkit.train_direct export_teacher_main ddkit-export-teacher --ckpt "$T" --output "$P/teacher/teacher.safetensors"
cli ddkit.metrics eval_teacher_main ddkit-eval-teacher --ckpt "$P/teacher/teacher.safetensors" --n ${EVAL_N:-1000} --batch_size 500 \
  --device auto --output "$P/teacher/teacher_quality.json" 2>&1 | quiet | tail -30
cp "$T/loss_log.csv" "$T/loss_curve.png" "$(ls "$T"/samples_epoch_*.png | tail -1)" "$(ls "$T"/steps_*.pt | tail -1)" "$P/teacher/"
pack teacher
[ -f "$P/teacher/teacher.safetensors" ] || { stamp "no teacher: stop"; exit 1; }

stamp "student: $PAIRS pairs"
timeout -s TERM 120 bash -c "$(declare -f cli); cli ddkit.pairs generate_main ddkit-generate-data --ckpt $P/teacher/teacher.safetensors \
  --n_samples $PAIRS --batch_size 1000 --sampler dpm --steps 20 --output_dir $S/pairs" 2>&1 | quiet | tail -3
LEFT=$((DEADLINE - SECONDS - 25)); stamp "student: train for ${LEFT}s"
timeout -s TERM -k 10 "$LEFT" bash -c "$(declare -f cli); cli ddkit.train_direct main ddkit-train-direct \
  --ddpm_ckpt $P/teacher/teacher.safetensors --data_path $S/pairs --output_dir $S/train --lr 1e-4 --batch_size 128 --epochs 50 \
  --num_workers 6 --resume ${EXTRA_S:-}" 2>&1 | quiet | grep '^epoch [0-9]*:' | tail -60
stamp "student: export"
cli ddkit.train_direct export_student_main ddkit-export-student --decoder_ckpt "$S/train/best_model.pt" --output "$P/student/student.safetensors"
cp "$S/train/loss_log.csv" "$S/train/loss_curve.png" "$(ls "$S"/train/samples_epoch_*.png | tail -1)" "$S/pairs/manifest.json" "$P/student/"
pack student
stamp "done"
