"""Every notebook in notebooks/ runs on the real data, and follows the notebook rules.

Execution: each ``notebooks/*.ipynb`` (none skipped; a missing mirror skips the real-data run
with pytest's reason) runs in a fresh ``python3`` kernel with ``SMARTIDF_DB`` pointing at the
database built from the mirror, under a per-notebook time limit, and must write at least one
key-result CSV through ``reports.key_result``. Determinism: ``smartidf notebooks run`` on
every notebook, with DuckDB on a different thread count (``SMARTIDF_DUCKDB_THREADS`` 1 for
the first execution, 2 for the run), must then reproduce every CSV byte for byte.

Hygiene (no database needed): outputs cleared as committed in git, the first cell is markdown
with a ``# title``, an overview and its data sources, the ``python3`` kernel, ruff clean, and
no function or class defined in a notebook (those belong to the package).
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from smartidf_analysis.reporting import reports
from smartidf_analysis.reporting.notebook_runner import (
    NotebookFailure,
    execute_notebook,
    kernel_env,
    read_notebook,
    traceback_tail,
)

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]
NOTEBOOK_TIMEOUT_S = 240  # whole notebook, kernel start included (a study should take < 60 s)
CELL_TIMEOUT_S = 180
# DuckDB threads of the first execution and of the rerun: a sum whose bits depend on the order
# DuckDB's threads add rows, or a row order left to the engine, shows as a changed CSV.
FIRST_THREADS, RERUN_THREADS = "1", "2"


def _code(nb) -> list[str]:
    return [cell.source for cell in nb.cells if cell.cell_type == "code"]


def test_notebooks_are_collected():
    """The parametrised tests below are never silently empty."""
    assert NOTEBOOK_DIR / "00-getting-started.ipynb" in NOTEBOOKS
    assert all(re.match(r"^\d\d-[a-z0-9-]+\.ipynb$", p.name) for p in NOTEBOOKS), \
        [p.name for p in NOTEBOOKS]


@pytest.fixture(scope="session")
def first_run(tmp_path_factory) -> Path:
    """Key-result CSVs of the first execution of each notebook: ``<stem>/<name>.csv``."""
    return tmp_path_factory.mktemp("key_results")


def _execute(path: Path, db_path: Path, report_dir: Path):
    env = kernel_env(db_path, report_dir=report_dir, notebook=path.stem)
    env["SMARTIDF_DUCKDB_THREADS"] = FIRST_THREADS
    env["SMARTIDF_KEEP_RESULTS"] = "0"  # each run computes: no result loaded from another
    try:
        return execute_notebook(path, env, cell_timeout=CELL_TIMEOUT_S,
                                notebook_timeout=NOTEBOOK_TIMEOUT_S)
    except NotebookFailure as failure:
        pytest.fail(f"{failure}\n" + "\n".join(traceback_tail(failure, 25)), pytrace=False)


def _csvs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


@pytest.mark.realdata
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_runs_on_real_data(path, real_db, first_run):
    executed = _execute(path, real_db, first_run)
    code_cells = [c for c in executed.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code_cells if c.source.strip())
    errors = [o for c in code_cells for o in c.outputs if o.output_type == "error"]
    assert not errors
    csvs = sorted((first_run / path.stem).glob("*.csv"))
    assert csvs, f"{path.name} writes no key result: pass the tables its text quotes to reports.key_result"
    for csv in csvs:
        lines = csv.read_text(encoding="utf-8").splitlines()
        assert len(lines) >= 2, f"{csv.name} has no data row"


@pytest.mark.realdata
@pytest.mark.slow
def test_rerun_gives_identical_key_results(real_db, first_run, tmp_path, monkeypatch):
    """``smartidf notebooks run`` on every notebook, with DuckDB on RERUN_THREADS threads,
    reproduces byte for byte every CSV of their first execution (FIRST_THREADS threads) on the
    same database: run dates and thread counts differ, key results must not."""
    for path in NOTEBOOKS:
        if not (first_run / path.stem).is_dir():  # the test above was deselected
            _execute(path, real_db, first_run)
    monkeypatch.setenv("SMARTIDF_DUCKDB_THREADS", RERUN_THREADS)
    monkeypatch.setenv("SMARTIDF_KEEP_RESULTS", "0")  # computed again, not loaded from the first
    assert kernel_env(real_db)["SMARTIDF_DUCKDB_THREADS"] == RERUN_THREADS  # reaches the kernels
    out = tmp_path / "reports"
    assert reports.run_notebooks(out, NOTEBOOKS, real_db, progress=False) == 0
    changed = {}
    for path in NOTEBOOKS:
        first, second = _csvs(first_run / path.stem), _csvs(out / path.stem)
        assert first, f"{path.name} wrote no key result"
        assert sorted(first) == sorted(second), path.name
        differ = [name for name in first if first[name] != second[name]]
        if differ:
            changed[path.stem] = differ
    assert not changed, f"key results differ between two runs (threads {FIRST_THREADS} vs " \
        f"{RERUN_THREADS}): {changed}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_outputs_cleared(path):
    nb = nbformat.read(str(path), as_version=4)
    dirty = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and (c.outputs or c.execution_count is not None)]
    assert not dirty, f"{path.name}: outputs or execution counts left in cells {dirty}"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_first_cell_has_title_overview_and_sources(path):
    nb = nbformat.read(str(path), as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown", f"{path.name}: the first cell must be markdown"
    lines = first.source.strip().splitlines()
    assert lines and re.match(r"^# \S", lines[0]), f"{path.name}: the first line must be a '# title'"
    body = " ".join(line for line in lines[1:] if not line.startswith("#"))
    assert len(body.split()) >= 30, f"{path.name}: the first cell needs an overview paragraph"
    assert re.search(r"\bsources?\b", first.source, re.IGNORECASE), \
        f"{path.name}: the first cell must name its data sources"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_function_or_class_defined(path):
    nb = nbformat.read(str(path), as_version=4)
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        source = "\n".join("pass  # magic" if line.lstrip().startswith(("%", "!")) else line
                           for line in cell.source.splitlines())
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                found.append(f"cell {index}: {type(node).__name__} {node.name}")
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
                found.append(f"cell {index}: lambda assigned to a name")
    assert not found, f"{path.name} defines code that belongs in the package: {found}"


def _ruff() -> str | None:
    local = Path(sys.executable).with_name("ruff")
    return str(local) if local.exists() else shutil.which("ruff")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_ruff_clean(path):
    ruff = _ruff()
    if ruff is None:
        pytest.fail("ruff is not installed: make install (the dev extra)")
    run = subprocess.run([ruff, "check", "--no-cache", str(path.relative_to(REPO))], cwd=REPO,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.realdata
def test_a_notebook_whose_inputs_are_missing_says_which_and_how_to_get_them(incomplete_db,
                                                                            tmp_path):
    path = NOTEBOOK_DIR / "04-solar-potential.ipynb"
    env = kernel_env(incomplete_db, report_dir=tmp_path, notebook=path.stem)
    with pytest.raises(NotebookFailure) as failure:
        execute_notebook(path, env, cell_timeout=CELL_TIMEOUT_S, notebook_timeout=NOTEBOOK_TIMEOUT_S)
    nb = read_notebook(path)
    first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    assert failure.value.cell_index == first_code
    assert failure.value.ename == "MissingDataError"
    assert "nsrdb_paris_tmy" in failure.value.evalue
    assert "smartidf data fetch" in failure.value.evalue
