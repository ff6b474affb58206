import os
os.environ.setdefault("DDKIT_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
import torch
torch.set_num_threads(int(os.environ["DDKIT_THREADS"]))
