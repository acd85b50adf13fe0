"""Several notebooks at once (``smartidf notebooks run --jobs``): they really run side by side,
the first failure stops the others, the report lists them in name order, and the previous
run's times start the longest first."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path

import nbformat
import pytest

from smartidf_analysis.reporting import notebook_jobs, reports
from smartidf_analysis.reporting.notebook_runner import NotebookFailure, kernel_env

WAIT_S = 60  # a kernel start under a loaded machine stays well under this


def _notebook(path: Path, *codes: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Tiny study\n\nOverview and data sources.")]
    nb.cells += [nbformat.v4.new_code_cell(code) for code in codes]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def _waits_for(other: Path, mine: Path) -> str:
    """A cell that announces itself (``mine``), then waits until ``other`` exists."""
    return (f"import pathlib, time\npathlib.Path({str(mine)!r}).write_text('here')\n"
            f"deadline = time.monotonic() + {WAIT_S}\n"
            f"while not pathlib.Path({str(other)!r}).exists():\n"
            f"    assert time.monotonic() < deadline, 'the other notebook never ran at the same time'\n"
            f"    time.sleep(0.05)")


def test_two_notebooks_run_at_the_same_time_and_are_reported_in_name_order(synthetic_db, tmp_path):
    """Each notebook waits for the other's file: both finish only when run at once."""
    a, b = tmp_path / "a.flag", tmp_path / "b.flag"
    first = _notebook(tmp_path / "01-first.ipynb", _waits_for(b, a),
                      "from smartidf_analysis.reporting import reports\n"
                      "reports.key_result('one', __import__('pandas').DataFrame({'x': [1]}))")
    second = _notebook(tmp_path / "02-second.ipynb", _waits_for(a, b))
    out = tmp_path / "reports"
    log = io.StringIO()
    assert reports.run_notebooks(out, [second, first], synthetic_db, progress=False, stream=log,
                                 jobs=2, cell_timeout=WAIT_S + 30) == 0, log.getvalue()
    runs = json.loads((out / "provenance.json").read_text(encoding="utf-8"))["notebooks"]
    assert [r["stem"] for r in runs] == ["02-second", "01-first"]  # as given, not as finished
    assert runs[1]["key_results"] and (out / "01-first" / "one.csv").read_bytes() == b"x\n1\n"
    assert (out / "01-first.html").exists() and (out / "02-second.html").exists()
    assert notebook_jobs.previous_seconds(out).keys() == {"01-first", "02-second"}


def test_the_first_failure_stops_the_other_notebooks(monkeypatch, tmp_path):
    """The failing notebook's error is returned; the one running stops at its next cell and
    the one waiting for a free slot never starts."""
    long_started = threading.Event()
    cells_run: list[int] = []
    started: list[str] = []

    def fake_execute(path, env, *, cell_timeout, on_cell):
        started.append(path.stem)
        if path.stem == "bad":
            assert long_started.wait(WAIT_S)
            raise NotebookFailure(path, 2, "ZeroDivisionError", "division by zero")
        long_started.set()
        for index in range(1, 10**9):  # ends only when on_cell stops it
            cells_run.append(index)
            on_cell(index, 10**9)
        raise AssertionError("never stopped")

    monkeypatch.setattr(notebook_jobs, "execute_notebook", fake_execute)
    paths = [tmp_path / "long.ipynb", tmp_path / "bad.ipynb", tmp_path / "queued.ipynb"]
    done = []
    failure = notebook_jobs.execute_notebooks(paths, [{}] * 3, jobs=2,
                                              on_done=lambda *args: done.append(args))
    assert isinstance(failure, NotebookFailure) and failure.notebook.stem == "bad"
    assert failure.cell_index == 2 and "ZeroDivisionError" in str(failure)
    assert sorted(started) == ["bad", "long"] and cells_run and done == []


def test_an_unexpected_error_in_a_notebook_thread_is_raised(monkeypatch, tmp_path):
    def broken(path, env, *, cell_timeout, on_cell):
        raise RuntimeError("report writer broke")

    monkeypatch.setattr(notebook_jobs, "execute_notebook", broken)
    with pytest.raises(RuntimeError, match="report writer broke"):
        notebook_jobs.execute_notebooks([tmp_path / "x.ipynb"], [kernel_env()], jobs=1)


def test_longest_first_and_previous_seconds(tmp_path):
    paths = [Path(f"/n/{name}.ipynb") for name in ("00-a", "01-b", "02-c", "03-d")]
    order = notebook_jobs.longest_first(paths, {"00-a": 3.0, "01-b": 20.0, "03-d": 3.0})
    assert [p.stem for p in order] == ["02-c", "01-b", "00-a", "03-d"]  # unknown first, ties by name
    assert notebook_jobs.longest_first(paths, {}) == paths
    assert notebook_jobs.previous_seconds(tmp_path) == {}
    (tmp_path / "provenance.json").write_text("{not json", encoding="utf-8")
    assert notebook_jobs.previous_seconds(tmp_path) == {}
    (tmp_path / "provenance.json").write_text(json.dumps(
        {"notebooks": [{"stem": "01-b", "seconds": 20.5}]}), encoding="utf-8")
    assert notebook_jobs.previous_seconds(tmp_path) == {"01-b": 20.5}
    assert notebook_jobs.default_jobs() >= 1
