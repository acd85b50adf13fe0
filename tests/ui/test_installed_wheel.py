"""The package as others install it: the wheel (``uv build``) installed into a fresh venv with
the lock's versions, run from a folder outside the checkout with no checkout on ``sys.path``,
builds the real region through the local download server (``tests/upstream.py``), serves it
(``smartidf serve``: the pages' entry scripts come from the installed package) and Chromium
shows the overview with the real figures; ``smartidf notebooks copy`` and ``smartidf
notebooks run`` work from the same install. The data folder is the platform's user data
folder (``$XDG_DATA_HOME/smartidf-analysis``), as for any installed package.

Needs the project's uv (``.venv-uv/bin/uv``, made by ``make install``) and the mirror's
``upstream/MANIFEST.tsv`` (skipped otherwise, as ``tests/test_fresh_machine.py``). The venv
is filled from uv's cache (hard links: about 5 s)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from playwright.sync_api import expect
from serving import _free_port, server_errors, stop_server, wait_http
from waits import wait_figure_painted, wait_rendered

pytestmark = [pytest.mark.slow, pytest.mark.realdata]

REPO = Path(__file__).resolve().parents[2]
STUDIES = REPO / "smartidf_analysis" / "notebooks"
UV = REPO / ".venv-uv" / "bin" / "uv"
TIMEOUT = 60_000
MAP_TITLE = "Population municipale par commune"
REAL_POPULATION = 12_463_067  # INSEE legal populations 2023 of the region's 1,266 communes


def _run(cmd: list, timeout: float = 600, **kwargs) -> subprocess.CompletedProcess:
    run = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                         timeout=timeout, **kwargs)
    assert run.returncode == 0, f"{cmd}: exit {run.returncode}\n{run.stdout}\n{run.stderr}"
    return run


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh venv holding the wheel (and its ``notebooks`` extra) at the lock's versions."""
    if not UV.exists():
        pytest.skip(f"{UV} missing: `make install` makes the project's uv")
    tmp = tmp_path_factory.mktemp("wheel")
    # uv keeps the caller's settings (index, proxy, certificates), not the checkout's venv
    uv_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    uv_env["UV_PYTHON_DOWNLOADS"] = "never"
    _run([UV, "build", "--quiet", "--out-dir", tmp / "dist"], cwd=REPO, env=uv_env)
    (wheel,) = (tmp / "dist").glob("smartidf_analysis-*.whl")
    constraints = tmp / "constraints.txt"  # exactly the lock's versions
    _run([UV, "export", "--locked", "--quiet", "--no-hashes", "--no-emit-project",
          "--all-extras", "--format", "requirements-txt", "-o", constraints], cwd=REPO, env=uv_env)
    _run([UV, "venv", "--quiet", "--python", sys.executable, tmp / "venv"], cwd=tmp, env=uv_env)
    _run([UV, "pip", "install", "--quiet", "--python", tmp / "venv" / "bin" / "python",
          f"{wheel}[notebooks]", "--constraint", constraints], cwd=tmp, env=uv_env)
    return tmp / "venv"


@pytest.fixture(scope="module")
def machine(venv, shared_dir, tmp_path_factory):
    """Another user's machine: the venv's commands first on PATH, an empty home, no
    ``PYTHONPATH``, no ``SMARTIDF_*`` setting but the download mirror (the local download
    server, up for the module: notebook 04 fetches its calibration file on first use), a
    working folder outside the checkout; the real region built there by the installed
    ``smartidf``."""
    from upstream import UpstreamServer, manifest_routes

    tmp = tmp_path_factory.mktemp("machine")
    work, home = tmp / "work", tmp / "home"
    work.mkdir()
    home.mkdir()
    server = UpstreamServer(manifest_routes(shared_dir)).start()
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
           "XDG_DATA_HOME": str(tmp / "xdg"), "SMARTIDF_DOWNLOAD_MIRROR": server.url,
           "SMARTIDF_DOWNLOAD_BACKOFF": "0"}
    try:
        where = _run(["python", "-c", "import smartidf_analysis, sys; "
                      "print(smartidf_analysis.__file__); print(sys.path)"], cwd=work, env=env)
        package_file, path = where.stdout.splitlines()
        assert Path(package_file).is_relative_to(venv), package_file  # the installed copy
        assert str(REPO) not in path
        build = _run([venv / "bin" / "smartidf", "data", "build", "--quiet"], cwd=work, env=env)
        assert "official open data" in build.stdout and "INCOMPLETE" not in build.stdout
        data = tmp / "xdg" / "smartidf-analysis"  # platformdirs' user data folder
        assert (data / "smartidf.duckdb").is_file() and (data / "downloads").is_dir()
        assert server.requests  # every file came through the download mirror
        yield {"venv": venv, "env": env, "work": work, "db": data / "smartidf.duckdb"}
    finally:
        server.stop()


def _command_lines(proc: subprocess.Popen) -> list[str]:
    """Every argument of the server process and of the processes it started."""
    parent = psutil.Process(proc.pid)
    return [arg for p in (parent, *parent.children(recursive=True)) for arg in p.cmdline()]


def test_installed_wheel_serves_the_overview_with_real_figures(machine, page, console_errors):
    from smartidf_analysis.apps.i18n import fmt_number
    from smartidf_analysis.data import db

    totals = db.query("region_totals", path=machine["db"]).iloc[0]
    assert int(totals["population"]) == REAL_POPULATION and not totals["synthetic"]
    port = _free_port()
    log_path = machine["work"] / "serve.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([machine["venv"] / "bin" / "smartidf", "serve", "--port",
                                 str(port), "--address", "127.0.0.1", "--num-procs", "1"],
                                cwd=machine["work"], env=machine["env"], stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/overview"
    try:
        try:
            wait_http(url)
        except RuntimeError:
            raise RuntimeError(log_path.read_text()) from None
        scripts = [a for a in _command_lines(proc) if a.endswith("/overview.py")]
        assert scripts and all(Path(a).is_relative_to(machine["venv"]) for a in scripts), scripts
        page.goto(url, timeout=TIMEOUT)
        expect(page.get_by_text("Catalogue des données")).to_be_visible(timeout=TIMEOUT)
        headline = page.get_by_text("Île-de-France :").first
        expect(headline).to_contain_text(f"{fmt_number(totals['communes'])} communes",
                                         timeout=TIMEOUT)
        expect(headline).to_contain_text(fmt_number(REAL_POPULATION), timeout=TIMEOUT)
        wait_figure_painted(page, MAP_TITLE, TIMEOUT)
        expect(page.locator(".synthetic-banner")).to_have_count(0)
        wait_rendered(page, TIMEOUT)
        assert console_errors == []
    finally:
        stop_server(proc)
    assert server_errors(log_path.read_text()) == []


def test_installed_wheel_copies_and_runs_the_notebooks(machine, mirror):
    work, env, smartidf = machine["work"], machine["env"], machine["venv"] / "bin" / "smartidf"
    copied = _run([smartidf, "notebooks", "copy", "studies"], cwd=work, env=env)
    studies = sorted(p.name for p in STUDIES.glob("*.ipynb"))  # what the checkout ships
    assert f"copied {len(studies)} notebooks" in copied.stdout
    assert sorted(p.name for p in (work / "studies").glob("*.ipynb")) == studies
    # the package's own notebooks, from site-packages. Notebook 04 fetches the PVGIS
    # calibration original on first use, which the local download server has no copy of
    # (upstream/MANIFEST.tsv): the mirror's cut of it is given as a user would
    # (SMARTIDF_MIRROR); the database stays the one built from the downloads.
    _run([smartidf, "notebooks", "run", "--out", "reports"], cwd=work, timeout=1200,
         env={**env, "SMARTIDF_MIRROR": str(mirror)})
    provenance = json.loads((work / "reports" / "provenance.json").read_text(encoding="utf-8"))
    runs = provenance["notebooks"]
    assert [r["notebook"] for r in runs] == sorted(p.name for p in (work / "studies").glob("*.ipynb"))
    assert all(r["key_results"] for r in runs)  # each study wrote its key-result CSVs
    assert provenance["git"] is None  # no checkout: no commit claimed
    assert not provenance["database"]["synthetic"]
    times = ", ".join(f"{r['stem']} {r['seconds']} s" for r in runs)
    print(f"notebooks run from the installed wheel: {provenance['total_seconds']} s ({times})")
