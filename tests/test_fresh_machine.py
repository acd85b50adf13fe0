"""The path a user's machine takes: no mirror, an empty data folder, every official file
downloaded (from the manifest's copies served on 127.0.0.1 through
``SMARTIDF_DOWNLOAD_MIRROR``), cut and converted by the readers: the database must equal the
mirror build. Also: a dataset that cannot be had, bad geometry, the synthetic fallback."""

from __future__ import annotations

import json

import duckdb
import pytest

from smartidf_analysis import cli
from smartidf_analysis.data import build, catalog, db

pytestmark = pytest.mark.realdata

TOTALS = {  # table -> SQL aggregates compared between the two builds
    "commuting_flows": "round(sum(workers), 6)",
    "fibre_deployment": "sum(connectable_premises)",
    "premises": "sum(dwellings) + sum(establishments)",
    "communes": "sum(population) FILTER (WHERE kind = 'COM'), round(sum(area_km2), 6)",
    "station_validations": "sum(validations)",
    "irradiance_hourly": "round(sum(ghi_w_m2), 3)",
}


def _tables(con) -> dict[str, int]:
    names = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
    return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchall()[0][0] for n in names}


def test_fresh_machine_build_equals_the_mirror_build(fresh, upstream, real_db, capsys):
    assert cli.main(["data", "build", "--quiet"]) == 0
    built = fresh / "smartidf.duckdb"
    out = capsys.readouterr().out
    assert "official open data" in out and "INCOMPLETE" not in out
    fresh_con = duckdb.connect(str(built), read_only=True)
    mirror_con = duckdb.connect(str(real_db), read_only=True)
    try:
        assert _tables(fresh_con) == _tables(mirror_con)  # same tables, same row counts
        for table, aggregates in TOTALS.items():
            sql = f"SELECT {aggregates} FROM {table}"
            assert fresh_con.execute(sql).fetchall() == mirror_con.execute(sql).fetchall(), table
        workers = fresh_con.execute("SELECT sum(workers) FROM commuting_flows").fetchall()[0][0]
        assert round(workers, 2) == 5_323_745.44
        communes, population = fresh_con.execute(
            "SELECT count(*) FILTER (WHERE kind = 'COM'), sum(population) FILTER (WHERE kind = "
            "'COM') FROM communes").fetchall()[0]
        assert (communes, population) == (1266, 12_463_067)
        # provenance records the originals that were used
        origins = dict(fresh_con.execute("SELECT dataset_id, origin FROM provenance").fetchall())
        assert set(origins.values()) == {"download cache"}
        shas = dict(fresh_con.execute("SELECT dataset_id, sha256 FROM provenance").fetchall())
        assert shas == {ds.id: ds.downloads[0].sha256 for ds in catalog.DATASETS}
        assert fresh_con.execute("SELECT count(*) FROM missing_datasets").fetchall()[0][0] == 0
    finally:
        fresh_con.close()
        mirror_con.close()
    requests = len(upstream.requests)
    assert cli.main(["data", "build", "--quiet"]) == 0  # no-op, nothing downloaded again
    assert "up to date" in capsys.readouterr().out and len(upstream.requests) == requests


def test_a_missing_dataset_leaves_a_complete_rest_and_says_what_it_feeds(incomplete_db, real_db):
    con = duckdb.connect(str(incomplete_db), read_only=True)
    reference = duckdb.connect(str(real_db), read_only=True)
    try:
        rows, ref_rows = _tables(con), _tables(reference)
        assert rows["irradiance_hourly"] == 0
        for table, n in ref_rows.items():
            if table not in ("irradiance_hourly", "missing_datasets", "build_issues"):
                assert rows[table] == n, table
        (ds_id, url, error, tables, pages, notebooks), = con.execute(
            "SELECT dataset_id, url, error, tables, pages, notebooks FROM missing_datasets"
        ).fetchall()
        assert ds_id == "nsrdb_paris_tmy" and url == catalog.get(ds_id).download_url
        assert "HTTP 404" in error and tables == ["irradiance_hourly"]
        assert pages == ["overview", "solar"]
        assert notebooks == ["00-getting-started", "04-solar-potential"]
        issue = con.execute("SELECT issue FROM build_issues WHERE dataset_id = ?",
                            [ds_id]).fetchall()
        assert issue and "dataset missing" in issue[0][0]
        assert con.execute("SELECT origin, rows FROM provenance WHERE dataset_id = ?",
                           [ds_id]).fetchall() == [("missing", 0)]
        assert db.read_metadata(incomplete_db)["incomplete"] == "true"
    finally:
        con.close()
        reference.close()
    missing = db.missing_datasets(page="solar", path=incomplete_db)
    assert list(missing["dataset_id"]) == ["nsrdb_paris_tmy"]
    assert db.missing_datasets(page="broadband", path=incomplete_db).empty
    with pytest.raises(db.MissingDataError, match="nsrdb_paris_tmy.*smartidf data fetch"):
        db.require(notebook="04-solar-potential", path=incomplete_db)
    db.require(notebook="01-broadband-coverage", path=incomplete_db)  # nothing missing there


def test_incomplete_build_exits_3_and_lists_the_missing(fresh, upstream, capsys):
    upstream.faults["tabflows2.Rds"] = "404"
    assert cli.main(["data", "build", "--quiet"]) == cli.EXIT_INCOMPLETE
    captured = capsys.readouterr()
    assert "INCOMPLETE" in captured.out and "insee_mobpro_2014" in captured.out
    assert "missing: insee_mobpro_2014" in captured.err
    assert "pages: commuting, finder, overview, telecentres" in captured.err
    assert "Traceback" not in captured.err
    assert not build.build(progress=False).synthetic  # never synthetic numbers mixed in


def test_synthetic_only_when_no_official_file_can_be_had(monkeypatch, isolated_data_dir, capsys):
    monkeypatch.delenv("SMARTIDF_MIRROR", raising=False)
    monkeypatch.setenv("SMARTIDF_OFFLINE", "1")
    assert cli.main(["data", "build", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "no official file could be had" in out and "SYNTHETIC" in out


def _bowtie_mirror(mirror, tmp_path, code):
    """The mirror with commune ``code``'s polygon replaced by a self-intersecting bow tie."""
    folder = tmp_path / "mirror"
    folder.mkdir()
    for f in mirror.iterdir():
        (folder / f.name).symlink_to(f)
    name = "communes-ile-de-france.geojson"
    collection = json.loads((mirror / name).read_text(encoding="utf-8"))
    for feature in collection["features"]:
        if feature["properties"]["code"] == code:
            (x0, y0, x1, y1) = (2.58, 49.05, 2.62, 49.08)
            feature["geometry"] = {"type": "Polygon", "coordinates": [
                [[x0, y0], [x1, y1], [x1, y0], [x0, y1], [x0, y0]]]}
    (folder / name).unlink()
    (folder / name).write_text(json.dumps(collection), encoding="utf-8")
    return folder


def test_self_intersecting_commune_is_repaired_and_listed(mirror, tmp_path, monkeypatch):
    code = "77327"  # Moussy-le-Neuf
    monkeypatch.setenv("SMARTIDF_MIRROR", str(_bowtie_mirror(mirror, tmp_path, code)))
    path = tmp_path / "smartidf.duckdb"
    result = build.build(path=path, verify=False, progress=False)
    assert result.changed and not result.incomplete
    con = duckdb.connect(str(path), read_only=True)
    try:
        area = con.execute("SELECT area_km2 FROM communes WHERE commune_code = ?",
                           [code]).fetchall()[0][0]
        issues = [r[0] for r in con.execute(
            "SELECT issue FROM build_issues WHERE code = ?", [code]).fetchall()]
    finally:
        con.close()
    # the bow tie's two triangles: about half of a 2.9 km x 3.3 km box, not 1e-12 km²
    assert 3 < area < 6
    assert any("invalid geometry" in i and "make_valid" in i for i in issues), issues
