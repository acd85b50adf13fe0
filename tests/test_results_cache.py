"""The pages' results cache computes a parameter set once, however many sessions ask."""

from __future__ import annotations

import threading
import time

import pytest

from smartidf_analysis.apps.results_cache import ResultsCache


def test_concurrent_askers_of_a_new_key_share_one_computation():
    cache, calls, started = ResultsCache(), [], threading.Barrier(8)

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
    cache = ResultsCache()

    def fail():
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        cache.get("build-1", "k", fail)
    assert cache.get("build-1", "k", lambda: 3) == 3


def test_another_build_or_key_is_computed_and_the_oldest_dropped():
    cache = ResultsCache(max_items=2)
    assert cache.get("build-1", "a", lambda: 1) == 1
    assert cache.get("build-2", "a", lambda: 2) == 2  # a rebuilt database: fresh result
    assert cache.get("build-2", "b", lambda: 3) == 3
    assert cache.get("build-1", "a", lambda: 4) == 4  # dropped (least recently used)
