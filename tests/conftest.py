"""Shared fixtures: the mirror folder, and isolated data directories per test."""

from __future__ import annotations

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


@pytest.fixture
def isolated_data_dir(tmp_path, monkeypatch) -> Path:
    """A fresh SMARTIDF_DATA_DIR / SMARTIDF_DB for a test that builds or downloads."""
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("SMARTIDF_DATA_DIR", str(data))
    monkeypatch.setenv("SMARTIDF_DB", str(data / "smartidf.duckdb"))
    return data
