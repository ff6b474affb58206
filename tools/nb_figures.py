"""Run notebooks as `nbdev_test` does (cells flagged `slow` skipped) and keep only their figures as outputs.

`make figures` (or `python tools/nb_figures.py nbs/13_visualise.ipynb ...`): each code cell keeps the PNGs it drew
(matplotlib figures, `display(Image(...))`) and drops every other output (text, progress bars, widgets), so a
notebook reads with its pictures on a repository page and in JupyterLab before anything is rerun, and the stored
outputs never hold a timing or a path. A figure larger than `--max_kb` is dropped with a warning (draw it smaller).
Written with execnb's CaptureShell (the engine of `nbdev_test`) because nbdev has no command that keeps outputs.
"""
import argparse, base64, json, os, sys, time
from pathlib import Path


def figure_outputs(cell, max_kb: int, name: str) -> list:
    "The PNG outputs of an executed cell, stripped of their text fallbacks."
    keep = []
    for o in cell.get("outputs", []):
        png = o.get("data", {}).get("image/png")
        if png is None: continue
        kb = len(base64.b64decode(png)) / 1024
        if kb > max_kb:
            print(f"  {name}: a {kb:.0f} KB figure dropped (over --max_kb {max_kb}): draw it smaller", file=sys.stderr)
            continue
        keep.append({"output_type": "display_data", "data": {"image/png": compact_b64(png)}, "metadata": {}})
    return keep


def compact_b64(png: str) -> str:
    "A base64 PNG written again by `ddkit.core.compact_png` (greyscale or palette where that holds it)."
    import tempfile
    from ddkit.core import compact_png
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "f.png"; f.write_bytes(base64.b64decode(png))
        return base64.b64encode(compact_png(f).read_bytes()).decode()


def run_notebook(path: Path, skip_flags=("slow",), max_kb: int = 200) -> int:
    "Execute `path` in its folder, store each code cell's figures as its only outputs; returns the figure count."
    from execnb.shell import CaptureShell
    from nbdev.process import NBProcessor
    from nbdev.frontmatter import FrontmatterProc
    from fastcore.xtras import working_directory
    nb = NBProcessor(path, procs=FrontmatterProc, process=True).nb

    def no_eval(cell):  # nbdev_test's rule: skip markdown, export calls and cells flagged with a skip flag
        if cell.cell_type != "code" or "nbdev_export" + "(" in cell.source: return True
        return bool(set(skip_flags) & set((getattr(cell, "directives_", {}) or {}).keys()))

    shell = CaptureShell(path, mpl_format="png")  # png, not retina: half the bytes, and the size a reader sees
    with working_directory(path.parent):
        shell.run_all(nb, exc_stop=True, preproc=no_eval)
    ran = {c.get("id"): c for c in nb.cells if c.cell_type == "code"}
    raw = json.loads(path.read_text())
    n = 0
    for c in raw["cells"]:
        if c["cell_type"] != "code": continue
        c["outputs"] = figure_outputs(ran[c["id"]], max_kb, f"{path.name} cell {c['id']}") if c.get("id") in ran else []
        c["execution_count"] = None
        n += len(c["outputs"])
    tmp = path.with_suffix(".ipynb.tmp")
    tmp.write_text(json.dumps(raw, indent=1, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return n


def compact_stored(path: Path):
    "Rewrite the figures a notebook already stores with `compact_b64`, leaving everything else as it is."
    raw, n0 = json.loads(path.read_text()), path.stat().st_size
    for c in raw["cells"]:
        for o in c.get("outputs", []):
            if "image/png" in o.get("data", {}): o["data"]["image/png"] = compact_b64(o["data"]["image/png"])
    tmp = path.with_suffix(".tmp"); tmp.write_text(json.dumps(raw, indent=1, ensure_ascii=False) + "\n"); tmp.replace(path)
    print(f"{path}: {n0 / 1024:.0f} -> {path.stat().st_size / 1024:.0f} KB")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("notebooks", nargs="*", help="notebooks to run (default: every nbs/*.ipynb)")
    p.add_argument("--max_kb", type=int, default=200, help="drop a figure larger than this")
    p.add_argument("--compact_only", action="store_true", help="only rewrite the stored figures compact, run nothing")
    a = p.parse_args(argv)
    if a.compact_only:
        for nb in [Path(n) for n in a.notebooks] or sorted(Path("nbs").glob("*.ipynb")): compact_stored(nb)
        return
    os.environ["IN_TEST"] = "1"  # the same code paths as nbdev_test
    nbs = [Path(n) for n in a.notebooks] or sorted(Path("nbs").glob("*.ipynb"))
    for nb in nbs:
        t0 = time.time()
        n = run_notebook(nb.resolve(), max_kb=a.max_kb)
        print(f"{nb}: {n} figures kept ({time.time() - t0:.0f} s)")


if __name__ == "__main__":
    main()
