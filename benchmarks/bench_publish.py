"""The open-data service (``smartidf publish``) under load: all communes with their
indicators as GeoJSON in one request, and 20 clients reading pages at once.

Starts ``smartidf publish`` on a free port of 127.0.0.1 over the current database
(``SMARTIDF_DB``, default data/smartidf.duckdb) and prints, against a baseline measured in the
same run (the provider's query and ``json.dumps`` in this process, no HTTP):

* one request for every commune with indicators (GeoJSON, ``limit`` = the page maximum):
  median of 5 after one warm-up, and the size;
* GDAL's OAPIF driver (pyogrio) reading the communes layer whole;
* 20 client threads, each reading 15 pages (``limit=100``, a random collection and offset,
  every collection; flows and fibre have no geometry): p50, p95 and max latency, requests/s.

Goal of issue 29: all communes ≤ 1 s; 20 clients p95 ≤ 1 s. Not a test: nothing asserted.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import common  # noqa: F401 - puts the repository on sys.path

CLIENTS, PAGES_PER_CLIENT, PAGE = 20, 15, 100


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[float, int]:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        size = len(response.read())
        assert response.status == 200
    return time.perf_counter() - start, size


def _wait(url: str, timeout: float = 600.0) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            _get(url)
            return time.perf_counter() - start
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer in {timeout} s")


def main() -> None:
    import pyogrio

    from smartidf_analysis.publish.collections import COLLECTIONS
    from smartidf_analysis.publish.provider import CollectionProvider
    from smartidf_analysis.publish.service import MAX_ITEMS

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    smartidf = shutil.which("smartidf", path=str(Path(sys.executable).parent)) or "smartidf"
    proc = subprocess.Popen([smartidf, "publish", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        started = _wait(f"{url}/conformance?f=json")
        print(f"service ready after {started:.1f} s (reads and prepares the six collections)")

        provider = CollectionProvider({"name": "bench", "type": "feature", "data": "communes"})
        times = []
        for _ in range(5):
            start = time.perf_counter()
            body = json.dumps(provider.query(limit=MAX_ITEMS))
            times.append(time.perf_counter() - start)
        baseline = statistics.median(times)
        print(f"baseline, provider query + json.dumps in process: {baseline:.3f} s "
              f"({len(body) / 1e6:.1f} MB)")

        all_communes = f"{url}/collections/communes/items?f=json&limit={MAX_ITEMS}"
        _get(all_communes)
        samples = [_get(all_communes) for _ in range(5)]
        median = statistics.median(t for t, _ in samples)
        print(f"all communes with indicators, one GeoJSON request: {median:.3f} s "
              f"(x{median / baseline:.2f}), {samples[0][1] / 1e6:.1f} MB")

        start = time.perf_counter()
        frame = pyogrio.read_dataframe(f"OAPIF:{url}", layer="communes")
        print(f"GDAL OAPIF read of the communes layer: {time.perf_counter() - start:.3f} s "
              f"({len(frame)} features)")

        totals = {name: json.load(urllib.request.urlopen(
            f"{url}/collections/{name}/items?f=json&resulttype=hits"))["numberMatched"]
            for name in COLLECTIONS}
        latencies: list[float] = []
        lock = threading.Lock()
        barrier = threading.Barrier(CLIENTS)

        def client(seed: int) -> None:
            rng = random.Random(seed)
            barrier.wait()
            for _ in range(PAGES_PER_CLIENT):
                name = rng.choice(sorted(COLLECTIONS))
                offset = rng.randrange(max(1, totals[name] - PAGE))
                elapsed, _ = _get(f"{url}/collections/{name}/items?f=json&limit={PAGE}"
                                  f"&offset={offset}")
                with lock:
                    latencies.append(elapsed)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        q = statistics.quantiles(latencies, n=100)
        print(f"{CLIENTS} clients x {PAGES_PER_CLIENT} pages of {PAGE}: p50 {q[49]:.3f} s, "
              f"p95 {q[94]:.3f} s, max {max(latencies):.3f} s, "
              f"{len(latencies) / wall:.1f} requests/s (baseline x{q[94] / baseline:.2f})")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(f"database: {os.environ.get('SMARTIDF_DB', 'data/smartidf.duckdb')}")


if __name__ == "__main__":
    main()
