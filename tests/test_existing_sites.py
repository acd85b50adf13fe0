"""``smartidf data import-sites``: existing sites from CSV and GeoJSON files (France
Tiers-Lieux and OpenStreetMap shapes), hostile files refused with the line and column, the
database untouched on failure, the sites kept across a rebuild."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest

from smartidf_analysis import cli
from smartidf_analysis.data import build, db
from smartidf_analysis.data.existing_sites import MAX_ROWS, SiteImportError, import_sites


@pytest.fixture
def site_db(real_db, tmp_path):
    """A private copy of the mirror's database (imports write to it)."""
    path = tmp_path / "smartidf.duckdb"
    shutil.copy(real_db, path)
    yield path
    db.close_shared()


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stored(path):
    return db.import_rows(path, "existing_sites")


TIERS_LIEUX = ("nom;latitude;longitude;nombre_de_postes;annee_ouverture;source\n"
               "La Cordée Melun;48,5420;2,6550;25;2019;France Tiers-Lieux\n"
               "Tiers-lieu Versailles;48.8049;2.1204;;2021-03-01;\n")


def test_a_tiers_lieux_csv_is_stored_with_communes_and_provenance(site_db, tmp_path):
    f = tmp_path / "tiers_lieux.csv"
    f.write_text(TIERS_LIEUX, encoding="utf-8")
    import_sites(f, site_db)
    rows, prov = stored(site_db)
    rows = rows.set_index("name")
    assert rows.loc["La Cordée Melun", "commune_code"] == "77288"  # Melun
    assert rows.loc["Tiers-lieu Versailles", "commune_code"] == "78646"  # Versailles
    assert rows.loc["La Cordée Melun", "seats"] == 25
    assert rows.loc["Tiers-lieu Versailles", "opening_year"] == 2021
    assert rows.loc["Tiers-lieu Versailles", "source"] == "tiers_lieux.csv"  # no source: file
    assert list(rows["file_line"]) == [2, 3]
    assert prov["sha256"].tolist() == [digest(f)] and prov["rows"].tolist() == [2]
    # Lambert-93 coordinates computed from lon/lat: Melun is ~ (674.5 km, 6826.9 km)
    assert rows.loc["La Cordée Melun", "x_l93"] == pytest.approx(674_533, abs=50)


def test_an_osm_geojson_export_is_read_from_its_points(site_db, tmp_path):
    f = tmp_path / "coworking.geojson"
    features = [{"type": "Feature", "id": "node/1",
                 "properties": {"name": "Coworking Cergy", "amenity": "coworking_space",
                                "capacity": "40", "start_date": "2018"},
                 "geometry": {"type": "Point", "coordinates": [2.0637, 49.0364]}}]
    f.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    import_sites(f, site_db, column_map={"source": "amenity"})
    rows, _ = stored(site_db)
    assert rows["commune_code"].tolist() == ["95127"]  # Cergy
    assert rows["source_ref"].tolist() == ["node/1"] and rows["seats"].tolist() == [40]


def hostile_files(tmp_path):
    l93 = {"type": "FeatureCollection",
           "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}},
           "features": [{"type": "Feature", "properties": {"name": "A"},
                         "geometry": {"type": "Point", "coordinates": [652000, 6862000]}}]}
    files = {
        "wrong_crs.geojson": (json.dumps(l93), "EPSG::2154"),
        "lambert_in_latlon.csv": ("name,lat,lon\nOK,48.85,2.35\nA,6862000,652000\n",
                                  "line 3, column 'lat': (6.862e+06, 652000) are not degrees"),
        "text_in_coordinates.csv": ("name,lat,lon\nOK,48.85,2.35\nA,quarante-huit,2.3\n",
                                    "line 3, column 'lat/lon'"),
        "swapped.csv": ("name;lat;lon\nA;2,35;48,85\n", "latitude and longitude swapped"),
        "outside.csv": ("name,lat,lon\nLyon,45.76,4.83\n", "line 2, column 'lat/lon': (45.76, "
                        "4.83) is outside Île-de-France"),
        "duplicates.csv": ("name,lat,lon\nA,48.85,2.35\nB,48.80,2.30\na ,48.85001,2.35001\n",
                           "line 4, column 'name': duplicate of line 2"),
        "no_coordinates.csv": ("name,address\nA,1 rue X\n", "no column for ['lat', 'lon']"),
        "bad_seats.csv": ("name,lat,lon,seats\nA,48.85,2.35,-3\n", "line 2, column 'seats'"),
        "bad_year.csv": ("name,lat,lon,start_date\nA,48.85,2.35,soon\n",
                         "line 2, column 'start_date'"),
        "ragged.csv": ("name,lat,lon\nA,48.85\n", "line 2: 2 fields where the header has 3"),
        "polygon.geojson": (json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"name": "A"}, "geometry": {
                "type": "Polygon", "coordinates": [[[2.3, 48.8], [2.4, 48.8], [2.3, 48.9]]]}}]}),
            "line 1: a Polygon geometry"),
        "empty.csv": ("", "empty"),
        "not_json.geojson": ("{oops", "not a GeoJSON"),
    }
    out = []
    for name, (text, expected) in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        out.append((tmp_path / name, expected))
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("name,lat,lon\nCréteil,48.79,2.45\n".encode("latin-1"))
    out.append((latin, "not UTF-8 text (line 2)"))
    return out


def test_every_hostile_file_is_refused_and_the_database_is_untouched(site_db, tmp_path):
    before = digest(site_db)
    for path, expected in hostile_files(tmp_path):
        with pytest.raises(SiteImportError) as err:
            import_sites(path, site_db)
        message = str(err.value)
        assert str(path) in message, message
        assert expected in message, f"{path.name}: {message}"
        assert digest(site_db) == before, f"{path.name} changed the database"
    assert stored(site_db)[0].empty


def test_a_million_rows_are_refused_early(site_db, tmp_path):
    big = tmp_path / "million.csv"
    with big.open("w", encoding="utf-8") as out:
        out.write("name,lat,lon\n")
        for i in range(1_000_000):
            out.write(f"S{i},48.{i % 90000:05d},2.35\n")
    before = digest(site_db)
    with pytest.raises(SiteImportError, match=f"more than {MAX_ROWS:,} sites"):
        import_sites(big, site_db)
    assert digest(site_db) == before


def test_a_second_import_of_the_same_file_is_refused_unless_replacing(site_db, tmp_path):
    f = tmp_path / "tiers_lieux.csv"
    f.write_text(TIERS_LIEUX, encoding="utf-8")
    import_sites(f, site_db)
    once = digest(site_db)
    with pytest.raises(SiteImportError, match="line 2, column 'name': already stored"):
        import_sites(f, site_db)
    assert digest(site_db) == once
    import_sites(f, site_db, replace=True)
    rows, prov = stored(site_db)
    assert len(rows) == 2 and len(prov) == 1


def test_the_command_prints_the_file_line_and_column(site_db, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SMARTIDF_DB", str(site_db))
    f = tmp_path / "bad.csv"
    f.write_text("name,lat,lon\nA,abc,2.3\n", encoding="utf-8")
    assert cli.main(["data", "import-sites", str(f)]) == 1
    err = capsys.readouterr().err
    assert f"{f}: 1 problem(s); nothing was imported" in err and "line 2" in err
    good = tmp_path / "good.csv"
    good.write_text(TIERS_LIEUX, encoding="utf-8")
    assert cli.main(["data", "import-sites", str(good), "--column", "name=nom"]) == 0
    assert "imported 2 sites" in capsys.readouterr().out


def test_imported_sites_survive_a_rebuild(site_db, tmp_path, mirror, monkeypatch):
    f = tmp_path / "tiers_lieux.csv"
    f.write_text(TIERS_LIEUX, encoding="utf-8")
    import_sites(f, site_db)
    monkeypatch.setenv("SMARTIDF_MIRROR", str(mirror))
    result = build.build(path=site_db, progress=False, force=True)
    assert result.changed
    rows, prov = stored(site_db)
    assert sorted(rows["name"]) == ["La Cordée Melun", "Tiers-lieu Versailles"]
    assert prov["sha256"].tolist() == [digest(f)]
