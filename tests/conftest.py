"""Shared fixtures: the mirror folder, isolated data directories per test, fast thread
switching for race tests."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The offline mirror of official files (``SMARTIDF_MIRROR``); skip when not configured."""
    env = os.environ.get("SMARTIDF_MIRROR", "").strip()
    if not env or not Path(env).is_dir():
        pytest.skip("SMARTIDF_MIRROR is not set: real-data test skipped")
    return Path(env).resolve()


@pytest.fixture(scope="session")
def shared_dir(mirror) -> Path:
    """``shared/`` beside the mirror (``shared/data``), with ``upstream/MANIFEST.tsv``."""
    shared = mirror.parent
    if not (shared / "upstream" / "MANIFEST.tsv").exists():
        pytest.skip(f"{shared}/upstream/MANIFEST.tsv missing: download-path test skipped")
    return shared


@contextlib.contextmanager
def serving_upstream(shared: Path):
    """The manifest's local copies served on 127.0.0.1 (see ``tests/upstream.py``)."""
    from upstream import UpstreamServer, manifest_routes

    server = UpstreamServer(manifest_routes(shared)).start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def fresh_machine(data: Path, server_url: str):
    """A machine with no mirror and an empty data folder, downloading through
    ``SMARTIDF_DOWNLOAD_MIRROR`` from the local server (no pause between retries)."""
    with pytest.MonkeyPatch.context() as mp:
        for name in ("SMARTIDF_MIRROR", "SMARTIDF_OFFLINE"):
            mp.delenv(name, raising=False)
        mp.setenv("SMARTIDF_DOWNLOAD_MIRROR", server_url)
        mp.setenv("SMARTIDF_DOWNLOAD_BACKOFF", "0")
        mp.setenv("SMARTIDF_DATA_DIR", str(data))
        mp.setenv("SMARTIDF_DB", str(data / "smartidf.duckdb"))
        yield mp


@pytest.fixture
def upstream(shared_dir):
    """A local download server for one test; ``upstream.faults`` sets faults per file."""
    with serving_upstream(shared_dir) as server:
        yield server


@pytest.fixture
def fresh(upstream, tmp_path):
    """A fresh machine (see :func:`fresh_machine`) downloading from ``upstream``; yields
    its data folder."""
    data = tmp_path / "data"
    data.mkdir()
    with fresh_machine(data, upstream.url):
        yield data


@pytest.fixture(scope="session")
def incomplete_db(shared_dir, tmp_path_factory) -> Path:
    """A database built on a fresh machine whose NSRDB download answers 404 (the solar
    irradiance is missing; everything else is real)."""
    from smartidf_analysis.data import build

    data = tmp_path_factory.mktemp("incomplete")
    with serving_upstream(shared_dir) as server, fresh_machine(data, server.url):
        server.faults["meteo.csv"] = "404"
        result = build.build(progress=False)
    assert result.incomplete and set(result.missing) == {"nsrdb_paris_tmy"}
    return data / "smartidf.duckdb"


@pytest.fixture
def isolated_data_dir(tmp_path, monkeypatch) -> Path:
    """A fresh SMARTIDF_DATA_DIR / SMARTIDF_DB for a test that builds or downloads."""
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("SMARTIDF_DATA_DIR", str(data))
    monkeypatch.setenv("SMARTIDF_DB", str(data / "smartidf.duckdb"))
    return data


@pytest.fixture(scope="session")
def real_db(mirror, tmp_path_factory) -> Path:
    """The database built once from the mirror for the whole test session."""
    from smartidf_analysis.data import build

    path = tmp_path_factory.mktemp("realdb") / "smartidf.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SMARTIDF_MIRROR", str(mirror))
        result = build.build(path=path, progress=False)
    assert result.changed and not result.synthetic
    return path


@pytest.fixture(scope="session")
def app_db(request, tmp_path_factory) -> Path:
    """The database the UI tests serve: real data when the mirror is set, else synthetic."""
    from smartidf_analysis.data import build

    env = os.environ.get("SMARTIDF_MIRROR", "").strip()
    if env and Path(env).is_dir():
        return request.getfixturevalue("real_db")
    path = tmp_path_factory.mktemp("appdb") / "smartidf.duckdb"
    build.build(synthetic=True, path=path, progress=False)
    return path


@pytest.fixture
def solar_db(real_db, monkeypatch):
    """The mirror's database as ``SMARTIDF_DB`` for one test's ``db.*`` calls (set per test,
    so that no other test of the module sees it, whatever the order)."""
    monkeypatch.setenv("SMARTIDF_DB", str(real_db))
    return real_db


@pytest.fixture(scope="session")
def synthetic_db_path(tmp_path_factory):
    """A synthetic-region database built once for the session (its path; nothing set)."""
    from smartidf_analysis.data import build, db

    path = tmp_path_factory.mktemp("syndb") / "smartidf.duckdb"
    build.build(synthetic=True, path=path, progress=False)
    yield path
    db.close_shared()


@pytest.fixture
def synthetic_db(synthetic_db_path, monkeypatch):
    """The synthetic-region database as ``SMARTIDF_DB`` for one test's ``db.*`` calls (set per
    test: a test that does not ask for it never reads it, whatever ran before)."""
    monkeypatch.setenv("SMARTIDF_DB", str(synthetic_db_path))
    return synthetic_db_path


@pytest.fixture
def closes_shared():
    """The package's shared connections closed after the test, passed or failed (a test
    that opens databases of its own)."""
    from smartidf_analysis.data import db

    yield
    db.close_shared()


def pytest_terminal_summary(terminalreporter, config):
    """Say the random order's seed at the end of every run, quiet ones included (``-q`` hides
    pytest-randomly's header line): ``--randomly-seed=N`` replays the order of a failed run."""
    seed = config.getoption("randomly_seed", default=None)
    if seed is not None and config.pluginmanager.hasplugin("randomly"):
        terminalreporter.write_line(f"random order: --randomly-seed={seed}")
