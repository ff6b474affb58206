# the pairs' ceiling: each sampler's sample against the teacher's DDIM-50 of the report's 1,000 noises
DDKIT_THREADS=1 python -c "
from ddkit.ddpm import bundled_teacher; from ddkit.metrics import load_classifier; from ddkit.core import write_json
from ddkit.evaluate import sampler_fidelity; import torch; torch.set_num_threads(1)
write_json('runs/student-cpu-11/sampler_fidelity.json', sampler_fidelity(bundled_teacher(), load_classifier(),
           samplers=(('dpm', 10), ('dpm', 20), ('ddim', 20), ('ddim', 30))))"
