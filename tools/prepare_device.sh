#!/bin/bash
# Run HERE (not on the GPU machine) before tools/device_teacher.sh: what the device machine lacks, in two ignored folders
# that the device tool's `carry` takes along. .whl/: diffusers (ddkit's schedulers) and importlib_metadata, which the
# device image does not hold; .devdata/: the four MNIST IDX files, gzipped (nothing can be downloaded there).
set -euo pipefail
cd "$(dirname "$0")/.."
grep -qx '/.whl/' .git/info/exclude 2>/dev/null || echo '/.whl/' >> .git/info/exclude
grep -qx '/.devdata/' .git/info/exclude 2>/dev/null || echo '/.devdata/' >> .git/info/exclude
PIP=".venv/bin/python -m pip"
mkdir -p .whl .devdata
for pkg in "diffusers==$(.venv/bin/python -c 'import diffusers; print(diffusers.__version__)')" importlib_metadata; do
  $PIP download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux2014_x86_64 -d .whl "$pkg"
done
RAW=$(.venv/bin/python -c 'from ddkit.data import data_root, load_mnist; load_mnist(); print(data_root()/"MNIST"/"raw")')
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  gzip -c "$RAW/$f" > ".devdata/$f.gz"
done
du -sh .whl .devdata
