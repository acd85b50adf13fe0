"""Beyond one machine (issue 21): the Dask scheduler setting, the Parquet export, and the
France-scale synthetic region computed on a real cluster of processes (``dask scheduler`` +
two ``dask worker``) from the export, with the DuckDB file out of everyone's view, giving the
same results as DuckDB on one machine. Small scale here (about 200 communes, 190,000
records); ``benchmarks/bench_cluster.py`` runs the big ones."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from dask_processes import dask_cluster

from smartidf_analysis.commuting import io as commuting
from smartidf_analysis.data import compute, db, parquet
from smartidf_analysis.data.export import export
from smartidf_analysis.data.synthetic import france
from smartidf_analysis.solar import io as solar

SCALE, ROOFS = 0.1, 120_000


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    """The France-like region at a small scale, and its Parquet export."""
    folder = tmp_path_factory.mktemp("france")
    path = folder / "france.duckdb"
    sizes = france.build_france(path, scale=SCALE, seed=3)
    out = folder / "export"
    export(str(out), path=path)
    return path, out, sizes


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A ``dask scheduler`` and two ``dask worker`` processes (stopped whatever happens)."""
    with dask_cluster(2, tmp_path_factory.mktemp("cluster"),
                      env={"SMARTIDF_DUCKDB_THREADS": "1"}) as address:
        yield address
        compute.close()  # before the cluster goes


@pytest.fixture
def settings(monkeypatch):
    """A clean slate of settings and caches before and after each test."""
    for name in ("SMARTIDF_DASK_ADDRESS", "SMARTIDF_PARQUET"):
        monkeypatch.delenv(name, raising=False)
    db.close_shared()
    yield monkeypatch
    compute.close()
    db.close_shared()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_france_region_is_shaped_as_asked(region):
    path, _out, sizes = region
    con = db.connect(path)
    try:
        communes, deps = con.execute(
            "SELECT count(*), count(DISTINCT department_code) FROM communes").fetchall()[0]
        records, homes = con.execute(
            "SELECT count(*), count(DISTINCT home_code) FROM commuting_flows").fetchall()[0]
    finally:
        con.close()
    assert (communes, records) == (sizes["communes"], sizes["records"]) == (220, 190_000)
    assert deps == 96 and homes > 200
    assert france.sizes(16) == {"communes": 35_200, "records": 30_400_000, "roofs": 20_000_000}


def test_the_export_is_one_file_per_department_with_its_provenance(region):
    path, out, _sizes = region
    manifest = json.loads((out / parquet.MANIFEST).read_text())
    flows = manifest["tables"]["commuting_flows"]
    assert flows["partition_by"] == "home_code"
    assert len(flows["files"]) == 96 and flows["rows"] == 190_000
    some = flows["files"][5]
    table = pq.read_table(out / some["path"])
    assert table.num_rows == some["rows"] > 0
    assert set(table.column("home_code").to_pylist()) <= {
        c for c in db.read_table("communes", ["commune_code"], path=path)["commune_code"]
        if c.startswith(some["department"])}
    assert manifest["build_info"]["region"] == "france"
    assert manifest["exported_from"] == str(path.resolve())
    assert {"provenance", "build_info", "communes", "premises"} <= set(manifest["tables"])


def test_duckdb_reads_the_export_as_it_reads_the_file(region, settings):
    path, out, _sizes = region
    local = db.aggregate("commuting_flows", ["mode"], ["workers"], path=path)
    settings.setenv("SMARTIDF_PARQUET", f"file://{out}")
    assert db.source() == ("parquet", f"file://{out}")
    pd.testing.assert_frame_equal(db.aggregate("commuting_flows", ["mode"], ["workers"]), local)


def test_an_object_store_export_is_read_through_fsspec(region, settings):
    """``memory://`` stands in for s3:// or gcs:// (same fsspec path, no network)."""
    path, _out, _sizes = region
    local = commuting.od_matrix("department", path=path)
    url = "memory://smartidf-test-export"
    export(url, path=path, tables=["communes", "departments", "commuting_flows", "build_info"])
    settings.setenv("SMARTIDF_PARQUET", url)
    assert db.source() == ("parquet", url) and db.read_metadata(url)["region"] == "france"
    pd.testing.assert_frame_equal(commuting.od_matrix("department"), local)
    pd.testing.assert_frame_equal(commuting.od_matrix("department", engine="dask"), local)


def test_on_a_cluster_of_processes_from_the_export_the_results_equal_duckdb(region, settings,
                                                                          cluster):
    path, out, _sizes = region
    settings.setenv("SMARTIDF_DB", str(path))
    od_local = commuting.od_matrix("department")
    indicators_local = commuting.indicators()
    stock_local = solar.stock_summary(n=ROOFS, top=50)
    total = db.aggregate("commuting_flows", ["csp"], ["workers"], path=path)["workers"].sum()
    assert od_local["workers"].sum() == pytest.approx(total, rel=1e-12)

    hidden = path.with_name("moved-away.duckdb")
    path.rename(hidden)  # out of the client's and the workers' view
    try:
        db.close_shared()
        settings.setenv("SMARTIDF_DASK_ADDRESS", cluster)
        settings.setenv("SMARTIDF_PARQUET", str(out))
        assert compute.describe().startswith(f"Dask scheduler: dask.distributed at {cluster} (2 workers")
        with pytest.raises(db.DatabaseMissingError):
            db.connect(path)
        from distributed import get_task_stream

        with get_task_stream(client=compute.client()) as stream:
            od_cluster = commuting.od_matrix("department", engine="dask")
            indicators_cluster = commuting.indicators(engine="dask")
            stock_cluster = solar.stock_summary(n=ROOFS, top=50)
    finally:
        hidden.rename(path)
    pd.testing.assert_frame_equal(od_cluster, od_local)
    pd.testing.assert_frame_equal(indicators_cluster, indicators_local)
    pd.testing.assert_frame_equal(stock_cluster.commune_totals, stock_local.commune_totals)
    pd.testing.assert_frame_equal(stock_cluster.class_totals, stock_local.class_totals)
    pd.testing.assert_frame_equal(stock_cluster.top_roofs, stock_local.top_roofs)
    workers = {t["worker"] for t in stream.data}
    names = " ".join(str(t["key"]) for t in stream.data)
    assert len(workers) == 2, "both worker processes computed"
    assert "grouped-commuting_flows" in names and "_pass_partition" in names


def test_an_unreachable_scheduler_is_named_after_the_configured_wait(settings, synthetic_db):
    import distributed

    address = f"tcp://127.0.0.1:{_free_port()}"
    settings.setenv("SMARTIDF_DASK_ADDRESS", address)
    settings.setenv("SMARTIDF_DASK_TIMEOUT", "2")
    asked = []  # (address, timeout) of every Client the package makes
    real_client = distributed.Client

    def recording_client(*args, **kwargs):
        asked.append((args[0], kwargs.get("timeout")))
        return real_client(*args, **kwargs)

    settings.setattr(distributed, "Client", recording_client)
    with pytest.raises(compute.SchedulerUnreachableError) as raised:
        commuting.od_matrix("department", engine="dask")
    assert asked == [(address, "2.0s")]  # one attempt, bounded by SMARTIDF_DASK_TIMEOUT
    assert f"no Dask scheduler answered at {address} (SMARTIDF_DASK_ADDRESS) within 2 s" in \
        str(raised.value)
    cli = subprocess.run([sys.executable, "-m", "smartidf_analysis", "scheduler"],
                         capture_output=True, text=True, timeout=30,
                         env={**os.environ, "SMARTIDF_DASK_TIMEOUT": "1"})
    assert cli.returncode == 1 and address in cli.stderr and "Traceback" not in cli.stderr


def test_without_an_address_the_threads_compute(settings):
    assert compute.scheduler() == "threads"
    assert compute.describe().startswith("Dask scheduler: local threads")


def test_an_unwritable_export_target_is_reported_before_any_work(tmp_path, settings):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    target = blocker / "export"
    settings.setenv("SMARTIDF_DB", str(tmp_path / "no-such.duckdb"))  # work would fail on it
    with pytest.raises(parquet.ExportError, match=f"cannot write the export to {target}"):
        export(str(target))
    cli = subprocess.run([sys.executable, "-m", "smartidf_analysis", "data", "export", "--to",
                          str(target)], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "SMARTIDF_DB": str(tmp_path / "x.duckdb")})
    assert cli.returncode == 1 and f"cannot write the export to {target}" in cli.stderr
    assert not Path(tmp_path / "x.duckdb").exists()


def test_notebook_kernels_and_the_server_inherit_the_settings():
    from smartidf_analysis.apps.serve import server_environment
    from smartidf_analysis.reporting.notebook_runner import kernel_env

    settings = {"SMARTIDF_DASK_ADDRESS": "tcp://scheduler.example:8786",
                "SMARTIDF_PARQUET": "s3://bucket/smartidf", "PATH": "/usr/bin"}
    for env in (kernel_env(base=settings), server_environment(settings, find=lambda name: None)):
        assert {k: env[k] for k in ("SMARTIDF_DASK_ADDRESS", "SMARTIDF_PARQUET")} == {
            k: settings[k] for k in ("SMARTIDF_DASK_ADDRESS", "SMARTIDF_PARQUET")}


def test_scenario_sweeps_run_on_the_cluster_with_the_same_results(settings, cluster,
                                                                 tmp_path_factory):
    from distributed import get_task_stream

    from smartidf_analysis.data.build import build
    from smartidf_analysis.telecentres import io as telecentres
    from smartidf_analysis.telecentres import scenarios
    from smartidf_analysis.telecentres.demand import DEFAULT

    path = tmp_path_factory.mktemp("idf") / "synthetic.duckdb"
    build(synthetic=True, path=path, progress=False)
    settings.setenv("SMARTIDF_DB", str(path))
    inputs = telecentres.load_inputs()
    base, grid = DEFAULT.but(method="greedy", n_sites=20), {"n_sites": [10, 20],
                                                           "distance_threshold_km": [10.0, 20.0]}
    local = scenarios.sensitivity(inputs, base, grid)
    curve = scenarios.coverage_curve(inputs, base, sites=(10, 20), methods=("greedy",))
    settings.setenv("SMARTIDF_DASK_ADDRESS", cluster)
    with get_task_stream(client=compute.client()) as stream:
        remote = scenarios.sensitivity(inputs, base, grid)
        remote_curve = scenarios.coverage_curve(inputs, base, sites=(10, 20), methods=("greedy",))
    pd.testing.assert_frame_equal(scenarios.reproducible(remote), scenarios.reproducible(local))
    pd.testing.assert_frame_equal(remote_curve, curve)
    assert sum("_kpis_of" in str(t["key"]) for t in stream.data) == len(local) + len(curve)
