"""A France-scale SYNTHETIC region, for scale-out runs (``smartidf data build --synthetic
--france --scale K``): ``K x 2,200`` communes in 96 departments and ``K x 1.9 million``
individual commute records, so ``--scale 16`` gives about 35,000 communes and 30 million
records, the order of magnitude of France (INSEE COG: 34,900 communes; MOBPRO: about 30
million workers). The synthetic roof stock to use with it is ``K x 1.25 million`` roofs (20
million at 16; ``build_info`` key ``roofs``), generated on the Dask workers by
:func:`smartidf_analysis.solar.stock.synthetic_roof_stock_dask`.

Nothing here is dense in the number of communes: workplaces are drawn among each home's
``NEIGHBOURS`` nearest communes (a k-d tree, :class:`scipy.spatial.cKDTree`) with a gravity
weight ``jobs x exp(-d / LAMBDA_KM)`` (own commune x3), plus a ``LONG_SHARE`` of long-distance
commutes to any commune in proportion to its jobs; memory is bounded by the record chunk.

Model (illustrative, NOT statistics): the territory is a 1,000 km square in Lambert-93 cut
into 12 x 8 department cells (codes 01-95 with 2A/2B, no 20); communes are uniform in their
cell; population lognormal (one large town per department) to about 1,930 inhabitants per
commune on average; commuters drawn in proportion to population, 4 % at home (mode
DOMICILE); mode NM/TC/VP by a logit of distance and town size; CSP 1..6 from fixed shares;
each record carries a survey-weight-like ``workers`` around 1 (4 decimals). Records are rows of
``commuting_flows`` (one per person, as in the MOBPRO file before aggregation, so its key
does not hold). Other tables the studies read are filled (communes, departments, premises,
irradiance); the rest are empty. Same seed and scale give the same database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import shapely

from smartidf_analysis import __version__
from smartidf_analysis.data.schema import TABLES
from smartidf_analysis.data.synthetic import geo, layers
from smartidf_analysis.data.synthetic.communes import HOME_SHARE, MODES, schema_frame

COMMUNES_PER_SCALE = 2_200
RECORDS_PER_SCALE = 1_900_000
ROOFS_PER_SCALE = 1_250_000
INHABITANTS_PER_COMMUNE = 1_930
NEIGHBOURS = 32
LAMBDA_KM = 15.0
LOCAL_BOOST = 3.0
LONG_SHARE = 0.05
CSP_SHARES = (0.01, 0.06, 0.18, 0.26, 0.28, 0.21)
DEPARTMENT_CODES = tuple([f"{d:02d}" for d in range(1, 20)] + ["2A", "2B"]
                         + [f"{d:02d}" for d in range(21, 96)])
SIDE_M, COLS, ROWS = 1_000_000.0, 12, 8
X0, Y0 = 150_000.0, 6_100_000.0  # south-west corner [m, Lambert-93]


def sizes(scale: float) -> dict[str, int]:
    """Communes, commute records and suggested roofs [-] at ``scale``.

    Parameters
    ----------
    scale : float
        The scale K (positive).

    Returns
    -------
    dict of str to int
        ``communes``, ``records``, ``roofs``.

    Raises
    ------
    ValueError
        If ``scale`` is not positive.
    """
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    return {"communes": max(len(DEPARTMENT_CODES), round(COMMUNES_PER_SCALE * scale)),
            "records": round(RECORDS_PER_SCALE * scale), "roofs": round(ROOFS_PER_SCALE * scale)}


def communes_table(n: int, seed: int = 0) -> pd.DataFrame:
    """The ``communes`` table of ``n`` communes (codes ``<department><3 digits>``).

    Parameters
    ----------
    n : int
        Number of communes (at least one per department, at most 999 in one).
    seed : int, default 0
        The seed.

    Returns
    -------
    pandas.DataFrame
        The ``communes`` table (square outlines; populations [inhabitants], ``area_km2``
        [km²]).

    Raises
    ------
    ValueError
        When a department would get more than 999 communes.
    """
    rng = np.random.default_rng([seed, 35_000])
    n_dep = len(DEPARTMENT_CODES)
    counts = 1 + rng.multinomial(n - n_dep, _shares(rng, n_dep))
    if counts.max() > 999:
        raise ValueError(f"{n} communes: over 999 in a department; use a smaller scale")
    dep_index = np.repeat(np.arange(n_dep), counts)
    number = np.concatenate([np.arange(1, c + 1) for c in counts])
    dep = np.asarray(DEPARTMENT_CODES)[dep_index]
    codes = np.char.add(dep.astype("U2"), np.char.zfill(number.astype("U3"), 3))
    w, h = SIDE_M / COLS, SIDE_M / ROWS
    cx, cy = X0 + (dep_index % COLS) * w, Y0 + (dep_index // COLS) * h
    x, y = cx + rng.uniform(0, w, n), cy + rng.uniform(0, h, n)
    area = (w * h / 1e6) / counts[dep_index]
    pop = rng.lognormal(0, 1.3, n)
    pop[np.r_[0, np.cumsum(counts)[:-1]]] *= 60  # one large town per department
    pop = np.rint(pop / pop.sum() * INHABITANTS_PER_COMMUNE * n).astype(np.int64) + 10
    half = np.sqrt(area * 1e6) / 2
    boxes = shapely.box(x - half, y - half, x + half, y + half)
    lon, lat = geo.lonlat(x, y)
    rank = np.argsort(np.argsort(dep_index * SIDE_M * 2 + x, kind="stable"), kind="stable")
    first = np.r_[0, np.cumsum(counts)[:-1]][dep_index]
    epci = np.char.add(np.char.add("2", dep.astype("U2")), np.char.zfill(((rank - first) // 20)
                                                                        .astype("U6"), 6))
    return schema_frame("communes", dict(
        commune_code=codes, commune_name=np.char.add("Synthèse-", codes), kind=np.full(n, "COM"),
        parent_code=np.full(n, None), department_code=dep, epci_siren=epci,
        epci_name=np.char.add("CC Synthèse ", epci), ept_code=np.full(n, None),
        ept_name=np.full(n, None), population=pop,
        population_total=pop + np.rint(pop * 0.02).astype(np.int64), area_km2=area,
        centroid_lon=lon, centroid_lat=lat, centroid_x_l93=x, centroid_y_l93=y,
        geometry_wkb=shapely.to_wkb(geo.to_wgs84(boxes))))


def _shares(rng, k: int) -> np.ndarray:
    share = rng.lognormal(0, 0.3, k)
    return share / share.sum()


def _other_tables(com: pd.DataFrame, seed: int) -> dict[str, pd.DataFrame]:
    """departments, premises and irradiance_hourly; every other table empty."""
    w, h = SIDE_M / COLS, SIDE_M / ROWS
    k = np.arange(len(DEPARTMENT_CODES))
    boxes = shapely.box(X0 + (k % COLS) * w, Y0 + (k // COLS) * h, X0 + (k % COLS + 1) * w,
                        Y0 + (k // COLS + 1) * h)
    pop = com["population"].to_numpy()
    tables = {name: schema_frame(name, {c: [] for c in table.columns}) for name, table in TABLES.items()}
    tables["communes"] = com
    tables["departments"] = schema_frame("departments", dict(
        department_code=list(DEPARTMENT_CODES),
        department_name=[f"Département {d} (synthèse)" for d in DEPARTMENT_CODES],
        geometry_wkb=shapely.to_wkb(geo.to_wgs84(boxes))))
    n = len(com)
    tables["premises"] = schema_frame("premises", dict(
        commune_code=com["commune_code"], commune_code_2018=com["commune_code"],
        commune_name=com["commune_name"], department_code=com["department_code"],
        epci_siren=com["epci_siren"], dwellings=np.rint(pop / 2.1).astype(np.int64),
        establishments=np.rint(pop / 10).astype(np.int64), very_dense_zone=np.zeros(n, bool),
        l3313_commitment=np.zeros(n, bool), private_intention=np.zeros(n, bool),
        rural=pop < 1000, mountain=np.zeros(n, bool), infrastructure_operators=np.full(n, None)))
    tables["irradiance_hourly"] = layers.irradiance_table(np.random.default_rng([seed, 8_760]))
    return tables


def iter_records(com: pd.DataFrame, n_records: int, seed: int = 0,
                 chunk: int = 1_000_000) -> Iterator[pa.RecordBatch]:
    """``commuting_flows`` rows, one per commuter, in batches of at most ``chunk`` rows.

    Parameters
    ----------
    com : pandas.DataFrame
        :func:`communes_table`.
    n_records : int
        Number of records (commuters).
    seed : int, default 0
        The seed.
    chunk : int, default 1_000_000
        Rows per batch.

    Yields
    ------
    pyarrow.RecordBatch
        The ``commuting_flows`` columns, ``workers`` about 1 [persons] each.
    """
    from scipy.spatial import cKDTree

    x, y = com["centroid_x_l93"].to_numpy(), com["centroid_y_l93"].to_numpy()
    pop = com["population"].to_numpy(float)
    n = len(com)
    k = min(NEIGHBOURS, n)
    dist, near = cKDTree(np.column_stack([x, y])).query(np.column_stack([x, y]), k=k)
    dist = np.atleast_2d(dist) / 1000
    near = np.atleast_2d(near)
    dist[:, 0] = 0.5 * np.sqrt(com["area_km2"].to_numpy() / np.pi)  # inside the commune [km]
    jobs = pop ** 1.1
    p = jobs[near] * np.exp(-dist / LAMBDA_KM)
    p[:, 0] *= LOCAL_BOOST
    p_cum = np.cumsum(p / p.sum(1, keepdims=True), 1)
    home_cum, jobs_cum = np.cumsum(pop) / pop.sum(), np.cumsum(jobs) / jobs.sum()
    town = np.log10(pop)
    codes = pa.array(com["commune_code"].astype(str).tolist())
    modes, csp_cum = pa.array(MODES), np.cumsum(CSP_SHARES)
    for part, start in enumerate(range(0, n_records, chunk)):
        size = min(chunk, n_records - start)
        rng = np.random.default_rng([seed, 30_000, part])
        home = np.searchsorted(home_cum, rng.random(size), side="right").clip(0, n - 1)
        slot = (rng.random(size)[:, None] > p_cum[home]).sum(1).clip(0, k - 1)
        work, d = near[home, slot], dist[home, slot]
        far = rng.random(size) < LONG_SHARE
        work[far] = np.searchsorted(jobs_cum, rng.random(far.sum()), side="right").clip(0, n - 1)
        d[far] = np.hypot(x[home[far]] - x[work[far]], y[home[far]] - y[work[far]]) / 1000
        util = np.stack([1.8 - 0.5 * d, -1.5 + 0.35 * town[work] - 0.005 * d, 0.6 + 0.01 * d], -1)
        p_mode = np.exp(util - util.max(1, keepdims=True))
        p_mode = np.cumsum(p_mode / p_mode.sum(1, keepdims=True), 1)
        mode = 1 + (rng.random(size)[:, None] > p_mode).sum(1).clip(0, 2)
        at_home = rng.random(size) < HOME_SHARE
        work[at_home], mode[at_home] = home[at_home], 0
        csp = 1 + np.searchsorted(csp_cum, rng.random(size) * csp_cum[-1], side="right").clip(0, 5)
        h, w = codes.take(pa.array(home)), codes.take(pa.array(work))
        yield pa.record_batch({
            "home_code": h, "work_code": w, "home_code_2014": h, "work_code_2014": w,
            "mode": modes.take(pa.array(mode)), "csp": pa.array(csp.astype(np.int8)),
            "workers": pa.array(np.round(rng.gamma(20.0, 1 / 20, size), 4))})


def build_france(path: str | Path, *, scale: float = 16.0, seed: int = 0) -> dict[str, int]:
    """Write the France-scale synthetic database at ``path`` atomically (a temporary file,
    then a rename); returns :func:`sizes`. Pass it through ``smartidf data build --synthetic
    --france --scale K`` rather than directly.

    Parameters
    ----------
    path : str or pathlib.Path
        The database file.
    scale : float, default 16.0
        The scale K.
    seed : int, default 0
        The seed.

    Returns
    -------
    dict of str to int
        ``communes``, ``records``, ``roofs``.

    Raises
    ------
    ValueError
        For a non-positive scale or a department over 999 communes.
    """
    from smartidf_analysis.data import db

    n = sizes(scale)
    com = communes_table(n["communes"], seed)
    tables = _other_tables(com, seed)
    del tables["commuting_flows"]
    now = datetime.now(UTC)
    rows = {**{name: len(frame) for name, frame in tables.items()}, "commuting_flows": n["records"]}
    tables["provenance"] = pd.DataFrame([{
        "dataset_id": f"synthetic_france_{name}", "table_name": name,
        "title": f"Synthetic France-scale region: {name}",
        "producer": "smartidf-analysis synthetic/france.py",
        "file_name": None, "sha256": None, "rows": count, "vintage": f"seed {seed}, scale {scale:g}",
        "licence": "MIT (generated)", "built_at": now.replace(tzinfo=None, microsecond=0),
        "package_version": __version__, "synthetic": True, "origin": "synthetic", "url": None,
    } for name, count in rows.items()])
    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    with db.write_lock(target):  # one writer of the file at a time (db.write_lock)
        tmp.unlink(missing_ok=True)
        try:
            db.write_database(tmp, tables, {
                "fingerprint": f"synthetic-france-seed{seed}-scale{scale:g}-{__version__}",
                "synthetic": "true", "package_version": __version__, "incomplete": "false",
                "built_at": now.isoformat(timespec="seconds"), "region": "france", **{
                    k: str(v) for k, v in n.items()}})
            db.write_arrow_table(tmp, "commuting_flows", iter_records(com, n["records"], seed),
                                 TABLES["commuting_flows"].columns)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    return n
