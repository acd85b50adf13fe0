"""The public API of ``smartidf_analysis`` and the API reference pages generated from it.

The rule (also in ``docs/contributing.md``):

1. A module is public when no part of its dotted name after ``smartidf_analysis`` starts with
   ``_`` (``data/sources/_common.py`` is private; ``__main__`` too).
2. A module's public names are its ``__all__`` when it defines one; otherwise every function and
   class *defined in that module* whose name does not start with ``_``, and every module-level
   constant assigned in it whose name is in UPPER_CASE or that has a ``#:`` comment.
3. A package's ``__init__`` exports (``from smartidf_analysis import solar; solar.yield_cube``)
   are listed on the package's page, linking to the one page of each object, which lives under
   the module that defines it (``smartidf_analysis.solar.irradiance.yield_cube``); the constants
   it exports are documented on the package page.

:func:`public_api` computes the rule; :func:`write_api_pages` writes ``docs/api/*.rst`` from it
(one page per package and module, autosummary stubs per function and class);
``tests/test_docs.py`` uses :func:`public_objects` to list the names without a docstring.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "smartidf_analysis"

#: the API reference's sections: layer title -> top-level names (packages or modules) in it
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Settings, errors and the command", ("config", "errors", "cli")),
    ("Data layer", ("data",)),
    ("Themes", ("broadband", "commuting", "telecentres", "siting", "solar")),
    ("Reporting", ("reporting",)),
    ("Plots", ("plots",)),
    ("Pages (Panel)", ("apps",)),
    ("Open-data service (OGC API)", ("publish",)),
)


@dataclass
class ModuleAPI:
    """The public names of one module (or package) under the rule of this file."""

    name: str
    is_package: bool
    functions: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    constants: list[str] = field(default_factory=list)
    #: for a package: exported name -> dotted path of the object's home (where its page is)
    exports: dict[str, str] = field(default_factory=dict)


def public_modules() -> list[str]:
    """Dotted names of the public modules and packages, the root package first."""
    root = importlib.import_module(PACKAGE)
    names = [PACKAGE]
    for info in pkgutil.walk_packages(root.__path__, f"{PACKAGE}."):
        if not any(part.startswith("_") for part in info.name.split(".")[1:]):
            names.append(info.name)
    return sorted(names)


def _documented_constants(module) -> list[str]:
    """Module constants: names assigned at the top of the module's source that are in
    UPPER_CASE (PEP 8's constants) or documented with a ``#:`` comment."""
    import ast

    from sphinx.pycode import ModuleAnalyzer, PycodeError

    try:
        documented = {attr for (scope, attr) in ModuleAnalyzer.for_module(module.__name__).find_attr_docs()
                      if scope == ""}
        tree = ast.parse(inspect.getsource(module))
    except (PycodeError, OSError, TypeError):
        return []
    names = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) else [])
        for target in targets:
            if isinstance(target, ast.Name) and not target.id.startswith("_") and (
                    target.id.isupper() or target.id in documented) and target.id not in names:
                names.append(target.id)
    return names


def _home(obj, fallback: str) -> str:
    module = getattr(obj, "__module__", None)
    if (inspect.isfunction(obj) or inspect.isclass(obj)) and module:
        return f"{module}.{obj.__qualname__}"
    return fallback


def module_api(name: str) -> ModuleAPI:
    """The public names of module ``name``."""
    module = importlib.import_module(name)
    api = ModuleAPI(name, hasattr(module, "__path__"))
    declared = getattr(module, "__all__", None)
    constants = set(_documented_constants(module))
    for attr, obj in vars(module).items():
        if attr.startswith("_"):
            continue
        own = getattr(obj, "__module__", None) == name
        if declared is not None:
            if attr not in declared:
                continue
        elif not (own and (inspect.isfunction(obj) or inspect.isclass(obj))) and attr not in constants:
            continue
        if attr in constants and not own:  # a constant bound to a class or function defined here
            api.constants.append(attr)
            continue
        if own and inspect.isclass(obj):
            api.classes.append(attr)
        elif own and inspect.isfunction(obj):
            api.functions.append(attr)
        elif attr in constants:
            api.constants.append(attr)
        else:  # an __all__ name defined elsewhere
            api.exports[attr] = _home(obj, f"{name}.{attr}")
    if api.is_package:
        api.exports.update(_package_exports(module, api.exports))
    return api


def _package_exports(package, already: dict[str, str]) -> dict[str, str]:
    """What a package's ``__init__`` imports from its own modules (``from .x import NAME``):
    name -> the dotted path of the object's home (a function's or class's defining module,
    a constant's importing module). Read from the source: an exported name may be shadowed
    by a submodule of the same name once that submodule is imported (``commuting.indicators``)."""
    import ast

    found: dict[str, str] = {}
    for node in ast.parse(inspect.getsource(package)).body:
        if not (isinstance(node, ast.ImportFrom) and node.module):
            continue
        base = node.module if node.level == 0 else f"{package.__name__}.{node.module}"
        if not base.startswith(f"{package.__name__}."):
            continue
        for alias in node.names:
            attr = alias.asname or alias.name
            if attr in already or attr.startswith("_"):
                continue
            obj = getattr(importlib.import_module(base), alias.name)
            found[attr] = _home(obj, f"{base}.{alias.name}")
    return found


def public_api() -> dict[str, ModuleAPI]:
    """Every public module's names, by dotted module name."""
    return {name: module_api(name) for name in public_modules()}


def public_objects() -> dict[str, object]:
    """Every public function and class (and public method of a public class), by dotted path."""
    objects: dict[str, object] = {}
    for name, api in public_api().items():
        module = importlib.import_module(name)
        for attr in api.functions:
            objects[f"{name}.{attr}"] = getattr(module, attr)
        for attr in api.classes:
            cls = getattr(module, attr)
            objects[f"{name}.{attr}"] = cls
            for member, value in vars(cls).items():
                if member.startswith("_"):
                    continue
                if isinstance(value, staticmethod | classmethod | property) or inspect.isfunction(value):
                    # through the class: an override inherits its base's docstring (as autodoc does)
                    objects[f"{name}.{attr}.{member}"] = (
                        value if isinstance(value, property) else getattr(cls, member))
    return objects


# ------------------------------------------------------------------------------ pages
def _title(text: str, char: str = "=") -> str:
    return f"{text}\n{char * len(text)}\n"


def _autosummary(paths: list[str], toctree: bool) -> str:
    if not paths:
        return ""
    lines = [".. autosummary::"]
    if toctree:
        lines.append("   :toctree: generated/")
    lines.append("")
    lines += [f"   ~{p}" if "." in p else f"   {p}" for p in paths]
    return "\n".join(lines) + "\n\n"


def _constant_doc(module, attr: str) -> tuple[str | None, str]:
    """The ``#:`` documentation of a module constant (None without one), and the trailing
    comment of its assignment line (``PARIS_ALTITUDE_M = 49.0  # [m]``)."""
    import re

    from sphinx.pycode import ModuleAnalyzer, PycodeError

    try:
        docs = ModuleAnalyzer.for_module(module.__name__).find_attr_docs()
    except PycodeError:
        docs = {}
    doc = docs.get(("", attr))
    comment = ""
    for line in inspect.getsource(module).splitlines():
        match = re.match(rf"^{re.escape(attr)}\s*(:[^=]*)?=.*#\s*(.+)$", line)
        if match:
            comment = match.group(2).strip()
            break
    return ("\n".join(doc).strip() if doc else None), comment


def _constants(module: str, names: list[str], homes: dict[str, str] | None = None) -> str:
    out = []
    for attr in names:
        path = (homes or {}).get(attr, f"{module}.{attr}")
        home_name, _, home_attr = path.rpartition(".")
        home = importlib.import_module(home_name)
        value = getattr(home, home_attr)
        text = repr(value)
        short = len(text) <= 90 and "\n" not in text
        doc, comment = _constant_doc(home, home_attr)
        if doc is not None:
            out.append(f".. autodata:: {path}\n" + ("" if short else "   :no-value:\n") + "\n")
            continue
        # no #: documentation: autodoc would show the docstring of the value's type
        out.append(f".. py:data:: {home_attr}\n   :module: {home_name}\n")
        if short:
            out.append(f"   :value: {text}\n")
        out.append("\n")
        comment = comment.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*")
        desc = comment or f"A ``{type(value).__name__}``: see :mod:`{home_name}`."
        out.append(f"   {desc}\n\n")
    return "".join(out)


def _module_page(api: ModuleAPI, children: list[str], on_package_page: set[str]) -> str:
    text = [f".. currentmodule:: {api.name}\n\n", _title(f"``{api.name}``")]
    text.append(f"\n.. automodule:: {api.name}\n   :no-members:\n\n")
    if api.exports:
        objects = [h for a, h in api.exports.items() if not _is_constant_path(h)]
        consts = [a for a, h in api.exports.items() if _is_constant_path(h)]
        if objects:
            text.append(_title("Exported by the package", "-") + "\n")
            text.append(f"Importable as ``{api.name}.NAME``; each links to the page under the "
                        "module that defines it.\n\n")
            text.append(".. currentmodule:: None\n\n")
            text.append(_autosummary(objects, toctree=False))
            text.append(f".. currentmodule:: {api.name}\n\n")
        if consts:
            text.append(_title("Constants exported by the package", "-") + "\n")
            text.append(_constants(api.name, consts, api.exports))
    if api.classes:
        text.append(_title("Classes", "-") + "\n")
        text.append(_autosummary(api.classes, toctree=True))
    if api.functions:
        text.append(_title("Functions", "-") + "\n")
        text.append(_autosummary(api.functions, toctree=True))
    constants = [c for c in api.constants if f"{api.name}.{c}" not in on_package_page]
    if constants:
        text.append(_title("Constants", "-") + "\n")
        text.append(_constants(api.name, constants))
    if children:
        text.append(_title("Modules", "-") + "\n")
        text.append(".. toctree::\n   :maxdepth: 1\n\n")
        text += [f"   {child}\n" for child in children]
    return "".join(text)


def _is_constant_path(path: str) -> bool:
    module, _, attr = path.rpartition(".")
    try:
        obj = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError):
        return False
    return not (inspect.isfunction(obj) or inspect.isclass(obj))


def _resolves(dotted: str) -> bool:
    """Whether ``dotted`` (``package.module.Class.method``) names an object that exists."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return False
        return True
    return False


def remove_stale_stubs(generated: Path) -> list[str]:
    """Delete the autosummary stubs (``api/generated/*.rst``) of objects that no longer exist
    (autosummary writes stubs but never removes one: a deleted function's stub would fail the
    next build); returns their names."""
    stale = [stub for stub in generated.glob("*.rst") if not _resolves(stub.stem)]
    for stub in stale:
        stub.unlink()
    return [stub.stem for stub in stale]


def write_api_pages(out: Path) -> int:
    """Write the API reference into folder ``out`` (``docs/api``); returns the number of pages
    written besides the autosummary stubs."""
    apis = public_api()
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_stubs(out / "generated")
    pages: dict[str, str] = {}
    on_package_page = {h for api in apis.values() for h in api.exports.values() if _is_constant_path(h)}
    for name, api in apis.items():
        if name == PACKAGE:
            continue
        children = [c for c in apis if c.rpartition(".")[0] == name]
        pages[name] = _module_page(api, children, on_package_page)
    root = apis[PACKAGE]
    index = [_title("API reference"), "\n",
             "Every public name of ``smartidf_analysis``, grouped as the package is: by layer, "
             "then by theme. The rule that makes a name public is in :doc:`../contributing`.\n\n"]
    if root.constants:
        index.append(_constants(PACKAGE, root.constants))
    for layer, tops in LAYERS:
        index.append(_title(layer, "-") + "\n.. toctree::\n   :maxdepth: 1\n\n")
        index += [f"   {PACKAGE}.{top}\n" for top in tops]
        index.append("\n")
    listed = {f"{PACKAGE}.{t}" for _, tops in LAYERS for t in tops}
    orphans = [n for n in pages if n.count(".") == 1 and n not in listed]
    if orphans:
        raise RuntimeError(f"API modules in no layer of docs/_ext/apiref.py LAYERS: {orphans}")
    pages["index"] = "".join(index)
    for page, text in pages.items():
        target = out / f"{page}.rst"
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
    for stale in out.glob("*.rst"):
        if stale.stem not in pages:
            stale.unlink()
    listed_stubs = _listed_stubs(pages.values())
    for stub in (out / "generated").glob("*.rst"):
        if stub.stem not in listed_stubs:  # e.g. a name that moved module but is still importable
            stub.unlink()
    return len(pages)


def _listed_stubs(texts) -> set[str]:
    """The dotted names the pages' ``autosummary`` tables list (each has a stub in
    ``generated/``): a name without a dot is of the page's ``currentmodule``."""
    names = set()
    for text in texts:
        module = re.match(r"\.\. currentmodule:: (\S+)", text)
        for block in re.findall(r"^\.\. autosummary::\n((?:   .*\n|\n)*)", text, re.M):
            for line in block.splitlines():
                entry = line.strip().lstrip("~")
                if not entry or entry.startswith(":"):
                    continue
                names.add(entry if "." in entry or module is None else f"{module.group(1)}.{entry}")
    return names
