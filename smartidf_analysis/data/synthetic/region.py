"""A deterministic synthetic demo region in the canonical schema (:mod:`smartidf_analysis.data.schema`).

Used when neither the offline mirror nor the network is available, and for small test
fixtures. The region is *fake* but shaped like Île-de-France: 8 departments with the real
codes, 149 communes named "Synthèse-…" plus a Paris-like core 75056 split into 20
arrondissements 75101-75120, about 12,000 km² and 12.3 million inhabitants at ``scale=1``
(geometry in :mod:`smartidf_analysis.data.synthetic.geo`). Every table is drawn from
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

import warnings
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import shapely
import shapely.affinity

from smartidf_analysis.data.schema import TABLES
from smartidf_analysis.data.synthetic import geo

SYNTHETIC_NOTICE = "Synthetic demo data: a fake Île-de-France-like region, not official statistics."
SYNTHETIC_NOTICE_FR = (
    "Données synthétiques de démonstration : une région fictive inspirée de l'Île-de-France, "
    "pas des statistiques officielles."
)

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
    """ARCEP coverage class of connectable / premises: 0 if none, else 5, 10, 25, 50 or 80."""
    rate = np.asarray(connectable, float) / np.maximum(np.asarray(premises, float), 1)
    return np.where(np.asarray(connectable) <= 0, 0, CLASSES[np.searchsorted(CLASS_BOUNDS, rate, "right")])


def _frame(name: str, data: dict) -> pd.DataFrame:
    """A DataFrame with exactly the schema's columns, in order, with matching dtypes."""
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


def _units(communes: pd.DataFrame) -> pd.DataFrame:
    """Commuting units: the arrondissements and every commune that has none."""
    parents = set(communes["parent_code"].dropna())
    return communes[~communes["commune_code"].isin(parents)].reset_index(drop=True)


def _gravity(units: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gravity model over units: (home weights (n,), joint P(work, mode | home) (n, n, 4), CSP P (n, 6)).

    ``units`` needs commune_code, department_code, population, area_km2, centroid_x_l93/y_l93.
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
    aff = _affluence(x, y)
    csp = np.array([0.003, 0.06, 0.27, 0.27, 0.26, 0.14]) * np.exp(
        np.outer(aff, [0, 0.2, 1.3, 0.3, -0.5, -1.0]))
    csp[:, 0] *= 1 + 4 * np.clip(r - 30, 0, None) / 30
    csp /= csp.sum(1, keepdims=True)
    return WORKER_SHARE * pop, joint / joint.sum((1, 2), keepdims=True), csp


def _affluence(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A smooth affluence index (about -1..1): richer to the west and in the core's west."""
    dx, dy = (x - geo.CX) / 1000, (y - geo.CY) / 1000
    west = np.tanh(-dx / 20 + 0.02 * dy + 0.6 * np.exp(-np.hypot(dx + 3, dy - 1) / 4))
    return west + 0.1 * np.sin(dx / 3 + dy / 5)


def _communes(rng, rng_pop, scale: float) -> tuple[pd.DataFrame, np.ndarray]:
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
    df = _frame("communes", dict(
        commune_code=geom["commune_code"], commune_name=geom["commune_name"], kind=kind,
        parent_code=geom["parent_code"], department_code=dep, epci_siren=epci, epci_name=epci_name,
        ept_code=ept, ept_name=ept_name, population=pop,
        population_total=tot,
        area_km2=area, centroid_lon=lon, centroid_lat=lat, centroid_x_l93=x, centroid_y_l93=y,
        geometry_wkb=wkb))
    return df, geom["geometry"].to_numpy()


def _commuting(rng, communes: pd.DataFrame) -> pd.DataFrame:
    units = _units(communes)
    codes = units["commune_code"].to_numpy(str)
    w_home, joint, csp = _gravity(units)
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
    return _frame("commuting_flows", dict(
        home_code=h, work_code=wk, home_code_2014=h, work_code_2014=wk,
        mode=np.array(MODES)[mode[row]], csp=c + 1, workers=np.round(workers, 4)))


def iter_commute_records(n_records: int, seed: int = 0, communes: pd.DataFrame | None = None,
                         chunk: int = 2_000_000) -> Iterator[pa.RecordBatch]:
    """Individual commute records from the gravity model, in RecordBatches of at most ``chunk`` rows.

    Columns: home_code, work_code (strings), mode (string), csp (int8, 1..6), workers (1.0).
    ``communes`` is a ``communes`` table (default: the synthetic region for ``seed``); a dense
    n×n matrix is used, so keep it to a few thousand units. Memory is bounded by ``chunk``.
    """
    if communes is None:
        rngs = _rngs(seed)
        communes, _ = _communes(rngs["geo"], rngs["pop"], 1.0)
    units = _units(communes)
    codes = pa.array(units["commune_code"].astype(str).tolist())
    w_home, joint, csp = _gravity(units)
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
    """``n_records`` individual commute records as one pyarrow Table (see :func:`iter_commute_records`)."""
    batches = list(iter_commute_records(n_records, seed, communes))
    if not batches:
        schema = pa.schema([("home_code", pa.string()), ("work_code", pa.string()), ("mode", pa.string()),
                            ("csp", pa.int8()), ("workers", pa.float64())])
        return schema.empty_table()
    return pa.Table.from_batches(batches)


def _chunks(n: int, chunk: int) -> list[int]:
    return [min(chunk, n - i) for i in range(0, n, chunk)]


def _rngs(seed: int) -> dict[str, np.random.Generator]:
    """One independent generator per table family, so that tables do not perturb each other."""
    seqs = np.random.SeedSequence(seed).spawn(len(_STREAMS))
    return {name: np.random.default_rng(s) for name, s in zip(_STREAMS, seqs, strict=True)}


def _premises(rng, com: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Dwellings ≈ population / 2.1 and establishments ≈ population / 10 for every row."""
    pop = com["population"].to_numpy(float)
    dw = np.rint(pop / 2.1 * rng.lognormal(0, 0.05, len(pop))).astype(np.int64)
    est = np.rint(pop / 10 * rng.lognormal(0, 0.2, len(pop))).astype(np.int64)
    paris, arm = com["commune_code"].eq("75056").to_numpy(), com["kind"].eq("ARM").to_numpy()
    dw[paris], est[paris] = dw[arm].sum(), est[arm].sum()
    return dw, est


def _fibre(rng, com: pd.DataFrame, den: np.ndarray, scale: float) -> pd.DataFrame:
    """FttH connectable premises per commune (COM, Paris as 75056) and arrondissement (ARM)."""
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
    return _frame("fibre_deployment", dict(
        commune_code=codes, commune_code_2018=codes, geo_level=np.repeat(kind, 3),
        quarter=np.tile(QUARTERS, n), connectable_premises=conn.ravel(),
        arcep_class=arcep_class(conn, den[:, None]).ravel()))


def _fibre_series(rng, fib_dep: pd.DataFrame, den_dep: pd.Series) -> pd.DataFrame:
    """Department and R11 FttH rate [%] 2017Q4-2024Q2: Etalab-like (whole %) then DITP-like."""
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
    return _frame("fibre_department_series", dict(pd.concat(rows, ignore_index=True)))


def _stations(rng, com: pd.DataFrame, units: pd.DataFrame, geoms: dict) -> pd.DataFrame:
    outline = shapely.union_all(np.asarray([geoms[c] for c in com["commune_code"][com["kind"] == "COM"]]))
    lines = geo.rail_lines(rng, outline)
    pts = np.vstack([p for *_x, p in lines])
    meta = np.array([(nm, md, op) for nm, md, op, p in lines for _ in range(len(p))], dtype=object)
    keys = [f"{a}_{b}" for a, b in np.rint(pts / 600).astype(int)]  # stops within ~600 m share a zone
    first: dict[str, int] = {}
    zone = np.array([first.setdefault(k, len(first)) for k in keys])
    zdc = np.array([f"{71000 + z}" for z in zone])
    code = geo.locate(np.asarray([geoms[c] for c in units["commune_code"]]),
                      units["commune_code"].to_numpy(str), pts[:, 0], pts[:, 1])
    lon, lat = geo.lonlat(pts[:, 0], pts[:, 1])
    return _frame("stations", dict(
        station_id=[f"SYN{i:05d}" for i in range(len(pts))], station_name=[f"Gare Synthèse {z}" for z in zdc],
        line=meta[:, 0], mode=meta[:, 1], operator=meta[:, 2], zdc_id=zdc, lon=lon, lat=lat,
        x_l93=pts[:, 0], y_l93=pts[:, 1], commune_code=code))


WEEKDAY = np.array([0.92, 1.0, 0.97, 1.0, 0.88, 0.55, 0.38])  # Monday..Sunday
HOLIDAYS = ("2024-07-14", "2024-08-15", "2024-11-01", "2024-11-11", "2024-12-25", "2025-01-01",
            "2025-04-21", "2025-05-01", "2025-05-08", "2025-05-29", "2025-06-09")
SCHOOL_BREAKS = (("2024-07-06", "2024-09-01", 0.8), ("2024-08-01", "2024-08-20", 0.85),
                 ("2024-10-19", "2024-11-03", 0.92), ("2024-12-21", "2025-01-05", 0.75),
                 ("2025-02-15", "2025-03-02", 0.92), ("2025-04-12", "2025-04-27", 0.92))
TICKETS = (("Forfait Navigo", 0.62), ("Imagine R", 0.12), ("Forfaits courts", 0.16), ("Autres titres", 0.10))


def _validations(rng, stations: pd.DataFrame, scale: float) -> pd.DataFrame:
    """Daily validations 2024-07-01..2025-06-30 per rail zone and ticket category."""
    rail = stations[stations["mode"] != "TRAMWAY"]
    zones = rail.groupby("zdc_id", sort=True).agg(
        name=("station_name", "first"), x=("x_l93", "mean"), y=("y_l93", "mean"), lines=("line", "size"))
    r = np.hypot(zones["x"] - geo.CX, zones["y"] - geo.CY).to_numpy() / 1000
    base = (300 + 20_000 * np.exp(-r / 8) * zones["lines"].to_numpy()) * rng.lognormal(0, 0.5, len(zones))
    days = pd.date_range("2024-07-01", periods=365, freq="D")
    day_f = WEEKDAY[days.day_of_week]
    day_f[days.isin(pd.to_datetime(HOLIDAYS))] = 0.4
    school = np.ones(len(days))
    for a, b, f in SCHOOL_BREAKS:
        m = (days >= a) & (days <= b)
        day_f[m] *= f
        school[m] = 0.5
    share = np.array([s for _t, s in TICKETS])
    vol = (base[None, :, None] * day_f[:, None, None] * share[None, None]
           * rng.lognormal(0, 0.08, (len(days), len(zones), len(share))))
    vol[:, :, 1] *= school[:, None]
    shape = vol.shape
    return _frame("station_validations", dict(
        day=np.repeat(days.to_numpy(), shape[1] * shape[2]),
        zdc_id=np.tile(np.repeat(zones.index.to_numpy(str), shape[2]), shape[0]),
        stop_name=np.tile(np.repeat(zones["name"].to_numpy(str), shape[2]), shape[0]),
        ticket_category=np.tile([t for t, _s in TICKETS], shape[0] * shape[1]),
        validations=np.rint(vol.ravel() * scale)))


def _irradiance(rng) -> pd.DataFrame:
    """A plausible hourly year at 48.85N 2.34E: clear sky × AR(1) clear-sky index, Erbs split."""
    import pvlib

    times = pd.date_range("2019-01-01 00:30", periods=8760, freq="h", tz="UTC")
    loc = pvlib.location.Location(48.85, 2.34, altitude=49)
    with warnings.catch_warnings():  # pvlib 0.16 still calls pandas accessors deprecated in pandas 3.1
        warnings.filterwarnings("ignore", message=".* is deprecated")
        cs = loc.get_clearsky(times)
        zen = loc.get_solarposition(times)["apparent_zenith"].to_numpy()
    doy = times.day_of_year.to_numpy()
    seasonal = 0.6 + 0.12 * np.cos(2 * np.pi * (doy - 190) / 365)

    def ar1(n, phi, sd):
        e = rng.normal(0, sd, n)
        out = np.empty(n)
        out[0] = e[0]
        for i in range(1, n):
            out[i] = phi * out[i - 1] + e[i]
        return out

    day_noise = np.repeat(ar1(365, 0.6, 0.22), 24)
    kc = np.clip(seasonal + day_noise + ar1(8760, 0.7, 0.08), 0.08, 1.05)
    ghi = cs["ghi"].to_numpy() * kc
    split = pvlib.irradiance.erbs(ghi, zen, doy)
    dni = np.nan_to_num(np.asarray(split["dni"], float)).clip(0, None)
    dhi = np.nan_to_num(np.asarray(split["dhi"], float)).clip(0, None)
    hour = times.hour.to_numpy() + 0.5
    temp = (12 - 7.5 * np.cos(2 * np.pi * (doy - 20) / 365) + 3.5 * np.sin(2 * np.pi * (hour - 9) / 24)
            + day_noise * 8 + ar1(8760, 0.9, 0.4))
    return _frame("irradiance_hourly", dict(
        time_utc=times.tz_localize(None), ghi_w_m2=ghi, dni_w_m2=dni, dhi_w_m2=dhi,
        clearsky_ghi_w_m2=cs["ghi"], clearsky_dni_w_m2=cs["dni"], clearsky_dhi_w_m2=cs["dhi"],
        temp_air_c=np.round(temp, 1), wind_speed_m_s=np.round(rng.weibull(2.0, 8760) * 4.2, 1),
        albedo=np.full(8760, 0.2), pressure_hpa=np.round(1010 + 8 * np.tanh(ar1(8760, 0.98, 0.15)), 1),
        solar_zenith_deg=zen))


def _buildings(rng, com: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Footprints on a 70 m grid: 150 in 75113 (floors only) and 250 in an inner 93 commune (heights)."""
    c93 = com[com["department_code"] == "93"]
    d = np.hypot(c93["centroid_x_l93"] - geo.CX, c93["centroid_y_l93"] - geo.CY - 10_000)
    sites = (("apur_volumes_paris13", "75113", 150),
             ("dfg_saint_denis_buildings", c93["commune_code"].iloc[int(np.argmin(d))], 250))
    parts = []
    for src, code, n in sites:
        row = com[com["commune_code"] == code].iloc[0]
        side = int(np.ceil(np.sqrt(n)))
        g = np.arange(side * side)[:n]
        x = row["centroid_x_l93"] + 70 * (g % side - side / 2) + rng.uniform(-3, 3, n)
        y = row["centroid_y_l93"] + 70 * (g // side - side / 2) + rng.uniform(-3, 3, n)
        area = np.clip(rng.lognormal(np.log(350), 0.6, n), 60, 1200)
        apur = src.startswith("apur")
        floors = rng.integers(1, 13, n).astype(float) if apur else None
        height = np.round(rng.uniform(3, 25, n), 1) if not apur else np.full(n, np.nan)
        lon, lat = geo.lonlat(x, y)
        parts.append(dict(
            building_id=[f"{'APUR' if apur else 'BDTOPO'}-SYN-{i:05d}" for i in range(n)], source=[src] * n,
            commune_code=[code] * n, footprint_m2=area,
            floors=floors if apur else np.maximum(1, np.round(height / 3)), height_m=height,
            roof_material=[None] * n if apur else rng.choice(["Tuiles", "Zinc", "Béton", "Ardoises"], n),
            usage=[None] * n if apur else rng.choice(["Résidentiel", "Enseignement", "Commerce"], n),
            lon=lon, lat=lat, geometry=geo.rectangles(rng, x, y, area)))
    bld = {k: np.concatenate([np.asarray(p[k], dtype=object if k in ("roof_material", "usage") else None)
                              for p in parts]) for k in parts[0]}
    geoms = bld.pop("geometry")
    bld["geometry_wkb"] = shapely.to_wkb(geo.to_wgs84(geoms))
    buildings = _frame("buildings", bld)
    roofs_idx = np.flatnonzero(buildings["source"].to_numpy(str) == "dfg_saint_denis_buildings")
    n = len(roofs_idx)
    usable = np.round(bld["footprint_m2"][roofs_idx].astype(float) * rng.uniform(0.3, 0.8, n), 1)
    irr = np.round(rng.uniform(550, 1080, n), 1)
    shrunk = np.array([shapely.affinity.scale(g, 0.95, 0.95) for g in geoms[roofs_idx]], dtype=object)
    roofs = _frame("solar_cadastre_roofs", dict(
        roof_id=[f"ROOF-SYN-{i:05d}" for i in range(n)], usable_area_m2=usable,
        solar_class=np.select([irr >= 900, irr >= 700], ["important", "intermédiaire"], "Non favorable"),
        production_kwh=np.round(usable * irr * 0.15, 1), mean_irradiation_kwh_m2=irr,
        roof_shape=rng.choice(["plat", "2 pans", "Npans"], n, p=[0.6, 0.25, 0.15]),
        lon=bld["lon"][roofs_idx], lat=bld["lat"][roofs_idx],
        geometry_wkb=shapely.to_wkb(geo.to_wgs84(shrunk))))
    return buildings, roofs


def _incomes(rng, com: pd.DataFrame) -> pd.DataFrame:
    """Median income per consumption unit [EUR]: 2021 declared and 2012 disposable, by affluence."""
    aff = _affluence(com["centroid_x_l93"].to_numpy(), com["centroid_y_l93"].to_numpy())
    n, pop = len(com), com["population"].to_numpy(float)
    dec = 24_500 * np.exp(0.35 * aff) * rng.lognormal(0, 0.06, n)
    disp = 21_000 * np.exp(0.25 * aff) * rng.lognormal(0, 0.05, n)
    arm, paris = com["kind"].eq("ARM").to_numpy(), com["commune_code"].eq("75056").to_numpy()
    for v in (dec, disp):
        v[paris] = np.average(v[arm], weights=pop[arm])
    order = np.argsort(com["commune_code"].to_numpy(str), kind="stable")
    return _frame("incomes", dict(
        commune_code=np.repeat(com["commune_code"].to_numpy(str)[order], 2), year=np.tile([2012, 2021], n),
        measure=np.tile(["disposable", "declared"], n),
        median_income_eur=np.round(np.column_stack([disp, dec])[order].ravel(), -1),
        households=np.repeat(np.round(pop[order] / 2.2), 2)))


def _gpe(rng, units: pd.DataFrame, geoms: dict) -> pd.DataFrame:
    """About 20 Grand-Paris-Express-like stations on a ring at 9-13 km and two radial branches."""
    a = np.radians(np.sort(rng.uniform(0, 360, 16)))
    r = rng.uniform(9_000, 13_000, 16)
    b = np.radians(np.repeat(rng.uniform(0, 360, 2), 3))
    rb = np.tile([16_000, 19_000, 22_000], 2)
    x = np.concatenate([geo.CX + r * np.cos(a), geo.CX + rb * np.cos(b)])
    y = np.concatenate([geo.CY + r * np.sin(a), geo.CY + rb * np.sin(b)])
    lines = ["15"] * 16 + ["16 17"] * 3 + ["18"] * 3
    code = geo.locate(np.asarray([geoms[c] for c in units["commune_code"]]),
                      units["commune_code"].to_numpy(str), x, y)
    lon, lat = geo.lonlat(x, y)
    return _frame("gpe_stations", dict(
        station_code=[f"GPE-SYN-{i + 1:02d}" for i in range(len(x))],
        station_name=[f"Gare GPE Synthèse {i + 1:02d}" for i in range(len(x))], lines=lines,
        interconnection=rng.uniform(size=len(x)) < 0.4, commune_code=code, lon=lon, lat=lat,
        x_l93=x, y_l93=y))


def _census(rng, com: pd.DataFrame) -> pd.DataFrame:
    """Census-2021-like counts derived from the synthetic population (Paris = sum of arrondissements)."""
    n, pop = len(com), com["population"].to_numpy(float)
    dep = com["department_code"].to_numpy(str)
    cols = {
        "population_2021": pop * rng.uniform(0.97, 1.0, n),
        "population_2015": pop * rng.uniform(0.92, 1.0, n),
        "households_2021": pop / rng.uniform(1.9, 2.5, n),
        "active_15_64_2021": pop * rng.uniform(0.46, 0.53, n),
    }
    cols = {k: np.rint(v).astype(np.int64) for k, v in cols.items()}
    cols["unemployed_15_64_2021"] = np.rint(
        cols["active_15_64_2021"] * (rng.uniform(0.06, 0.12, n) + 0.05 * (dep == "93"))).astype(np.int64)
    arm, paris = com["kind"].eq("ARM").to_numpy(), com["commune_code"].eq("75056").to_numpy()
    for v in cols.values():
        v[paris] = v[arm].sum()
    return _frame("commune_census_2021", dict(
        commune_code=com["commune_code"], kind=com["kind"], **cols,
        employed_15_64_approx=cols["active_15_64_2021"] - cols["unemployed_15_64_2021"],
        area_km2_insee=np.round(com["area_km2"].to_numpy() * rng.uniform(0.99, 1.01, n), 2)))


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
    dict of table name -> DataFrame with exactly the schema's columns, in ``TABLES`` order.
    """
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    rngs = _rngs(seed)
    com, geom_arr = _communes(rngs["geo"], rngs["pop"], scale)
    geoms = dict(zip(com["commune_code"], geom_arr, strict=True))
    units = _units(com)
    dw, est = _premises(rngs["fibre"], com)
    den = dw + est
    fib = _fibre(rngs["fibre"], com, den, scale)
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
    premises = _frame("premises", dict(
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
    stations = _stations(rngs["stations"], com, units, geoms)
    buildings, roofs = _buildings(rngs["buildings"], com)
    tables = {
        "communes": com,
        "commune_code_map": _frame("commune_code_map", dict(zip(
            ("source_code", "commune_code", "method"), map(list, zip(*code_map, strict=True)), strict=True))),
        "departments": _frame("departments", dict(
            department_code=dep_codes, department_name=[dep_names[d] for d in dep_codes],
            geometry_wkb=shapely.to_wkb(geo.to_wgs84(np.asarray(dep_geom, dtype=object))))),
        "commuting_flows": _commuting(rngs["commute"], com),
        "fibre_deployment": fib,
        "fibre_deployment_departments": _frame("fibre_deployment_departments", dict(fib_dep)),
        "fibre_department_series": _fibre_series(rngs["fibre"], fib_dep, den_dep),
        "premises": premises,
        "stations": stations,
        "station_validations": _validations(rngs["validations"], stations, scale),
        "irradiance_hourly": _irradiance(rngs["sun"]),
        "buildings": buildings,
        "solar_cadastre_roofs": roofs,
        "incomes": _incomes(rngs["misc"], com),
        "gpe_stations": _gpe(rngs["gpe"], units, geoms),
        "commune_census_2021": _census(rngs["misc"], com),
    }
    return {name: tables[name] for name in TABLES}
