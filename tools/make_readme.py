"""Write README.md from nbs/index.ipynb (quarto, which nbdev_readme needs, is not installable here).

Markdown cells are copied as they are, links relative to nbs/ (`](../x)`) made relative to the root (`](x)`); code
cells become ```python blocks; cells starting with `#| hide` are left out.
`python tools/make_readme.py --check` exits 1 when README.md is out of date."""
import json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def render(nb_path=ROOT/"nbs"/"index.ipynb"):
    cells = json.loads(Path(nb_path).read_text())["cells"]
    out = []
    for c in cells:
        src = "".join(c["source"]).strip()
        if not src or src.startswith("#| hide"): continue
        out.append(src.replace("](../", "](") if c["cell_type"] == "markdown" else f"```python\n{src}\n```")
    return "<!-- generated from nbs/index.ipynb by tools/make_readme.py: edit the notebook -->\n\n" + "\n\n".join(out) + "\n"

if __name__ == "__main__":
    text, readme = render(), ROOT/"README.md"
    if "--check" in sys.argv:
        if readme.read_text() != text: sys.exit("error: README.md is out of date with nbs/index.ipynb: run 'python tools/make_readme.py' and commit")
    else: readme.write_text(text)
