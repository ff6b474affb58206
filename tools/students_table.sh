#!/bin/bash
# BENCHMARKS.md's "One-step students side by side" and benchmarks/students.{json,png}, remade from the committed
# reports: one row a run, oldest first. The bundled stages' weights come back from git history; the later runs' from
# their own checkpoints where this machine still has them (runs/ keeps records, not state); `none` scores a row by its
# report alone (no images/s, not in the grid). Run from the repository root on idle cores (images/s is measured here).
set -euo pipefail
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
stage() { git show "$1:ddkit/assets/student.safetensors" > "$W/$1.safetensors" && echo "$W/$1.safetensors"; }
ckpt() { local f=runs/student-cpu-$1/train/ckpt_epoch_00$2.pt; [ -f "$f" ] && echo "$f" || echo none; }
R=runs/student-cpu
rows=(  # report | label | weights
  "$R-3/eval/student_quality.json|regression|$(stage 994c5cc)"
  "$R-4/eval/epoch2.json|+ DMD|$(stage 7bc826a)"
  "$R-5/eval/epoch2.json|+ DMD, lr decay|$(stage 56b7e57)"
  "$R-6/eval/epoch1.json|+ 2 epochs more (not bundled)|none"
  "$R-7/eval/epoch1.json|+ 2 epochs with GAN (not bundled)|none"
  "$R-8/eval/epoch1.json|+ perceptual|$(stage 32ad01e)"
  "$R-9/eval/epoch1.json|+ perceptual x4|none"
  "$R-11/eval/epoch0.json|+ fresh DDIM-30 pairs|$(stage 8616d98)"
  "$R-12/eval/epoch0.json|+ all 35,200 DDIM-30 pairs|$(stage 6e7301c)"
  "$R-13/eval/epoch0.json|+ 1 epoch of plain MSE (not bundled)|none"
  "$R-14/eval/epoch0.json|+ 14,000 fresh pairs (not bundled)|$(ckpt 14 0)"
  "$R-15/eval/epoch0.json|+ half the perceptual weight (bundled)|$(stage 9a0ad19)"
  "$R-16/eval/epoch0.json|+ a quarter of the perceptual weight (not bundled)|$(ckpt 16 0)"
  "$R-18/eval/epoch2.json|+ 3 epochs of plain MSE (not bundled)|$(ckpt 18 2)"
  "$R-19/eval/epoch2.json|+ 3 epochs of plain MSE, 2 mixer layers (not bundled)|$(ckpt 19 2)"
  "$R-20/eval/epoch0.json|+ 1 epoch more of its recipe (not bundled)|$(ckpt 20 0)"
  "$R-21/eval/epoch0.json|+ 14,000 fresh pairs again (not bundled)|$(ckpt 21 0)"
  "$R-22/eval/epoch0.json|+ 4 fake-score updates a step (not bundled)|$(ckpt 22 0)"
  "$R-23/eval/epoch0.json|+ 14,000 fresh pairs at 3x the lr (not bundled)|$(ckpt 23 0)"
)
reports=(); labels=(); weights=()
for r in "${rows[@]}"; do IFS='|' read -r a b c <<< "$r"; reports+=("$a"); labels+=("$b"); weights+=("$c"); done
ddkit-compare-students "${reports[@]}" --labels "${labels[@]}" --students "${weights[@]}" --markdown BENCHMARKS.md \
  > /dev/null
echo "BENCHMARKS.md, benchmarks/students.json and benchmarks/students.png: ${#rows[@]} rows"
