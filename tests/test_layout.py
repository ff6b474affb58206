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
    for nb in sorted((PKG.parent/"nbs").rglob("*.ipynb")):
        for c in json.loads(nb.read_text())["cells"]:
            for o in c.get("outputs", []):
                data = o.get("data", {})
                if set(data) != {"image/png"}: bad.append(f"{nb.name} {c.get('id')}: {o.get('output_type')} {list(data)}")
                elif len(base64.b64decode(data["image/png"])) > 200_000: bad.append(f"{nb.name} {c.get('id')}: over 200 KB")
                else: figures += 1
    assert not bad, bad
    assert figures >= 10, f"only {figures} figures stored: run `make figures`"

# --- the record apart from the library ---

ROOT = PKG.parent

def _tracked_text():
    "(path, text) of every tracked text file (the test reads the work tree, as a newcomer would)."
    import subprocess
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    for f in files:
        p = ROOT/f
        if p.suffix in (".png", ".safetensors", ".pt", ".npy", ".gz") or not p.is_file(): continue
        if p == Path(__file__): continue  # the patterns themselves
        try: yield f, p.read_text(encoding="utf-8")
        except UnicodeDecodeError: continue

WORK_LOG = re.compile(r"\b(?:sessions?|issues?) \d+", re.I)
NOT_OURS = re.compile(r"device tool|tools/device_|prepare_device|GPU lease|\blent\b", re.I)

def test_no_work_log_numbering():
    "The tree speaks of the kit: no 'session N' or 'issue N' in code, notebooks, docs or run records."
    hits = [f"{f}: {m.group(0)}" for f, t in _tracked_text() for m in WORK_LOG.finditer(t)]
    assert not hits, hits[:20]

def test_no_tools_users_do_not_have():
    "No scripts or words for a lent machine: the GPU path is a documented command that runs on any CUDA machine."
    hits = [f"{f}: {m.group(0)}" for f, t in _tracked_text() for m in NOT_OURS.finditer(t)]
    assert not hits, hits[:20]

def test_docs_within_their_length():
    "README at most 150 lines, each model card at most 120, the Makefile under 5 KB (build and job targets only)."
    sizes = {"README.md": len((ROOT/"README.md").read_text().splitlines())}
    sizes |= {p.name: len(p.read_text().splitlines()) for p in (PKG/"assets").glob("*.md")}
    limits = {"README.md": 150} | {n: 120 for n in sizes if n != "README.md"}
    over = {n: s for n, s in sizes.items() if s > limits[n]}
    assert not over and len(sizes) >= 4, (over, sizes)
    assert (ROOT/"Makefile").stat().st_size < 5 * 1024, (ROOT/"Makefile").stat().st_size

def test_benchmarks_written_by_commands():
    "BENCHMARKS.md is only sections that commands write between their markers; findings live in nbs/experiments."
    text = (ROOT/"BENCHMARKS.md").read_text()
    outside = re.sub(r"<!-- (\w+):begin -->.*?<!-- \1:end -->", "", text, flags=re.S)
    assert not outside.strip(), outside.strip()[:300]
    assert len(re.findall(r"<!-- \w+:begin -->", text)) >= 4 and list((ROOT/"nbs"/"experiments").glob("*.ipynb"))

def test_work_log_pattern_can_fail():
    n = 37  # the samples are built, so this file holds no numbering of its own
    assert WORK_LOG.search(f"bundled in session {n}") and WORK_LOG.search(f"(Issue {n})")
    assert not WORK_LOG.search("stage 7")
