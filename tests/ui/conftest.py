"""Browser tests: `smartidf serve` on 127.0.0.1 driven by Playwright in Debian's Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from serving import CHROMIUM, CHROMIUM_ARGS, served


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Marks the tests of this folder ``ui`` and runs them after every in-process test.

    The hook of a folder's conftest sees every collected test, not only its folder's: only
    those under ``tests/ui`` are marked. pytest-playwright's synchronous API keeps its asyncio
    loop *running* in the main thread from the first browser test to the end of the session;
    an in-process page test run after it has Panel queue the page's async callbacks as tasks
    of that loop, which nothing runs while the test's body runs, so the page never updates
    (the mirror CI runs of 2026-12-05: five solar and telecentres page tests, after
    ``test_auth``). pytest's own reordering by session-scoped fixture parameters (the
    ``[chromium]`` of pytest-playwright, done before this hook) had put browser tests among
    them. The order inside each group is kept."""
    here = Path(__file__).parent
    browser = [item for item in items if here in Path(item.path).parents]
    for item in browser:
        item.add_marker(pytest.mark.ui)
    in_process = [item for item in items if here not in Path(item.path).parents]
    items[:] = in_process + browser


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
