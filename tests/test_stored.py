"""Results computed once per build and kept beside the database (``data/stored.py``): kept
per build and code version, loaded by the next process, computed once when two processes ask
at the same time, computed again when the kept file is unreadable, computed without keeping
where the folder cannot be written or ``SMARTIDF_KEEP_RESULTS=0``."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from smartidf_analysis.data import stored

CALLS = "STORED_TEST_CALLS"


def counted(build_key: str, code: str) -> dict:
    """A result that says which build it is of; each call adds a line to ``$STORED_TEST_CALLS``."""
    with open(os.environ[CALLS], "a", encoding="utf-8") as calls:
        calls.write(f"{os.getpid()} {build_key}\n")
    return {"build": build_key, "rows": list(range(1000))}


def _calls(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


@pytest.fixture
def database(tmp_path, monkeypatch):
    path = tmp_path / "db" / "smartidf.duckdb"
    path.parent.mkdir()
    duckdb.connect(str(path)).close()
    monkeypatch.setenv(CALLS, str(tmp_path / "calls.txt"))
    monkeypatch.delenv("SMARTIDF_KEEP_RESULTS", raising=False)
    return path


def test_kept_beside_the_database_per_build_and_code(database, tmp_path, monkeypatch):
    calls = tmp_path / "calls.txt"
    first = stored.per_build(counted, "build-1", path=database)
    assert first["build"] == "build-1" and len(_calls(calls)) == 1
    assert stored.cache_dir(database) == database.parent / "cache"
    assert len(list((database.parent / "cache").glob("counted-*.pickle"))) == 1
    assert stored.per_build(counted, "build-1", path=database) == first  # loaded, not computed
    assert len(_calls(calls)) == 1
    assert stored.per_build(counted, "build-2", path=database)["build"] == "build-2"  # a rebuild
    assert len(_calls(calls)) == 2
    monkeypatch.setattr(stored, "_code", "another version of the package")
    stored.per_build(counted, "build-2", path=database)
    assert len(_calls(calls)) == 3
    # the KEPT used last stay
    assert len(list((database.parent / "cache").glob("counted-*.pickle"))) == stored.KEPT


def test_an_unreadable_kept_file_is_computed_again(database, tmp_path):
    stored.per_build(counted, "build-1", path=database)
    (kept,) = (database.parent / "cache").glob("counted-*.pickle")
    kept.write_bytes(kept.read_bytes()[:100])  # truncated
    assert stored.per_build(counted, "build-1", path=database)["build"] == "build-1"
    assert len(_calls(tmp_path / "calls.txt")) == 2
    assert stored.per_build(counted, "build-1", path=database)["build"] == "build-1"
    assert len(_calls(tmp_path / "calls.txt")) == 2  # the rewritten file is read


def test_not_kept_where_the_folder_cannot_be_written_or_when_turned_off(database, tmp_path,
                                                                       monkeypatch):
    (database.parent / "cache").write_text("a file where the folder would be")
    assert stored.per_build(counted, "build-1", path=database)["build"] == "build-1"
    assert stored.per_build(counted, "build-1", path=database)["build"] == "build-1"
    assert len(_calls(tmp_path / "calls.txt")) == 2
    (database.parent / "cache").unlink()
    monkeypatch.setenv("SMARTIDF_KEEP_RESULTS", "0")
    stored.per_build(counted, "build-1", path=database)
    assert not (database.parent / "cache").exists()
    assert len(_calls(tmp_path / "calls.txt")) == 3


def test_two_processes_asking_together_compute_once(database, tmp_path):
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        import test_stored
        from smartidf_analysis.data import stored

        def slow(build_key, code):
            time.sleep(2)  # long enough for the other process to ask meanwhile
            return test_stored.counted(build_key, code)
        slow.__module__, slow.__qualname__ = "test_stored", "slow"
        test_stored.slow = slow
        print(stored.per_build(slow, "build-1", path={str(database)!r})["build"])
    """)
    env = {**os.environ, CALLS: str(tmp_path / "calls.txt")}
    procs = [subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outputs]
    assert [out.strip() for out, _ in outputs] == ["build-1", "build-1"]
    assert len(_calls(tmp_path / "calls.txt")) == 1


def counted_with(build_key: str, code: str, n: int, label: str) -> dict:
    """:func:`counted` with arguments."""
    return {**counted(build_key, code), "n": n, "label": label}


def test_arguments_are_passed_and_part_of_the_key(database, tmp_path):
    calls = tmp_path / "calls.txt"
    first = stored.per_build(counted_with, "build-1", path=database, args=(3, "a"))
    assert (first["n"], first["label"]) == (3, "a") and len(_calls(calls)) == 1
    assert stored.per_build(counted_with, "build-1", path=database, args=(3, "a")) == first
    assert len(_calls(calls)) == 1  # loaded
    other = stored.per_build(counted_with, "build-1", path=database, args=(4, "a"))
    assert other["n"] == 4 and len(_calls(calls)) == 2  # other arguments: computed
    assert len(list((database.parent / "cache").glob("counted_with-*.pickle"))) == 2
