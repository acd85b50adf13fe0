"""Fresh-machine benchmark: download every official original from a local stand-in of the
public hosts (``shared/upstream/MANIFEST.tsv``'s copies on 127.0.0.1, as the tests do),
build the database from the download cache, rebuild it unchanged (a no-op), against the
baseline of a build from the offline mirror in the same process.

    .venv/bin/python benchmarks/bench_fetch.py [--shared ../shared] [--repeat 3]

Loopback has no latency nor bandwidth limit: on a real connection add the transfer time of
the total printed (e.g. 54 MB at 50 Mbit/s: about 9 s).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from common import REPO, report

sys.path.insert(0, str(REPO / "tests"))


def _clock(func) -> tuple[float, object]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from upstream import UpstreamServer, manifest_routes

    from smartidf_analysis.data import build, catalog, fetch

    work = Path(tempfile.mkdtemp(prefix="bench-fetch-"))
    server = UpstreamServer(manifest_routes(args.shared.resolve())).start()
    cases: dict[str, list[float]] = {"mirror build (baseline)": [], "fetch, cold cache": [],
                                     "build from the cache": [], "no-op rebuild": []}
    try:
        for run in range(args.repeat):
            os.environ.pop("SMARTIDF_DOWNLOAD_MIRROR", None)
            os.environ["SMARTIDF_MIRROR"] = str((args.shared / "data").resolve())
            os.environ["SMARTIDF_DATA_DIR"] = str(work / f"mirror{run}")
            seconds, _ = _clock(partial(build.build, path=work / f"mirror{run}.duckdb",
                                        progress=False, force=True))
            cases["mirror build (baseline)"].append(seconds)

            os.environ.pop("SMARTIDF_MIRROR")
            os.environ.pop("SMARTIDF_OFFLINE", None)
            os.environ["SMARTIDF_DOWNLOAD_MIRROR"] = server.url
            os.environ["SMARTIDF_DATA_DIR"] = str(work / f"fresh{run}")
            target = work / f"fresh{run}" / "smartidf.duckdb"
            seconds, fetched = _clock(lambda: fetch.fetch_all(progress=False))
            assert not fetched.missing, fetched.missing
            cases["fetch, cold cache"].append(seconds)
            seconds, result = _clock(partial(build.build, path=target, progress=False))
            assert result.changed and not result.incomplete
            cases["build from the cache"].append(seconds)
            seconds, result = _clock(partial(build.build, path=target, progress=False))
            assert not result.changed
            cases["no-op rebuild"].append(seconds)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    total = sum(dl.size for dl in {d.url: d for ds in catalog.DATASETS for d in ds.downloads}
                .values())
    rows = [(name, statistics.median(times), f"median of {len(times)}")
            for name, times in cases.items()]
    report(f"fresh machine: {total / 1e6:.1f} MB of originals from 127.0.0.1", rows,
           "mirror build (baseline)")


if __name__ == "__main__":
    main()
