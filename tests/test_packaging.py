"""What an installed package needs is inside it: the pages' entry scripts (``dashboards/`` of
a checkout only runs them), the study notebooks (``notebooks/`` links to them) and their
copy for an analyst; the data folder of a checkout or of an installed package. The wheel
itself, installed and served: ``tests/ui/test_installed_wheel.py``."""

from __future__ import annotations

import ast
import filecmp
import urllib.request
from pathlib import Path

import pytest

from smartidf_analysis import cli, config
from smartidf_analysis.apps.serve import PAGE_SCRIPTS, page_scripts, run_page_script
from smartidf_analysis.apps.shell import PAGES
from smartidf_analysis.errors import SmartidfError
from smartidf_analysis.reporting import reports
from smartidf_analysis.reporting.shipped_notebooks import copy_notebooks, shipped_files

REPO = Path(__file__).resolve().parents[1]
# the studies the package ships, in the order `smartidf notebooks run` runs them
STUDIES = ["00-getting-started.ipynb", "01-broadband-coverage.ipynb", "02-commuting-flows.ipynb",
           "03-telecentre-demand.ipynb", "04-solar-potential.ipynb", "05-territory-profile.ipynb"]


def _calls(path: Path) -> list[str]:
    """``name(args)`` of every call statement at the top level of a script."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [ast.unparse(node.value) for node in tree.body
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)]


def test_every_page_has_an_entry_script_in_the_package_and_a_shim_in_dashboards():
    assert PAGE_SCRIPTS.is_relative_to(config.PACKAGE_DIR)
    assert sorted(p.stem for p in page_scripts()) == sorted(PAGES)
    for page in PAGES:
        assert _calls(PAGE_SCRIPTS / f"{page}.py") == [f"serve(build_page, '{page}')"]
        # the checkout's shim only runs the package's script: nothing to keep in step
        assert _calls(REPO / "dashboards" / f"{page}.py") == [f"run_page_script('{page}')"]
    assert sorted(p.stem for p in (REPO / "dashboards").glob("*.py")) == sorted(PAGES)
    with pytest.raises(SmartidfError, match="no entry script for page 'nowhere'"):
        run_page_script("nowhere")


def test_panel_serve_dashboards_still_serves_the_pages(synthetic_db, tmp_path):
    """``panel serve dashboards/<page>.py`` from a checkout: the shim runs the package's
    script in the session and the page's template comes back."""
    import subprocess
    import sys

    from serving import _free_port, stop_server, wait_http

    from smartidf_analysis.apps.i18n import tr

    port = _free_port()
    log = tmp_path / "panel.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "panel", "serve",
                                 str(REPO / "dashboards" / "broadband.py"), "--port", str(port),
                                 "--address", "127.0.0.1"], cwd=tmp_path, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/broadband"
        wait_http(url)
        with urllib.request.urlopen(url, timeout=60) as response:
            html = response.read().decode("utf-8")
    finally:
        stop_server(proc)
    assert f"{tr('app_title', 'fr')} — {tr('broadband', 'fr')}" in html, log.read_text()
    assert "Traceback" not in log.read_text()


def test_the_notebooks_are_package_data_and_the_checkout_links_to_them():
    names = [p.name for p in reports.notebook_paths()]
    assert names == STUDIES
    assert all(p.parent == config.NOTEBOOKS_DIR for p in reports.notebook_paths())
    assert (REPO / "notebooks").resolve() == config.NOTEBOOKS_DIR  # one copy, not two
    assert Path("examples/existing_sites_example.csv") in shipped_files()


def test_notebooks_copy_gives_an_own_copy_and_never_replaces_an_edited_one(tmp_path, capsys):
    target = tmp_path / "studies"
    assert cli.main(["notebooks", "copy", str(target)]) == 0
    files = len(shipped_files())
    assert f"copied {len(STUDIES)} notebooks ({files} files)" in capsys.readouterr().out
    copied = sorted(p.relative_to(target) for p in target.rglob("*") if p.is_file())
    assert copied == shipped_files()
    assert all(filecmp.cmp(target / f, config.NOTEBOOKS_DIR / f, shallow=False) for f in copied)
    edited = target / "01-broadband-coverage.ipynb"
    edited.write_text("{}", encoding="utf-8")
    assert cli.main(["notebooks", "copy", str(target)]) == 1
    assert f"already holds {files} of the notebooks' files" in capsys.readouterr().err
    assert edited.read_text(encoding="utf-8") == "{}"  # nothing written
    copy_notebooks(target, overwrite=True)
    assert filecmp.cmp(edited, config.NOTEBOOKS_DIR / edited.name, shallow=False)
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    with pytest.raises(SmartidfError, match="not a folder"):
        copy_notebooks(tmp_path / "a-file")


def test_data_folder_of_a_checkout_and_of_an_installed_package(tmp_path, monkeypatch):
    for name in ("SMARTIDF_DATA_DIR", "SMARTIDF_DB"):
        monkeypatch.delenv(name, raising=False)
    assert config.checkout_dir() == REPO
    assert config.data_dir() == REPO / "data"  # a checkout keeps its data/
    # an installed package: REPO_DIR is site-packages, which holds no project of ours
    site = tmp_path / "site-packages"
    site.mkdir()
    assert config.checkout_dir(site) is None
    (site / "pyproject.toml").write_text('[project]\nname = "other"\n', encoding="utf-8")
    assert config.checkout_dir(site) is None
    monkeypatch.setattr(config, "checkout_dir", lambda: None)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # platformdirs' Linux rule
    assert config.data_dir() == tmp_path / "xdg" / "smartidf-analysis"
    assert config.db_path() == tmp_path / "xdg" / "smartidf-analysis" / "smartidf.duckdb"
    monkeypatch.setenv("SMARTIDF_DATA_DIR", str(tmp_path / "mine"))  # still wins
    assert config.data_dir() == tmp_path / "mine"


def test_no_git_commit_is_claimed_outside_a_checkout(monkeypatch):
    monkeypatch.setattr(config, "checkout_dir", lambda: None)
    assert reports._git_state() is None
