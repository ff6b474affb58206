"""End to end in a real browser: JupyterLab on 127.0.0.1 with a token, Debian's headless Chromium driven by Playwright,
a notebook with the three explorers (hooks, attribution, feature space) on the bundled student run in it, a slider
of each moved with the keyboard and the feature-space scatter clicked, each rendered image checked to change; a
screenshot of each explorer is kept in tests/artifacts.

Needs `chromium` (Debian) and the `playwright` and `jupyterlab` Python packages (`.ci/run` installs them). Without them
the test is skipped on a developer's machine, and fails under CI (CI=true)."""
import json, os, secrets, shutil, socket, subprocess, sys, time, urllib.request
from pathlib import Path
import pytest

CHROMIUM = shutil.which("chromium")
ART = Path(__file__).parent/"artifacts"

def _need():
    missing = [n for n, ok in [("chromium", CHROMIUM), ("playwright", _has("playwright")), ("jupyterlab", _has("jupyterlab"))] if not ok]
    if missing:
        msg = f"missing {', '.join(missing)}: apt-get install chromium; pip install playwright jupyterlab"
        if os.environ.get("CI"): pytest.fail(msg)
        pytest.skip(msg)

def _has(mod):
    import importlib.util
    return importlib.util.find_spec(mod) is not None

def _free_port():
    with socket.socket() as s: s.bind(("127.0.0.1", 0)); return s.getsockname()[1]

# the three explorers on the bundled teacher and student, at sizes a 2-core CI builds in seconds
CELLS = ["from ddkit.explorer import hook_explorer, attribution_explorer, feature_space_explorer",
         'ex = hook_explorer(n=16)\nex.hook.value = "amplify"\nex',
         "ax = attribution_explorer(n=8, bank_n=2000)\nax",
         "fx = feature_space_explorer(n=500)\nfx"]

def _write_nb(path):
    cells = [{"cell_type": "code", "id": f"e2e{i}", "metadata": {}, "execution_count": None, "outputs": [], "source": c} for i, c in enumerate(CELLS)]
    nb = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb))

def test_explorers_respond_to_their_sliders_in_jupyterlab(tmp_path):
    _need()
    from playwright.sync_api import sync_playwright
    ART.mkdir(exist_ok=True)
    _write_nb(tmp_path/"explorer.ipynb")
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path/"cfg"), "JUPYTER_RUNTIME_DIR": str(tmp_path/"rt"), "DDKIT_THREADS": "1"}
    lab = subprocess.Popen([sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
                            f"--ServerApp.token={token}", f"--ServerApp.root_dir={tmp_path}", "--LabApp.news_url=",
                            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
                           stdout=open(tmp_path/"lab.log", "w"), stderr=subprocess.STDOUT, env=env)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(240):
            if lab.poll() is not None: break
            try: urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2); break
            except Exception: time.sleep(0.5)
        if lab.poll() is not None: pytest.fail("JupyterLab did not start: " + (tmp_path/"lab.log").read_text()[-2000:])
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"])  # playwright gives it a fresh, empty profile
            page = browser.new_page(viewport={"width": 1000, "height": 1000})  # a narrow window: nothing may be cut off
            page.goto(f"{url}/lab/tree/explorer.ipynb?token={token}", timeout=120_000)
            page.locator(".jp-Cell .jp-InputArea-editor").first.wait_for(timeout=120_000)
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle'], .jp-Toolbar-kernelStatus", timeout=120_000)
            time.sleep(2)
            changed = {}
            for i, name in [(1, "hook"), (2, "attribution"), (3, "feature space")]:
                if i == 1: page.locator(".jp-Cell").nth(0).locator(".jp-InputArea-editor").click(); page.keyboard.press("Shift+Enter")
                cell = page.locator(".jp-Cell").nth(i)
                cell.locator(".jp-InputArea-editor").click(); page.keyboard.press("Shift+Enter")
                img = cell.locator(".widget-image").first
                img.wait_for(timeout=240_000)
                img.evaluate("i => new Promise(r => { const ok = () => i.naturalWidth > 0 ? r() : setTimeout(ok, 200); ok(); })")
                before = img.screenshot()
                cell.locator(".widget-slider .noUi-handle").first.focus()  # hook: "scale"; attribution: "sample"; feature space: "point"
                for _ in range(3): page.keyboard.press("ArrowRight")
                deadline, after = time.time() + 120, before
                while time.time() < deadline and after == before:
                    time.sleep(0.5); after = img.screenshot()
                changed[name] = after != before
                if name == "feature space":  # a click on the scatter selects the point there: the digit beside it changes
                    digit = cell.locator(".widget-image").nth(1); before = digit.screenshot()
                    box = img.bounding_box()
                    for fx, fy in [(0.3, 0.35), (0.6, 0.6), (0.45, 0.25)]:
                        img.click(position={"x": box["width"] * fx, "y": box["height"] * fy})
                        deadline, after = time.time() + 30, before
                        while time.time() < deadline and after == before: time.sleep(0.3); after = digit.screenshot()
                        if after != before: break
                    changed["feature space click"] = after != before
                out = cell.locator(".jp-OutputArea").first
                clipped = out.evaluate("""o => { const r = o.getBoundingClientRect().right;
                    return [...o.querySelectorAll('.widget-image, .widget-slider, .widget-toggle-buttons')]
                        .filter(e => e.getBoundingClientRect().right > r + 1).length; }""")
                changed[f"{name}: nothing beyond the cell's right edge"] = clipped == 0
                out.screenshot(path=str(ART/f"explorer_{name.replace(' ', '_')}.png"))
            page.screenshot(path=str(ART/"explorer_e2e.png"), full_page=True)
            browser.close()
        assert all(changed.values()), f"an explorer's image did not change after its slider moved or its scatter was clicked: {changed}"
    finally:
        lab.terminate()
        try: lab.wait(10)
        except subprocess.TimeoutExpired: lab.kill()
