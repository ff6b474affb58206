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

def test_notebooks_keep_only_small_figures():
    "Stored outputs are figures (`make figures`): PNGs under 200 KB, no text, timings or paths, and enough to read by."
    import base64, json
    figures, bad = 0, []
    for nb in sorted((PKG.parent/"nbs").glob("*.ipynb")):
        for c in json.loads(nb.read_text())["cells"]:
            for o in c.get("outputs", []):
                data = o.get("data", {})
                if set(data) != {"image/png"}: bad.append(f"{nb.name} {c.get('id')}: {o.get('output_type')} {list(data)}")
                elif len(base64.b64decode(data["image/png"])) > 200_000: bad.append(f"{nb.name} {c.get('id')}: over 200 KB")
                else: figures += 1
    assert not bad, bad
    assert figures >= 10, f"only {figures} figures stored: run `make figures`"
