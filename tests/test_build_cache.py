"""The one cache of data read per build (`data/build_cache.py`): a parameter set computed
once however many sessions ask, per build; the `per_build` decorator keyed on the build read."""

from __future__ import annotations

import threading
import time

import pytest

from smartidf_analysis.data.build_cache import BuildCache, per_build


def test_concurrent_askers_of_a_new_key_share_one_computation():
    cache, calls, started = BuildCache(), [], threading.Barrier(8)

    def compute():
        calls.append(1)
        time.sleep(0.05)  # long enough for the others to arrive while it runs
        return {"total_kwh": 42.0}

    def ask(out: list):
        started.wait()
        out.append(cache.get("build-1", ("solar", 14.0), compute))

    results: list = []
    threads = [threading.Thread(target=ask, args=(results,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert len(results) == 8 and all(r is results[0] for r in results)


def test_a_failed_computation_is_not_cached_and_the_next_asker_retries():
    cache = BuildCache()

    def fail():
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        cache.get("build-1", "k", fail)
    assert cache.get("build-1", "k", lambda: 3) == 3


def test_another_build_or_key_is_computed_and_the_oldest_dropped():
    cache = BuildCache(max_items=2)
    assert cache.get("build-1", "a", lambda: 1) == 1
    assert cache.get("build-2", "a", lambda: 2) == 2  # a rebuilt database: fresh result
    assert cache.get("build-2", "b", lambda: 3) == 3
    assert cache.get("build-1", "a", lambda: 4) == 4  # dropped (least recently used)


def test_per_build_follows_a_rebuild_and_the_database_argument(tmp_path, monkeypatch,
                                                              closes_shared):
    """The decorator keys a value on the build of the database read: the same arguments
    after a rebuild (a new file renamed over the old one) are computed again; another
    database given as the path argument has its own value."""
    import os

    import duckdb

    from smartidf_analysis.data import db

    def make(path, value):
        partial = path.with_suffix(".partial")
        with duckdb.connect(str(partial)) as con:
            con.execute("CREATE TABLE t AS SELECT ? AS v", [value])
        os.replace(partial, path)

    first, other = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    make(first, 1)
    make(other, 10)
    monkeypatch.setenv("SMARTIDF_DB", str(first))
    calls = []

    @per_build(max_items=4, path_argument="path")
    def value(path=None, scale=1):
        calls.append(path)
        with db.cursor(path) as cur:
            return scale * cur.execute("SELECT v FROM t").fetchone()[0]

    assert value() == 1 and value() == 1 and len(calls) == 1
    assert value(scale=2) == 2 and len(calls) == 2  # other arguments
    assert value(str(other)) == 10 and len(calls) == 3  # another database
    make(first, 5)  # rebuilt
    assert value() == 5 and len(calls) == 4
    assert value(str(other)) == 10 and len(calls) == 4
    assert value.cache.max_items == 4


def test_latest_build_only_drops_a_key_of_older_builds():
    cache = BuildCache(latest_build_only=True)
    cache.get("build-1", "overview", lambda: "old tables")
    cache.get("build-1", "solar", lambda: "old roofs")
    assert cache.get("build-2", "overview", lambda: "new tables") == "new tables"
    calls = []
    assert cache.get("build-1", "overview", lambda: calls.append(1) or "again") == "again"
    assert calls == [1]  # the old build's value was dropped
    assert cache.get("build-1", "solar", lambda: "recomputed") == "old roofs"  # other keys kept
