"""The fault matrix: every console script x every path argument x every kind of bad file, and every numeric
flag at 0, -1, nan and an absurd value, must exit with status 2 and exactly one line on stderr starting `error:`, and a
pickle that would run code must never run. In-process (the scripts' `main(argv)`), so the whole matrix takes seconds."""
import contextlib, io, json, os, shutil
from pathlib import Path
import pytest
import torch

from ddkit.ddpm import sample_main, load_ddpm, teacher_checksum
from ddkit.pairs import generate_main
from ddkit.train_ddpm import main as train_ddpm_main, lineage_main
from ddkit.train_student import main as train_direct_main
from ddkit.export import export_main, export_student
from ddkit.visualise import main as visualise_main  # not test_*: pytest would collect it
from ddkit.metrics import train_classifier_main
from ddkit.evaluate import eval_teacher_main
from ddkit.evaluate import eval_student_main, compare_students_main
from ddkit.bench import main as bench_main
from ddkit.demo import main as demo_main
from ddkit.attribution_eval import lds_build_main
from ddkit.attribution_eval import lds_rank_main, lds_counterfactual_main
from ddkit.student import Student, bundled_path
from ddkit.core import save_checkpoint, save_tensors, load_tensors
from ddkit.lds import small_ddpm, train_small

FIX = Path(__file__).parent/"fixtures"
CKPT = FIX/"bot66_base16_steps_00000040.pt"

class _RunsCode:
    "Unpickling this would create a folder: the loaders must refuse it without running it."
    def __init__(self, mark): self.mark = str(mark)
    def __reduce__(self): return (os.mkdir, (self.mark,))

@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    "Every kind of bad input file, and a pair folder and a student that are good (made with the fixture teacher)."
    d = tmp_path_factory.mktemp("bad")
    (d/"empty.pt").write_bytes(b"")
    (d/"truncated.pt").write_bytes(CKPT.read_bytes()[:len(CKPT.read_bytes()) // 2])
    (d/"folder").mkdir()
    (d/"text.pt").write_text("not a checkpoint\n")
    torch.save({"model": _RunsCode(d/"PICKLE_RAN")}, d/"pickle.pt")
    (d/"truncated.json").write_text('{"n": 10, "classifier')
    teacher = load_ddpm(CKPT)
    stu = Student(teacher)  # a student of the fixture teacher: "another teacher's" for the bundled one
    ck = dict(decoder_ema={f"module.{k}": v for k, v in stu.decoder.state_dict().items()} | {"n_averaged": torch.tensor(1)},
              decoder=stu.decoder.state_dict(), teacher_sha256=teacher_checksum(teacher), encoder_t=stu.encoder.t, epoch=0)
    save_checkpoint(ck, d/"other"/"best_model.pt"); export_student(d/"other"/"best_model.pt", d/"other.safetensors")
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        generate_main(["--ckpt", str(CKPT), "--n_samples", "4", "--steps", "2", "--batch_size", "4", "--output_dir", str(d/"pairs")])
    return d

FILE_KINDS = {"missing": lambda d: d/"nope.pt", "empty": lambda d: d/"empty.pt", "truncated": lambda d: d/"truncated.pt",
              "directory": lambda d: d/"folder", "text": lambda d: d/"text.pt", "pickle": lambda d: d/"pickle.pt"}
OTHER = {"another teacher's": lambda d: d/"other.safetensors"}
STUDENT = str(bundled_path("student.safetensors"))

# script, path argument, argv with the bad path X and a scratch folder O, the kinds of bad input that apply
CASES = [
    ("ddkit-sample", "--ckpt", sample_main, lambda x, o: ["--ckpt", x, "--n_samples", "1", "--steps", "1", "--output", o/"s.png"], FILE_KINDS),
    ("ddkit-generate-data", "--ckpt", generate_main, lambda x, o: ["--ckpt", x, "--n_samples", "1", "--output_dir", o/"p"], FILE_KINDS),
    ("ddkit-train-ddpm", "--ckpt", train_ddpm_main,
     lambda x, o: ["--ckpt", x, "--output_dir", o/"t", "--max_steps", "1", "--n_train", "64", "--batch_size", "8"], FILE_KINDS),
    ("ddkit-train-student", "--ddpm_ckpt", train_direct_main,
     lambda x, o: ["--ddpm_ckpt", x, "--data_path", o.parent/"pairs", "--output_dir", o/"d", "--epochs", "1"], FILE_KINDS),
    ("ddkit-train-student", "--init_from", train_direct_main,
     lambda x, o: ["--init_from", x, "--ddpm_ckpt", CKPT, "--data_path", o.parent/"pairs", "--output_dir", o/"d", "--epochs", "1"],
     {**FILE_KINDS, "another teacher's": lambda d: STUDENT}),
    ("ddkit-train-student", "--data_path", train_direct_main,
     lambda x, o: ["--data_path", x, "--ddpm_ckpt", CKPT, "--output_dir", o/"d", "--epochs", "1"], FILE_KINDS),
    ("ddkit-test-student", "--decoder_ckpt", visualise_main,
     lambda x, o: ["--decoder_ckpt", x, "--n_samples", "1", "--output_dir", o/"v"], {**FILE_KINDS, **OTHER}),
    ("ddkit-test-student", "--ddpm_ckpt", visualise_main,
     lambda x, o: ["--ddpm_ckpt", x, "--decoder_ckpt", STUDENT, "--n_samples", "1", "--output_dir", o/"v"],
     {**FILE_KINDS, "another teacher's": lambda d: CKPT}),
    ("ddkit-eval-teacher", "--ckpt", eval_teacher_main,
     lambda x, o: ["--ckpt", x, "--n", "2", "--steps", "1", "--output", o/"q.json"], FILE_KINDS),
    ("ddkit-eval-student", "--decoder_ckpt", eval_student_main,
     lambda x, o: ["--decoder_ckpt", x, "--n", "2", "--ref_steps", "1", "--no_sweeps", "--ref_cache", o/"refs", "--output", o/"e.json"],
     {**FILE_KINDS, **OTHER}),
    ("ddkit-eval-student", "--ddpm_ckpt", eval_student_main,
     lambda x, o: ["--ddpm_ckpt", x, "--decoder_ckpt", STUDENT, "--n", "2", "--ref_steps", "1", "--no_sweeps",
                   "--ref_cache", o/"refs", "--output", o/"e.json"], {**FILE_KINDS, "another teacher's": lambda d: CKPT}),
    ("ddkit-export", "--ckpt", export_main, lambda x, o: ["--ckpt", x, "--output", o/"x.safetensors"], FILE_KINDS),
    ("ddkit-compare-students", "reports", compare_students_main,
     lambda x, o: [x, "--png", o/"c.png", "--json", o/"c.json"], {**FILE_KINDS, "truncated": lambda d: d/"truncated.json"}),
    ("ddkit-bench", "--ckpt", bench_main,
     lambda x, o: ["--ckpt", x, "--n_fid", "2", "--reps", "1", "--output", o/"r.json", "--markdown", o/"B.md"], FILE_KINDS),
    ("ddkit-bench", "--student", bench_main,
     lambda x, o: ["--student", x, "--n_fid", "2", "--reps", "1", "--output", o/"r.json", "--markdown", o/"B.md"], {**FILE_KINDS, **OTHER}),
    ("ddkit-demo", "--ckpt", demo_main, lambda x, o: ["--ckpt", x, "--output_dir", o/"demo", "--n_pairs", "4"], FILE_KINDS),
    ("ddkit-teacher-lineage", "phases", lineage_main, lambda x, o: [x, "--json", o/"l.json", "--png", o/"l.png"], FILE_KINDS),
]

def _run(main, argv):
    "(exit status, stderr) of a console script's main, in process."
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try: main([str(a) for a in argv]); code = 0
        except SystemExit as e: code = e.code
    return code, err.getvalue()

def assert_one_line(code, err, what):
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error:"), f"{what}: status {code}, stderr:\n{err[-3000:]}"

@pytest.mark.parametrize("script,arg,main,argv,kind",
                         [(s, a, m, f, k) for s, a, m, f, kinds in CASES for k in kinds],
                         ids=[f"{s} {a} {k}" for s, a, m, f, kinds in CASES for k in kinds])
def test_bad_path(bad, tmp_path, script, arg, main, argv, kind):
    kinds = next(kk for s, a, m, f, kk in CASES if s == script and a == arg)
    out = bad/"scratch"/tmp_path.name; out.mkdir(parents=True)
    code, err = _run(main, argv(kinds[kind](bad), out))
    assert_one_line(code, err, f"{script} {arg} <{kind}>")
    assert not (bad/"PICKLE_RAN").exists(), f"{script} {arg} ran a pickle's code"

# output paths that cannot be written: an existing file where a folder goes, a folder where a file goes
OUTPUTS = [
    ("ddkit-sample --output", sample_main, lambda f, d: ["--ckpt", CKPT, "--n_samples", "1", "--steps", "1", "--output", f/"x.png"]),
    ("ddkit-generate-data --output_dir", generate_main, lambda f, d: ["--ckpt", CKPT, "--n_samples", "1", "--steps", "1", "--output_dir", f]),
    ("ddkit-train-ddpm --output_dir", train_ddpm_main,
     lambda f, d: ["--ckpt", CKPT, "--output_dir", f, "--max_steps", "1", "--n_train", "64", "--batch_size", "8"]),
    ("ddkit-test-student --output_dir", visualise_main, lambda f, d: ["--decoder_ckpt", STUDENT, "--n_samples", "1", "--output_dir", f]),
    ("ddkit-export --output", export_main, lambda f, d: ["--ckpt", CKPT, "--output", d]),
    ("ddkit-eval-teacher --output", eval_teacher_main, lambda f, d: ["--ckpt", CKPT, "--n", "2", "--steps", "1", "--output", f/"q.json"]),
]

@pytest.mark.parametrize("name,main,argv", OUTPUTS, ids=[o[0] for o in OUTPUTS])
def test_unwritable_output(tmp_path, name, main, argv):
    (tmp_path/"a_file").write_text("x"); (tmp_path/"a_folder").mkdir()
    code, err = _run(main, argv(tmp_path/"a_file", tmp_path/"a_folder"))
    # the work before the write may show its progress bar: one error line, no traceback
    errors = [l for l in err.splitlines() if l.startswith("error:")]
    assert code == 2 and len(errors) == 1 and "Traceback" not in err and "pass another path" in errors[0], f"{name}: {code}\n{err[-2000:]}"

# numeric flags: script, flag, argv prefix that makes the rest valid
NUMERIC = [
    (sample_main, "ddkit-sample", ["--n_samples", "--steps", "--batch_size", "--seed"], []),
    (generate_main, "ddkit-generate-data", ["--n_samples", "--batch_size", "--steps", "--seed"], []),
    (train_ddpm_main, "ddkit-train-ddpm", ["--lr", "--batch_size", "--epochs", "--n_samples", "--model_base_dim", "--timesteps",
      "--model_ema_steps", "--model_ema_decay", "--log_freq", "--max_steps", "--seed", "--ckpt_every", "--keep", "--snr_gamma",
      "--p2_gamma", "--sample_steps", "--n_train", "--eval_n", "--accum_steps", "--input_perturbation", "--time_budget"], []),
    (train_direct_main, "ddkit-train-student", ["--lr", "--batch_size", "--epochs", "--train_split", "--seed", "--ema_decay",
      "--n_samples", "--max_epochs_this_run", "--num_workers"], []),
    (visualise_main, "ddkit-test-student", ["--n_samples", "--seed", "--bias"], ["--decoder_ckpt", STUDENT]),
    (eval_teacher_main, "ddkit-eval-teacher", ["--n", "--steps", "--seed", "--batch_size"], []),
    (train_classifier_main, "ddkit-train-classifier", ["--epochs", "--batch_size", "--lr", "--seed"], []),
    (eval_student_main, "ddkit-eval-student", ["--n", "--ref_steps", "--n_sweep", "--bank_n", "--strengths"], ["--decoder_ckpt", STUDENT]),
    (bench_main, "ddkit-bench", ["--n_fid", "--n_ancestral", "--reps", "--speed_batch", "--ablation_pairs",
      "--ablation_ancestral_pairs", "--ablation_epochs"], []),
    (demo_main, "ddkit-demo", ["--n_pairs", "--steps", "--epochs", "--n_eval", "--seed"], []),
    (lds_build_main, "ddkit-lds-build", ["--max_jobs", "--threads", "--m", "--epochs", "--steps", "--base_steps"], []),
    (lds_rank_main, "ddkit-lds-rank", ["--threads", "--proj_dim", "--grad_timesteps"], []),
    (lds_counterfactual_main, "ddkit-lds-counterfactual", ["--n_queries", "--frac", "--threads"], []),
]
# a value each flag refuses; 0 is a valid seed, eval_n, n_ancestral, ablation_pairs, input_perturbation, p2_gamma,
# num_workers, strength and bias, and -1 a valid bias: those values are skipped for them
ZERO_OK = {"--seed", "--eval_n", "--n_ancestral", "--ablation_pairs", "--input_perturbation", "--p2_gamma", "--num_workers",
           "--strengths", "--bias", "--model_ema_decay", "--ema_decay"}
VALUES = {"0": lambda f: f not in ZERO_OK, "-1": lambda f: f != "--bias", "nan": lambda f: True, "1e300": lambda f: True}

@pytest.mark.parametrize("main,script,flag,value,prefix",
                         [(m, s, f, v, p) for m, s, flags, p in NUMERIC for f in flags for v, ok in VALUES.items() if ok(f)],
                         ids=[f"{s} {f} {v}" for m, s, flags, p in NUMERIC for f in flags for v, ok in VALUES.items() if ok(f)])
def test_bad_number(tmp_path, main, script, flag, value, prefix):
    code, err = _run(main, [*prefix, flag, value])
    assert_one_line(code, err, f"{script} {flag} {value}")
    assert flag.lstrip("-") in err, err

# --- integrity: nothing read from disk runs code, and every artefact ddkit writes is verified when it is read ---

ROOT = Path(__file__).parent.parent

def _calls(text, name):
    "The argument text of every call `name(...)` in `text` (parentheses balanced)."
    i = text.find(name + "(")
    while i >= 0:
        j, depth = i + len(name) + 1, 1
        while depth and j < len(text): depth += {"(": 1, ")": -1}.get(text[j], 0); j += 1
        yield text[i:j]
        i = text.find(name + "(", j)

def _sources():
    "(name, code) of every module of the package and every code cell of the notebooks."
    for p in sorted((ROOT/"ddkit").glob("*.py")): yield p.name, p.read_text()
    for p in sorted((ROOT/"nbs").glob("*.ipynb")):
        for c in json.loads(p.read_text())["cells"]:
            if c["cell_type"] == "code": yield f"{p.name} {c.get('id')}", "".join(c["source"])

def test_no_load_can_run_code():
    "Every torch.load says weights_only=True; nothing unpickles but the one audited numpy-only reader of MNIST."
    bad = []
    for name, code in _sources():
        bad += [f"{name}: {c[:80]}" for c in _calls(code, "torch.load") if "weights_only=True" not in c]
        bad += [f"{name}: {w}" for w in ("weights_only=False", "allow_pickle=True", "pickle.load(", "pickle.loads(")
                if w in code]
        if "pickle.Unpickler" in code and not name.startswith(("data.py", "02_data.ipynb")):
            bad.append(f"{name}: Unpickler")
    assert not bad, bad

def test_source_walk_can_fail():
    "The walk above finds a load without weights_only (so it is not a test that cannot fail)."
    assert list(_calls("x = torch.load(p, map_location=f(1))\n", "torch.load")) == ["torch.load(p, map_location=f(1))"]

def test_planted_pickle_in_a_resume_state_never_runs(tmp_path):
    "A shared folder's resume checkpoint (an LDS base model's) holding code is refused in one line; it never runs."
    torch.save({"model": _RunsCode(tmp_path/"PICKLE_RAN")}, tmp_path/"base.ckpt")
    with pytest.raises(Exception, match="pickled Python objects"):
        train_small(small_ddpm(0), torch.zeros(4, 1, 28, 28), 2, ckpt=tmp_path/"base.ckpt")
    assert not (tmp_path/"PICKLE_RAN").exists()

def _flip_bit(p, at=-8):
    b = bytearray(Path(p).read_bytes()); b[at] ^= 0x40; Path(p).write_bytes(bytes(b))

def test_damaged_student_refused(bad, tmp_path):
    "A bit flipped in an exported student, or a NaN in it: ddkit-test-student stops in one line, writes no grid."
    flipped = tmp_path/"flipped.safetensors"; flipped.write_bytes((bad/"other.safetensors").read_bytes())
    _flip_bit(flipped)
    t, md = load_tensors(bad/"other.safetensors")
    t = {k: (v.clone().fill_(float("nan")) if v.is_floating_point() else v) for k, v in t.items()}
    md.pop("sha256"); save_tensors(t, tmp_path/"nan.safetensors", **md)
    for f, why in ((flipped, "does not match its checksum"), (tmp_path/"nan.safetensors", "NaN or infinite")):
        code, err = _run(visualise_main, ["--ddpm_ckpt", CKPT, "--decoder_ckpt", f, "--n_samples", "1",
                                          "--output_dir", tmp_path/"v"])
        assert_one_line(code, err, f"ddkit-test-student {f.name}"); assert why in err, err
        assert not list((tmp_path/"v").glob("*.png")) if (tmp_path/"v").exists() else True

def test_bad_thread_count_is_one_line(monkeypatch, tmp_path):
    "DDKIT_THREADS is parsed like a flag: abc, 0, -1 and 1.5 are one line naming it."
    for v in ("abc", "0", "-1", "1.5"):
        monkeypatch.setenv("DDKIT_THREADS", v)
        code, err = _run(sample_main, ["--ckpt", CKPT, "--n_samples", "1", "--steps", "1",
                                       "--output", tmp_path/"s.png"])
        assert_one_line(code, err, f"DDKIT_THREADS={v}"); assert "DDKIT_THREADS" in err, err

def test_full_disk_is_one_line_and_loses_nothing(monkeypatch, tmp_path):
    "Every write goes through Python's own write: a full disk (the kernel's /dev/full) is one line, nothing lost."
    import ddkit.core
    def to_full_disk(tmp, data):
        with open("/dev/full", "wb") as f: f.write(data); f.flush()
    monkeypatch.setattr(ddkit.core, "_write_bytes", to_full_disk)
    code, err = _run(export_main, ["--ckpt", CKPT, "--output", tmp_path/"t.safetensors"])
    assert_one_line(code, err, "ddkit-export on a full disk"); assert "no space left" in err, err
    assert list(tmp_path.iterdir()) == [], list(tmp_path.iterdir())

def test_student_missing_tensor_or_bad_metadata(bad, tmp_path):
    "A student file missing a weight, or with metadata that is not JSON: one line each."
    t, md = load_tensors(bad/"other.safetensors")
    save_tensors({k: v for k, v in t.items() if k != sorted(t)[0]}, tmp_path/"missing.safetensors", **md)
    save_tensors(t, tmp_path/"badjson.safetensors", **{**md, "args": "{not json"})
    for f in ("missing", "badjson"):
        code, err = _run(visualise_main, ["--ddpm_ckpt", CKPT, "--decoder_ckpt", tmp_path/f"{f}.safetensors",
                                          "--n_samples", "1", "--output_dir", tmp_path/"v"])
        assert_one_line(code, err, f"ddkit-test-student {f}")
