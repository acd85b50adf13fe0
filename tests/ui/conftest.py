"""Browser tests: `smartidf serve` on 127.0.0.1 driven by Playwright in Debian's Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from serving import CHROMIUM, CHROMIUM_ARGS, served


def pytest_collection_modifyitems(items):
    """Marks the tests of this folder ``ui``. The hook of a folder's conftest sees every
    collected test, not only its folder's: only those under ``tests/ui`` are marked."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.ui)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: install Debian's chromium (make chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS,
            "headless": True}


@pytest.fixture(scope="session")
def synthetic(app_db) -> bool:
    """True when the served database is the synthetic demo region (no mirror set)."""
    from smartidf_analysis.apps.shell import is_synthetic

    return is_synthetic(app_db)


@pytest.fixture(scope="session")
def served_app(app_db, tmp_path_factory):
    """The app served on 127.0.0.1 for the whole session; yields its base URL."""
    with served(app_db, tmp_path_factory.mktemp("serve")) as url:
        yield url


@pytest.fixture
def console_errors(page):
    """Console errors and page errors collected during a test."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors
