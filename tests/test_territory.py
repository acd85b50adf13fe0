""""Mon territoire": the figures of the page and of the PDF report against independent DuckDB
queries, for a commune, an EPCI and a department picked from the database (real data with
the mirror, the synthetic region without); a database with a dataset missing; search and
bad input; the PDF's first page is not blank."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import duckdb
import pytest

from smartidf_analysis.apps.i18n import fmt_number

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext, pdftoppm) missing")


def _use(path):
    """Point the package at the database ``path`` (fresh caches)."""
    from smartidf_analysis.data import db
    from smartidf_analysis.reporting.territory import inputs

    db.close_shared()
    inputs._cached.cache.clear()


@pytest.fixture(scope="module")
def territory_db(app_db):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SMARTIDF_DB", str(app_db))
        _use(app_db)
        yield app_db
    _use(None)


@pytest.fixture(scope="module")
def picked(territory_db) -> dict[str, tuple[str, str]]:
    """(level, code) of a commune, an EPCI and a department: the EPCI with most communes
    (ties by code), its most populous commune, and that commune's department."""
    con = duckdb.connect(str(territory_db), read_only=True)
    epci = con.execute("SELECT epci_siren FROM communes WHERE kind = 'COM' AND epci_siren IS NOT NULL "
                       "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1").fetchone()[0]
    commune, dep = con.execute("SELECT commune_code, department_code FROM communes WHERE kind = 'COM' "
                               "AND epci_siren = ? ORDER BY population DESC, 1 LIMIT 1",
                               [epci]).fetchone()
    con.close()
    return {"commune": ("commune", commune), "epci": ("epci", epci), "department": ("department", dep)}


def independent(path, level: str, code: str) -> dict[str, float]:
    """Fibre rate [%] at the last quarter and residents in work, share leaving [%] computed
    straight from the tables (Paris's arrondissements counted in Paris, 2018 codes in their
    department)."""
    con = duckdb.connect(str(path), read_only=True)
    if level == "department":
        where = "left(code, 2) = $code"
    else:
        column = {"commune": "commune_code", "epci": "epci_siren"}[level]
        where = (f"code IN (SELECT commune_code FROM communes WHERE {column} = $code) OR code IN "
                 f"(SELECT commune_code FROM communes WHERE parent_code IN (SELECT commune_code "
                 f"FROM communes WHERE kind = 'COM' AND {column} = $code))")
    fibre = con.execute(f"""
        WITH q AS (SELECT max(quarter) AS q FROM fibre_deployment),
        f AS (SELECT commune_code AS code, sum(connectable_premises) AS c FROM fibre_deployment
              WHERE geo_level = 'COM' AND quarter = (SELECT q FROM q) GROUP BY 1),
        p AS (SELECT commune_code AS code, sum(dwellings + establishments) AS d FROM premises GROUP BY 1)
        SELECT 100 * sum(c) / sum(d) FROM f JOIN p USING (code) WHERE d > 0 AND ({where})""",
                        {"code": code}).fetchone()[0]
    flows = con.execute(f"""
        WITH h AS (SELECT home_code AS code, work_code, workers FROM commuting_flows),
        mine AS (SELECT * FROM h WHERE {where}),
        w AS (SELECT work_code AS code FROM (SELECT DISTINCT work_code FROM commuting_flows))
        SELECT sum(workers),
               sum(workers) FILTER (WHERE work_code IN (SELECT code FROM w WHERE {where}))
        FROM mine""", {"code": code}).fetchone()
    con.close()
    if flows[0] is None:  # no flows (the dataset is missing)
        return {"fibre_rate": fibre}
    return {"fibre_rate": fibre, "residents_in_work": flows[0],
            "share_leaving": 100 * (1 - flows[1] / flows[0])}


def expected_texts(values: dict[str, float]) -> list[str]:
    return [f"{fmt_number(values['fibre_rate'], 'fr', 1)} %",
            f"{fmt_number(values['residents_in_work'], 'fr', 0)} actifs",
            f"{fmt_number(values['share_leaving'], 'fr', 1)} %"]


def pdf_text(path) -> str:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return re.sub(r"[ \u00a0\u202f]+", " ", text)


def page_html(code: str, level: str, lang: str = "fr") -> str:
    from page_view import PageView

    from smartidf_analysis.apps.territoire.page import TerritoirePage
    from smartidf_analysis.apps.territoire.state import TerritoireState

    page = TerritoirePage(lang=lang, state=TerritoireState(code=code, level=level))
    return PageView(page).text("territory-profile")


def _plain(text: str) -> str:
    return re.sub(r"[ \u00a0\u202f]+", " ", text)


@pytest.mark.parametrize("which", ["commune", "epci", "department"])
def test_page_and_pdf_figures_equal_independent_queries(territory_db, picked, which, tmp_path):
    from smartidf_analysis.apps.territoire import report
    from smartidf_analysis.reporting import territory as terr

    level, code = picked[which]
    values = independent(territory_db, level, code)
    profile = terr.territory_profile(code, level).set_index("figure")
    for key, value in values.items():
        assert profile.at[key, "value"] == pytest.approx(value, rel=1e-9), key
    name = profile.attrs["territory"]["name"]
    html = _plain(page_html(code, level))
    out = report.write_report(code, tmp_path / f"{code}.pdf", level)
    text = pdf_text(out)
    for shown in (html, text):
        assert name in shown
        for expected in expected_texts(values):
            assert _plain(expected) in shown, (expected, which)
    # each figure with the region's value and the comparables named
    counted = profile[[terr.FIGURES[k][2] != "other" for k in profile.index]]
    assert counted["region_value"].notna().all() and counted["source"].str.len().gt(0).all()
    assert profile.loc["fibre_rate", "comparables_fr"].split()[0].isdigit()


def test_a_cold_process_loads_the_inputs_kept_beside_the_database(territory_db, picked, tmp_path):
    """What one process computed for this build is kept beside the database; a report in a
    new process loads it (its own computation would fail here) and equals this process's."""
    from smartidf_analysis.apps.territoire import report
    from smartidf_analysis.data import stored
    from smartidf_analysis.reporting import territory as terr

    level, code = picked["commune"]
    terr.load_inputs()
    assert len(list(stored.cache_dir(territory_db).glob("prepared_inputs-*.pickle"))) == 1
    here = report.write_report(code, tmp_path / "here.html", level, fmt="html")
    script = ("import sys\n"
              "from smartidf_analysis import cli\n"
              "from smartidf_analysis.reporting.territory import inputs\n"
              "def computed(*args):\n"
              "    raise AssertionError('inputs computed again, not loaded')\n"
              "inputs._read = computed\n"
              "sys.exit(cli.main(sys.argv[1:]))\n")
    cold = tmp_path / "cold.html"
    subprocess.run([sys.executable, "-c", script, "report", "territory", code, "--level", level,
                    "--format", "html", "--out", str(cold)], check=True, timeout=300,
                   env={**os.environ, "SMARTIDF_DB": str(territory_db)})
    undated = re.compile(r"\d{4}-\d{2}-\d{2}")
    assert undated.sub("", cold.read_text(encoding="utf-8")) == \
        undated.sub("", here.read_text(encoding="utf-8"))


def test_profile_region_and_comparable_median(territory_db, picked):
    from smartidf_analysis.reporting import territory as terr

    level, code = picked["epci"]
    profile = terr.territory_profile(code, level).set_index("figure")
    wide, region = terr.level_figures(level)
    con = duckdb.connect(str(territory_db), read_only=True)
    total = con.execute("SELECT sum(workers) FROM commuting_flows WHERE home_code IN (SELECT "
                        "commune_code FROM communes WHERE epci_siren IS NOT NULL) OR home_code IN "
                        "(SELECT c.commune_code FROM communes c JOIN communes p ON c.parent_code = "
                        "p.commune_code WHERE p.epci_siren IS NOT NULL)").fetchone()[0]
    con.close()
    assert profile.at["residents_in_work", "region_value"] == pytest.approx(total, rel=1e-9)
    n = int(profile.at["share_leaving", "comparables_en"].split()[0])
    others = wide.drop(index=code)
    same = others[others["density_class"] == wide.at[code, "density_class"]]
    if n >= terr.figures.MIN_COMPARABLES and "region" not in profile.at["share_leaving", "comparables_en"]:
        same = same[same["department_code"] == wide.at[code, "department_code"]]
    assert len(same) == n
    if n:
        assert profile.at["share_leaving", "comparable_median"] == pytest.approx(
            same["share_leaving"].median())


def test_unknown_code_answers_closest_matches(territory_db, picked):
    from smartidf_analysis.reporting import territory as terr

    _, code = picked["commune"]
    name = terr.territory_profile(code, "commune").attrs["territory"]["name"]
    with pytest.raises(terr.TerritoryNotFound) as err:
        terr.territory_profile(name[:-1] + "x" + name[-1:])
    assert name in str(err.value)
    table = terr.territories(terr.load_inputs().communes)
    found = terr.search(table, name.upper().replace("E", "É"))
    assert found.iloc[0]["code"] == code
    html = page_html("<b>nowhere</b>", "")
    assert "&lt;b&gt;nowhere&lt;/b&gt;" in html and "<b>nowhere" not in html


def test_cli_report_bad_code_is_one_line(territory_db, tmp_path, capsys):
    from smartidf_analysis import cli

    assert cli.main(["report", "territory", "zz-unknown", "--out", str(tmp_path / "x.pdf")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: no territory 'zz-unknown'") and "Traceback" not in err


def test_pdf_without_chromium_is_a_clear_error(territory_db, picked, tmp_path, monkeypatch):
    """No Chromium on PATH: a level's PDFs stop with the error naming Chromium, nothing
    written, and no Playwright left running in this process."""
    import threading

    from smartidf_analysis.apps.territoire import report
    from smartidf_analysis.errors import SmartidfError

    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    level, code = picked["commune"]
    with pytest.raises(SmartidfError, match="no Chromium found"):
        report.write_level(level, tmp_path / "out", codes=[code], fmt="pdf", progress=False)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    assert not [t for t in threading.enumerate() if t.name.startswith("pdf-printer")]


def test_pdf_first_page_is_not_blank(territory_db, picked, tmp_path):
    from smartidf_analysis.apps.territoire import report

    level, code = picked["commune"]
    out = report.write_report(code, tmp_path / "report.pdf", level)
    for fmt in (["-png"], []):  # PNG, then the PGM default (read below)
        subprocess.run(["pdftoppm", *fmt, "-gray", "-r", "50", "-f", "1", "-l", "1", str(out),
                        str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png")).read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    pgm = next(tmp_path.glob("page*.pgm")).read_bytes()
    magic, width, height, depth, pixels = pgm.split(maxsplit=4)
    assert magic == b"P5" and depth == b"255"
    width, height = int(width), int(height)
    dark = sum(1 for v in pixels[:width * height] if v < 128)
    assert dark > 0.01 * width * height  # text and rules, not a white page
    assert height > width  # A4 portrait


@pytest.fixture(scope="module")
def missing_db(app_db, tmp_path_factory):
    """A copy of the database whose build lacked the MOBPRO flows: the table empty and the
    dataset listed in ``missing_datasets`` (as a build without the file leaves them)."""
    from smartidf_analysis.data import build

    path = tmp_path_factory.mktemp("territory_missing") / "smartidf.duckdb"
    shutil.copy(app_db, path)
    dataset = "insee_mobpro_2014"
    tables, pages, notebooks = build.uses_of(dataset)
    con = duckdb.connect(str(path))
    con.execute("DELETE FROM commuting_flows")
    con.execute("INSERT INTO missing_datasets VALUES (?, ?, ?, ?, ?, ?, ?)",
                [dataset, "MOBPRO", "https://example.org", "HTTP 404 (test)", tables, pages, notebooks])
    con.close()
    return path, dataset


def test_missing_dataset_is_named_on_the_page_and_in_the_pdf(missing_db, picked, tmp_path):
    from smartidf_analysis.apps.territoire import report
    from smartidf_analysis.reporting import territory as terr

    path, dataset = missing_db
    level, code = picked["commune"]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SMARTIDF_DB", str(path))
        _use(path)
        try:
            profile = terr.territory_profile(code, level)
            gone = profile[profile["theme"].isin(["commuting", "telework"])]
            assert (gone["missing"].str.contains(dataset)).all() and gone["value"].isna().all()
            fibre = profile.set_index("figure").at["fibre_rate", "value"]
            assert fibre == pytest.approx(independent(path, level, code)["fibre_rate"])
            html = _plain(page_html(code, level))
            text = pdf_text(report.write_report(code, tmp_path / "missing.pdf", level))
            for shown in (html, text):
                assert "Données manquantes pour ce thème" in shown and dataset in shown
                assert f"{fmt_number(fibre, 'fr', 1)} %" in _plain(shown)
        finally:
            _use(None)


@pytest.mark.realdata
def test_merged_2018_communes_fill_their_current_commune(real_db, mirror):
    """The five 2018 communes merged since without a delegated commune are dissolved into
    their current one (listed as repaired): the region's communes leave no hole, and each
    current commune's outline covers its old parts."""
    import json

    import shapely

    from smartidf_analysis.apps.territoire.flows_map import level_outlines
    from smartidf_analysis.data.harmonise import MERGED_WITHOUT_DELEGATED

    con = duckdb.connect(str(real_db), read_only=True)
    repaired = dict(con.execute("SELECT code, issue FROM build_issues WHERE dataset_id = "
                                "'ign_communes_2018' AND issue LIKE 'repaired:%'").fetchall())
    assert set(repaired) == set(MERGED_WITHOUT_DELEGATED)
    for old, (new, _date) in MERGED_WITHOUT_DELEGATED.items():
        assert f"dissolved into {new}" in repaired[old]
    frame = con.execute("SELECT commune_code, department_code, epci_siren, geometry_wkb FROM communes "
                        "WHERE kind = 'COM'").df()
    con.close()
    geoms = {c: shapely.from_wkb(bytes(b)) for c, b in zip(frame["commune_code"], frame["geometry_wkb"],
                                                              strict=True)}
    region = shapely.union_all(list(geoms.values()))
    assert region.geom_type == "Polygon" and len(region.interiors) == 0
    old = {f["properties"]["code"]: shapely.geometry.shape(f["geometry"]) for f in json.loads(
        (mirror / "communes-ile-de-france.geojson").read_text(encoding="utf-8"))["features"]}
    for code, (new, _date) in MERGED_WITHOUT_DELEGATED.items():
        assert geoms[new].intersection(old[code]).area == pytest.approx(old[code].area, rel=1e-6)
    # EPCI and department outlines dissolved from their communes: one piece each, no hole
    for column in ("department_code", "epci_siren"):
        outlines = level_outlines(frame, column)
        assert len(outlines) == frame[column].nunique()
        assert sum(len(getattr(g, "interiors", [])) for g in outlines) == 0
