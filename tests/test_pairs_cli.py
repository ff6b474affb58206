"""ddkit-generate-data: resumable after kill -9 with byte-identical output, and the same dataset under torchrun with 2 processes."""
import json, os, signal, subprocess, sys, time
from pathlib import Path

BIN = Path(sys.executable).parent
CKPT = Path(__file__).parent/"fixtures"/"bot66_base16_steps_00000040.pt"
ARGS = ["--ckpt", str(CKPT), "--batch_size", "4", "--steps", "3", "--seed", "1"]
ENV = {**os.environ, "DDKIT_THREADS": "1", "OMP_NUM_THREADS": "1"}

def gen(out, n, *extra, launcher=()):
    r = subprocess.run([*launcher, str(BIN/"ddkit-generate-data"), *ARGS, "--n_samples", str(n), "--output_dir", str(out), *extra],
                       capture_output=True, text=True, timeout=600, env=ENV)
    assert r.returncode == 0, r.stderr[-3000:]

def shards(d): return {p.name: p.read_bytes() for p in sorted(Path(d).glob("shard_*.safetensors"))}

def test_kill9_resume_is_byte_identical(tmp_path):
    a, b = tmp_path/"a", tmp_path/"b"
    gen(a, 32)
    p = subprocess.Popen([str(BIN/"ddkit-generate-data"), *ARGS, "--n_samples", "32", "--output_dir", str(b)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    t0 = time.time()
    while len(list(b.glob("shard_*.safetensors"))) < 2 and time.time() - t0 < 300: time.sleep(0.02)
    p.send_signal(signal.SIGKILL); p.wait()
    assert len(list(b.glob("shard_*.safetensors"))) < 8 and not (b/"manifest.json").exists()
    gen(b, 32)
    assert shards(a) == shards(b) and len(shards(a)) == 8
    assert json.loads((a/"manifest.json").read_text()) == json.loads((b/"manifest.json").read_text())

def test_torchrun_two_processes_match_one(tmp_path):
    one, two = tmp_path/"one", tmp_path/"two"
    gen(one, 20)
    gen(two, 20, launcher=(str(BIN/"torchrun"), "--standalone", "--nproc_per_node", "2"))
    assert shards(one) == shards(two) and len(shards(one)) == 5
    assert json.loads((one/"manifest.json").read_text()) == json.loads((two/"manifest.json").read_text())

def test_train_direct_under_torchrun_converges(tmp_path):
    "ddkit-train-student with DistributedDataParallel over 2 gloo processes: the loss falls, rank 0 writes the artefacts."
    data, out = tmp_path/"data", tmp_path/"out"
    gen(data, 48)
    r = subprocess.run([str(BIN/"torchrun"), "--standalone", "--nproc_per_node", "2", str(BIN/"ddkit-train-student"),
                        "--ddpm_ckpt", str(CKPT), "--data_path", str(data), "--output_dir", str(out), "--batch_size", "8",
                        "--epochs", "3", "--lr", "3e-3", "--ema_decay", "0.9", "--n_samples", "4"],
                       capture_output=True, text=True, timeout=600, env=ENV)
    assert r.returncode == 0, r.stderr[-3000:]
    rows = (out/"loss_log.csv").read_text().splitlines()[1:]
    train = [float(l.split(",")[1]) for l in rows]
    assert len(train) == 3 and train[-1] < train[0], rows
    assert (out/"best_model.pt").exists() and (out/"samples_epoch_002.png").exists() and (out/"loss_curve.png").exists()
