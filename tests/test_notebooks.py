"""Every notebook in nbs/ executed by nbdev's runner (cells flagged with settings.ini's tst_flags are skipped)."""
from pathlib import Path
import pytest
from nbdev.test import test_nb as run_notebook
from nbdev.config import get_config

NBS = sorted((Path(__file__).parent.parent/"nbs").glob("*.ipynb"))

@pytest.mark.parametrize("nb", NBS, ids=[p.stem for p in NBS])
def test_notebook(nb):
    skip = get_config().tst_flags.split()
    ok, secs = run_notebook(nb, skip_flags=skip, basepath=nb.parent.parent)
    assert ok, f"{nb.name} failed (see the traceback above)"
