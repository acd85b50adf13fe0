"""Key-result CSVs, provenance stamps and ``smartidf notebooks run`` (reports, failure).

The determinism test on the real notebooks is in ``tests/test_notebooks.py`` (it reuses the
first execution of each notebook).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from smartidf_analysis import cli
from smartidf_analysis.data import db
from smartidf_analysis.reporting import reports
from smartidf_analysis.reporting.notebook_runner import (
    NotebookFailure,
    execute_notebook,
    kernel_env,
    localize_assets,
)


# ------------------------------------------------------------------------------ key results
def test_key_result_csv_is_stable_under_float_noise():
    a = pd.DataFrame({"zone": ["a", "b", "c"], "rate": [0.1 + 0.2, 1 / 3, -0.0],
                      "diff": [(0.1 + 0.2) - 0.3, 2.0, 5.0]})
    b = pd.DataFrame({"zone": ["a", "b", "c"], "rate": [0.3, 1 / 3, 0.0],
                      "diff": [0.0, 2.0, 5.0]})
    assert a["rate"].iloc[0] != b["rate"].iloc[0]  # the noise is real
    assert reports.key_result_csv(a) == reports.key_result_csv(b)
    text = reports.key_result_csv(a)
    assert text.splitlines()[0] == "zone,rate,diff"  # default index not written
    assert "-0" not in text and "0.3333333333," in text


def test_key_result_csv_formats_floats_inside_object_columns():
    """A Series of mixed KPIs (object dtype) gets the fixed float format too."""
    a = pd.Series({"sites": 200, "served_km": 0.1 + 0.2, "gap": -0.0, "status": "optimal",
                   "none": None})
    b = pd.Series({"sites": 200, "served_km": 0.3, "gap": 0.0, "status": "optimal",
                   "none": None})
    assert a.dtype == object and a["served_km"] != b["served_km"]
    assert reports.key_result_csv(a) == reports.key_result_csv(b) == \
        ",0\nsites,200\nserved_km,0.3\ngap,0\nstatus,optimal\nnone,\n"


def test_key_result_csv_keeps_order_index_missing_and_drops_geometry():
    frame = pd.DataFrame({"workers": [3.5, np.nan], "geometry_wkb": [b"\x01", b"\x02"],
                          "blob": [b"x", None]},
                         index=pd.Index(["75113", "93066"], name="commune_code"))
    text = reports.key_result_csv(frame)
    assert text == "commune_code,workers\n75113,3.5\n93066,\n"
    series = pd.Series([2.0, 1.0], index=pd.Index(["b", "a"], name="k"), name="v")
    assert reports.key_result_csv(series) == "k,v\nb,2\na,1\n"


def test_key_result_writes_only_during_a_run(tmp_path, monkeypatch):
    frame = pd.DataFrame({"x": [1.25]})
    monkeypatch.delenv("SMARTIDF_REPORT_DIR", raising=False)
    assert reports.key_result("totals", frame) is frame
    assert not any(tmp_path.iterdir())
    monkeypatch.setenv("SMARTIDF_REPORT_DIR", str(tmp_path))
    monkeypatch.setenv("SMARTIDF_NOTEBOOK", "01-demo")
    assert reports.key_result("totals", frame) is frame
    assert (tmp_path / "01-demo" / "totals.csv").read_bytes() == b"x\n1.25\n"
    with pytest.raises(ValueError, match="invalid key result name"):
        reports.key_result("../escape", frame)


# ------------------------------------------------------------------------------- provenance
def test_stamp_lists_every_dataset_sha256(synthetic_db):
    prov = reports.provenance(synthetic_db)
    table = db.read_table("provenance", path=synthetic_db)
    html = reports.stamp_html(prov)
    assert len(prov["datasets"]) == len(table) > 0
    for row in table.itertuples():
        assert row.dataset_id in html and (row.sha256 is None or row.sha256 in html)
    assert prov["database"]["fingerprint"] == db.read_metadata(synthetic_db)["fingerprint"]
    assert prov["database"]["fingerprint"] in html
    assert "SYNTHETIC" in html  # the synthetic region is flagged
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", prov["run_date"])


# ---------------------------------------------------------------------------------- the run
def _notebook(path: Path, *codes: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Tiny study\n\nOverview and data sources.")]
    nb.cells += [nbformat.v4.new_code_cell(code) for code in codes]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


_OK_CELLS = ("from smartidf_analysis.data import db\nfrom smartidf_analysis.reporting import reports",
             "totals = reports.key_result('region_totals', db.query('region_totals'))\ntotals")


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_run_writes_stamped_reports_then_a_failure_keeps_them(synthetic_db, tmp_path):
    good = _notebook(tmp_path / "01-good.ipynb", *_OK_CELLS)
    bad = _notebook(tmp_path / "02-bad.ipynb", "x = 1", "y = x / 0", "z = 3")
    out = tmp_path / "reports"
    log = io.StringIO()
    assert reports.run_notebooks(out, [good], synthetic_db, progress=False, stream=log) == 0
    page = (out / "01-good.html").read_text(encoding="utf-8")
    for dataset_id in db.read_table("provenance", path=synthetic_db)["dataset_id"]:
        assert dataset_id in page
    assert "smartidf-analysis " + reports.__version__ in page
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?://", page)  # nothing from a CDN
    expected = reports.key_result_csv(db.query("region_totals", path=synthetic_db)).encode()
    assert (out / "01-good" / "region_totals.csv").read_bytes() == expected
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="01-good.html"' in index and 'href="01-good/region_totals.csv"' in index
    assert "Total run time" in index and "1 notebook, 2 code cells" in log.getvalue()
    before = _tree(out)

    log = io.StringIO()
    assert reports.run_notebooks(out, [good, bad], synthetic_db, progress=False, stream=log) == 1
    message = log.getvalue()
    assert "02-bad.ipynb" in message and "cell 2" in message
    assert "ZeroDivisionError: division by zero" in message
    assert _tree(out) == before  # previous reports untouched
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no staging left


def test_cdn_resources_are_copied_next_to_the_reports(tmp_path):
    page = ('<script src="https://cdn.bokeh.org/bokeh/release/bokeh-widgets-3.9.2.min.js"></script>'
            '"https://cdn.holoviz.org/panel/1.9.4/dist/css/loading.css?v=1.9.4" '
            '"static/extensions/panel/bundled/theme/default.css" '
            '"https://cdn.holoviz.org/panel/1.9.4/dist/css/no-such-file.css"')
    local = localize_assets(page, tmp_path)
    assert '"_assets/bokeh/bokeh-widgets.min.js"' in local
    assert '"_assets/panel/css/loading.css?v=1.9.4"' in local
    assert '"_assets/panel/bundled/theme/default.css"' in local
    assert "https://cdn.holoviz.org/panel/1.9.4/dist/css/no-such-file.css" in local  # left as is
    for copied in ("bokeh/bokeh-widgets.min.js", "panel/css/loading.css", "panel/bundled/theme/default.css"):
        assert (tmp_path / "_assets" / copied).stat().st_size > 0


def test_run_refuses_a_folder_it_did_not_write(synthetic_db, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    with pytest.raises(reports.ReportFolderError):
        reports.run_notebooks(out, [_notebook(tmp_path / "01-x.ipynb", "1")], synthetic_db,
                              progress=False)
    assert (out / "thesis.tex").read_text() == "precious"


def test_run_without_database_is_a_clear_error(tmp_path):
    with pytest.raises(db.DatabaseMissingError, match="smartidf data build"):
        reports.run_notebooks(tmp_path / "out", [_notebook(tmp_path / "01-x.ipynb", "1")],
                              tmp_path / "none.duckdb", progress=False)


def test_notebook_timeout_names_the_cell(tmp_path):
    """The budget runs out in the first code cell however long the kernel took to start
    (spent during the start: refused before the cell; else: the cell is stopped), so the
    cell named does not depend on the machine's load; the next cell never runs."""
    path = _notebook(tmp_path / "01-slow.ipynb", "import time\ntime.sleep(600)", "x = 1")
    with pytest.raises(NotebookFailure) as info:
        execute_notebook(path, kernel_env(), notebook_timeout=6)
    assert info.value.cell_index == 1 and "Timeout" in info.value.ename
    assert info.value.where == "cell 1 (`import time`)"
    assert info.value.executed.cells[2].execution_count is None


def test_cli_wires_notebooks_run(monkeypatch, tmp_path):
    seen = {}

    def run(out, notebooks, jobs=None):
        seen[out] = [p.name for p in notebooks]
        seen[out, "jobs"] = jobs
        return 0

    monkeypatch.setattr(reports, "run_notebooks", run)
    assert cli.main(["notebooks", "run", "--out", "elsewhere"]) == 0
    assert seen["elsewhere"] == [p.name for p in reports.notebook_paths()]  # the package's
    assert "00-getting-started.ipynb" in seen["elsewhere"]
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "07-mine.ipynb").write_text("{}", encoding="utf-8")
    assert cli.main(["notebooks", "run", "--out", "mine-out", "--from", str(mine)]) == 0
    assert seen["mine-out"] == ["07-mine.ipynb"]
    assert seen["mine-out", "jobs"] is None  # one per core, decided by run_notebooks
    assert cli.main(["notebooks", "run", "--out", "one", "--from", str(mine), "--jobs", "1"]) == 0
    assert seen["one", "jobs"] == 1
    assert cli.main(["notebooks", "run", "--from", str(tmp_path / "none")]) == 1  # said, no run
