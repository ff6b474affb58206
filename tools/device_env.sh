# Sourced by tools/device_*.sh on the GPU machine (the device tool): ddkit importable from this checkout, the carried
# wheels (.whl/, from tools/prepare_device.sh) installed, MNIST unpacked from .devdata/, and a `cli` helper that runs a
# console script's function without installing ddkit (the machine has its own torch; nothing can be downloaded there).
OUT=${OUT:-/tmp/ddkit-out}; mkdir -p "$OUT"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=$PWD:/tmp/site PYTHONUNBUFFERED=1 DDKIT_OFFLINE=1 DDKIT_DATA=${DDKIT_DATA:-/tmp/ddkit-data} DDKIT_THREADS=${DDKIT_THREADS:-8}
mkdir -p "$DDKIT_DATA/MNIST/raw"
for f in .devdata/*.gz; do gunzip -c "$f" > "$DDKIT_DATA/MNIST/raw/$(basename "$f" .gz)"; done
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null || echo "no GPU visible"
cli() { python3 -c "import sys; from $1 import $2 as m; sys.argv[0] = '$3'; m()" "${@:4}"; }
# progress bars are carriage-return redraws: keep their last state out of the log the device tool returns
quiet() { tr '\r' '\n' | grep -v 'it/s\]$\|step/s\]$\|s/it\]$\|s/step\]$\|pair/s\]$\|s/pair\]$\|^ *$'; }
stamp() { echo "[$SECONDS s] $*"; }
