"""Two post-hoc weight experiments on the teacher, measured in session 22 (runs/teacher-cpu-7/README.md has the results).

`recal SRC DST [N]`: recompute every BatchNorm's running statistics for the weights in SRC (an EMA averages the BN
buffers along with the weights, so they are not the statistics of the averaged weights) with
`torch.optim.swa_utils.update_bn` over N noised MNIST training images (t uniform, as in training; seed 0), write DST.
`soup DST SRC...`: the uniform average of several teachers' weights and buffers (a "model soup"), written to DST.
Score the result with `ddkit-eval-teacher --ckpt DST --n 1000`."""
import sys, torch
from torch.optim.swa_utils import update_bn
from ddkit.core import limit_threads
from ddkit.ddpm import load_ddpm, save_ddpm
from ddkit.data import mnist_tensors, to_model_range

class NoisedUNet(torch.nn.Module):
    "The teacher's UNet fed training-distributed inputs: clean images in, x_t at a seeded random t through the UNet."
    def __init__(self, ddpm, g:torch.Generator):
        super().__init__(); self.ddpm, self.g = ddpm, g
    def forward(self, x0):
        t = torch.randint(0, self.ddpm.timesteps, (len(x0),), generator=self.g)
        return self.ddpm.model(self.ddpm.q_sample(x0, t, torch.randn(x0.shape, generator=self.g)), t)

def recalibrate(src, dst, n=20_000, batch_size=250, seed=0):
    "Recompute `src`'s BatchNorm statistics on `n` noised training images; save to `dst`."
    m = load_ddpm(src)
    x, _ = mnist_tensors(True)
    g = torch.Generator().manual_seed(seed)  # one stream: the images' order, then each batch's t and noise
    idx = torch.randperm(len(x), generator=g)[:n]
    with torch.no_grad(): update_bn([to_model_range(x[p]) for p in idx.split(batch_size)], NoisedUNet(m, g))
    save_ddpm(m.eval(), dst, note=f"BatchNorm statistics recomputed on {n} noised MNIST train images (seed {seed}) from {src}")

def soup(dst, *srcs):
    "Uniform average of the teachers `srcs` (weights and float buffers), saved to `dst`."
    ms = [load_ddpm(s) for s in srcs]
    sds = [m.state_dict() for m in ms]
    avg = {k: (sum(sd[k].double() for sd in sds) / len(sds)).to(v.dtype) if v.is_floating_point() else v for k, v in sds[0].items()}
    ms[0].load_state_dict(avg); save_ddpm(ms[0], dst, note="uniform soup of " + " ".join(map(str, srcs)))

if __name__ == "__main__":
    limit_threads(2)
    cmd, *args = sys.argv[1:]
    if cmd == "recal": recalibrate(args[0], args[1], *(int(a) for a in args[2:]))
    elif cmd == "soup": soup(*args)
    else: sys.exit(f"error: unknown command {cmd!r}: use 'recal SRC DST [N]' or 'soup DST SRC...'")
