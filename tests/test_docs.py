"""The documentation (issue 31): every public name has a numpydoc docstring, the site builds with
``-W`` offline and has a page per public function and class, every study and the guides;
CITATION.cff is valid CFF 1.2.0; one version everywhere.

The CFF schema (``tests/cff/schema-1.2.0.json``, CC-BY-4.0, the Citation File Format authors)
is the copy shipped in cffconvert 2.0.0's wheel (``cffconvert/schemas/1.2.0/schema.json``,
sha256 0b8d2214...): cffconvert itself pins jsonschema 3.2, which the notebooks extra's
Jupyter packages cannot share a lock with, so its ``--validate`` is done here with jsonschema.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import json
import re
import subprocess
import sys
import tomllib
import warnings
from types import SimpleNamespace

import jsonschema
import pytest
import yaml
from docs_site import DOCS, ROOT, apiref, built_site
from numpydoc.docscrape import NumpyDocString

import smartidf_analysis
from smartidf_analysis.reporting import reports as reports_module

GUIDES = ("getting-started", "analysts", "decision-makers", "operators", "data")


# ------------------------------------------------------------------------------ docstrings
def test_public_names_follow_the_rule():
    """The rule finds the package's API: the theme exports, and the modules' own names."""
    api = apiref().public_api()
    assert "smartidf_analysis.data.sources._common" not in api
    assert "smartidf_analysis.data.sources.insee" in api
    solar = api["smartidf_analysis.solar"]
    assert solar.exports["yield_cube"] == "smartidf_analysis.solar.irradiance.yield_cube"
    # a package export shadowed by a submodule of the same name is still found (from the source)
    assert api["smartidf_analysis.commuting"].exports["indicators"] == \
        "smartidf_analysis.commuting.io.indicators"
    assert "run_scenario" in api["smartidf_analysis.telecentres.scenarios"].functions
    assert "PARIS_ALTITUDE_M" in api["smartidf_analysis.solar.irradiance"].constants
    # imported names are documented where they are defined, not where they are imported
    assert "load" not in api["smartidf_analysis.broadband.indicators"].functions


def _docstring_problems() -> dict[str, str]:
    problems = {}
    for name, obj in apiref().public_objects().items():
        doc = inspect.getdoc(obj)
        if inspect.isclass(obj) and obj.__doc__ is None:
            doc = None  # a class without its own docstring would show its base's
        if not doc or not doc.strip():
            problems[name] = "no docstring"
            continue
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                NumpyDocString(doc)
            except Exception as exc:  # noqa: BLE001 - numpydoc's parse error, reported by name
                problems[name] = f"numpydoc cannot parse it: {exc}"
                continue
        if caught:
            problems[name] = "; ".join(str(w.message) for w in caught)
    return problems


def test_every_public_function_and_class_has_a_numpydoc_docstring():
    objects = apiref().public_objects()
    assert len(objects) > 500  # the rule found the API (functions, classes, their methods)
    problems = _docstring_problems()
    assert not problems, "public names without a (numpydoc) docstring:\n" + "\n".join(
        f"  {name}: {why}" for name, why in sorted(problems.items()))


def _undocumented_parameters() -> dict[str, list[str]]:
    """numpydoc's own validation of every public callable: parameters missing from (PR01) or
    unknown to (PR02) its Parameters section, and no Returns section (RT01). A Parameterized
    class's constructor takes its ``param`` parameters: each is documented by its ``doc=``."""
    import param
    from numpydoc.validate import validate

    problems = {}
    for name, obj in apiref().public_objects().items():
        if isinstance(obj, property) or not callable(obj):
            continue
        documented = set()
        if inspect.isclass(obj) and issubclass(obj, param.Parameterized):
            documented = {p for p in obj.param if obj.param[p].doc}
        errors = []
        for code, message in validate(name)["errors"]:
            if code == "PR01":
                missing = set(re.findall(r"'(\w+)'", message)) - documented
                if missing:
                    errors.append(f"PR01: parameters {sorted(missing)} not documented")
            elif code in ("PR02", "RT01"):
                errors.append(f"{code}: {message}")
        if errors:
            problems[name] = errors
    return problems


def test_every_public_callable_documents_its_parameters_and_returns():
    problems = _undocumented_parameters()
    assert not problems, "public names whose numpydoc sections are incomplete:\n" + "\n".join(
        f"  {name}: {'; '.join(errors)}" for name, errors in sorted(problems.items()))


# ------------------------------------------------------------------------------ the site
@pytest.mark.slow
def test_docs_build_with_warnings_as_errors():
    html, proc = built_site()
    assert proc.returncode == 0, f"sphinx-build -W failed:\n{proc.stderr[-6000:]}"
    assert (html / "index.html").is_file()


@pytest.mark.slow
def test_site_has_a_page_per_public_function_and_class():
    html, proc = built_site()
    assert proc.returncode == 0, proc.stderr[-3000:]
    generated = html / "api" / "generated"
    missing = []
    for module, api in apiref().public_api().items():
        for name in (*api.functions, *api.classes):
            if not (generated / f"{module}.{name}.html").is_file():
                missing.append(f"{module}.{name}")
    assert not missing, f"no page for: {missing}"
    page = (generated / "smartidf_analysis.telecentres.scenarios.run_scenario.html").read_text(
        encoding="utf-8")
    assert "Demand" in page and "run_scenario" in page
    # the package page links the exported names to their pages
    solar = (html / "api" / "smartidf_analysis.solar.html").read_text(encoding="utf-8")
    assert "generated/smartidf_analysis.solar.irradiance.yield_cube.html" in solar


@pytest.mark.slow
def test_site_has_every_study_and_the_guides():
    html, proc = built_site()
    assert proc.returncode == 0, proc.stderr[-3000:]
    apiref()  # puts docs/_ext on sys.path
    import smartidf_docs

    notebooks = smartidf_docs.study_notebooks()  # notebooks/, or the package's copy
    assert [p.name for p in notebooks] == [p.name for p in reports_module.notebook_paths()]
    assert len(notebooks) >= 6
    for path in notebooks:
        page = (html / "studies" / f"{path.stem}.html").read_text(encoding="utf-8")
        # no reports in a clean clone: the page says how to produce one, and shows the narrative
        assert "No stamped report of this study" in page
        first = json.loads(path.read_text(encoding="utf-8"))
        title = "".join(first["cells"][0]["source"]).splitlines()[0].lstrip("# ").strip()
        assert title.split(":")[0] in page
    for guide in GUIDES:
        assert (html / "guides" / f"{guide}.html").is_file()
    data = (html / "guides" / "data.html").read_text(encoding="utf-8")
    from smartidf_analysis.data import catalog

    for dataset in (*catalog.DATASETS, *catalog.REFRESH_DATASETS):  # generated from the catalogue
        assert dataset.id in data
    french = (html / "guides" / "decision-makers.html").read_text(encoding="utf-8")
    assert "Très haut débit" in french and "Potentiel solaire" in french
    index = (html / "index.html").read_text(encoding="utf-8")
    assert smartidf_analysis.__version__ in index


@pytest.mark.slow
def test_study_page_links_the_stamped_report_when_there_is_one(tmp_path):
    """With reports (as ``smartidf notebooks run`` writes them), the page links the report and
    its stamp, and the reports are copied into the site; only the studies' generator is run."""
    apiref()  # puts docs/_ext on sys.path
    import smartidf_docs

    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "01-broadband-coverage.html").write_text("<html>report</html>", encoding="utf-8")
    (reports / "provenance.json").write_text(json.dumps({
        "run_date": "2026-12-05T10:00:00+00:00", "package_version": "9.9.9", "git": "abc1234",
        "database": {"fingerprint": "fp-42", "synthetic": False}}), encoding="utf-8")
    names = smartidf_docs.write_studies(tmp_path / "studies", reports)
    assert names == [p.stem for p in reports_module.notebook_paths()]
    linked = (tmp_path / "studies" / "01-broadband-coverage.ipynb").read_text(encoding="utf-8")
    assert "../reports/01-broadband-coverage.html" in linked
    assert "9.9.9" in linked and "fp-42" in linked
    unlinked = (tmp_path / "studies" / "02-commuting-flows.ipynb").read_text(encoding="utf-8")
    assert "No stamped report" in unlinked
    # at the end of an HTML build, the reports are copied beside the pages that link them
    (reports / "index.html").write_text("<html>index</html>", encoding="utf-8")
    app = SimpleNamespace(config=SimpleNamespace(smartidf_reports_dir=str(reports)),
                          builder=SimpleNamespace(format="html"), outdir=str(tmp_path / "html"))
    smartidf_docs._copy_reports(app, None)
    assert (tmp_path / "html" / "reports" / "01-broadband-coverage.html").is_file()


def test_makefile_docs_target_fails_on_warnings():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    rule = re.search(r"^docs:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert rule, "no docs target in the Makefile"
    assert "-W --keep-going" in rule.group(1) and "docs/_build/html" in rule.group(1)
    conf = (DOCS / "conf.py").read_text(encoding="utf-8")
    assert "intersphinx" not in conf.replace("no intersphinx", "")  # offline: no inventories
    assert 'nb_execution_mode = "off"' in conf


# ------------------------------------------------------------------------------ researchers
def test_citation_cff_is_valid_cff_1_2_0():
    schema = json.loads((ROOT / "tests" / "cff" / "schema-1.2.0.json").read_text(encoding="utf-8"))
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(citation)]
    assert not errors, errors
    assert citation["version"] == smartidf_analysis.__version__


def test_citation_schema_check_can_fail():
    schema = json.loads((ROOT / "tests" / "cff" / "schema-1.2.0.json").read_text(encoding="utf-8"))
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    del citation["authors"]
    citation["date-released"] = "5 December 2026"
    messages = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(citation)]
    assert any("authors" in m for m in messages) and len(messages) >= 2


def test_one_version_everywhere(synthetic_db):
    version = smartidf_analysis.__version__
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["version"] == version
    assert importlib.metadata.version("smartidf-analysis") == version
    out = subprocess.run([sys.executable, "-m", "smartidf_analysis", "--version"],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == f"smartidf {version}"
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## {re.escape(version)}\b", changelog, re.M), \
        f"CHANGELOG.md has no entry for {version}"
    from smartidf_analysis.reporting import reports

    prov = reports.provenance(synthetic_db)  # what each stamped report shows at its top
    assert prov["package_version"] == version
    assert f"smartidf-analysis {version}" in reports.stamp_html(prov)


def test_api_pages_drop_the_stub_of_a_name_no_longer_listed(tmp_path):
    """A name that moved module but is still importable from the old one (a re-export) keeps
    no stub of its old place: that stub, in no toctree, would fail the next build."""
    api = apiref()
    stale = tmp_path / "generated" / "smartidf_analysis.reporting.territory.figures.flow_keys.rst"
    stale.parent.mkdir()
    stale.write_text("stub", encoding="utf-8")
    kept = tmp_path / "generated" / "smartidf_analysis.reporting.territory.keys.flow_keys.rst"
    kept.write_text("stub", encoding="utf-8")
    api.write_api_pages(tmp_path)
    assert not stale.exists()
    assert kept.exists()
