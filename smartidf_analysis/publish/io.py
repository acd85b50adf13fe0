"""The open-data service's reads: the only publish module that touches the database, through
:mod:`smartidf_analysis.data.db` (named queries ``sql/publish_*.sql``, bound parameters
only) and the io modules of the themes. Each function returns one collection's rows as a
pandas frame; :func:`cached` keeps one copy per database build (the file's identity, or the
Parquet export's stamp), so a rebuild is served fresh and a page of a collection never runs
SQL: filters, bbox and paging are applied to the cached frame by
:mod:`smartidf_analysis.publish.provider` on whitelisted field names.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from smartidf_analysis import broadband
from smartidf_analysis import commuting as cm
from smartidf_analysis.data import db
from smartidf_analysis.data.build_cache import BuildCache
from smartidf_analysis.solar import io as solar_io
from smartidf_analysis.telecentres import io as telecentres_io
from smartidf_analysis.telecentres.demand import DEFAULT
from smartidf_analysis.telecentres.scenarios import run_scenario

#: INSEE MOBPRO transport modes, as the flows carry them
MODES = ("DOMICILE", "NM", "TC", "VP")
CSPS = (1, 2, 3, 4, 5, 6)

#: the collections' frames and the siting inputs, per build (data/build_cache.py)
_CACHE = BuildCache(max_items=32)


def cached(name: str, load: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """``load()`` once per database build and name; concurrent callers of one name wait for
    the first one's result (single flight) instead of loading it again.

    Parameters
    ----------
    name : str
        The cache key (a collection name or ``"prepared:<name>"``).
    load : callable
        A function of no argument that reads the value.

    Returns
    -------
    pandas.DataFrame
        The value of ``load()`` for the current build (whatever ``load`` returns).
    """
    with db.pinned():  # the key and the reads of one build
        return _CACHE.get(db.build_key(), name, load)


def provenance(tables: list[str]) -> pd.DataFrame:
    """Provenance rows (dataset, title, producer, vintage, licence, url, synthetic) of the
    datasets feeding ``tables``.

    Parameters
    ----------
    tables : list of str
        Table names of the database.

    Returns
    -------
    pandas.DataFrame
        ``dataset_id``, ``table_name``, ``title``, ``producer``, ``vintage``, ``licence``,
        ``url``, ``synthetic``, ``origin``; one row per dataset and table.
    """
    return db.query("publish_provenance", tables=list(tables))


def communes() -> pd.DataFrame:
    """Every commune and Paris arrondissement (IGN / INSEE COG) with ``geometry_wkb`` and its
    indicators: FttH ``coverage_rate`` [fraction] at ``fibre_quarter`` (ARCEP), commuting
    indicators of :func:`smartidf_analysis.commuting.io.indicators` (INSEE MOBPRO 2014:
    ``resident_workers``, ``jobs`` [workers], ``self_containment``, ``mean_distance_residents_km``,
    ``share_tc``, ``share_vp`` [fraction]) and the modelled specific yield of a reference
    roof ``solar_yield_kwh_kwp`` [kWh/kWp/yr].

    Returns
    -------
    pandas.DataFrame
        One row per commune and arrondissement: ``commune_code``, ``commune_name``, ``kind``,
        ``parent_code``, ``department_code``, ``department_name``, ``epci_siren``,
        ``epci_name``, ``ept_code``, ``ept_name``, ``population``, ``population_total``
        [inhabitants], ``area_km2`` [km²], ``centroid_lon``, ``centroid_lat`` [deg, WGS84],
        ``geometry_wkb``, ``density_per_km2`` [inhabitants/km²], ``coverage_rate``,
        ``fibre_quarter`` and the indicators above.
    """
    base = db.query("publish_communes")
    base["density_per_km2"] = base["population"] / base["area_km2"].where(base["area_km2"] > 0)
    cov = broadband.latest_coverage_by_commune(broadband.load())
    cov = cov.drop_duplicates("commune_code")[["commune_code", "coverage_rate", "quarter"]]
    base = base.merge(cov.rename(columns={"quarter": "fibre_quarter"}), on="commune_code",
                      how="left")
    ind = cm.indicators()[["commune_code", "resident_workers", "jobs", "self_containment",
                           "mean_distance_residents_km", "share_tc", "share_vp"]]
    base = base.merge(ind.drop_duplicates("commune_code"), on="commune_code", how="left")
    yields = solar_io.commune_reference_yield()[["commune_code", "specific_yield_kwh_kwp"]]
    base = base.merge(yields.rename(columns={"specific_yield_kwh_kwp": "solar_yield_kwh_kwp"}),
                      on="commune_code", how="left")
    return base


def fibre_quarters() -> pd.DataFrame:
    """ARCEP FttH coverage per reporting unit (2018 commune, Paris as 75056, or Paris
    arrondissement) and quarter: ``connectable_premises``, ``premises_total`` [premises],
    ``coverage_rate`` [fraction, raw], ``arcep_class``.

    Returns
    -------
    pandas.DataFrame
        ``unit_quarter`` (identifier ``<geo_level>-<unit_code>-<quarter>``), ``geo_level``,
        ``unit_code``, ``commune_code``, ``quarter``, the columns above and
        ``no_data_reason``; sorted by ``unit_quarter``.
    """
    data = broadband.load()
    units = broadband.unit_quarters(data.fibre, data.premises)
    out = units[["geo_level", "unit_code", "commune_code", "quarter", "connectable_premises",
                 "premises_total", "coverage_rate", "arcep_class", "no_data_reason"]].copy()
    out.insert(0, "unit_quarter", out["geo_level"] + "-" + out["unit_code"] + "-" + out["quarter"])
    return out.sort_values("unit_quarter", ignore_index=True)


def commuting_flows() -> pd.DataFrame:
    """INSEE MOBPRO 2014 home-to-work flows per home commune, work commune and mode:
    ``workers`` [persons, sums of survey weights], ``distance_km`` [km, crow-fly between
    Lambert-93 centroids].

    Returns
    -------
    pandas.DataFrame
        ``flow_id`` (``<home>-<work>-<mode>``), ``home_code``, ``work_code``, ``mode``,
        ``workers`` [persons], ``distance_km`` [km].
    """
    flows = cm.flows_with_distance(by=("mode",))
    flows.insert(0, "flow_id", flows["home_code"] + "-" + flows["work_code"] + "-" + flows["mode"])
    return flows[["flow_id", "home_code", "work_code", "mode", "workers", "distance_km"]]


def telecentre_sites() -> pd.DataFrame:
    """The sites of the default telecentre scenario (``status`` proposed: stations chosen by
    :func:`smartidf_analysis.telecentres.scenarios.run_scenario`, with the ``daily_users``
    they serve; p is cut to the number of candidate stations when there are fewer, as in
    the small synthetic region) and the existing sites imported by ``smartidf data
    import-sites`` (``status`` existing).

    Returns
    -------
    pandas.DataFrame
        ``site_id``, ``name``, ``status``, ``commune_code``, ``lines``, ``lon``, ``lat``
        [deg, WGS84], ``daily_users`` [users/day], ``seats`` [seats], ``coverage_rate``;
        sorted by ``site_id``.
    """
    inputs = telecentre_inputs()
    candidates = int(inputs.candidates(DEFAULT)["candidate"].sum())
    result = run_scenario(inputs, DEFAULT.but(n_sites=max(1, min(DEFAULT.n_sites, candidates))))
    proposed = result.sites.assign(status="proposed", name=result.sites["station_name"])
    proposed = proposed[["site_id", "name", "status", "commune_code", "lines", "lon", "lat",
                         "daily_users", "seats", "coverage_rate"]]
    existing = telecentres_io.load_existing_sites()
    existing = pd.DataFrame({
        "site_id": existing["site_id"], "name": existing["name"], "status": "existing",
        "commune_code": existing["commune_code"], "lines": None,
        "lon": existing["lon"].astype(float), "lat": existing["lat"].astype(float),
        "daily_users": np.nan, "seats": existing["seats"].astype(float),
        "coverage_rate": np.nan})
    parts = [p for p in (proposed, existing) if len(p)]
    sites = pd.concat(parts, ignore_index=True) if parts else proposed
    sites["site_id"] = sites["site_id"].astype(str)
    return sites.drop_duplicates("site_id").sort_values("site_id", ignore_index=True)


def solar_communes() -> pd.DataFrame:
    """Solar potential per map unit (Paris by arrondissement): annual horizontal irradiation
    [kWh/m2] of the shipped PVGIS-fitted field at the centroid, and the MODELLED plane
    irradiation [kWh/m2/yr] and specific yield [kWh/kWp/yr] of a 35° south-facing reference
    roof; with the unit's boundary.

    Returns
    -------
    pandas.DataFrame
        ``commune_code``, ``commune_name``, ``horizontal_irradiation_kwh_m2`` [kWh/m²/yr],
        ``plane_irradiation_kwh_m2`` [kWh/m²/yr] and ``specific_yield_kwh_kwp`` [kWh/kWp/yr]
        (:func:`smartidf_analysis.solar.io.commune_reference_yield`), ``department_code``
        and ``geometry_wkb``.
    """
    field = solar_io.commune_irradiation()
    ref = solar_io.commune_reference_yield()
    shapes = db.query("publish_communes")[["commune_code", "department_code", "geometry_wkb"]]
    out = field[["commune_code", "commune_name", "irradiation_kwh_m2"]].rename(
        columns={"irradiation_kwh_m2": "horizontal_irradiation_kwh_m2"})
    out = out.merge(ref.rename(columns={"irradiation_kwh_m2": "plane_irradiation_kwh_m2"}),
                    on="commune_code", how="left")
    return out.merge(shapes, on="commune_code", how="left")


def gpe_stations() -> pd.DataFrame:
    """Grand Paris Express stations (Société du Grand Paris 2016 plan).

    Returns
    -------
    pandas.DataFrame
        ``station_code``, ``station_name``, ``lines``, ``interconnection``, ``commune_code``,
        ``lon``, ``lat`` [deg, WGS84], ``x_l93``, ``y_l93`` [m, Lambert-93].
    """
    return db.query("telecentres_gpe_stations")


def telecentre_inputs():
    """The telecentre inputs of the current build (for the siting process), once per build.

    Returns
    -------
    smartidf_analysis.telecentres.sites.TelecentreInputs
        :func:`smartidf_analysis.telecentres.io.load_inputs` of the current build.
    """
    return cached("_inputs", telecentres_io.load_inputs)
