"""Readers of the official files: real-data figures (mirror) and bad-input errors (tmp files)."""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely

from smartidf_analysis.data import catalog, schema
from smartidf_analysis.data.sources import arcep, idfm, insee, nsrdb, resolve
from smartidf_analysis.data.sources._common import IDF_DEPARTMENTS
from smartidf_analysis.errors import SourceFormatError

REFERENCE_COLUMNS = {
    "ign_communes_2018": ["commune_code", "commune_name", "geometry_wkb"],
    "paris_arrondissements": ["commune_code", "commune_name", "geometry_wkb"],
    "ign_region_2018": ["region_code", "region_name", "geometry_wkb"],
    "insee_cog_2026": ["commune_code", "commune_name", "kind", "parent_code", "department_code"],
    "insee_population_2023": ["commune_code", "population", "population_total"],
    "insee_ept_2025": ["commune_code", "ept_code", "ept_name"],
    "dgcl_epci_2025": ["commune_code", "epci_siren", "epci_name", "epci_nature"],
}


@cache
def _read(mirror: Path, dataset_id: str) -> pd.DataFrame:
    record = catalog.get(dataset_id)
    return resolve(record.reader)(mirror / record.file_name)


@pytest.fixture
def read(mirror):
    """``read(dataset_id)``: the mirror file through the catalogue's reader (cached)."""
    return lambda dataset_id: _read(mirror, dataset_id)


# --------------------------------------------------------------------------- every dataset
@pytest.mark.realdata
@pytest.mark.parametrize("dataset_id", catalog.ids())
def test_reader_columns_and_line_index(read, dataset_id):
    record = catalog.get(dataset_id)
    frame = read(dataset_id)
    assert len(frame) > 0
    if record.table == "reference":
        assert list(frame.columns) == REFERENCE_COLUMNS[dataset_id]
    else:
        assert list(frame.columns) == list(schema.TABLES[record.table].columns)
    assert pd.api.types.is_integer_dtype(frame.index.dtype)
    assert frame.index.min() >= 1
    for column in frame.columns:
        if column.endswith("code") and frame[column].notna().any():
            codes = frame[column].dropna()
            assert codes.map(type).eq(str).all(), column
    if "geometry_wkb" in frame.columns:
        geoms = shapely.from_wkb(frame["geometry_wkb"].to_numpy())
        minx, miny, maxx, maxy = shapely.total_bounds(geoms)
        assert 1.0 < minx and maxx < 3.7 and 48.0 < miny and maxy < 49.3  # WGS84, in IDF


# --------------------------------------------------------------------------- reference
@pytest.mark.realdata
def test_ign_boundaries(read):
    communes = read("ign_communes_2018")
    assert len(communes) == 1276 and communes["commune_code"].is_unique
    assert list(communes.index[:2]) == [1, 2]
    assert "75056" in set(communes["commune_code"])
    arrondissements = read("paris_arrondissements")
    assert sorted(arrondissements["commune_code"]) == [f"751{i:02d}" for i in range(1, 21)]
    region = read("ign_region_2018")
    assert region["region_code"].tolist() == ["11"] and region.index.tolist() == [1]
    departments = read("ign_departements_2018")
    assert sorted(departments["department_code"]) == list(IDF_DEPARTMENTS)


@pytest.mark.realdata
def test_insee_reference_tables(read):
    cog = read("insee_cog_2026")
    assert cog["kind"].value_counts().to_dict() == {"COM": 1266, "ARM": 20, "COMD": 14, "COMA": 7}
    assert cog.index[0] == 2 and cog["department_code"].notna().all()
    delegated = cog[cog["kind"].isin(["COMA", "COMD"])]
    assert (delegated["department_code"] == delegated["parent_code"].str[:2]).all()
    assert cog.loc[cog["kind"] == "ARM", "parent_code"].eq("75056").all()

    population = read("insee_population_2023")
    assert len(population) == 1285 and "75056" not in set(population["commune_code"])
    assert population["population"].sum() == 12_463_067
    assert population["population_total"].sum() == 12_571_781

    ept = read("insee_ept_2025")
    assert ept["ept_code"].nunique() == 11 and len(ept) == 129
    assert ept.index.min() > 6  # sheet rows: 5 title rows + header

    epci = read("dgcl_epci_2025")
    assert len(epci) == 1266 and epci["commune_code"].is_unique
    assert epci["epci_siren"].str.len().eq(9).all()


# --------------------------------------------------------------------------- ARCEP
@pytest.mark.realdata
def test_arcep_ftth_communes(read):
    frame = read("arcep_ftth_communes")
    assert len(frame) == 1276 * 3 and frame["commune_code_2018"].nunique() == 1276
    assert sorted(frame["quarter"].unique()) == ["2017Q3", "2017Q4", "2018Q1"]
    assert frame.index[0] == 6  # first data row: line 6 (4 title lines, header)
    classes = frame.loc[frame["quarter"] == "2018Q1", "arcep_class"].value_counts()
    assert classes.to_dict() == {0: 809, 5: 40, 10: 44, 25: 75, 50: 92, 80: 216}
    paris = frame[(frame["commune_code"] == "75056") & (frame["quarter"] == "2018Q1")]
    assert paris["connectable_premises"].tolist() == [1_484_108]
    assert (frame["geo_level"] == "COM").all()


@pytest.mark.realdata
def test_arcep_other_files(read):
    arr = read("arcep_ftth_arrondissements")
    assert arr["commune_code"].nunique() == 20 and len(arr) == 60
    assert arr["commune_code"].str.startswith("751").all() and (arr["geo_level"] == "ARM").all()
    deps = read("arcep_ftth_departements")
    assert sorted(deps["department_code"].unique()) == list(IDF_DEPARTMENTS) and len(deps) == 24
    premises = read("arcep_communes_info")
    assert len(premises) == 1276 and premises.index[0] == 6
    assert premises["dwellings"].sum() == 5_619_126
    assert premises["establishments"].sum() == 386_559
    assert premises["very_dense_zone"].sum() == 72 and premises["rural"].sum() == 633
    assert premises["mountain"].sum() == 0 and premises["l3313_commitment"].sum() == 341
    assert premises["very_dense_zone"].dtype == "boolean"


def test_arcep_quarter_label():
    assert arcep.quarter_label("T3 2017") == "2017Q3"


# --------------------------------------------------------------------------- Baromètre
@pytest.mark.realdata
def test_barometre_series(read):
    etalab = read("etalab_barometre_territoires")
    assert len(etalab) == 8 * 20 and set(etalab["zone_code"]) == set(IDF_DEPARTMENTS)
    first = etalab[(etalab["zone_code"] == "77")].sort_values("quarter").iloc[0]
    assert first["quarter"] == "2017Q4" and first["coverage_pct"] == 27.0
    assert str(first["period_end"].date()) == "2017-12-31"
    ditp = read("ditp_fibre_2022_2024")
    assert len(ditp) == 9 * 9 and "R11" in set(ditp["zone_code"])
    r11 = ditp[ditp["zone_code"] == "R11"].set_index("quarter")["coverage_pct"]
    assert r11["2022Q2"] == 92.89 and r11["2024Q2"] == 95.0
    start = ditp[(ditp["zone_code"] == "75") & (ditp["quarter"] == "2022Q2")]
    assert str(start["period_end"].iloc[0].date()) == "2022-06-30"
    assert ditp["coverage_pct"].max() < 100  # the 2026 target rows are dropped


# --------------------------------------------------------------------------- INSEE tables
@pytest.mark.realdata
def test_mobpro_flows(read):
    flows = read("insee_mobpro_2014")
    assert len(flows) == 383_932
    assert abs(flows["workers"].sum() - 5_323_745) <= 1
    assert flows.index[0] == 2 and flows.index[-1] == 383_933
    assert set(flows["mode"]) == {"DOMICILE", "NM", "TC", "VP"}
    assert set(flows["csp"]) == {1, 2, 3, 4, 5, 6}
    assert (flows["home_code"] == flows["home_code_2014"]).all()
    assert flows["home_code"].str.len().eq(5).all()


@pytest.mark.realdata
def test_filosofi(read):
    f21 = read("insee_filosofi_2021")
    assert len(f21) == 1288 and f21["median_income_eur"].notna().sum() == 1273
    assert {"75056", "75101"} <= set(f21["commune_code"])
    assert (f21["measure"] == "declared").all() and (f21["year"] == 2021).all()
    assert f21.set_index("commune_code").loc["75056", "median_income_eur"] == 31670.0
    f12 = read("insee_filosofi_2012")
    assert len(f12) == 1301 and (f12["measure"] == "disposable").all()
    assert f12.set_index("commune_code").loc["75056", "median_income_eur"] == 25711.0


@pytest.mark.realdata
def test_comparateur(read):
    census = read("datasfun_comparateur_2024")
    assert len(census) == 1286 and census["commune_code"].is_unique
    assert census["kind"].value_counts().to_dict() == {"COM": 1266, "ARM": 20}
    assert (census["employed_15_64_approx"]
            == census["active_15_64_2021"] - census["unemployed_15_64_2021"]).all()


# --------------------------------------------------------------------------- transport
@pytest.mark.realdata
def test_stations(read):
    stations = read("idfm_stations")
    assert len(stations) == 1234 and stations.index[0] == 2
    assert stations["commune_code"].isna().all()
    assert stations["mode"].value_counts()["METRO"] == 405
    assert stations["lat"].between(47.9, 49.5).all() and stations["lon"].between(1, 4).all()
    assert stations["y_l93"].between(6.7e6, 7.0e6).all()
    assert not stations.duplicated(["station_id", "line"]).any()


@pytest.mark.realdata
def test_validations(read):
    quarters = ["2024t3", "2024t4", "2025t1", "2025t2"]
    frames = [read(f"idfm_validations_{q}") for q in quarters]
    assert [len(f) for f in frames] == [466_121, 472_132, 469_376, 474_206]
    assert all(f.index[0] == 1 for f in frames)
    days = pd.concat([f["day"] for f in frames])
    assert days.nunique() == 365
    assert str(days.min().date()) == "2024-07-01" and str(days.max().date()) == "2025-06-30"
    assert frames[0]["validations"].sum() == 438_160_410  # parsed from "3 165" strings
    assert frames[0]["validations"].dtype == "Int64"
    assert frames[2]["zdc_id"].notna().all()  # the 'ida' column
    assert "NON DEFINI" in set(frames[1]["ticket_category"])
    assert frames[3]["zdc_id"].dropna().str.fullmatch(r"\d+").all()  # floats -> "71900"


@pytest.mark.realdata
def test_gpe_stations(read):
    gpe = read("sgp_gpe_stations")
    assert len(gpe) == 69 and gpe["interconnection"].sum() == 49
    assert gpe["commune_code"].str[:2].value_counts()["93"] == 20
    assert gpe["x_l93"].between(6.0e5, 7.0e5).all() and gpe["y_l93"].between(6.8e6, 6.9e6).all()
    assert gpe["station_name"].str.contains("é").any()  # Latin-1 dbf decoded


# --------------------------------------------------------------------------- solar
@pytest.mark.realdata
def test_nsrdb(read):
    tmy = read("nsrdb_paris_tmy")
    assert len(tmy) == 8760 and tmy.index[0] == 4
    assert abs(tmy["ghi_w_m2"].sum() / 1000 - 1155) < 1
    assert (tmy["time_utc"].dt.minute == 30).all()
    assert tmy["pressure_hpa"].between(950, 1060).all()


@pytest.mark.realdata
def test_buildings_and_roofs(read):
    apur = read("apur_volumes_paris13")
    assert len(apur) == 335 and (apur["commune_code"] == "75113").all()
    assert apur["height_m"].isna().all() and apur["building_id"].str.startswith("apur:").all()
    sd = read("dfg_saint_denis_buildings")
    assert len(sd) == 432 and sd["building_id"].is_unique
    assert sd["height_m"].dropna().between(0.8, 29.1).all() and sd["height_m"].notna().sum() == 345
    assert (sd["footprint_m2"] > 0).all()
    roofs = read("dfg_saint_denis_solar_roofs")
    assert len(roofs) == 352 and roofs["roof_id"].is_unique
    assert roofs["mean_irradiation_kwh_m2"].dropna().between(900, 1400).all()


# --------------------------------------------------------------------------- bad input
def _write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


POPULATION = (
    "REG;Région;DEP;CODARR;CODCAN;CODCOM;COM;Commune;PMUN;PCAP;PTOT\r\n"
    "11;Île-de-France;75;1;;101;75101;Paris 1er Arrondissement;15114;93;15207\r\n"
    "11;Île-de-France;77;1;;001;77001;Achères-la-Forêt;1200;20;1220\r\n"
)
ARCEP = (
    "Réseaux en fibre optique jusqu'à l'abonné (FttH),,,,\n"
    "Déploiement par Commune,,,,\n,,,,\n,,,,\n"
    "Code commune,Champ,T3 2017,T4 2017,T1 2018\n"
    "75056,Locaux Raccordables,1456735,1465819,1484108\n"
    "75056,Catégorie,80,80,80\n"
    "77001,Locaux Raccordables,0,0,0\n"
    "77001,Catégorie,0,0,0\n"
)
MOBPRO = (
    "ORI,DES,MODE,CSP,FLOW,ORILIB,DESLIB\n"
    "75106,75106,DOMICILE,1,5.2,paris-6e,paris-6e\n"
    "75107,75107,TC,3,2.8,paris-7e,paris-7e\n"
)


def _raises(call, path: Path, *fragments: str) -> SourceFormatError:
    with pytest.raises(SourceFormatError) as info:
        call(path)
    message = str(info.value)
    assert path.name in message
    for fragment in fragments:
        assert fragment in message, message
    return info.value


def test_small_files_parse(tmp_path):
    population = insee.read_population(_write(tmp_path, "pop.csv", POPULATION))
    assert population.index.tolist() == [2, 3] and population["population"].sum() == 16_314
    deployment = arcep.read_ftth_communes(_write(tmp_path, "arcep.csv", ARCEP))
    assert deployment.index.tolist() == [6, 6, 6, 8, 8, 8]
    flows = insee.read_mobpro_flows(_write(tmp_path, "flows.csv.gz", gzip.compress(MOBPRO.encode())))
    assert flows["workers"].sum() == pytest.approx(8.0)


def test_truncated_row(tmp_path):
    cut = ARCEP[: ARCEP.index("77001,Catégorie") + len("77001,Cat")]
    error = _raises(arcep.read_ftth_communes, _write(tmp_path, "cut.csv", cut), "line 9")
    assert error.line == 9


def test_ragged_row_in_the_middle(tmp_path):
    bad = MOBPRO.replace("75107,75107,TC,3,2.8,", "75107,75107,TC,3,2.8,extra,")
    _raises(insee.read_mobpro_flows, _write(tmp_path, "ragged.csv", bad), "line 3", "found 8")


def test_missing_column(tmp_path):
    bad = POPULATION.replace("PMUN", "POPMUN")
    error = _raises(insee.read_population, _write(tmp_path, "pop.csv", bad), "'PMUN'", "line 1")
    assert error.column == "PMUN"


def test_wrong_separator(tmp_path):
    bad = POPULATION.replace(";", ",")
    _raises(insee.read_population, _write(tmp_path, "pop.csv", bad), "';'", "single field")


def test_latin1_bytes(tmp_path):
    path = _write(tmp_path, "arcep.csv", ARCEP.encode("latin-1"))
    error = _raises(arcep.read_ftth_communes, path, "line 1", "UTF-8")
    assert error.line == 1
    later = MOBPRO + "75108,75108,TC,3,1.0,paris-8e,paris-8e\n"
    later = later.encode() + "77001,77001,VP,4,1.0,achères,achères\n".encode("latin-1")
    _raises(insee.read_mobpro_flows, _write(tmp_path, "flows.csv", later), "line 5")


@pytest.mark.parametrize(
    "reader, name",
    [
        (insee.read_population, "empty.csv"),
        (insee.read_mobpro_flows, "empty.csv.gz"),
        (nsrdb.read_tmy, "empty_nsrdb.csv"),
        (idfm.read_validations, "empty.parquet"),
        (insee.read_ept, "empty.xlsx"),
        (idfm.read_gpe_stations, "empty.shp"),
    ],
)
def test_empty_file(tmp_path, reader, name):
    data = gzip.compress(b"") if name.endswith(".gz") else b""
    _raises(reader, _write(tmp_path, name, data), "empty")


def test_non_numeric_values(tmp_path):
    bad = MOBPRO.replace(",2.8,", ",abc,")
    error = _raises(insee.read_mobpro_flows, _write(tmp_path, "flows.csv", bad),
                    "line 3", "'FLOW'", "abc")
    assert (error.line, error.column) == (3, "FLOW")
    bad = ARCEP.replace("0,0,0\n77001,Cat", "0,x12,0\n77001,Cat")
    _raises(arcep.read_ftth_communes, _write(tmp_path, "arcep.csv", bad), "line 8", "'T4 2017'")


def test_arcep_spaced_numbers_and_dashes(tmp_path):
    text = (
        ",,,,,,,,,,,,\n" * 4
        + "Code commune,Nom commune,Code région,Code département,Siren EPCI,Logements,"
        "Établissements,Zones très denses,Engagements L. 33-13,"
        "Intentions privées hors engagement L. 33-13,Commune rurale,Commune de montagne,"
        "OI 2018 T1\n"
        "78003,Ablis,11,78,200073344, 1\u00a0291    , -    , -    , FRTE    , 1    , -    , -    ,\n"
        "75056,Paris,11,75,200054781, 1 362 182    , 9    , 1    , -    , -    , -    , -    , X\n"
    )
    premises = arcep.read_communes_info(_write(tmp_path, "info.csv", text))
    assert premises["dwellings"].tolist() == [1291, 1_362_182]
    assert premises["establishments"].tolist() == [0, 9]
    assert premises["l3313_commitment"].tolist() == [True, False]
    assert premises["very_dense_zone"].tolist() == [False, True]
    assert premises.index.tolist() == [6, 7]
    bad = text.replace(", 9    ,", ", nine ,")
    _raises(arcep.read_communes_info, _write(tmp_path, "bad.csv", bad), "line 7", "Établissements")


def test_parquet_bad_count(tmp_path):
    table = pa.table({
        "jour": pa.array([pd.Timestamp("2024-07-01").date()] * 3, pa.date32()),
        "libelle_arret": ["A", "B", "C"], "ida": [1.0, 2.0, None],
        "categorie_titre": ["NON DEFINI"] * 3, "nb_vald": ["3 165", "12", "oops"],
    })
    path = tmp_path / "valid.parquet"
    pq.write_table(table, path)
    _raises(idfm.read_validations, path, "line 3", "'nb_vald'")
    pq.write_table(table.slice(0, 2), path)
    frame = idfm.read_validations(path)
    assert frame["validations"].tolist() == [3165, 12] and frame["zdc_id"].tolist() == ["1", "2"]
    pq.write_table(table.drop(["nb_vald"]), path)
    _raises(idfm.read_validations, path, "'nb_vald'")


def test_not_a_parquet_or_geojson(tmp_path):
    _raises(idfm.read_validations, _write(tmp_path, "bad.parquet", "hello"), "Parquet")
    from smartidf_analysis.data.sources import ign

    _raises(ign.read_communes_geojson, _write(tmp_path, "bad.geojson", '{"type": "Feat'), "bad")
