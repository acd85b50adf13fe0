"""A real ``dask.distributed`` cluster made of separate processes, as an operator starts one:
``dask scheduler`` and N ``dask worker`` commands (not ``LocalCluster``), for the cluster
tests and ``benchmarks/bench_cluster.py``.

The scheduler listens on a free port chosen by the system (``--port 0``) and writes its
address to a scheduler file that the workers read. Every process is terminated (then
killed) when the context exits, whatever happened inside it.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _stop(procs: list[subprocess.Popen]) -> None:
    for proc in reversed(procs):
        if proc.poll() is None:
            proc.terminate()
    for proc in reversed(procs):
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextlib.contextmanager
def dask_cluster(workers: int, folder: Path, *, env: Mapping[str, str] | None = None,
                 nthreads: int = 1, memory_limit: str = "4GB",
                 timeout: float = 60.0) -> Iterator[str]:
    """Start a scheduler and ``workers`` worker processes; yield the scheduler address.

    ``env`` is added to the workers' environment (this process's otherwise, with the
    checkout on ``PYTHONPATH`` so that they import the same package).
    """
    folder.mkdir(parents=True, exist_ok=True)
    scheduler_file = folder / "scheduler.json"
    scheduler_file.unlink(missing_ok=True)
    base = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])])}
    base.pop("SMARTIDF_DASK_ADDRESS", None)
    procs: list[subprocess.Popen] = []
    log = open(folder / "cluster.log", "ab")  # noqa: SIM115 - closed in finally
    try:
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port", "0",
             "--no-dashboard", "--scheduler-file", str(scheduler_file)],
            env=base, stdout=log, stderr=log, cwd=folder))
        deadline = time.monotonic() + timeout
        while not scheduler_file.exists() or not scheduler_file.read_text().strip():
            if procs[0].poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the dask scheduler did not start: see {folder / 'cluster.log'}")
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        for k in range(workers):
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "dask", "worker", "--scheduler-file", str(scheduler_file),
                 "--nthreads", str(nthreads), "--no-nanny", "--no-dashboard",
                 "--memory-limit", memory_limit, "--name", f"worker-{k}",
                 "--local-directory", str(folder / f"worker-{k}")],
                env={**base, **(env or {})}, stdout=log, stderr=log, cwd=folder))
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(workers, timeout=timeout)
        yield address
    finally:
        _stop(procs)
        log.close()
