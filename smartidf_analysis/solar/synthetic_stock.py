"""The SYNTHETIC regional roof stock: roofs drawn per commune (weighted by dwellings or
population) with orientations, tilts and areas from one :class:`StockAssumptions`.

The stock is generated in fixed-size blocks (:data:`STOCK_BLOCK_SIZE`), each from its own
seeded random stream, so that :func:`synthetic_roof_stock` (pandas) and
:func:`synthetic_roof_stock_dask` (one Dask partition per block, generated on the workers -
nothing but a few kB of commune weights travels) give identical roofs. The result is the roof
table that :func:`smartidf_analysis.solar.roofs.estimate_roof_production` expects.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

STOCK_BLOCK_SIZE = 250_000  # roofs per block (and per Dask partition) of the synthetic stock


def _stock_inputs(communes: pd.DataFrame, weight: str, jitter_deg: float) -> dict:
    """Commune codes, centroids, position spread and drawing probabilities (small arrays)."""
    if communes is None:
        raise ValueError("communes is required: a DataFrame with commune_code, centroid_lon, centroid_lat "
                         f"and {weight!r}")
    w = pd.to_numeric(communes[weight], errors="coerce").fillna(0).clip(lower=0).to_numpy(dtype=float)
    if w.sum() <= 0:
        raise ValueError(f"communes[{weight!r}] sums to zero")
    if "area_km2" in communes:
        area_km2 = pd.to_numeric(communes["area_km2"], errors="coerce").fillna(1.0).to_numpy(dtype=float)
        sd = 0.3 * np.sqrt(area_km2) / 111.0
    else:
        sd = np.full(len(communes), float(jitter_deg))
    return dict(codes=communes["commune_code"].astype(str).tolist(),
                lon0=communes["centroid_lon"].to_numpy(dtype=float),
                lat0=communes["centroid_lat"].to_numpy(dtype=float), sd=sd, p=w / w.sum())


def _block_bounds(n: int, block_size: int) -> list[tuple[int, int]]:
    return [(s, min(s + block_size, n)) for s in range(0, n, block_size)] or [(0, 0)]


def _stock_block(bounds: tuple[int, int], *, seed: int, block: int, codes, lon0, lat0, sd, p,
                 flat_share: float, module_ready_fraction: float) -> pd.DataFrame:
    """Roofs ``bounds[0]`` to ``bounds[1] - 1`` of the stock, from the random stream (seed, block)."""
    start, stop = bounds
    n = stop - start
    rng = np.random.default_rng([seed, block])
    idx = np.minimum(np.searchsorted(np.cumsum(p), rng.random(n), side="right"), len(p) - 1)
    # longitude jitter x 1.5 ~ 1/cos(48.8 deg): round clouds on the ground
    lon = lon0[idx] + rng.normal(0, 1, n) * sd[idx] * 1.5
    lat = lat0[idx] + rng.normal(0, 1, n) * sd[idx]
    flat = rng.random(n) < flat_share
    footprint = rng.lognormal(np.log(110.0), 0.8, n)
    tilt = np.where(flat, 10.0, np.clip(rng.normal(35.0, 8.0, n), 15.0, 60.0))
    azimuth = np.where(flat, 180.0, rng.uniform(90.0, 270.0, n))
    area = footprint * module_ready_fraction / np.where(flat, 1.0, np.cos(np.radians(tilt)))
    return pd.DataFrame({
        "roof_id": np.arange(start, stop, dtype=np.int64),
        "commune_code": pd.Categorical.from_codes(idx.astype(np.int32), categories=pd.Index(codes)),
        "roof_shape": pd.Categorical.from_codes(np.where(flat, 0, 1), categories=["flat", "pitched"]),
        "usable_area_m2": area,
        "tilt_deg": tilt,
        "azimuth_deg": azimuth,
        "lat": lat,
        "lon": lon,
        "shading_factor": rng.beta(2.0, 12.0, n),
        "source": pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=["synthetic"]),
    }, index=pd.RangeIndex(start, stop))


@dataclass(frozen=True)
class StockAssumptions:
    """Every assumption of the SYNTHETIC roof stock (none is measured), shared by
    :func:`synthetic_roof_stock` and :func:`synthetic_roof_stock_dask`.

    Per roof: commune drawn with probability proportional to ``communes[weight]`` (dwellings
    or population); position = commune centroid + Gaussian jitter (``0.3 * sqrt(area_km2) /
    111`` deg when the table has ``area_km2``, else ``jitter_deg``); footprint log-normal
    (median 110 m2, sigma 0.8); ``flat_share`` flat roofs (racks at 10 deg facing south), the
    rest pitched 35 +/- 8 deg (15-60) with the used pan facing uniformly between east and west
    (90-270 deg); usable area = footprint x ``module_ready_fraction`` (pitched: / cos(tilt));
    shading factor Beta(2, 12) (mean 0.14).

    Parameters
    ----------
    seed : int
        Random seed.
    weight : str
        Column of ``communes`` used as weight (``dwellings`` or ``population``).
    flat_share : float
        Share of flat roofs [-].
    jitter_deg : float
        Standard deviation of the position around the centroid without ``area_km2`` [deg].
    module_ready_fraction : float
        Share of the roof that can hold modules [-].
    block_size : int
        Roofs per independently seeded block (and per Dask partition) [-].
    """

    seed: int = 0
    weight: str = "population"
    flat_share: float = 0.35
    jitter_deg: float = 0.01
    module_ready_fraction: float = 0.5
    block_size: int = STOCK_BLOCK_SIZE


def _stock_plan(n: int, communes: pd.DataFrame | None, assumptions: StockAssumptions):
    a = assumptions
    inputs = _stock_inputs(communes, a.weight, a.jitter_deg)
    bounds = _block_bounds(int(n), int(a.block_size))
    kwargs = [dict(seed=a.seed, block=b, flat_share=a.flat_share,
                   module_ready_fraction=a.module_ready_fraction, **inputs) for b in range(len(bounds))]
    return bounds, kwargs


def synthetic_roof_stock(n: int = 2_500_000, communes: pd.DataFrame | None = None,
                         assumptions: StockAssumptions = StockAssumptions()) -> pd.DataFrame:
    """A SYNTHETIC region-wide roof stock of ``n`` roofs distributed over communes by a weight
    (the rules and figures: :class:`StockAssumptions`).

    Deterministic for a given ``seed`` and ``block_size``. None of these figures is measured:
    the table is for scale tests and illustrations, and says so (``source == "synthetic"``,
    ``attrs["synthetic"] = True``).

    Parameters
    ----------
    n : int
        Number of roofs [-].
    communes : DataFrame
        ``commune_code``, ``centroid_lon``, ``centroid_lat`` [deg], the ``weight`` column and
        optionally ``area_km2`` [km2].
    assumptions : StockAssumptions
        Seed, weight, shares, jitter and block size.

    Returns
    -------
    DataFrame
        One row per roof, index the roof's position: ``roof_id``, ``commune_code``,
        ``roof_shape``, ``usable_area_m2`` [m2], ``tilt_deg``, ``azimuth_deg`` [deg], ``lat``,
        ``lon`` [deg], ``shading_factor`` [-], ``source`` (``"synthetic"``).

    Raises
    ------
    ValueError
        Without ``communes``, or when its weights sum to zero.
    """
    bounds, kwargs = _stock_plan(n, communes, assumptions)
    out = pd.concat([_stock_block(b, **k) for b, k in zip(bounds, kwargs, strict=True)])
    out.attrs = {"synthetic": True, "weight": assumptions.weight, "seed": assumptions.seed}
    return out


def synthetic_roof_stock_dask(n: int = 2_500_000, communes: pd.DataFrame | None = None,
                              assumptions: StockAssumptions = StockAssumptions()):
    """The same stock as :func:`synthetic_roof_stock`, as a lazy dask DataFrame built with
    ``dd.from_map``: one partition per block, generated where it is computed (on the
    ``dask.distributed`` workers when a Client is active), so that only the commune weights
    travel, not 2.5 million rows. The index is the roof's position.

    Parameters
    ----------
    n, communes, assumptions
        As for :func:`synthetic_roof_stock`.

    Returns
    -------
    dask.dataframe.DataFrame
        Lazy, one partition per block; the columns of :func:`synthetic_roof_stock`.

    Raises
    ------
    ValueError
        Without ``communes``, or when its weights sum to zero.
    """
    import dask.dataframe as dd

    bounds, kwargs = _stock_plan(n, communes, assumptions)
    meta = _stock_block((0, 0), **kwargs[0])
    divisions = (*[b[0] for b in bounds], max(bounds[-1][1] - 1, 0))
    return dd.from_map(_generate, bounds, kwargs, meta=meta, divisions=divisions,
                       enforce_metadata=False, label="synthetic-roof-stock")


def _generate(bounds, kwargs) -> pd.DataFrame:
    return _stock_block(bounds, **kwargs)
