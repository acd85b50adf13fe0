"""A deterministic synthetic demo region in the canonical schema (:mod:`smartidf_analysis.data.schema`).

Used when neither the offline mirror nor the network is available, and for small test
fixtures. The region is *fake* but shaped like Île-de-France: 8 departments with the real
codes, 149 communes named "Synthèse-…" plus a Paris-like core 75056 split into 20
arrondissements 75101-75120, about 12,000 km² and 12.3 million inhabitants at ``scale=1``
(geometry in :mod:`smartidf_analysis.data.synthetic.geo`, communes, commuting and fibre in
:mod:`~smartidf_analysis.data.synthetic.communes`, the other layers in
:mod:`~smartidf_analysis.data.synthetic.layers`). Every table is drawn from
``numpy.random.default_rng`` streams spawned from ``seed``: same seed and scale give
byte-identical tables.

Models (all figures are illustrative, not estimates):

* population: department totals of the order of the real 2023 ones times ``scale``, spread
  over communes ∝ area × exp(-r/ℓ) × lognormal noise (r distance to the core [km]);
* commuting (gravity model): resident workers = 43 % of population; 4 % work at home
  (mode ``DOMICILE``); the others work in j with probability ∝ J_j·exp(-d_ij/λ), λ = 9 km,
  jobs J concentrated in central Paris and a "La Défense"-like hub in 92, own commune ×3; mode
  NM/TC/VP by a logit of distance [km] and core membership; CSP 1..6 by the home commune's affluence;
* fibre: FttH rate per commune rising over 2017Q3-2018Q1 (dense core near 100 %, many outer
  communes at 0), ``arcep_class`` from the rate (0, 5 <10 %, 10 <25 %, 25 <50 %, 50 <80 %, 80);
* transport: rail lines with ~300 stations, daily validations with a weekly profile
  (Tue-Thu > Mon, Fri ≫ weekends), summer and holiday dips;
* solar: pvlib Ineichen clear sky at 48.85N 2.34E times an AR(1) clear-sky index,
  Erbs decomposition into DNI/DHI.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import shapely

from smartidf_analysis.data.schema import TABLES
from smartidf_analysis.data.synthetic import communes as commune_layer
from smartidf_analysis.data.synthetic import geo, layers
from smartidf_analysis.data.synthetic.communes import MODES, arcep_class, schema_frame

SYNTHETIC_NOTICE = "Synthetic demo data: a fake Île-de-France-like region, not official statistics."


def iter_commute_records(n_records: int, seed: int = 0, communes: pd.DataFrame | None = None,
                         chunk: int = 2_000_000) -> Iterator[pa.RecordBatch]:
    """Individual commute records from the gravity model, in RecordBatches of at most ``chunk`` rows.

    Columns: home_code, work_code (strings), mode (string), csp (int8, 1..6), workers (1.0).
    ``communes`` is a ``communes`` table (default: the synthetic region for ``seed``); a dense
    n×n matrix is used, so keep it to a few thousand units. Memory is bounded by ``chunk``.

    Parameters
    ----------
    n_records : int
        Number of records.
    seed : int, default 0
        The seed.
    communes : pandas.DataFrame, optional
        See above.
    chunk : int, default 2_000_000
        Rows per batch.

    Yields
    ------
    pyarrow.RecordBatch
        The records.
    """
    if communes is None:
        rngs = commune_layer.streams(seed)
        communes, _ = commune_layer.commune_table(rngs["geo"], rngs["pop"], 1.0)
    units = commune_layer.commuting_units(communes)
    codes = pa.array(units["commune_code"].astype(str).tolist())
    w_home, joint, csp = commune_layer.gravity(units)
    n = len(units)
    cum = np.cumsum((w_home / w_home.sum())[:, None] * joint.reshape(n, -1))
    cum /= cum[-1]
    csp_cum = np.cumsum(csp, 1)
    modes = pa.array(MODES)
    for k, size in enumerate(_chunks(n_records, chunk)):
        rng = np.random.default_rng([seed, 7_919, k])
        cell = np.searchsorted(cum, rng.random(size), side="right").clip(0, len(cum) - 1)
        home, rest = np.divmod(cell, n * 4)
        work, mode = np.divmod(rest, 4)
        c = (rng.random(size)[:, None] > csp_cum[home]).sum(1).clip(0, 5) + 1
        yield pa.record_batch({
            "home_code": codes.take(pa.array(home)), "work_code": codes.take(pa.array(work)),
            "mode": modes.take(pa.array(mode)), "csp": pa.array(c.astype(np.int8)),
            "workers": pa.array(np.ones(size)),
        })


def commute_records(n_records: int, seed: int = 0, communes: pd.DataFrame | None = None) -> pa.Table:
    """``n_records`` individual commute records as one pyarrow Table (see :func:`iter_commute_records`).

    Parameters
    ----------
    n_records : int
        Number of records.
    seed : int, default 0
        The seed.
    communes : pandas.DataFrame, optional
        A ``communes`` table; default the synthetic region of ``seed``.

    Returns
    -------
    pyarrow.Table
        The records (an empty table with the columns when ``n_records`` is 0).
    """
    batches = list(iter_commute_records(n_records, seed, communes))
    if not batches:
        schema = pa.schema([("home_code", pa.string()), ("work_code", pa.string()), ("mode", pa.string()),
                            ("csp", pa.int8()), ("workers", pa.float64())])
        return schema.empty_table()
    return pa.Table.from_batches(batches)


def _chunks(n: int, chunk: int) -> list[int]:
    return [min(chunk, n - i) for i in range(0, n, chunk)]


def build_tables(seed: int = 0, scale: float = 1.0) -> dict[str, pd.DataFrame]:
    """Every table of :data:`smartidf_analysis.data.schema.TABLES` for the synthetic region.

    Parameters
    ----------
    seed : int
        Seed of all random streams; the same (seed, scale) gives byte-identical tables.
    scale : float
        Multiplies population, workers, dwellings/establishments and validations [-];
        the geography (communes, stations, buildings) does not change.

    Returns
    -------
    dict of str to pandas.DataFrame
        Table name -> DataFrame with exactly the schema's columns, in ``TABLES`` order.

    Raises
    ------
    ValueError
        If ``scale`` is not positive.
    """
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    rngs = commune_layer.streams(seed)
    com, geom_arr = commune_layer.commune_table(rngs["geo"], rngs["pop"], scale)
    geoms = dict(zip(com["commune_code"], geom_arr, strict=True))
    units = commune_layer.commuting_units(com)
    dw, est = commune_layer.premises_counts(rngs["fibre"], com)
    den = dw + est
    fib = commune_layer.fibre_table(rngs["fibre"], com, den, scale)
    is_com = com["kind"].eq("COM").to_numpy()
    com_rows = fib[fib["geo_level"] == "COM"].merge(com[["commune_code", "department_code"]])
    fib_dep = com_rows.groupby(["department_code", "quarter"], as_index=False, sort=True)[
        "connectable_premises"].sum()
    den_dep = pd.Series(den[is_com], index=com["department_code"][is_com]).groupby(level=0, sort=True).sum()
    fib_dep["arcep_class"] = arcep_class(fib_dep["connectable_premises"],
                                         den_dep.reindex(fib_dep["department_code"]).to_numpy())
    dens = com["population"].to_numpy() / scale / com["area_km2"].to_numpy()
    r_misc = rngs["misc"]
    pc = com[is_com]
    premises = schema_frame("premises", dict(
        commune_code=pc["commune_code"], commune_code_2018=pc["commune_code"],
        commune_name=pc["commune_name"],
        department_code=pc["department_code"], epci_siren=pc["epci_siren"], dwellings=dw[is_com],
        establishments=est[is_com], very_dense_zone=(dens > 9000)[is_com],
        l3313_commitment=((dens > 600) & (dens <= 9000))[is_com],
        private_intention=((dens > 300) & (dens <= 600))[is_com] & (r_misc.uniform(size=is_com.sum()) < 0.5),
        rural=(dens < 150)[is_com], mountain=np.zeros(is_com.sum(), bool),
        infrastructure_operators=np.where(fib.loc[fib["quarter"] == "2018Q1", "connectable_premises"]
                                          .to_numpy()[is_com] > 0,
                                          r_misc.choice(["Orange", "SFR", "Orange, SFR", "Free, Orange"],
                                                        is_com.sum()), None)))
    code_map = [(c, c, "identity") for c in com["commune_code"]]
    outer = pc[pc["department_code"].isin(["77", "78", "91", "95"])]["commune_code"].to_numpy(str)
    for i, c in enumerate(r_misc.choice(outer, 3, replace=False)):
        code_map.append((f"{c[:2]}9{i:02d}", c, "delegated"))
    dep_codes = sorted(d[0] for d in geo.DEPARTMENTS)
    dep_names = {d[0]: f"{d[1]} (synthèse)" for d in geo.DEPARTMENTS}
    dep_of = com["department_code"].to_numpy(str)
    dep_geom = [shapely.union_all(geom_arr[is_com & (dep_of == d)]) for d in dep_codes]
    stations = layers.stations_table(rngs["stations"], com, units, geoms)
    buildings, roofs = layers.buildings_and_roofs(rngs["buildings"], com)
    tables = {
        "communes": com,
        "commune_code_map": schema_frame("commune_code_map", dict(zip(
            ("source_code", "commune_code", "method"), map(list, zip(*code_map, strict=True)), strict=True))),
        "departments": schema_frame("departments", dict(
            department_code=dep_codes, department_name=[dep_names[d] for d in dep_codes],
            geometry_wkb=shapely.to_wkb(geo.to_wgs84(np.asarray(dep_geom, dtype=object))))),
        "commuting_flows": commune_layer.commuting_flows(rngs["commute"], com),
        "fibre_deployment": fib,
        "fibre_deployment_departments": schema_frame("fibre_deployment_departments", dict(fib_dep)),
        "fibre_department_series": commune_layer.fibre_series_table(rngs["fibre"], fib_dep, den_dep),
        "premises": premises,
        "stations": stations,
        "station_validations": layers.validations_table(rngs["validations"], stations, scale),
        "irradiance_hourly": layers.irradiance_table(rngs["sun"]),
        "buildings": buildings,
        "solar_cadastre_roofs": roofs,
        "incomes": layers.incomes_table(rngs["misc"], com),
        "gpe_stations": layers.gpe_table(rngs["gpe"], units, geoms),
        "commune_census_2021": layers.census_table(rngs["misc"], com),
    }
    return {name: tables[name] for name in TABLES}
