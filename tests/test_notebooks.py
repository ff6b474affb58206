"""Every notebook in nbs/ (and nbs/experiments/) executed by nbdev's runner (cells flagged with tst_flags skipped)."""
from pathlib import Path
import pytest
from nbdev.test import test_nb as run_notebook
from nbdev.config import get_config

ROOT = Path(__file__).parent.parent
NBS = sorted(p for p in (ROOT/"nbs").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)

@pytest.mark.parametrize("nb", NBS, ids=[str(p.relative_to(ROOT/"nbs").with_suffix("")) for p in NBS])
def test_notebook(nb):
    skip = get_config().tst_flags.split()
    ok, secs = run_notebook(nb, skip_flags=skip, basepath=ROOT)
    assert ok, f"{nb.name} failed (see the traceback above)"
