"""Tests of the synthetic demo region (:mod:`smartidf_analysis.data.synthetic.region`)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
import shapely

from smartidf_analysis.data.schema import TABLES
from smartidf_analysis.data.synthetic import region as synthetic

KINDS = {
    "VARCHAR": "str", "BIGINT": "i", "INTEGER": "i", "TINYINT": "i", "SMALLINT": "i", "DOUBLE": "f",
    "BOOLEAN": "b", "DATE": "M", "TIMESTAMP": "M", "BLOB": "O",
}


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return synthetic.build_tables()


def _parquet_bytes(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return buf.getvalue()


def test_every_table_with_exact_columns_and_dtypes(tables):
    assert list(tables) == list(TABLES)
    for name, table in TABLES.items():
        df = tables[name]
        assert list(df.columns) == list(table.columns), name
        assert len(df) > 0, name
        for col, sql_type in table.columns.items():
            dtype = df[col].dtype
            want = KINDS[sql_type]
            if want == "str":
                assert pd.api.types.is_string_dtype(dtype), (name, col, dtype)
            elif want == "O":
                assert all(isinstance(v, bytes) for v in df[col]), (name, col)
            else:
                assert dtype.kind == want, (name, col, dtype)


def test_keys_unique_and_non_negative(tables):
    for name, table in TABLES.items():
        df = tables[name]
        if table.key:
            assert not df.duplicated(list(table.key)).any(), name
            assert df[list(table.key)].notna().all().all(), name
        for col in table.non_negative:
            assert (df[col].dropna() >= 0).all(), (name, col)


def test_deterministic(tables):
    again = synthetic.build_tables()
    for name in TABLES:
        assert _parquet_bytes(tables[name]) == _parquet_bytes(again[name]), name


def test_other_seed_differs(tables):
    other = synthetic.build_tables(seed=1)
    for name in ("communes", "commuting_flows", "station_validations", "irradiance_hourly"):
        assert _parquet_bytes(tables[name]) != _parquet_bytes(other[name]), name


def test_scale_multiplies_people_not_geography(tables):
    big = synthetic.build_tables(scale=2.0)
    pop1, pop2 = tables["communes"]["population"].sum(), big["communes"]["population"].sum()
    assert pop2 == pytest.approx(2 * pop1, rel=1e-5)
    w1, w2 = tables["commuting_flows"]["workers"].sum(), big["commuting_flows"]["workers"].sum()
    assert w2 == pytest.approx(2 * w1, rel=0.01)
    assert len(big["commuting_flows"]) > len(tables["commuting_flows"])
    for name, col in (("premises", "dwellings"), ("station_validations", "validations")):
        assert big[name][col].sum() == pytest.approx(2 * tables[name][col].sum(), rel=1e-3), name
    assert big["communes"]["geometry_wkb"].equals(tables["communes"]["geometry_wkb"])


def test_region_shape(tables):
    com = tables["communes"]
    idf = ["75", "77", "78", "91", "92", "93", "94", "95"]
    assert sorted(tables["departments"]["department_code"]) == idf
    assert sorted(com["department_code"].unique()) == idf
    assert com["commune_code"].str.fullmatch(r"\d{5}").all()
    assert 120 <= (com["kind"] == "COM").sum() <= 180
    assert com["commune_name"].str.contains("Synthèse").all()
    main = com[com["kind"] == "COM"]
    assert 11e6 < main["population"].sum() < 13.5e6
    assert 10_000 < main["area_km2"].sum() < 14_000
    assert main["centroid_lat"].between(48.0, 49.5).all() and main["centroid_lon"].between(1.2, 3.8).all()
    # the inner departments are in EPTs, the outer ones are not
    assert com.loc[com["department_code"].isin(["92", "93", "94"]), "ept_code"].notna().all()
    assert com.loc[com["department_code"].isin(["77", "78", "91", "95"]), "ept_code"].isna().all()
    # the department polygons cover the communes
    dep_area = shapely.area(shapely.from_wkb(tables["departments"]["geometry_wkb"].to_numpy())).sum()
    com_area = shapely.area(shapely.from_wkb(main["geometry_wkb"].to_numpy())).sum()
    assert dep_area == pytest.approx(com_area, rel=1e-6)
    codes = set(com["commune_code"])
    assert set(tables["commune_code_map"]["commune_code"]) <= codes
    assert codes <= set(tables["commune_code_map"]["source_code"])


def test_arrondissements_make_paris(tables):
    com = tables["communes"].set_index("commune_code")
    arm = com[com["kind"] == "ARM"]
    assert list(arm.index) == [f"751{i:02d}" for i in range(1, 21)]
    assert (arm["parent_code"] == "75056").all()
    assert arm["population"].sum() == com.loc["75056", "population"]
    assert arm["population_total"].sum() == com.loc["75056", "population_total"]
    assert arm["area_km2"].sum() == pytest.approx(com.loc["75056", "area_km2"], rel=1e-6)
    density = arm["population"].sum() / arm["area_km2"].sum()
    outer = com[com["department_code"].isin(["77", "78", "91", "95"])]
    assert density > 10 * outer["population"].sum() / outer["area_km2"].sum()


def test_commuting_flows(tables):
    flows, com = tables["commuting_flows"], tables["communes"]
    units = set(com["commune_code"]) - {"75056"}
    assert set(flows["home_code"]) <= units and set(flows["work_code"]) <= units
    assert (flows["home_code"] == flows["home_code_2014"]).all()
    assert set(flows["mode"]) == {"DOMICILE", "NM", "TC", "VP"}
    assert set(flows["csp"]) <= set(range(1, 7))
    total = flows["workers"].sum()
    assert total / com.loc[com["kind"] == "COM", "population"].sum() == pytest.approx(0.43, abs=0.01)
    share = flows.groupby("mode")["workers"].sum() / total
    assert share["DOMICILE"] == pytest.approx(0.04, abs=0.005)
    home = flows[flows["mode"] == "DOMICILE"]
    assert (home["home_code"] == home["work_code"]).all()
    to_paris = flows.loc[flows["work_code"].str.startswith("751"), "workers"].sum() / total
    assert 0.2 < to_paris < 0.5


def test_fibre_classes_consistent(tables):
    fib, prem = tables["fibre_deployment"], tables["premises"]
    assert set(fib["quarter"]) == {"2017Q3", "2017Q4", "2018Q1"}
    den = prem.set_index("commune_code")[["dwellings", "establishments"]].sum(axis=1)
    com = fib[fib["geo_level"] == "COM"].join(den.rename("premises"), on="commune_code")
    assert com["premises"].notna().all()
    rate = com["connectable_premises"] / com["premises"]
    bins = np.select([com["connectable_premises"] == 0, rate < 0.1, rate < 0.25, rate < 0.5, rate < 0.8],
                     [0, 5, 10, 25, 50], 80)
    assert (bins == com["arcep_class"]).all()
    assert (rate <= 1).all()
    # connectable premises never fall, and Paris is the sum of its arrondissements
    wide = fib.pivot(index="commune_code", columns="quarter", values="connectable_premises")
    assert (wide.diff(axis=1).iloc[:, 1:] >= 0).all().all()
    arm = fib[fib["geo_level"] == "ARM"].groupby("quarter")["connectable_premises"].sum()
    paris = fib[fib["commune_code"] == "75056"].set_index("quarter")["connectable_premises"]
    assert (arm == paris.loc[arm.index]).all()
    deps = tables["fibre_deployment_departments"].set_index(["department_code", "quarter"])
    com["dep"] = com["commune_code"].str[:2]
    sums = com.groupby(["dep", "quarter"])["connectable_premises"].sum()
    assert (deps["connectable_premises"].to_numpy() == sums.to_numpy()).all()
    series = tables["fibre_department_series"]
    assert set(series["zone_code"]) == {"75", "77", "78", "91", "92", "93", "94", "95", "R11"}
    last = series[series["quarter"] == "2024Q2"]["coverage_pct"]
    assert (last > 90).all() and (series["coverage_pct"] <= 100).all()


def test_weekly_validation_profile(tables):
    val = tables["station_validations"]
    assert val["day"].min() == pd.Timestamp("2024-07-01") and val["day"].nunique() == 365
    by_dow = val.groupby(val["day"].dt.day_of_week)["validations"].sum()
    assert min(by_dow[1], by_dow[2], by_dow[3]) > max(by_dow[0], by_dow[4])
    assert max(by_dow[5], by_dow[6]) < min(by_dow[0], by_dow[4])
    assert set(val["zdc_id"]) <= set(tables["stations"]["zdc_id"])


def test_points_in_the_region(tables):
    com = tables["communes"]
    units = com[com["commune_code"] != "75056"]
    assert set(tables["stations"]["commune_code"]) <= set(units["commune_code"])
    assert 250 <= len(tables["stations"]) <= 400
    assert set(tables["gpe_stations"]["commune_code"]) <= set(units["commune_code"])
    assert set(tables["buildings"]["commune_code"]) <= set(units["commune_code"])


def test_irradiance_year(tables):
    irr = tables["irradiance_hourly"]
    assert len(irr) == 8760 and irr["time_utc"].is_monotonic_increasing
    annual_ghi = irr["ghi_w_m2"].sum() / 1000  # kWh/m²
    assert 900 < annual_ghi < 1400
    assert (irr["ghi_w_m2"] <= irr["clearsky_ghi_w_m2"] * 1.1 + 1).all()
    july = irr[irr["time_utc"].dt.month == 7]["temp_air_c"].mean()
    january = irr[irr["time_utc"].dt.month == 1]["temp_air_c"].mean()
    assert july > january + 10


def test_a_synthetic_build_says_so_at_the_command_line_and_on_the_pages(synthetic_db, capsys):
    """What a synthetic build shows: the note ``smartidf data build`` prints, the flag the pages
    read, and the warning banner on top of a page, in French and English."""
    import panel as pn

    from smartidf_analysis import cli
    from smartidf_analysis.apps import shell
    from smartidf_analysis.apps.i18n import tr

    assert cli.main(["data", "build", "--synthetic", "--quiet"]) == 0  # up to date: not rebuilt
    out = capsys.readouterr().out
    assert "is up to date" in out and f"NOTE: {synthetic.SYNTHETIC_NOTICE}" in out.splitlines()
    assert shell.is_synthetic(synthetic_db)
    for lang in ("fr", "en"):
        page = shell.template("overview", [pn.pane.Markdown("content")], lang=lang)
        banners = [a.object for a in page.select(pn.pane.Alert) if "synthetic-banner" in a.css_classes]
        assert banners == [tr("synthetic_banner", lang)], lang


def test_commute_records():
    table = synthetic.commute_records(100_000)
    assert table.num_rows == 100_000
    assert table.column_names == ["home_code", "work_code", "mode", "csp", "workers"]
    df = table.to_pandas()
    assert set(df["mode"]) == {"DOMICILE", "NM", "TC", "VP"}
    assert df["csp"].between(1, 6).all() and (df["workers"] == 1.0).all()
    assert synthetic.commute_records(1000, seed=3).equals(synthetic.commute_records(1000, seed=3))
    chunks = list(synthetic.iter_commute_records(25_000, chunk=10_000))
    assert [b.num_rows for b in chunks] == [10_000, 10_000, 5_000]
    assert synthetic.commute_records(0).num_rows == 0


def test_bad_scale():
    with pytest.raises(ValueError):
        synthetic.build_tables(scale=0)
