"""``smartidf data import-buildings``: a BD TOPO ``batiment`` layer -> ``imported_roofs``,
checked against a direct geopandas read; bad files and failed writes leave the database as it was."""

from __future__ import annotations

import hashlib
import shutil

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from smartidf_analysis import cli
from smartidf_analysis.data import db
from smartidf_analysis.errors import SourceFormatError
from smartidf_analysis.solar import io as sd
from smartidf_analysis.solar.buildings_import import import_buildings
from smartidf_analysis.solar.stock import roof_shape

SAINT_DENIS = "dfg_saint-denis_ecoles_bdtopo-batiments_cadastre-solaire.gpkg"


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def work_db(real_db, tmp_path, monkeypatch):
    """A copy of the mirror's database as SMARTIDF_DB for one test."""
    path = tmp_path / "smartidf.duckdb"
    shutil.copyfile(real_db, path)
    monkeypatch.setenv("SMARTIDF_DB", str(path))
    yield path
    db.close_shared()


def _ign_layer(tmp_path, rows: int = 6, **overrides) -> gpd.GeoDataFrame:
    """A small layer with IGN's own field names, in Lambert-93, around Saint-Denis."""
    x0, y0 = 652_500.0, 6_867_500.0
    frame = gpd.GeoDataFrame({
        "cleabs": [f"BATIMENT{i:016d}" for i in range(rows)],
        "nature": "Indifférenciée",
        "usage_1": ["Résidentiel", "Commercial et services"] * (rows // 2),
        "nombre_d_etages": [1.0, 5.0, None, 2.0, 8.0, None][:rows],
        "materiaux_de_la_toiture": ["10", None, "01", None, None, "21"][:rows],
        "hauteur": [4.0, 16.0, 9.5, 6.0, 25.0, None][:rows],
        "date_modification": pd.to_datetime(["2024-03-01"] * rows),
    }, geometry=[shapely.box(x0 + 40 * i, y0, x0 + 40 * i + 10 + i, y0 + 20) for i in range(rows)],
        crs=2154)
    for column, values in overrides.items():
        frame[column] = values
    return frame


@pytest.mark.realdata
def test_saint_denis_extract_matches_a_direct_geopandas_read(work_db, mirror, capsys):
    path = mirror / SAINT_DENIS
    direct = gpd.read_file(path, layer="bdtopo_batiment")
    unique = direct.drop_duplicates("cleabs_left__bat")
    assert sd.regional_roof_set() == "synthetic_stock"
    assert cli.main(["data", "import-buildings", str(path)]) == 0
    assert f"imported {len(unique):,} roofs" in capsys.readouterr().out
    roofs = sd.roofs_for_set(sd.IMPORTED_SET)
    assert len(roofs) == len(unique) and len(direct) - len(unique) > 0
    assert roofs["footprint_m2"].sum() == pytest.approx(unique.to_crs(2154).area.sum(), rel=1e-9)
    assert set(roofs["building_id"]) == set("bdtopo:" + unique["cleabs_left__bat"])
    by_id = unique.set_index("bdtopo:" + unique["cleabs_left__bat"])
    heights = by_id.loc[roofs["building_id"], "hauteur"].to_numpy(dtype=float)
    assert np.array_equal(roofs["height_m"].to_numpy(dtype=float), heights, equal_nan=True)
    expected_shape = roof_shape(pd.DataFrame({
        "roof_material": by_id.loc[roofs["building_id"], "materiaux_de_la_toiture"].to_numpy(),
        "floors": by_id.loc[roofs["building_id"], "nombre_d_etages"].to_numpy(dtype=float),
        "height_m": heights}))
    assert (roofs["roof_shape"].to_numpy() == expected_shape.to_numpy()).all()
    assert set(roofs["roof_shape"]) == {"flat", "pitched"}
    assert (roofs["commune_code"] == "93066").all()
    assert sd.regional_roof_set() == sd.IMPORTED_SET
    prov = db.read_table("provenance").set_index("dataset_id").loc[roofs["import_id"].iloc[0]]
    assert prov["rows"] == len(unique) and prov["sha256"] == _sha(path)
    assert prov["vintage"] == "last modification 2024-10-14" and prov["origin"] == "import"
    # a second import of the same file replaces its rows
    assert cli.main(["data", "import-buildings", str(path)]) == 0
    assert len(sd.imported_roofs(["roof_id"])) == len(unique)
    production = sd.real_set_production(sd.IMPORTED_SET)
    assert production["annual_kwh"].notna().sum() == len(unique)


def test_ign_layer_in_lambert93_gets_communes_from_the_database(work_db, tmp_path):
    path = tmp_path / "BDTOPO_D093.gpkg"
    layer = _ign_layer(tmp_path)
    layer.to_file(path, layer="batiment")
    _ign_layer(tmp_path, rows=2).to_file(path, layer="commune")  # another layer of the file
    result = import_buildings(path)
    roofs = sd.imported_roofs()
    assert result.roofs == len(roofs) == len(layer) and result.outside_region == 0
    assert roofs["footprint_m2"].sum() == pytest.approx(layer.area.sum(), rel=1e-9)
    units = sd.commune_geometries()
    point = shapely.points(roofs["lon"], roofs["lat"])
    polygons = shapely.from_wkb([bytes(b) for b in units["geometry_wkb"]])
    for code, pt in zip(roofs["commune_code"], point, strict=True):
        assert shapely.within(pt, polygons[(units["commune_code"] == code).to_numpy()]).any()
    shapes = dict(zip(roofs["building_id"], roofs["roof_shape"], strict=True))
    assert shapes["bdtopo:BATIMENT0000000000000000"] == "pitched"  # tiles (10)
    assert shapes["bdtopo:BATIMENT0000000000000002"] == "flat"  # terrace (01)
    assert shapes["bdtopo:BATIMENT0000000000000004"] == "flat"  # 8 floors, no material


@pytest.mark.parametrize("fault, message", [
    ({"hauteur": [4.0, -2.0, 1.0, 1.0, 1.0, 1.0]}, "layer 'batiment', feature 2: negative value"),
    ({"hauteur": ["4", "x", "1", "1", "1", "1"]}, "layer 'batiment', feature 2: not a number: 'x'"),
    ({"cleabs": ["A", "B", None, "D", "E", "F"]}, "layer 'batiment', feature 3: empty building id"),
])
def test_bad_values_name_file_layer_column_and_feature(work_db, tmp_path, fault, message):
    path = tmp_path / "bad.gpkg"
    _ign_layer(tmp_path, **fault).to_file(path, layer="batiment")
    before = _sha(work_db)
    with pytest.raises(SourceFormatError) as err:
        import_buildings(path)
    assert str(path) in str(err.value) and message in str(err.value)
    assert err.value.column == next(iter(fault)) and err.value.line is not None
    assert _sha(work_db) == before


def test_missing_layer_or_column_is_a_clear_error(work_db, tmp_path, capsys):
    path = tmp_path / "other.gpkg"
    _ign_layer(tmp_path).to_file(path, layer="routes")
    assert cli.main(["data", "import-buildings", str(path)]) == 1
    err = capsys.readouterr().err
    assert str(path) in err and "no layer 'batiment' or 'bdtopo_batiment'" in err and "routes" in err
    _ign_layer(tmp_path).drop(columns="hauteur").to_file(path, layer="batiment")
    with pytest.raises(SourceFormatError, match="layer 'batiment': missing column 'hauteur'"):
        import_buildings(path)
    (tmp_path / "empty.gpkg").write_bytes(b"not a geopackage")
    with pytest.raises(SourceFormatError, match="not a GeoPackage"):
        import_buildings(tmp_path / "empty.gpkg")


def test_a_failed_write_leaves_the_database_untouched(work_db, tmp_path, monkeypatch):
    path = tmp_path / "BDTOPO.gpkg"
    _ign_layer(tmp_path).to_file(path, layer="batiment")
    import_buildings(path)
    before = _sha(work_db)
    layer = _ign_layer(tmp_path, rows=4)
    layer.to_file(path, layer="batiment", mode="w")
    # the provenance insert fails after the roofs were written into the copy
    # (patched where write_import looks it up: the module of the db package that defines it)
    monkeypatch.setattr(db._writes, "PROVENANCE_COLUMNS",
                        {**db.PROVENANCE_COLUMNS, "no_such": "VARCHAR"})
    with pytest.raises(KeyError):
        import_buildings(path)
    monkeypatch.undo()
    monkeypatch.setenv("SMARTIDF_DB", str(work_db))
    assert _sha(work_db) == before and len(sd.imported_roofs()) == 6
    assert [p.name for p in work_db.parent.iterdir() if p.name.startswith(".")] == []


def test_the_solar_page_uses_imported_roofs_instead_of_the_synthetic_stock(work_db, mirror):
    """Once buildings are imported, the regional production per commune (API and page) comes
    from them, labelled as imported BD TOPO roofs; before, from the SYNTHETIC stock."""
    from page_view import PageView

    from smartidf_analysis.apps.solar import SolarPage
    from smartidf_analysis.solar import io as sd
    from smartidf_analysis.solar import results as sr

    kw = dict(module_efficiency=0.2, system_losses_pct=14.0, usable_fraction=1.0)
    before = sr.commune_indicator("annual_gwh", **kw)
    assert before.attrs["roof_set"] == "synthetic_stock" and len(before) > 1000
    import_buildings(mirror / "dfg_saint-denis_ecoles_bdtopo-batiments_cadastre-solaire.gpkg")
    db.close_shared()
    after = sr.commune_indicator("annual_gwh", **kw)
    assert after.attrs["roof_set"] == sd.IMPORTED_SET == sd.regional_roof_set()
    production = sd.real_set_production(sd.IMPORTED_SET, convention="modules", **kw)
    assert after["commune_code"].tolist() == ["93066"]  # the extract is Saint-Denis only
    assert after["annual_gwh"].iloc[0] == pytest.approx(production["annual_kwh"].sum() / 1e6)
    assert after["roofs"].iloc[0] == production["annual_kwh"].notna().sum() > 400
    page = SolarPage(lang="en")
    page.state.indicator = "annual_gwh"
    view = PageView(page)
    caption = view.text("solar-commune-caption")
    assert "BD TOPO" in caption and "SYNTHETIC" not in caption
