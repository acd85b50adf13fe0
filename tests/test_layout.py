"""The package's layering, read from the source with ``ast`` (DESIGN.md, "Data flows one way"):
only the data layer, each theme's ``io`` module, the reporting layer and the pages open the
database; only ``data/db.py`` imports duckdb."""

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
DB_IMPORTERS = ("data/", "broadband/io.py", "commuting/io.py", "solar/io.py", "telecentres/io.py",
                "reporting/", "apps/")


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
    assert "data/db.py" in {_rel(p) for p in MODULES} and len(MODULES) > 50
    assert DB in _imported_modules(PACKAGE / "broadband" / "io.py")


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_only_the_io_modules_of_the_themes_read_the_database(path):
    rel = _rel(path)
    if rel.startswith(DB_IMPORTERS):
        return
    imported = _imported_modules(path)
    assert DB not in imported, f"{rel} imports {DB}: move its reads into its theme's io module"
    assert "duckdb" not in {n.split(".")[0] for n in imported}, f"{rel} imports duckdb"


def test_only_db_imports_duckdb():
    importers = [_rel(p) for p in MODULES if "duckdb" in {n.split(".")[0] for n in _imported_modules(p)}]
    assert importers == ["data/db.py"]
