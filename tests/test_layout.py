"The file tree says where each idea lives: notebooks are numbered in the order of their imports."
import re
from pathlib import Path

PKG = Path(__file__).parent.parent/"ddkit"

def _notebook_number(module:Path):
    m = re.search(r"File to edit: \.\./nbs/(\d+)_\w+\.ipynb", module.read_text())
    return int(m.group(1)) if m else None

def test_notebooks_numbered_in_import_order():
    "Reading the notebooks in order never meets a ddkit name defined in a later one."
    numbers = {p.stem: _notebook_number(p) for p in PKG.glob("*.py") if _notebook_number(p) is not None}
    assert len(numbers) >= 20, numbers
    late = []
    for mod, n in numbers.items():
        for dep in set(re.findall(r"^\s*from (?:\.|ddkit\.)(\w+) import", (PKG/f"{mod}.py").read_text(), re.M)):
            if dep in numbers and numbers[dep] >= n: late.append(f"{mod} ({n:02d}) imports {dep} ({numbers[dep]:02d})")
    assert not late, late
