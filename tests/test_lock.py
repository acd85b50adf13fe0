"""The locked environment: uv.lock, pyproject.toml and environment.yml say the same thing.

``make install`` runs ``uv sync --locked``: it installs what uv.lock pins, and refuses a lock that
pyproject.toml has moved away from (``--frozen`` would install it anyway); here the suite says so.
These checks read the files only (offline, well under a second); the last one also asks uv
itself (``uv lock --check --offline``) when the bootstrap venv of the Makefile has it.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "smartidf-analysis"


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _lock() -> dict:
    return tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))


def _declared() -> list[tuple[Requirement, str | None]]:
    """Every requirement of pyproject.toml with its extra (None for the main dependencies)."""
    project = _pyproject()["project"]
    reqs = [(Requirement(r), None) for r in project["dependencies"]]
    for extra, items in project.get("optional-dependencies", {}).items():
        reqs += [(Requirement(r), extra) for r in items]
    return reqs


def _key(name: str, extras, specifier: str, marker: str | None):
    return (canonicalize_name(name), frozenset(extras or ()), SpecifierSet(specifier or ""),
            str(Marker(marker)) if marker else None)


def _pyproject_keys() -> set:
    keys = set()
    for req, extra in _declared():
        markers = [f"({req.marker})" if req.marker else None,
                   f"extra == '{extra}'" if extra else None]
        marker = " and ".join(m for m in markers if m) or None
        keys.add(_key(req.name, req.extras, str(req.specifier), marker))
    return keys


def _root_package(lock: dict) -> dict:
    [root] = [p for p in lock["package"] if p["name"] == PROJECT]
    return root


def _locked_versions(lock: dict) -> dict[str, list[Version]]:
    versions: dict[str, list[Version]] = {}
    for p in lock["package"]:
        if "version" in p:
            versions.setdefault(canonicalize_name(p["name"]), []).append(Version(p["version"]))
    return versions


def test_lock_records_the_requirements_of_pyproject():
    """The lock was made from this pyproject.toml: same requirements, extras, Python range."""
    lock = _lock()
    project = _pyproject()["project"]
    metadata = _root_package(lock)["metadata"]
    locked = {_key(r["name"], r.get("extras"), r.get("specifier"), r.get("marker"))
              for r in metadata["requires-dist"]}
    declared = _pyproject_keys()
    assert declared - locked == set(), "in pyproject.toml, not in uv.lock: run `uv lock`"
    assert locked - declared == set(), "in uv.lock, not in pyproject.toml: run `uv lock`"
    assert set(metadata.get("provides-extras", ())) == set(project["optional-dependencies"])
    assert SpecifierSet(lock["requires-python"]) == SpecifierSet(project["requires-python"])


def test_every_locked_version_satisfies_its_declared_range():
    """Each package the project asks for is locked, at versions its range admits."""
    versions = _locked_versions(_lock())
    wrong = {}
    for req, extra in _declared():
        name = canonicalize_name(req.name)
        assert name in versions, f"{req} ({extra or 'main'}) is not in uv.lock"
        bad = [str(v) for v in versions[name] if not req.specifier.contains(v, prereleases=True)]
        if bad:
            wrong[str(req)] = bad
    assert wrong == {}


def test_the_lock_resolves_for_this_python():
    """The Python running the tests is one the lock was resolved for."""
    lock = _lock()
    running = Version(".".join(map(str, sys.version_info[:3])))
    assert SpecifierSet(lock["requires-python"]).contains(running)


# what imports packages: the package, the dashboards, the tests, the benchmarks, the notebooks
CODE_DIRS = ("smartidf_analysis", "dashboards", "tests", "benchmarks", "docs")


def _imported_modules(source: str, into: dict[str, str], where: str) -> None:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            into.setdefault(name.split(".")[0], where)


def _third_party_imports() -> dict[str, str]:
    """Top-level module imported -> one file importing it, less the standard library and the
    project's own modules (the package, and scripts importing their neighbours)."""
    found: dict[str, str] = {}
    local = {PROJECT.replace("-", "_")}
    for folder in CODE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            local.add(path.stem)
            _imported_modules(path.read_text(encoding="utf-8"), found, str(path.relative_to(ROOT)))
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                code = "\n".join(line for line in "".join(cell["source"]).splitlines()
                                 if not line.lstrip().startswith(("%", "!")))
                _imported_modules(code, found, str(path.relative_to(ROOT)))
    return {m: w for m, w in found.items() if m not in sys.stdlib_module_names and m not in local}


def test_every_imported_package_is_declared():
    """Nothing the code imports arrives only as another package's dependency: a release of
    that package dropping it would break us with no change on our side."""
    declared = set()
    for req, _extra in _declared():
        declared.add(canonicalize_name(req.name))
        declared.update(canonicalize_name(e) for e in req.extras)  # dask[distributed]
    owners = importlib.metadata.packages_distributions()
    undeclared = {}
    for module, where in _third_party_imports().items():
        dists = {canonicalize_name(d) for d in owners.get(module, [])}
        if not dists & declared:
            undeclared[module] = (where, sorted(dists) or "not installed")
    assert undeclared == {}


# conda-forge names of PyPI packages that differ; dask's extras are conda packages of their own
CONDA_NAMES = {"duckdb": "python-duckdb"}
CONDA_EXTRAS = {("dask", "distributed"): "distributed"}


def _conda_specs() -> dict[str, SpecifierSet]:
    specs = {}
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    for line in text.split("\ndependencies:\n", 1)[1].splitlines():
        m = re.match(r"^  - ([A-Za-z0-9_.\-]+)\s*([<>=!~][^#]*)?(#.*)?$", line)
        if m:
            specs[canonicalize_name(m.group(1))] = SpecifierSet((m.group(2) or "").replace(" ", ""))
    return specs


def test_environment_yml_follows_the_same_ranges():
    """environment.yml (conda) lists every declared package with the pyproject range."""
    conda = _conda_specs()
    expected = {}
    for req, _extra in _declared():
        name = canonicalize_name(req.name)
        expected[canonicalize_name(CONDA_NAMES.get(name, name))] = req.specifier
        for extra in req.extras:
            if (name, extra) in CONDA_EXTRAS:
                expected[canonicalize_name(CONDA_EXTRAS[name, extra])] = req.specifier
    assert {n: conda.get(n) for n in expected} == expected
    extra_in_conda = set(conda) - set(expected) - {"python", "pip"}
    assert extra_in_conda == set(), "environment.yml lists packages pyproject.toml does not"
    assert conda["python"] == SpecifierSet(_pyproject()["project"]["requires-python"])


def _uv() -> str | None:
    local = ROOT / ".venv-uv" / "bin" / "uv"
    return str(local) if local.exists() else shutil.which("uv")


def test_uv_agrees_the_lock_is_up_to_date():
    """uv's own check, offline: it fails when pyproject.toml changed since `uv lock`."""
    uv = _uv()
    if uv is None:
        pytest.skip("uv is not installed (`make install` puts it in .venv-uv)")
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "UV_NO_PROGRESS": "1"}
    done = subprocess.run([uv, "lock", "--check", "--offline", "--python", sys.executable],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
