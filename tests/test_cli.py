"""Console scripts: bad input gives one clear line (no traceback) and exit status 2; real runs write what they promise."""
import json, os, subprocess, sys, time, signal
from pathlib import Path
import pytest
import torch

BIN = Path(sys.executable).parent
FIX = Path(__file__).parent/"fixtures"
CKPT = FIX/"bot66_base16_steps_00000040.pt"

def run(script, *args, **kw):
    return subprocess.run([str(BIN/script), *map(str, args)], capture_output=True, text=True, timeout=600, **kw)

def assert_one_line_error(r, needle):
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    assert "Traceback" not in r.stderr, r.stderr
    lines = [l for l in r.stderr.splitlines() if l.startswith("error:")]
    assert len(lines) == 1 and needle in lines[0], r.stderr

def test_sample_missing_checkpoint(tmp_path):
    assert_one_line_error(run("ddkit-sample", "--ckpt", tmp_path/"nope.pt"), "no such file")

def test_sample_truncated_checkpoint(tmp_path):
    bad = tmp_path/"trunc.pt"; bad.write_bytes(CKPT.read_bytes()[:50_000])
    assert_one_line_error(run("ddkit-sample", "--ckpt", bad), "truncated or damaged")

def test_sample_pickled_objects_refused(tmp_path):
    bad = tmp_path/"obj.pt"
    torch.save({"model": {}, "model_ema": {}, "evil": Path("x")}, bad)
    assert_one_line_error(run("ddkit-sample", "--ckpt", bad), "weights_only")

def test_sample_other_architecture(tmp_path):
    bad = tmp_path/"other.pt"
    torch.save({"model": {"model.init_conv.module.0.weight": torch.zeros(8, 1, 3, 3)}, "model_ema": {}}, bad)
    r = run("ddkit-sample", "--ckpt", bad)
    assert r.returncode == 2 and "Traceback" not in r.stderr and bad.name in r.stderr

def test_sample_writes_grid_and_manifest(tmp_path):
    out = tmp_path/"s.png"
    r = run("ddkit-sample", "--ckpt", CKPT, "--n_samples", 4, "--sampler", "dpm", "--steps", 4, "--seed", 7, "--output", out)
    assert r.returncode == 0, r.stderr
    m = json.loads(out.with_suffix(".json").read_text())
    assert out.stat().st_size > 100 and m["sampler"] == "dpm" and m["steps"] == 4 and m["seed"] == 7 and len(m["teacher_sha256"]) == 64

def test_train_refuses_wrong_base_dim_on_resume(tmp_path):
    common = ["--model_base_dim", 16, "--batch_size", 8, "--epochs", 1, "--n_train", 16, "--cpu", "--n_samples", 4,
              "--sample_steps", 2, "--output_dir", tmp_path]
    assert run("ddkit-train-ddpm", *common).returncode == 0
    r = run("ddkit-train-ddpm", *common[:1], 32, *common[2:], "--resume")
    assert_one_line_error(r, "another --model_base_dim")
    assert_one_line_error(run("ddkit-train-ddpm", *common), "pass --resume")

def _final_ema(d):
    ck = sorted(Path(d).glob("steps_*.pt"))[-1]
    return torch.load(ck, weights_only=True)

def test_train_kill9_then_resume_matches_uninterrupted(tmp_path):
    "Killed with SIGKILL mid-run, `--resume` continues and ends with exactly the weights of an uninterrupted run."
    common = ["--model_base_dim", 16, "--batch_size", 8, "--epochs", 2, "--n_train", 64, "--cpu", "--n_samples", 4,
              "--sample_steps", 2, "--ckpt_every", 2, "--model_ema_steps", 2, "--keep", 2]
    a, b = tmp_path/"a", tmp_path/"b"
    assert run("ddkit-train-ddpm", *common, "--output_dir", a).returncode == 0
    p = subprocess.Popen([str(BIN/"ddkit-train-ddpm"), *map(str, common), "--output_dir", str(b)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.time()
    while not list(b.glob("steps_*.pt")) and time.time() - t0 < 300: time.sleep(0.05)
    time.sleep(0.3)
    p.send_signal(signal.SIGKILL); p.wait()
    done = sorted(b.glob("steps_*.pt"))
    assert done and int(done[-1].stem.split("_")[1]) < 16, "the run should have been killed before finishing"
    r = run("ddkit-train-ddpm", *common, "--output_dir", b, "--resume")
    assert r.returncode == 0, r.stderr[-2000:]
    ca, cb = _final_ema(a), _final_ema(b)
    assert ca["step"] == cb["step"] == 16
    for k, v in ca["model_ema"].items(): assert torch.equal(v, cb["model_ema"][k]), k
    log = lambda d: [r.split(",")[:4] for r in (d/"loss_log.csv").read_text().splitlines()]
    assert log(a) == log(b)  # step, epoch, loss, lr: the resumed log is the uninterrupted one

def test_train_sigterm_checkpoints_and_exits_nonzero(tmp_path):
    "SIGTERM: a checkpoint at the step reached, exit status 143 (so `make teacher` stops), and `--resume` finishes."
    common = ["--model_base_dim", 16, "--batch_size", 8, "--epochs", 4, "--n_train", 64, "--cpu", "--n_samples", 4,
              "--sample_steps", 2, "--ckpt_every", 1000, "--output_dir", tmp_path]
    p = subprocess.Popen([str(BIN/"ddkit-train-ddpm"), *map(str, common)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    t0 = time.time()
    while not (tmp_path/"loss_log.csv").exists() or len((tmp_path/"loss_log.csv").read_text().splitlines()) < 3:
        assert time.time() - t0 < 300 and p.poll() is None, "the run should still be going"
        time.sleep(0.05)
    p.send_signal(signal.SIGTERM); err = p.communicate()[1]
    assert p.returncode == 128 + signal.SIGTERM and "stopped by signal" in err, (p.returncode, err[-2000:])
    step = _final_ema(tmp_path)["step"]
    assert 2 <= step < 32, step
    assert run("ddkit-train-ddpm", *common, "--resume").returncode == 0
    assert _final_ema(tmp_path)["step"] == 32

def test_export_student_errors(tmp_path):
    assert_one_line_error(run("ddkit-export-student", "--decoder_ckpt", tmp_path/"nope.pt"), "no such file")
    assert_one_line_error(run("ddkit-export-student", "--decoder_ckpt", CKPT), "not a direct-decoder checkpoint")
    (tmp_path/"empty.pt").write_bytes(b""); (tmp_path/"run").mkdir()
    assert_one_line_error(run("ddkit-export", "--ckpt", tmp_path/"empty.pt"), "cannot be read as a checkpoint")
    assert_one_line_error(run("ddkit-export", "--ckpt", tmp_path/"run"), "holds neither steps_XXXXXXXX.pt")
    assert_one_line_error(run("ddkit-export-teacher", "--ckpt", tmp_path/"run"), "holds neither")

def test_eval_teacher_scores_and_writes(tmp_path):
    out = tmp_path/"q.json"
    r = run("ddkit-eval-teacher", "--ckpt", CKPT, "--n", 6, "--steps", 2, "--batch_size", 3, "--output", out)
    assert r.returncode == 0, r.stderr
    q = json.loads(out.read_text())
    assert q["n"] == 6 and q["meets_bar"] is False and abs(sum(q["class_share"]) - 1) < 1e-6 and out.with_suffix(".png").exists()
    assert_one_line_error(run("ddkit-eval-teacher", "--ckpt", tmp_path/"nope.pt"), "no such file")

def test_eval_student_scores_a_trained_student(tmp_path):
    "pairs -> one epoch of training -> export -> ddkit-eval-student: real figures, the grid and one plot per hook sweep."
    # the set-up runs in this process (those console scripts have their own tests); each subprocess costs ~10 s of imports
    from ddkit.ddpm import load_ddpm
    from ddkit.pairs import generate_pairs
    from ddkit.train_student import main as train_direct_main
    from ddkit.export import export_student
    env = {**os.environ, "DDKIT_THREADS": "1"}
    generate_pairs(load_ddpm(CKPT), tmp_path/"pairs", n_samples=16, batch_size=8, steps=2, progress=False)
    train_direct_main(["--ddpm_ckpt", str(CKPT), "--data_path", str(tmp_path/"pairs"), "--output_dir", str(tmp_path/"train"),
                       "--epochs", "1", "--batch_size", "8", "--n_samples", "4"])
    export_student(tmp_path/"train"/"best_model.pt", tmp_path/"s.safetensors")
    out = tmp_path/"q"/"student_quality.json"
    r = run("ddkit-eval-student", "--ddpm_ckpt", CKPT, "--decoder_ckpt", tmp_path/"s.safetensors", "--n", 12, "--ref_steps", 2, "--ref_cache", tmp_path/"refs",
            "--n_sweep", 6, "--bank_n", 200, "--strengths", 0, 0.5, "--output", out, env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    q = json.loads(out.read_text())
    assert q["n"] == 12 and abs(sum(q["class_share"]) - 1) < 1e-6 and q["mse_vs_teacher"] > 0 and 0 <= q["label_agreement"] <= 1
    assert set(q["sweeps"]) == {"include", "exclude", "include_inverted", "exclude_inverted"} and q["teacher_sha256"] and q["classifier_fid"] > 0
    # two cached references: the report's DDIM-2 and the stability check's DDIM-30 (--stability_ref's default)
    assert q["teacher_ref"]["steps"] == 2 and 0 <= q["recall"] <= 1
    assert len(list((tmp_path/"refs").glob("*.safetensors"))) == 2
    st = q["stability"]
    assert (st["ref"], st["alt"], st["n"]) == ("ddim-2", "ddim-30", 12) and 0 <= st["stable_share"] <= 1
    assert abs(st["agreement"] - q["label_agreement"]) < 1e-6  # the same student, noises and reference as the report's
    assert_one_line_error(run("ddkit-eval-student", "--decoder_ckpt", tmp_path/"s.safetensors", "--stability_ref", "ddim",
                              env=env), "--stability_ref 'ddim': pass sampler:steps")
    assert out.with_suffix(".png").exists() and (out.parent/"student_quality_include.png").exists()
    # a student of this teacher is refused on another teacher (the bundled one), with one line
    assert_one_line_error(run("ddkit-eval-student", "--decoder_ckpt", tmp_path/"s.safetensors", "--n", 4, env=env), "another teacher")

def test_one_word_per_idea(tmp_path):
    "--teacher and --student name the two models on every command that takes them (the old flags stay as aliases)."
    for script, flag in [("ddkit-eval-student", "--student"), ("ddkit-test-student", "--student"),
                         ("ddkit-generate-data", "--teacher"), ("ddkit-sample", "--teacher")]:
        out = "--output_dir" if "test-student" in script or "data" in script else "--output"
        assert_one_line_error(run(script, flag, tmp_path/"nope.pt", out, tmp_path/"o"), "nope.pt")

def test_vocabulary():
    "Every console script is a typed function's command, and names each idea with one word (old names only as aliases)."
    import configparser, importlib
    cfg = configparser.ConfigParser(); cfg.read(Path(__file__).parents[1]/"settings.ini")
    old = {"ddpm_ckpt", "decoder_ckpt", "n_samples", "n_eval", "n_fid", "dir", "json"}
    for line in cfg["DEFAULT"]["console_scripts"].split():
        script, target = line.split("=")
        mod, fn = target.split(":")
        main = getattr(importlib.import_module(mod), fn)
        assert hasattr(main, "parser"), f"{script}: not made by ddkit.core.command from a typed function"
        dests = {a.dest for a in main.parser()._actions} - {"help", "pdb", "xtra"}
        bad = dests & (old | ({"ckpt"} if not script.startswith("ddkit-export") else set()))
        assert not bad, f"{script}: {sorted(bad)} are old names: name the parameter --teacher, --student, --n, --output_dir"
