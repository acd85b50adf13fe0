"""Synthetic region, the commune layer: the ``communes`` table (population, EPCIs, EPTs), the
gravity model of commuting (flows and the records of
:func:`~smartidf_analysis.data.synthetic.region.iter_commute_records`), premises and FttH
fibre; plus the helpers every generator shares (:func:`schema_frame`, :func:`streams`). The
models are described in :mod:`smartidf_analysis.data.synthetic.region`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from smartidf_analysis.data.schema import TABLES
from smartidf_analysis.data.synthetic import geo

WORKER_SHARE = 0.43  # resident workers / population
HOME_SHARE = 0.04  # share of workers working at home (mode DOMICILE)
LAMBDA_KM = 9.0  # distance decay of the gravity model [km]
LOCAL_BOOST = 3.0  # extra attraction of jobs in one's own commune [-]
MODES = ("DOMICILE", "NM", "TC", "VP")
QUARTERS = ("2017Q3", "2017Q4", "2018Q1")
CLASS_BOUNDS = (0.10, 0.25, 0.50, 0.80)  # arcep_class 5 | 10 | 25 | 50 | 80 above these rates
CLASSES = np.array([5, 10, 25, 50, 80])
MGP = ("200054781", "Métropole du Grand Paris (synthèse)")
_STREAMS = ("geo", "pop", "commute", "fibre", "stations", "validations", "sun", "buildings", "gpe", "misc")


def arcep_class(connectable, premises) -> np.ndarray:
    """ARCEP coverage class of connectable / premises: 0 if none, else 5, 10, 25, 50 or 80.

    Parameters
    ----------
    connectable : array_like
        Connectable premises [premises].
    premises : array_like
        Premises (dwellings + establishments) [premises]; values below 1 count as 1.

    Returns
    -------
    numpy.ndarray
        The class (0, 5, 10, 25, 50 or 80) of each element.
    """
    rate = np.asarray(connectable, float) / np.maximum(np.asarray(premises, float), 1)
    return np.where(np.asarray(connectable) <= 0, 0, CLASSES[np.searchsorted(CLASS_BOUNDS, rate, "right")])


def schema_frame(name: str, data: dict) -> pd.DataFrame:
    """A DataFrame with exactly the schema's columns, in order, with matching dtypes.

    Parameters
    ----------
    name : str
        A canonical table (:data:`~smartidf_analysis.data.schema.TABLES`).
    data : dict
        Column -> values, exactly the table's columns in order.

    Returns
    -------
    pandas.DataFrame
        The table, each column cast to the pandas type of its DuckDB type.
    """
    cols = TABLES[name].columns
    assert list(data) == list(cols), (name, list(data))
    out = {}
    for c, t in cols.items():
        v = data[c]
        if t in ("BIGINT", "INTEGER", "TINYINT", "SMALLINT"):
            out[c] = np.asarray(v).astype("int64")
        elif t == "DOUBLE":
            out[c] = np.asarray(v, dtype="float64")
        elif t == "BOOLEAN":
            out[c] = np.asarray(v, dtype=bool)
        elif t in ("DATE", "TIMESTAMP"):
            out[c] = pd.to_datetime(np.asarray(v)).astype("datetime64[us]")
        elif t == "BLOB":
            out[c] = pd.Series(list(v), dtype=object)
        else:
            out[c] = pd.Series(list(np.asarray(v, dtype=object)), dtype="str")
    return pd.DataFrame(out)


def streams(seed: int) -> dict[str, np.random.Generator]:
    """One independent generator per table family, so that tables do not perturb each other.

    Parameters
    ----------
    seed : int
        The region's seed.

    Returns
    -------
    dict of str to numpy.random.Generator
        One generator per family: ``geo``, ``pop``, ``commute``, ``fibre``, ``stations``,
        ``validations``, ``sun``, ``buildings``, ``gpe``, ``misc``.
    """
    seqs = np.random.SeedSequence(seed).spawn(len(_STREAMS))
    return {name: np.random.default_rng(s) for name, s in zip(_STREAMS, seqs, strict=True)}


def commuting_units(communes: pd.DataFrame) -> pd.DataFrame:
    """Commuting units: the arrondissements and every commune that has none.

    Parameters
    ----------
    communes : pandas.DataFrame
        A ``communes`` table (``commune_code``, ``parent_code``).

    Returns
    -------
    pandas.DataFrame
        Its rows without the communes that have arrondissements (75056), re-indexed.
    """
    parents = set(communes["parent_code"].dropna())
    return communes[~communes["commune_code"].isin(parents)].reset_index(drop=True)


def gravity(units: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gravity model over units: (home weights (n,), joint P(work, mode | home) (n, n, 4), CSP P (n, 6)).

    ``units`` needs commune_code, department_code, population, area_km2, centroid_x_l93/y_l93.

    Parameters
    ----------
    units : pandas.DataFrame
        See above (:func:`commuting_units`); areas [km²], centroids [m, Lambert-93].

    Returns
    -------
    home_workers : numpy.ndarray, shape (n,)
        Resident workers per unit [persons] (:data:`WORKER_SHARE` × population).
    joint : numpy.ndarray, shape (n, n, 4)
        P(work unit, mode | home unit), modes in the order of :data:`MODES`.
    csp : numpy.ndarray, shape (n, 6)
        P(CSP 1..6 | home unit).
    """
    x, y = units["centroid_x_l93"].to_numpy(float), units["centroid_y_l93"].to_numpy(float)
    dep = units["department_code"].to_numpy(str)
    pop = units["population"].to_numpy(float)
    n = len(units)
    d = np.hypot(x[:, None] - x[None], y[:, None] - y[None]) / 1000
    d[np.diag_indices(n)] = 0.5 * np.sqrt(units["area_km2"].to_numpy(float) / np.pi)  # intra-unit [km]
    core = np.select([dep == "75", np.isin(dep, ["92", "93", "94"])], [1.0, 0.5], 0.0)
    r = np.hypot(x - geo.CX, y - geo.CY) / 1000
    hub = np.exp(-np.hypot(x - geo.CX + 9_000, y - geo.CY - 3_500) / 1500)  # "La Défense"
    jobs = pop ** 0.9 * (1 + 3 * np.exp(-r / 2.5) + 12 * hub * (dep == "92")) * (0.6 + 0.4 * core)
    p_work = jobs[None] * np.exp(-d / LAMBDA_KM)
    p_work[np.diag_indices(n)] *= LOCAL_BOOST
    p_work /= p_work.sum(1, keepdims=True)
    cc = core[:, None] + core[None]
    util = np.stack([1.8 - 0.5 * d, -0.8 + 0.9 * cc - 0.005 * d, 0.6 - 1.1 * cc + 0.01 * d], -1)  # NM TC VP
    p_mode = np.exp(util - util.max(-1, keepdims=True))
    p_mode /= p_mode.sum(-1, keepdims=True)
    joint = np.zeros((n, n, 4))
    joint[..., 1:] = (1 - HOME_SHARE) * p_work[..., None] * p_mode
    joint[np.arange(n), np.arange(n), 0] = HOME_SHARE
    aff = affluence(x, y)
    csp = np.array([0.003, 0.06, 0.27, 0.27, 0.26, 0.14]) * np.exp(
        np.outer(aff, [0, 0.2, 1.3, 0.3, -0.5, -1.0]))
    csp[:, 0] *= 1 + 4 * np.clip(r - 30, 0, None) / 30
    csp /= csp.sum(1, keepdims=True)
    return WORKER_SHARE * pop, joint / joint.sum((1, 2), keepdims=True), csp


def affluence(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A smooth affluence index (about -1..1): richer to the west and in the core's west.

    Parameters
    ----------
    x : numpy.ndarray
        Easting [m, Lambert-93].
    y : numpy.ndarray
        Northing [m, Lambert-93].

    Returns
    -------
    numpy.ndarray
        The index at each point [-].
    """
    dx, dy = (x - geo.CX) / 1000, (y - geo.CY) / 1000
    west = np.tanh(-dx / 20 + 0.02 * dy + 0.6 * np.exp(-np.hypot(dx + 3, dy - 1) / 4))
    return west + 0.1 * np.sin(dx / 3 + dy / 5)


def commune_table(rng, rng_pop, scale: float) -> tuple[pd.DataFrame, np.ndarray]:
    """The ``communes`` table (population × ``scale``, EPCIs, EPTs) and its L93 geometries.

    Parameters
    ----------
    rng : numpy.random.Generator
        The ``geo`` stream (outlines).
    rng_pop : numpy.random.Generator
        The ``pop`` stream (population noise).
    scale : float
        Population multiplier [-].

    Returns
    -------
    communes : pandas.DataFrame
        The ``communes`` table (schema columns: populations [inhabitants], ``area_km2``
        [km²], centroids [deg] and [m, Lambert-93], WGS84 WKB outlines).
    geometries : numpy.ndarray
        The outlines in Lambert-93, in the same order.
    """
    geom = geo.communes(rng)
    cen = shapely.centroid(geom["geometry"].to_numpy())
    x, y = shapely.get_x(cen), shapely.get_y(cen)
    lon, lat = geo.lonlat(x, y)
    area = shapely.area(geom["geometry"].to_numpy()) / 1e6
    dep, kind = geom["department_code"].to_numpy(str), geom["kind"].to_numpy(str)
    r = np.hypot(x - geo.CX, y - geo.CY) / 1000
    ell = np.select([dep == "75", geom["ring"].to_numpy() == 1], [40.0, 20.0], 12.0)
    w = area * np.exp(-r / ell) * rng_pop.lognormal(0, 0.45, len(geom))
    base = np.zeros(len(geom))
    for code, *_rest, total in geo.DEPARTMENTS:
        m = (dep == code) & ~((kind == "COM") & (dep == "75"))
        base[m] = total * w[m] / w[m].sum()
    pop = np.rint(base * scale).astype(np.int64)
    is_paris = geom["commune_code"].to_numpy(str) == "75056"
    pop[is_paris] = pop[kind == "ARM"].sum()
    tot = pop + np.rint(pop * rng_pop.uniform(0.01, 0.03, len(pop))).astype(np.int64)
    tot[is_paris] = tot[kind == "ARM"].sum()
    # EPCIs: MGP for 75/92/93/94 with EPTs; outer departments cut into 3-4 EPCIs by angle
    ang = np.degrees(np.arctan2(y - geo.CY, x - geo.CX))
    epci, epci_name = np.full(len(geom), MGP[0], object), np.full(len(geom), MGP[1], object)
    ept, ept_name = np.full(len(geom), None, object), np.full(len(geom), None, object)
    ept_first = {"75": 1, "92": 2, "93": 6, "94": 10}
    for code, _name, ring, *_rest in geo.DEPARTMENTS:
        m = np.flatnonzero(dep == code)
        groups = 1 if ring == 0 else (3 if code == "94" else 4)
        rank = np.argsort(np.argsort(ang[m], kind="stable"), kind="stable") * groups // len(m)
        if ring == 2:
            epci[m] = [f"2{code}00000{k + 1}" for k in rank]
            epci_name[m] = [f"CA Synthèse {code}-{k + 1}" for k in rank]
        else:
            ept[m] = [f"T{ept_first[code] + k}" for k in rank]
            ept_name[m] = [f"Territoire Synthèse T{ept_first[code] + k}" for k in rank]
    wkb = shapely.to_wkb(geo.to_wgs84(geom["geometry"].to_numpy()))
    df = schema_frame("communes", dict(
        commune_code=geom["commune_code"], commune_name=geom["commune_name"], kind=kind,
        parent_code=geom["parent_code"], department_code=dep, epci_siren=epci, epci_name=epci_name,
        ept_code=ept, ept_name=ept_name, population=pop,
        population_total=tot,
        area_km2=area, centroid_lon=lon, centroid_lat=lat, centroid_x_l93=x, centroid_y_l93=y,
        geometry_wkb=wkb))
    return df, geom["geometry"].to_numpy()


def commuting_flows(rng, communes: pd.DataFrame) -> pd.DataFrame:
    """The ``commuting_flows`` table drawn from the gravity model (survey-weight-like decimals).

    Parameters
    ----------
    rng : numpy.random.Generator
        The ``commute`` stream.
    communes : pandas.DataFrame
        The ``communes`` table (:func:`commune_table`).

    Returns
    -------
    pandas.DataFrame
        The ``commuting_flows`` table: one row per (home, work, mode, CSP) drawn,
        ``workers`` [persons, 4 decimals].
    """
    units = commuting_units(communes)
    codes = units["commune_code"].to_numpy(str)
    w_home, joint, csp = gravity(units)
    n = len(units)
    counts = rng.multinomial(np.rint(w_home).astype(np.int64), joint.reshape(n, -1))  # (home, work*mode)
    cell = np.flatnonzero(counts)
    home, rest = np.divmod(cell, n * 4)
    work, mode = np.divmod(rest, 4)
    by_csp = rng.multinomial(counts.ravel()[cell], csp[home])  # (cells, 6)
    row, c = np.nonzero(by_csp)
    # survey-weight-like decimals: each person counts for a weight around 1
    workers = by_csp[row, c] * rng.gamma(400, 1 / 400, len(row))
    h, wk = codes[home[row]], codes[work[row]]
    return schema_frame("commuting_flows", dict(
        home_code=h, work_code=wk, home_code_2014=h, work_code_2014=wk,
        mode=np.array(MODES)[mode[row]], csp=c + 1, workers=np.round(workers, 4)))


def premises_counts(rng, com: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Dwellings ≈ population / 2.1 and establishments ≈ population / 10 for every row.

    Parameters
    ----------
    rng : numpy.random.Generator
        The ``fibre`` stream.
    com : pandas.DataFrame
        The ``communes`` table.

    Returns
    -------
    dwellings : numpy.ndarray
        Dwellings per row of ``com`` (75056: the sum of its arrondissements).
    establishments : numpy.ndarray
        Establishments per row of ``com`` (likewise).
    """
    pop = com["population"].to_numpy(float)
    dw = np.rint(pop / 2.1 * rng.lognormal(0, 0.05, len(pop))).astype(np.int64)
    est = np.rint(pop / 10 * rng.lognormal(0, 0.2, len(pop))).astype(np.int64)
    paris, arm = com["commune_code"].eq("75056").to_numpy(), com["kind"].eq("ARM").to_numpy()
    dw[paris], est[paris] = dw[arm].sum(), est[arm].sum()
    return dw, est


def fibre_table(rng, com: pd.DataFrame, den: np.ndarray, scale: float) -> pd.DataFrame:
    """FttH connectable premises per commune (COM, Paris as 75056) and arrondissement (ARM).

    Parameters
    ----------
    rng : numpy.random.Generator
        The ``fibre`` stream.
    com : pandas.DataFrame
        The ``communes`` table.
    den : numpy.ndarray
        Premises per row of ``com`` (dwellings + establishments) [premises].
    scale : float
        The population multiplier (densities are computed at scale 1).

    Returns
    -------
    pandas.DataFrame
        The ``fibre_deployment`` table: three quarters (:data:`QUARTERS`) per row of ``com``,
        ``connectable_premises`` [premises] and ``arcep_class``.
    """
    n = len(com)
    dens = com["population"].to_numpy() / scale / com["area_km2"].to_numpy()
    dep, kind = com["department_code"].to_numpy(str), com["kind"].to_numpy(str)
    rate = np.where(dep == "75", rng.uniform(0.75, 1.0, n), rng.uniform(0.02, 0.95, n))
    rate[np.isin(dep, ["92", "93", "94"])] = rng.uniform(0.25, 0.95, n)[np.isin(dep, ["92", "93", "94"])]
    p_zero = np.clip(0.8 - dens / 2500, 0, 0.8) * (dep != "75")
    rate[rng.uniform(size=n) < p_zero] = 0
    growth = np.sort(rng.uniform(0.6, 1.0, (n, 2)), 1)
    rates = np.column_stack([rate * growth[:, 0], rate * growth[:, 1], rate])
    conn = np.floor(rates * den[:, None]).astype(np.int64)
    paris = com["commune_code"].eq("75056").to_numpy()
    conn[paris] = conn[kind == "ARM"].sum(0)
    codes = np.repeat(com["commune_code"].to_numpy(str), 3)
    return schema_frame("fibre_deployment", dict(
        commune_code=codes, commune_code_2018=codes, geo_level=np.repeat(kind, 3),
        quarter=np.tile(QUARTERS, n), connectable_premises=conn.ravel(),
        arcep_class=arcep_class(conn, den[:, None]).ravel()))


def fibre_series_table(rng, fib_dep: pd.DataFrame, den_dep: pd.Series) -> pd.DataFrame:
    """Department and R11 FttH rate [%] 2017Q4-2024Q2: Etalab-like (whole %) then DITP-like.

    Parameters
    ----------
    rng : numpy.random.Generator
        The ``fibre`` stream.
    fib_dep : pandas.DataFrame
        Connectable premises per department and quarter (``department_code``, ``quarter``,
        ``connectable_premises``).
    den_dep : pandas.Series
        Premises per department [premises], indexed by department code.

    Returns
    -------
    pandas.DataFrame
        The ``fibre_department_series`` table (``coverage_pct`` [%]) for the departments and
        R11, under both sources.
    """
    quarters = pd.period_range("2017Q4", "2024Q2", freq="Q")
    t = np.arange(len(quarters))
    q4 = fib_dep[fib_dep["quarter"] == "2017Q4"].set_index("department_code")["connectable_premises"]
    start = (q4 / den_dep).reindex(den_dep.index).to_numpy() * 100
    target = rng.uniform(96, 99.5, len(start))
    pct = target[:, None] - (target - start)[:, None] * np.exp(-t / rng.uniform(5, 9, (len(start), 1)))
    pct = np.clip(pct + rng.normal(0, 0.3, pct.shape), 0, 100)
    pct = np.vstack([pct, (pct * den_dep.to_numpy()[:, None]).sum(0) / den_dep.sum()])
    zones = [*den_dep.index, "R11"]
    rows = []
    for src, first, last, dec in (("etalab_barometre_territoires", "2017Q4", "2022Q3", 0),
                                  ("ditp_fibre_2022_2024", "2022Q2", "2024Q2", 2)):
        m = (quarters >= pd.Period(first, "Q")) & (quarters <= pd.Period(last, "Q"))
        for z, row in zip(zones, pct, strict=True):
            rows.append(pd.DataFrame({"zone_code": z, "quarter": quarters[m].astype(str),
                                      "period_end": quarters[m].end_time.normalize(),
                                      "coverage_pct": np.round(row[m], dec), "source": src}))
    return schema_frame("fibre_department_series", dict(pd.concat(rows, ignore_index=True)))
