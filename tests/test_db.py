"""db: named SQL with bound parameters, whitelists, read-only cursors, Dask reads."""

from __future__ import annotations

import threading

import duckdb
import pandas as pd
import pytest

from smartidf_analysis.data import db

HOSTILE = "75056'; DROP TABLE communes; --"


#: values that change a query's meaning if formatted into its text: a second statement,
#: a condition always true (with either quote)
HOSTILE_VALUES = (HOSTILE, "x' OR '1'='1", 'x" OR 1=1 OR "1"="1')
INERT = "zzzzz"  # a plain value that matches nothing


def test_query_binds_parameters(synthetic_db):
    assert len(db.query("commune", commune_code="75101")) == 1
    assert db.query("commune", commune_code=HOSTILE).empty
    # formatted into the text, this would read every commune
    assert db.query("commune", commune_code="75101' OR '1'='1").empty


def _outcome(name: str, value: str):
    """The frame of query ``name`` with ``value`` in every string parameter, or the kind of
    error DuckDB raised (a string where a number is expected is rejected)."""
    params = {p: {"paris_as_one": False, "tables": [value]}.get(p, value)
              for p in db.query_parameters(name)}
    try:
        return db.query(name, **params)
    except duckdb.Error as exc:
        return type(exc)


@pytest.mark.parametrize("name", sorted(db.query_names()))
def test_every_named_query_is_safe_against_hostile_values(synthetic_db, name):
    """Every string parameter of every named query gets each hostile value: the query
    answers exactly what it answers for a plain value that matches nothing (bound, a
    hostile value is just another string; formatted into SQL, it would read other rows or
    fail to parse)."""
    inert = _outcome(name, INERT)
    assert inert is duckdb.ConversionException or isinstance(inert, pd.DataFrame), inert
    for value in HOSTILE_VALUES:
        got = _outcome(name, value)
        if isinstance(inert, pd.DataFrame):
            assert isinstance(got, pd.DataFrame), (value, got)
            pd.testing.assert_frame_equal(got, inert)
            assert value not in got.to_string()
        else:
            assert got is inert, (value, got)


def test_unknown_query_and_parameters_are_rejected(synthetic_db):
    with pytest.raises(ValueError, match="unknown query"):
        db.query("no_such_query")
    with pytest.raises(ValueError, match="invalid query name"):
        db.query("../secrets")
    with pytest.raises(ValueError, match="missing"):
        db.query("commune")
    with pytest.raises(ValueError, match="unexpected"):
        db.query("commune", commune_code="75101", extra=1)


def test_read_table_whitelists_identifiers(synthetic_db):
    with pytest.raises(ValueError, match="unknown table"):
        db.read_table("communes; DROP TABLE communes")
    with pytest.raises(ValueError, match="unknown column"):
        db.read_table("communes", columns=['commune_code" FROM communes; --'])
    with pytest.raises(ValueError, match="unsupported operator"):
        db.read_table("communes", filters=[("commune_code", "OR 1=1 --", "x")])
    assert db.read_table("communes", filters=[("commune_code", "==", HOSTILE)]).empty
    got = db.read_table("communes", ["commune_code"], [("commune_code", "in", ["75101", "75102"])])
    assert sorted(got["commune_code"]) == ["75101", "75102"]


def test_served_connection_is_read_only(synthetic_db):
    with db.cursor() as cur, pytest.raises(duckdb.Error):
        cur.execute("CREATE TABLE hacked AS SELECT 1")


def test_cursors_are_per_thread(synthetic_db):
    seen, errors = [], []
    barrier = threading.Barrier(6)

    def work():
        try:
            with db.cursor() as cur:
                seen.append(cur)  # keep the cursor alive so ids cannot be reused
                barrier.wait(timeout=10)
                assert cur.execute("SELECT count(*) FROM communes").fetchall()[0][0] > 0
                db.query("region_totals")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len({id(c) for c in seen}) == 6


def _expected_od(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("""SELECT home_code, work_code, sum(workers) AS workers
                              FROM commuting_flows GROUP BY ALL""").df()
    finally:
        con.close()


def _sorted(frame):
    return frame.sort_values(["home_code", "work_code"]).reset_index(drop=True)


def test_read_dask_both_forms_match_duckdb(synthetic_db):
    expected = _sorted(_expected_od(synthetic_db))
    raw = db.read_dask("commuting_flows", ["home_code", "work_code", "workers"], npartitions=4)
    assert raw.npartitions == 4
    via_raw = _sorted(raw.groupby(["home_code", "work_code"])["workers"].sum().reset_index()
                      .compute())
    pushed = _sorted(db.read_dask_grouped("commuting_flows", ["home_code", "work_code"],
                                          ["workers"], npartitions=4).compute().reset_index())
    for got in (via_raw, pushed):
        assert got["home_code"].tolist() == expected["home_code"].tolist()
        assert got["work_code"].tolist() == expected["work_code"].tolist()
        assert (got["workers"] - expected["workers"]).abs().max() < 1e-6


def test_read_dask_filters_are_bound(synthetic_db):
    part = db.read_dask("commuting_flows", ["home_code", "workers"],
                        filters=[("home_code", "==", "75101")], npartitions=3).compute()
    assert set(part["home_code"]) == {"75101"}
    assert db.read_dask("commuting_flows", ["home_code"],
                        filters=[("home_code", "==", HOSTILE)]).compute().empty


@pytest.mark.slow
def test_dask_forms_on_a_distributed_cluster(synthetic_db):
    import distributed
    expected = _sorted(_expected_od(synthetic_db))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        raw = db.read_dask("commuting_flows", ["home_code", "work_code", "workers"],
                           npartitions=4)
        via_raw = client.compute(raw.groupby(["home_code", "work_code"])["workers"].sum()
                                 .reset_index()).result()
        pushed = client.compute(db.read_dask_grouped(
            "commuting_flows", ["home_code", "work_code"], ["workers"], npartitions=4)).result()
    for got in (_sorted(via_raw), _sorted(pushed.reset_index())):
        assert len(got) == len(expected)
        assert (got["workers"] - expected["workers"]).abs().max() < 1e-6


@pytest.mark.parametrize("threads", [1, 2])
def test_duckdb_threads_setting_limits_every_connection(tmp_path, monkeypatch, threads):
    path = tmp_path / "threads.duckdb"
    monkeypatch.setenv("SMARTIDF_DUCKDB_THREADS", str(threads))
    db.write_database(path, {})
    con = db.connect(path)
    try:
        assert con.execute("SELECT current_setting('threads')").fetchall()[0][0] == threads
    finally:
        con.close()


@pytest.mark.parametrize("raw", ["0", "-1", "two", "1.5"])
def test_duckdb_threads_setting_rejects_non_positive_integers(tmp_path, monkeypatch, raw):
    path = tmp_path / "threads.duckdb"
    db.write_database(path, {})
    monkeypatch.setenv("SMARTIDF_DUCKDB_THREADS", raw)
    with pytest.raises(ValueError, match="SMARTIDF_DUCKDB_THREADS"):
        db.connect(path)


# ---------------------------------------------------------------- order-independent sums
WEIGHTS = [0.1, 0.2, 0.3]  # (0.1 + 0.2) + 0.3 != (0.3 + 0.2) + 0.1 in binary floating point


def _flows_db(path, workers):
    n = len(workers)
    frame = pd.DataFrame({"home_code": ["77001"] * n, "work_code": ["77002"] * n,
                          "home_code_2014": ["77001"] * n, "work_code_2014": ["77002"] * n,
                          "mode": ["TC"] * n, "csp": [3] * n, "workers": workers})
    db.write_database(path, {"commuting_flows": frame})
    return path


def _plain_sum(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        con.execute("SET threads = 1")
        return con.execute("SELECT sum(workers) FROM commuting_flows").fetchall()[0][0]
    finally:
        con.close()


def test_sums_of_survey_weights_do_not_depend_on_row_order(tmp_path, closes_shared):
    """The same weights stored in two orders: DuckDB's plain SUM gives two different doubles
    (what made near-ties flip between runs); db.aggregate, db.read_dask_grouped and the
    commuting_pairs query give 0.6 exactly for both."""
    from smartidf_analysis import commuting as cm

    forward = _flows_db(tmp_path / "forward.duckdb", WEIGHTS)
    backward = _flows_db(tmp_path / "backward.duckdb", WEIGHTS[::-1])
    assert _plain_sum(forward) != _plain_sum(backward)  # the hazard is real
    for path in (forward, backward):
        by = ["home_code", "work_code"]
        assert db.aggregate("commuting_flows", by, ["workers"], path=path)["workers"].tolist() \
            == [0.6]
        grouped = db.read_dask_grouped("commuting_flows", by, ["workers"], npartitions=3,
                                       path=path).compute()
        assert grouped["workers"].tolist() == [0.6]
        assert cm.load_pairs(path=path)["workers"].tolist() == [0.6]


def test_sum_sql_is_fixed_point_for_floats_only():
    assert "DECIMAL(38, 9)" in db.sum_sql("workers")
    assert db.sum_sql("dwellings", is_float=False) == 'sum("dwellings")'
