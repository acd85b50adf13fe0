"""The package's layout, read from the source with ``ast`` (DESIGN.md, "Data flows one way";
issue 17): only the data layer, each theme's ``io`` module, the reporting layer and the pages
open the database; only the modules of ``data/db/`` import duckdb, and the others use only what
the package exports; no module over 400 lines (issue 27)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "smartidf_analysis"
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))
DB = "smartidf_analysis.data.db"
#: Who may import :mod:`smartidf_analysis.data.db`: the data layer itself, the themes' io
#: modules (broadband, commuting, solar, telecentres), the reporting layer (headline figures,
#: the database stamp of reports) and the pages (their build fingerprint and missing-data
#: notices).
DB_IMPORTERS = ("data/", "broadband/io.py", "commuting/io.py", "solar/io/", "telecentres/io.py",
                "reporting/", "apps/", "publish/io.py")


def _rel(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def _imported_modules(path: Path) -> set[str]:
    """Every module an ``import`` or ``from ... import`` of ``path`` names (a ``from a.b
    import c`` names both ``a.b`` and ``a.b.c``; relative imports are resolved)."""
    package = ["smartidf_analysis", *_rel(path).split("/")[:-1]]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            names.add(base)
            names |= {f"{base}.{alias.name}" for alias in node.names}
    return names


def test_the_walk_finds_the_package():
    assert "data/db/__init__.py" in {_rel(p) for p in MODULES} and len(MODULES) > 50
    assert DB in _imported_modules(PACKAGE / "broadband" / "io.py")


#: The modules that must not import the db module: every one outside :data:`DB_IMPORTERS`.
NOT_DB_IMPORTERS = [p for p in MODULES if not _rel(p).startswith(DB_IMPORTERS)]


def test_every_allowed_importer_names_modules_and_the_others_are_checked():
    """Each entry of :data:`DB_IMPORTERS` is a module or folder that exists (a stale entry
    would silently allow a future module of that name), and the rest of the package is
    what the next test walks."""
    for allowed in DB_IMPORTERS:
        assert any(_rel(p).startswith(allowed) for p in MODULES), f"{allowed}: no such module"
    assert len(NOT_DB_IMPORTERS) > 20
    assert PACKAGE / "broadband" / "coverage.py" in NOT_DB_IMPORTERS


@pytest.mark.parametrize("path", NOT_DB_IMPORTERS, ids=_rel)
def test_only_the_io_modules_of_the_themes_read_the_database(path):
    rel = _rel(path)
    imported = _imported_modules(path)
    # the package or any module of it (``data.db._reads``)
    assert not [n for n in imported if n == DB or n.startswith(f"{DB}.")], \
        f"{rel} imports {DB}: move its reads into its theme's io module"
    assert "duckdb" not in {n.split(".")[0] for n in imported}, f"{rel} imports duckdb"


def test_only_db_imports_duckdb():
    importers = [_rel(p) for p in MODULES if "duckdb" in {n.split(".")[0] for n in _imported_modules(p)}]
    assert "data/db/_connection.py" in importers  # the walk sees the modules that open it
    assert [p for p in importers if not p.startswith("data/db/")] == []


def test_the_modules_of_the_db_package_are_its_own():
    """Outside ``data/db/``, the database is read through what the package exports
    (``db.query``), never through one of its private modules (``data.db._reads``)."""
    private = {_rel(p): sorted(n for n in _imported_modules(p) if n.startswith(f"{DB}._"))
               for p in MODULES if not _rel(p).startswith("data/db/")}
    assert {rel: names for rel, names in private.items() if names} == {}
    inside = _imported_modules(PACKAGE / "data" / "db" / "__init__.py")
    assert f"{DB}._connection" in inside  # the check sees such imports


MAX_LINES = 400


def lines_of(path: Path) -> int:
    """Lines of a source file, as ``wc -l`` counts them for a file that ends in a newline."""
    return len(path.read_text(encoding="utf-8").splitlines())


def oversized(paths) -> list[tuple[Path, int]]:
    """(path, lines) of the modules over :data:`MAX_LINES` lines."""
    return [(path, n) for path in paths if (n := lines_of(path)) > MAX_LINES]


def test_no_module_over_400_lines():
    found = [f"{_rel(path)} ({lines} lines)" for path, lines in oversized(MODULES)]
    assert found == [], ("split these modules by concept into sibling modules (one module per "
                         "concept), re-exporting the names they move")


def test_the_line_limit_check_can_fail(tmp_path):
    body = "".join(f"x{i} = {i}\n" for i in range(MAX_LINES))
    long, reasoned, short = tmp_path / "long.py", tmp_path / "reasoned.py", tmp_path / "short.py"
    long.write_text('"""Too long."""\n' + body, encoding="utf-8")
    reasoned.write_text('"""Long.\n\nOver 400 lines: one table."""\n' + body, encoding="utf-8")
    short.write_text(body, encoding="utf-8")
    assert oversized([long, reasoned, short]) == [(long, MAX_LINES + 1), (reasoned, MAX_LINES + 3)]


def test_only_the_browser_tests_are_marked_ui(request):
    """``tests/ui/conftest.py`` marks its own tests ``ui`` (its collection hook sees every
    test of the run): an in-process test is not marked."""
    assert request.node.get_closest_marker("ui") is None


def test_the_browser_tests_run_after_the_in_process_tests(request):
    """Playwright's loop keeps running in the main thread after the first browser test, so
    every in-process test runs before it (``tests/ui/conftest.py``)."""
    marked = [item.get_closest_marker("ui") is not None for item in request.session.items]
    assert marked == sorted(marked)  # False (in-process) first, then True (browser)

