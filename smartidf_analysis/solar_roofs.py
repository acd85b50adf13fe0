"""Rooftop production, classes and totals from the yield cube; roofs from buildings, from the
solar cadastre and a synthetic regional stock; comparison with the cadastre's production.

Pure functions over canonical tables (``buildings``, ``solar_cadastre_roofs``, ``communes``) and
the cube / field of :mod:`smartidf_analysis.solar`. :func:`estimate_roof_production` interpolates
in the precomputed cube (never a pvlib call per roof) and runs on Dask partitions, locally or on
a ``dask.distributed`` cluster. Every assumption is a named keyword argument; defaults are ours,
not official figures.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr
from scipy import stats
from scipy.interpolate import RegularGridInterpolator

from smartidf_analysis.solar import spatial_factor_grid

#: Roof irradiation classes [kWh/m2/yr]: below the first -> blue, from the first to below the
#: second -> yellow, from the second up -> red. ASSUMPTION: the thresholds of the region's
#: "Valoriser mon potentiel solaire" map are not published in a file we hold; these are calibrated
#: on the APUR / Grand Paris cadastre irradiation classes (<700, 700-800, 800-900, 900-1000,
#: >1000 kWh/m2/yr): blue = APUR "non favorable" (<700), yellow = the two middle classes (700-900),
#: red = the two top classes (>=900).
CLASS_THRESHOLDS_KWH_M2 = (700.0, 900.0)
SOLAR_CLASSES = ("blue", "yellow", "red")

ROOF_COLUMNS = ("usable_area_m2", "tilt_deg", "azimuth_deg", "lat", "lon")
OUTPUT_COLUMNS = (
    "irradiation_kwh_m2",
    "peak_power_kwp",
    "annual_kwh",
    "specific_yield_kwh_kwp",
    "solar_class",
)

FLOOR_HEIGHT_M = 3.0  # [m] used to turn heights into floors and back

#: Roof-material words / BD TOPO codes read as flat (terrace, concrete) or pitched (tiles, slates).
FLAT_MATERIALS = ("terrasse", "beton", "béton", "bitume", "vegetal", "végétal", "01", "40")
PITCHED_MATERIALS = ("tuile", "ardoise", "10", "11", "12", "20", "21", "22")

ROOF_OUTPUT = ["roof_id", "building_id", "source", "commune_code", "roof_shape", "usable_area_m2",
               "tilt_deg", "azimuth_deg", "lat", "lon", "shading_factor"]


def roof_shape(buildings: pd.DataFrame, *, flat_min_floors: float = 4.0) -> pd.Series:
    """``"flat"`` or ``"pitched"`` per building (ASSUMPTION, documented rule).

    1. ``roof_material`` (text or BD TOPO code) naming a terrace, concrete or bitumen -> flat;
       tiles or slates -> pitched.
    2. Otherwise (unknown material, as for all APUR volumes): buildings with at least
       ``flat_min_floors`` floors (or ``height_m >= flat_min_floors * 3 m``) -> flat (collective
       housing, offices, schools of the dense core mostly have terraces), lower ones -> pitched
       (houses).

    Parameters
    ----------
    buildings : DataFrame
        Canonical ``buildings`` table (``roof_material``, ``floors``, ``height_m``).
    flat_min_floors : float
        Floor count from which an unknown roof is taken as flat [-].
    """
    n = len(buildings)
    mat = (buildings["roof_material"].astype("string").str.strip().str.lower().fillna("")
           if "roof_material" in buildings else pd.Series([""] * n, index=buildings.index, dtype="string"))
    nan = pd.Series(np.nan, index=buildings.index)
    floors = pd.to_numeric(buildings.get("floors", nan), errors="coerce")
    height = pd.to_numeric(buildings.get("height_m", nan), errors="coerce")
    floors = floors.fillna(height / FLOOR_HEIGHT_M)

    def matches(words):
        return mat.apply(lambda m: any(m == w or (len(w) > 2 and w in m) for w in words)).astype(bool)

    flat_mat, pitched_mat = matches(FLAT_MATERIALS), matches(PITCHED_MATERIALS)
    shape = np.where(floors.fillna(0).to_numpy() >= flat_min_floors, "flat", "pitched")
    shape = np.where(pitched_mat, "pitched", shape)
    shape = np.where(flat_mat, "flat", shape)
    return pd.Series(shape, index=buildings.index, name="roof_shape")


def roofs_from_buildings(
    buildings: pd.DataFrame,
    *,
    flat_min_floors: float = 4.0,
    flat_tilt_deg: float = 10.0,
    flat_usable_fraction: float = 0.5,
    pitched_tilt_deg: float = 35.0,
    pitched_usable_fraction: float = 0.8,
    unknown_azimuth_deg: float = 180.0,
    shading_factor: float = 0.0,
) -> pd.DataFrame:
    """One modelled roof per building, with documented assumptions (none comes from the data).

    * Shape: :func:`roof_shape` (APUR Paris 13e has floors only and no material, so the floor
      rule decides; BD TOPO Saint-Denis has ``height_m`` and roof-material codes).
    * Flat roofs: modules on south-facing racks at ``flat_tilt_deg``; usable area =
      footprint x ``flat_usable_fraction`` (setbacks, equipment, row spacing).
    * Pitched roofs: a two-pan roof at ``pitched_tilt_deg``; one pan is used, its area
      ``footprint / 2 / cos(tilt)`` x ``pitched_usable_fraction`` (edges, windows, chimneys).
    * Orientation is unknown in both sources: ``unknown_azimuth_deg`` (default 180 = south, so
      an upper bound for pitched roofs; pass 90 or 270 for a pessimistic east/west case).
    * No shading model: ``shading_factor`` [-] for all (height-based shading is left to callers).

    Parameters
    ----------
    buildings : DataFrame
        Canonical ``buildings`` table (``building_id``, ``source``, ``commune_code``,
        ``footprint_m2`` [m2], ``floors``, ``height_m`` [m], ``roof_material``, ``lon``, ``lat``).
    flat_min_floors : float
        See :func:`roof_shape` [-].
    flat_tilt_deg, pitched_tilt_deg : float
        Module tilt [deg].
    flat_usable_fraction, pitched_usable_fraction : float
        Shares described above [-].
    unknown_azimuth_deg : float
        Azimuth given to every roof [deg clockwise from north].
    shading_factor : float
        Fraction of irradiation lost to shading [-].

    Returns
    -------
    DataFrame
        ``roof_id`` (= ``building_id``), ``building_id``, ``source``, ``commune_code``,
        ``roof_shape``, ``usable_area_m2``, ``tilt_deg``, ``azimuth_deg``, ``lat``, ``lon``,
        ``shading_factor``; a missing or negative footprint stays missing/negative, so that
        :func:`estimate_roof_production` reports it.
    """
    shape = roof_shape(buildings, flat_min_floors=flat_min_floors)
    flat = (shape == "flat").to_numpy()
    footprint = pd.to_numeric(buildings["footprint_m2"], errors="coerce").to_numpy().astype(float)
    pitched_area = footprint / 2.0 / np.cos(np.radians(pitched_tilt_deg)) * pitched_usable_fraction
    out = pd.DataFrame({
        "roof_id": buildings["building_id"].to_numpy(),
        "building_id": buildings["building_id"].to_numpy(),
        "source": buildings["source"].to_numpy() if "source" in buildings else None,
        "commune_code": buildings["commune_code"].to_numpy() if "commune_code" in buildings else None,
        "roof_shape": shape.to_numpy(),
        "usable_area_m2": np.where(flat, footprint * flat_usable_fraction, pitched_area),
        "tilt_deg": np.where(flat, flat_tilt_deg, pitched_tilt_deg),
        "azimuth_deg": float(unknown_azimuth_deg),
        "lat": pd.to_numeric(buildings["lat"], errors="coerce").to_numpy().astype(float),
        "lon": pd.to_numeric(buildings["lon"], errors="coerce").to_numpy().astype(float),
        "shading_factor": float(shading_factor),
    }, index=buildings.index)
    out.attrs["assumptions"] = dict(
        flat_min_floors=flat_min_floors, flat_tilt_deg=flat_tilt_deg,
        flat_usable_fraction=flat_usable_fraction,
        pitched_tilt_deg=pitched_tilt_deg, pitched_usable_fraction=pitched_usable_fraction,
        unknown_azimuth_deg=unknown_azimuth_deg, shading_factor=shading_factor)
    return out


def roofs_from_cadastre(
    cadastre: pd.DataFrame,
    *,
    flat_tilt_deg: float = 10.0,
    pitched_tilt_deg: float = 35.0,
    unknown_azimuth_deg: float = 180.0,
) -> pd.DataFrame:
    """Roofs from the ``solar_cadastre_roofs`` table (its ``usable_area_m2`` is already usable).

    ``roof_shape`` "plat" -> flat at ``flat_tilt_deg``; any other shape (Npans, toit2pentes,
    petit_toit) -> pitched at ``pitched_tilt_deg``. The cadastre gives no orientation:
    ``unknown_azimuth_deg`` [deg] for all.
    """
    shape = cadastre["roof_shape"].astype("string").str.lower().fillna("")
    flat = (shape == "plat").to_numpy()
    return pd.DataFrame({
        "roof_id": cadastre["roof_id"].to_numpy(),
        "roof_shape": np.where(flat, "flat", "pitched"),
        "usable_area_m2": pd.to_numeric(cadastre["usable_area_m2"], errors="coerce").to_numpy().astype(float),
        "tilt_deg": np.where(flat, flat_tilt_deg, pitched_tilt_deg),
        "azimuth_deg": float(unknown_azimuth_deg),
        "lat": pd.to_numeric(cadastre["lat"], errors="coerce").to_numpy().astype(float),
        "lon": pd.to_numeric(cadastre["lon"], errors="coerce").to_numpy().astype(float),
    }, index=cadastre.index)


def synthetic_roof_stock(
    n: int = 2_500_000,
    communes: pd.DataFrame | None = None,
    *,
    seed: int = 0,
    weight: str = "population",
    flat_share: float = 0.35,
    jitter_deg: float = 0.01,
    module_ready_fraction: float = 0.5,
) -> pd.DataFrame:
    """A SYNTHETIC region-wide roof stock distributed over communes by a weight.

    Deterministic for a given ``seed``. Per roof: commune drawn with probability
    proportional to ``communes[weight]`` (population or dwellings); position = commune centroid
    + Gaussian jitter (``jitter_deg``, or ``0.3 * sqrt(area_km2) / 111`` deg when the table
    has ``area_km2``); footprint log-normal (median 110 m2, sigma 0.8); ``flat_share`` flat
    roofs (racks at 10 deg facing south), the rest pitched 35 +/- 8 deg (15-60) with the used pan
    facing uniformly between east and west (90-270 deg); usable area = footprint x
    ``module_ready_fraction`` (pitched: / cos(tilt)); shading factor Beta(2, 12) (mean 0.14).
    None of these figures is measured: the table is for scale tests and illustrations, and
    says so (``source == "synthetic"``, ``attrs["synthetic"] = True``).

    Parameters
    ----------
    n : int
        Number of roofs [-].
    communes : DataFrame
        ``commune_code``, ``centroid_lon``, ``centroid_lat`` [deg] and the ``weight`` column.
    seed : int
        Random seed.
    weight : str
        Column of ``communes`` used as weight (``population`` or ``dwellings``).
    flat_share : float
        Share of flat roofs [-].
    jitter_deg : float
        Standard deviation of the position around the centroid [deg].
    module_ready_fraction : float
        Share of the roof that can hold modules [-].
    """
    if communes is None:
        raise ValueError("communes is required: a DataFrame with commune_code, centroid_lon, centroid_lat "
                         f"and {weight!r}")
    rng = np.random.default_rng(seed)
    w = pd.to_numeric(communes[weight], errors="coerce").fillna(0).clip(lower=0).to_numpy().astype(float)
    if w.sum() <= 0:
        raise ValueError(f"communes[{weight!r}] sums to zero")
    counts = rng.multinomial(n, w / w.sum())
    idx = np.repeat(np.arange(len(communes)), counts)
    if "area_km2" in communes:
        area_km2 = pd.to_numeric(communes["area_km2"], errors="coerce").fillna(1.0).to_numpy()
        sd = 0.3 * np.sqrt(area_km2) / 111.0
    else:
        sd = np.full(len(communes), jitter_deg)
    # longitude jitter x 1.5 ~ 1/cos(48.8 deg): round clouds on the ground
    lon = communes["centroid_lon"].to_numpy().astype(float)[idx] + rng.normal(0, 1, n) * sd[idx] * 1.5
    lat = communes["centroid_lat"].to_numpy().astype(float)[idx] + rng.normal(0, 1, n) * sd[idx]
    flat = rng.random(n) < flat_share
    footprint = rng.lognormal(np.log(110.0), 0.8, n)
    tilt = np.where(flat, 10.0, np.clip(rng.normal(35.0, 8.0, n), 15.0, 60.0))
    azimuth = np.where(flat, 180.0, rng.uniform(90.0, 270.0, n))
    area = footprint * module_ready_fraction / np.where(flat, 1.0, np.cos(np.radians(tilt)))
    codes = pd.Categorical.from_codes(idx, categories=pd.Index(communes["commune_code"].astype(str)))
    out = pd.DataFrame({
        "roof_id": np.arange(n, dtype=np.int64),
        "commune_code": codes,
        "roof_shape": pd.Categorical.from_codes(np.where(flat, 0, 1), categories=["flat", "pitched"]),
        "usable_area_m2": area,
        "tilt_deg": tilt,
        "azimuth_deg": azimuth,
        "lat": lat,
        "lon": lon,
        "shading_factor": rng.beta(2.0, 12.0, n),
        "source": pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=["synthetic"]),
    })
    out.attrs["synthetic"] = True
    return out


def compare_with_cadastre(
    estimate: pd.DataFrame, cadastre: pd.DataFrame, *, on: str = "roof_id"
) -> tuple[pd.Series, pd.DataFrame]:
    """Our ``annual_kwh`` against the cadastre's ``production_kwh``, roof by roof.

    Only roofs present in both with a positive cadastre production and a finite estimate
    are compared.

    Returns
    -------
    summary : Series
        ``roofs``, ``median_ratio`` (ours / cadastre) [-], ``pearson_r``, ``spearman_r``,
        ``ours_gwh``, ``cadastre_gwh`` [GWh/yr].
    pairs : DataFrame
        ``on``, ``annual_kwh``, ``production_kwh``, ``ratio``.
    """
    pairs = estimate[[on, "annual_kwh"]].merge(cadastre[[on, "production_kwh"]], on=on, how="inner")
    keep = np.isfinite(pairs["annual_kwh"]) & (pairs["production_kwh"] > 0)
    pairs = pairs[keep].reset_index(drop=True)
    pairs["ratio"] = pairs["annual_kwh"] / pairs["production_kwh"]
    enough = len(pairs) >= 3
    ours, theirs = pairs["annual_kwh"], pairs["production_kwh"]
    summary = pd.Series({
        "roofs": len(pairs),
        "median_ratio": float(pairs["ratio"].median()) if len(pairs) else np.nan,
        "pearson_r": float(stats.pearsonr(ours, theirs)[0]) if enough else np.nan,
        "spearman_r": float(stats.spearmanr(ours, theirs)[0]) if enough else np.nan,
        "ours_gwh": pairs["annual_kwh"].sum() / 1e6,
        "cadastre_gwh": pairs["production_kwh"].sum() / 1e6,
    })
    return summary, pairs


# --------------------------------------------------------------------------------------------
# Roofs
# --------------------------------------------------------------------------------------------

_REASONS = (
    "missing usable_area_m2", "negative usable_area_m2", "missing tilt_deg", "tilt_deg outside 0-90",
    "missing azimuth_deg", "azimuth_deg outside 0-360", "missing coordinates", "invalid coordinates",
    "shading_factor outside 0-1",
)


def _check_roofs(df: pd.DataFrame) -> np.ndarray:
    """Bit mask of problems per row (bit i = ``_REASONS[i]``); 0 means a valid roof."""
    def col(name):
        return pd.to_numeric(df[name], errors="coerce").to_numpy().astype(float)

    area, tilt, az, lat, lon = (col(c) for c in ROOF_COLUMNS)
    shade = col("shading_factor") if "shading_factor" in df else np.zeros(len(df))
    with np.errstate(invalid="ignore"):
        tests = [
            ~np.isfinite(area), area < 0, ~np.isfinite(tilt), (tilt < 0) | (tilt > 90),
            ~np.isfinite(az), (az < 0) | (az > 360), ~(np.isfinite(lat) & np.isfinite(lon)),
            (np.abs(lat) > 90) | (np.abs(lon) > 180), (shade < 0) | (shade > 1),
        ]
    mask = np.zeros(len(df), dtype=np.int32)
    for i, t in enumerate(tests):
        mask |= t.astype(np.int32) << i
    return mask


def _reason_text(mask: np.ndarray) -> list[str]:
    return ["; ".join(r for i, r in enumerate(_REASONS) if m >> i & 1) for m in mask]


def validate_roofs(roofs: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``roofs`` that cannot be modelled, with their row id (index label) and reason.

    A roof is bad when ``usable_area_m2`` is missing or negative, ``tilt_deg`` is missing or
    outside 0-90 [deg], ``azimuth_deg`` is missing or outside 0-360 [deg], ``lat``/``lon`` are
    missing or out of range, or ``shading_factor`` (if present) is outside 0-1. A missing
    ``shading_factor`` means unshaded.

    Returns
    -------
    DataFrame
        ``row_id``, ``roof_id`` (when the input has one) and ``reason``.
    """
    missing = [c for c in ROOF_COLUMNS if c not in roofs.columns]
    if missing:
        raise KeyError(f"roofs lacks column(s) {missing}; needs {list(ROOF_COLUMNS)}")
    mask = _check_roofs(roofs)
    bad = mask != 0
    out = pd.DataFrame({"row_id": roofs.index[bad]})
    if "roof_id" in roofs.columns:
        out["roof_id"] = roofs["roof_id"].to_numpy()[bad]
    out["reason"] = _reason_text(mask[bad])
    return out


def solar_class(irradiation_kwh_m2, thresholds: Sequence[float] = CLASS_THRESHOLDS_KWH_M2) -> pd.Categorical:
    """Classes red / yellow / blue from roof irradiation [kWh/m2/yr].

    ``blue`` below ``thresholds[0]``, ``yellow`` from ``thresholds[0]`` (inclusive) to
    ``thresholds[1]`` (exclusive), ``red`` from ``thresholds[1]`` up; NaN stays missing. The
    default thresholds are an ASSUMPTION, see :data:`CLASS_THRESHOLDS_KWH_M2`.
    """
    x = np.asarray(irradiation_kwh_m2, dtype=float)
    codes = np.searchsorted(np.asarray(thresholds, dtype=float), x, side="right").astype(np.int8)
    codes[~np.isfinite(x)] = -1
    return pd.Categorical.from_codes(codes, categories=list(SOLAR_CLASSES), ordered=True)


def _roof_kernel(df: pd.DataFrame, *, tilts, azimuths, values, field_grid, module_efficiency,
                 usable_fraction, yield_scale, thresholds) -> pd.DataFrame:
    """Production of one partition: all rows back, NaN outputs and ``bad_reason`` for bad ones."""
    mask = _check_roofs(df)
    ok = mask == 0
    n = len(df)
    irr = np.full(n, np.nan)
    sy = np.full(n, np.nan)
    tilt = pd.to_numeric(df["tilt_deg"], errors="coerce").to_numpy().astype(float)[ok]
    az = pd.to_numeric(df["azimuth_deg"], errors="coerce").to_numpy().astype(float)[ok]
    pts = np.column_stack([np.clip(tilt, tilts[0], tilts[-1]), np.clip(az, azimuths[0], azimuths[-1])])
    v = RegularGridInterpolator((tilts, azimuths), values)(pts)  # (n_ok, 2)
    factor = np.ones(ok.sum())
    if field_grid is not None:
        glat, glon, gfac = field_grid
        lat = pd.to_numeric(df["lat"], errors="coerce").to_numpy().astype(float)[ok]
        lon = pd.to_numeric(df["lon"], errors="coerce").to_numpy().astype(float)[ok]
        p = np.column_stack([np.clip(lat, glat[0], glat[-1]), np.clip(lon, glon[0], glon[-1])])
        factor = RegularGridInterpolator((glat, glon), gfac)(p)
    shade = (pd.to_numeric(df["shading_factor"], errors="coerce").fillna(0.0).to_numpy().astype(float)[ok]
             if "shading_factor" in df else 0.0)
    keep = factor * (1.0 - shade)
    irr[ok] = v[:, 0] * keep
    sy[ok] = v[:, 1] * keep * yield_scale
    area = pd.to_numeric(df["usable_area_m2"], errors="coerce").to_numpy().astype(float)
    kwp = np.where(ok, area * usable_fraction * module_efficiency, np.nan)  # 1 kW/m2 at STC
    out = df.copy()
    out["irradiation_kwh_m2"] = irr
    out["peak_power_kwp"] = kwp
    out["annual_kwh"] = sy * kwp
    out["specific_yield_kwh_kwp"] = sy
    out["solar_class"] = solar_class(irr, thresholds)
    reason = np.full(n, None, dtype=object)
    reason[~ok] = _reason_text(mask[~ok])
    out["bad_reason"] = pd.array(reason, dtype="string")
    return out


def estimate_roof_production(
    roofs,
    cube: xr.Dataset,
    *,
    field: xr.Dataset | None = None,
    module_efficiency: float = 0.20,
    usable_fraction: float = 1.0,
    system_losses_pct: float | None = None,
    inverter_efficiency: float | None = None,
    thresholds: Sequence[float] = CLASS_THRESHOLDS_KWH_M2,
    npartitions: int | None = None,
):
    """Annual production, yield and class of many roofs by interpolation in a yield cube.

    For each valid roof: plane irradiation and specific yield are interpolated (bilinear in
    tilt x azimuth) in ``cube``; multiplied by the spatial factor of ``field`` at the roof
    (annual modelled GHI over the observed GHI at the cube's site; 1 without a field) and by
    ``1 - shading_factor``; ``peak_power_kwp = usable_area_m2 * usable_fraction *
    module_efficiency * 1 kW/m2``; ``annual_kwh = specific_yield_kwh_kwp * peak_power_kwp``.
    No pvlib call per roof. Roofs outside the cube's tilt/azimuth range are clamped to its
    edge (the default cube covers 0-90 x 0-360 deg).

    Parameters
    ----------
    roofs : DataFrame or dask.dataframe.DataFrame
        ``usable_area_m2`` [m2], ``tilt_deg`` [deg], ``azimuth_deg`` [deg clockwise from north],
        ``lat``, ``lon`` [deg]; optional ``shading_factor`` [-] = fraction of irradiation lost
        to shading (0 unshaded; missing means 0); other columns are carried through.
    cube : xarray.Dataset
        From :func:`smartidf_analysis.solar.yield_cube`.
    field : xarray.Dataset, optional
        From :func:`smartidf_analysis.solar.irradiance_field`; its annual factor is computed once here.
    module_efficiency : float
        Module efficiency at STC [-] (kWp per m2 of modules / 1 kW/m2).
    usable_fraction : float
        Share of ``usable_area_m2`` actually covered by modules [-].
    system_losses_pct : float, optional
        DC system losses [%]; when it differs from the cube's, yields are rescaled by
        ``(1 - L/100) / (1 - L_cube/100)`` (first order: ignores the inverter curve).
    inverter_efficiency : float, optional
        Nominal inverter efficiency [-]; rescales yields by ``eta / eta_cube`` (first order).
    thresholds : (float, float)
        Class thresholds [kWh/m2/yr], see :func:`solar_class`.
    npartitions : int, optional
        Split a pandas input into this many Dask partitions (``map_partitions``) and compute
        with the current scheduler - a ``dask.distributed`` Client if one is active.

    Returns
    -------
    DataFrame
        For a pandas input: the valid roofs (index kept) with ``irradiation_kwh_m2``,
        ``peak_power_kwp``, ``annual_kwh``, ``specific_yield_kwh_kwp``, ``solar_class``;
        ``attrs["bad_roofs"]`` lists the left-out rows (``row_id``, ``reason``), never zeroed.
        For a dask input: a lazy dask DataFrame of all rows with a ``bad_reason`` column (NaN
        outputs on bad rows; :func:`production_totals` leaves them out).
    """
    missing = [c for c in ROOF_COLUMNS if c not in roofs.columns]
    if missing:
        raise KeyError(f"roofs lacks column(s) {missing}; needs {list(ROOF_COLUMNS)}")
    scale = 1.0
    if system_losses_pct is not None:
        scale *= (1 - system_losses_pct / 100) / (1 - float(cube.attrs["system_losses_pct"]) / 100)
    if inverter_efficiency is not None:
        scale *= inverter_efficiency / float(cube.attrs["inverter_efficiency"])
    kw = dict(
        tilts=cube["tilt"].to_numpy().astype(float),
        azimuths=cube["azimuth"].to_numpy().astype(float),
        values=np.stack([cube["irradiation_kwh_m2"].transpose("tilt", "azimuth").to_numpy(),
                         cube["specific_yield_kwh_kwp"].transpose("tilt", "azimuth").to_numpy()], axis=-1),
        field_grid=spatial_factor_grid(field) if field is not None else None,
        module_efficiency=module_efficiency, usable_fraction=usable_fraction, yield_scale=scale,
        thresholds=tuple(thresholds),
    )
    if not isinstance(roofs, pd.DataFrame):  # dask DataFrame: stay lazy
        meta = _roof_kernel(roofs._meta, **kw)
        return roofs.map_partitions(_roof_kernel, meta=meta, **kw)
    if npartitions and npartitions > 1:
        import dask.dataframe as dd

        parts = dd.from_pandas(roofs, npartitions=npartitions)
        meta = _roof_kernel(parts._meta, **kw)
        out = parts.map_partitions(_roof_kernel, meta=meta, **kw).compute()
    else:
        out = _roof_kernel(roofs, **kw)
    bad = out["bad_reason"].notna().to_numpy()
    bad_roofs = pd.DataFrame({"row_id": out.index[bad]})
    if "roof_id" in out.columns:
        bad_roofs["roof_id"] = out["roof_id"].to_numpy()[bad]
    bad_roofs["reason"] = out["bad_reason"].to_numpy()[bad].astype(str)
    result = out.loc[~bad].drop(columns="bad_reason")
    result.attrs = {"bad_roofs": bad_roofs, "n_input": len(roofs), "n_bad": int(bad.sum()),
                    "module_efficiency": module_efficiency, "usable_fraction": usable_fraction}
    return result


# --------------------------------------------------------------------------------------------
# Aggregation
# --------------------------------------------------------------------------------------------


def production_totals(production, by: str | Sequence[str] = "commune_code") -> pd.DataFrame:
    """Totals per group: ``roofs``, ``usable_area_m2``, ``peak_power_mwp`` [MWp], ``annual_gwh`` [GWh/yr].

    ``production`` is the output of :func:`estimate_roof_production` (pandas, or dask with a
    ``bad_reason`` column whose rows are left out).
    """
    df = production
    if "bad_reason" in df.columns:
        df = df[df["bad_reason"].isna()]
    cols = ["annual_kwh", "peak_power_kwp", "usable_area_m2"]
    g = df.groupby(by, observed=True)
    sums = g[cols].sum()
    counts = g["annual_kwh"].count()
    if not isinstance(sums, pd.DataFrame):
        sums, counts = sums.compute(), counts.compute()
    out = pd.DataFrame({
        "roofs": counts.astype("int64"),
        "usable_area_m2": sums["usable_area_m2"],
        "peak_power_mwp": sums["peak_power_kwp"] / 1e3,
        "annual_gwh": sums["annual_kwh"] / 1e6,
    })
    return out.sort_index()


def class_totals(production) -> pd.DataFrame:
    """:func:`production_totals` per ``solar_class`` (red / yellow / blue), with the share of energy."""
    out = production_totals(production, by="solar_class")
    out["energy_share"] = out["annual_gwh"] / out["annual_gwh"].sum()
    return out
