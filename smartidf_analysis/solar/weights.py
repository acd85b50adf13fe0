"""Exact, instant totals for parameter sweeps: roofs folded onto the cube's orientation grid.

Per roof, :func:`~smartidf_analysis.solar.roofs.estimate_roof_production` computes
``annual_kwh = bilinear(SY)(tilt, azimuth) x keep x area x efficiency x usable_fraction`` with
``keep = field factor x (1 - shading)``. Bilinear interpolation is linear in the node values, so
the total of a group of roofs is ``efficiency x usable_fraction x sum_ij W[i, j] x SY[i, j]``
with ``W[i, j] = sum over roofs of (node weight x keep x area)``. :func:`orientation_weights`
computes ``W`` once (one pass over the roofs, partition by partition on Dask); after that,
:func:`totals_from_weights` gives the totals of any cube (other losses, inverter) and any
efficiency or usable share in microseconds, equal to the per-roof computation up to rounding.
Classes depend on plane irradiation only, which does not depend on those parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from smartidf_analysis.solar.clearsky import spatial_factor_grid
from smartidf_analysis.solar.roofs import (
    CLASS_THRESHOLDS_KWH_M2,
    SOLAR_CLASSES,
    _axis,
    _check_roofs,
    _numeric,
    bilinear,
    solar_class,
)


def _partial(df: pd.DataFrame, *, tilts, azimuths, irradiation, field_grid, by, groups,
             thresholds) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(W (g, nt, na), usable area (g), roof count (g)) of one partition; bad roofs left out.

    Public as :func:`partial_weights`.

    Parameters
    ----------
    df : DataFrame
        One partition of roofs (as for
        :func:`~smartidf_analysis.solar.roofs.estimate_roof_production`).
    tilts, azimuths, irradiation, field_grid, by, groups, thresholds
        From :func:`weight_inputs`: grid nodes [deg], plane irradiation (tilt, azimuth)
        [kWh/m2/yr], the field's (lat, lon, factor) or None, the grouping column, its groups
        and the class thresholds [kWh/m2/yr].

    Returns
    -------
    (ndarray or SparseWeights, ndarray, ndarray)
        W per group and node [m2 x -], usable area per group [m2] and roof count per group.

    Raises
    ------
    ValueError
        When a roof's ``by`` value is not in ``groups``.
    """
    ok = _check_roofs(df) == 0
    tilt, az = _numeric(df, "tilt_deg")[ok], _numeric(df, "azimuth_deg")[ok]
    keep = np.ones(ok.sum())
    if field_grid is not None:
        glat, glon, gfac = field_grid
        keep = bilinear(glat, glon, gfac, _numeric(df, "lat")[ok], _numeric(df, "lon")[ok])[:, 0]
    if "shading_factor" in df:
        keep = keep * (1 - pd.to_numeric(df["shading_factor"], errors="coerce").fillna(0.0)
                       .to_numpy(dtype=float)[ok])
    area = _numeric(df, "usable_area_m2")[ok]
    if by == "solar_class":
        irr = bilinear(tilts, azimuths, irradiation, tilt, az)[:, 0] * keep
        code = solar_class(irr, thresholds).codes.astype(np.intp)
    else:
        col = df[by]
        if isinstance(col.dtype, pd.CategoricalDtype) and list(col.cat.categories) == list(groups):
            code = col.cat.codes.to_numpy()[ok].astype(np.intp)  # no string hashing
        else:
            code = pd.Categorical(col.to_numpy()[ok], categories=groups).codes.astype(np.intp)
    if (code < 0).any():
        raise ValueError(f"{by} values outside the declared groups")
    nt, na = len(tilts), len(azimuths)
    i, tx = _axis(tilts, tilt)
    j, ty = _axis(azimuths, az)
    i1, j1 = np.minimum(i + 1, nt - 1), np.minimum(j + 1, na - 1)
    base = area * keep
    corners = ((i, j, (1 - tx) * (1 - ty)), (i, j1, (1 - tx) * ty), (i1, j, tx * (1 - ty)),
               (i1, j1, tx * ty))
    area_sum = np.bincount(code, weights=area, minlength=len(groups))
    count = np.bincount(code, minlength=len(groups)).astype(np.int64)
    if len(groups) * nt * na > SPARSE_CELLS:  # e.g. 35,000 communes: 200 MB dense per partition
        cell = np.concatenate([(code * nt + ii) * na + jj for ii, jj, _ in corners])
        used, where = np.unique(cell, return_inverse=True)
        values = np.bincount(where, weights=np.concatenate([base * wt for *_, wt in corners]))
        return SparseWeights(used, values, (len(groups), nt, na)), area_sum, count
    w = np.zeros(len(groups) * nt * na)
    for ii, jj, wt in corners:
        w += np.bincount((code * nt + ii) * na + jj, weights=base * wt, minlength=len(w))
    return w.reshape(len(groups), nt, na), area_sum, count


#: Above this many (group, tilt, azimuth) cells a partition returns :class:`SparseWeights`.
SPARSE_CELLS = 2_000_000


@dataclass(frozen=True)
class SparseWeights:
    """One partition's W as its non-zero cells (flat index, value): with tens of thousands of
    communes, a partition of 250,000 roofs touches at most 1 million of the 25 million cells.

    Parameters
    ----------
    cells : ndarray
        Flat indices of the non-zero cells in an array of ``shape``.
    values : ndarray
        Their weights [m2 x -].
    shape : (int, int, int)
        (groups, tilts, azimuths) of the dense W.
    """

    cells: np.ndarray
    values: np.ndarray
    shape: tuple[int, int, int]


def _dense_sum(parts) -> np.ndarray:
    """Sum of partitions' W, dense or :class:`SparseWeights`, in the partitions' order."""
    total = None
    for w in parts:
        if total is None:
            total = np.zeros(int(np.prod(w.shape)))
        if isinstance(w, SparseWeights):
            total[w.cells] += w.values
        else:
            total += w.ravel()
    return total.reshape(parts[0].shape)


def weight_inputs(cube: xr.Dataset, groups: Sequence, *, field: xr.Dataset | None = None,
                  by: str = "commune_code", thresholds: Sequence[float] = CLASS_THRESHOLDS_KWH_M2) -> dict:
    """Keyword arguments of :func:`partial_weights` (small arrays: grids, field factor).

    Parameters
    ----------
    cube : xarray.Dataset
        A yield cube (its grid and ``irradiation_kwh_m2``).
    groups : sequence
        The groups, in order (values of ``by``).
    field : xarray.Dataset, optional
        The regional field (see :func:`orientation_weights`).
    by : str
        Grouping column, or ``"solar_class"``.
    thresholds : (float, float)
        Class thresholds [kWh/m2/yr].

    Returns
    -------
    dict
        ``tilts``, ``azimuths`` [deg], ``irradiation`` [kWh/m2/yr], ``field_grid``, ``by``,
        ``groups``, ``thresholds``.
    """
    return dict(tilts=cube["tilt"].to_numpy().astype(float),
                azimuths=cube["azimuth"].to_numpy().astype(float),
                irradiation=cube["irradiation_kwh_m2"].transpose("tilt", "azimuth").to_numpy(),
                field_grid=spatial_factor_grid(field) if field is not None else None, by=by,
                groups=list(groups), thresholds=tuple(thresholds))


partial_weights = _partial  # one partition's (W, area, count); see weight_inputs


def combine_weights(parts, inputs: dict) -> xr.Dataset:
    """Sum partial results of :func:`partial_weights` into the Dataset of :func:`orientation_weights`.

    Parameters
    ----------
    parts : iterable of tuple
        The results of :func:`partial_weights` on each partition.
    inputs : dict
        The :func:`weight_inputs` they were computed with.

    Returns
    -------
    xarray.Dataset
        As :func:`orientation_weights`.
    """
    parts = list(parts)
    w = _dense_sum([p[0] for p in parts])
    area, count = (sum(p[k] for p in parts) for k in (1, 2))
    return xr.Dataset(
        {"weight_m2": (("group", "tilt", "azimuth"), w), "usable_area_m2": ("group", area),
         "roofs": ("group", count)},
        coords={"group": [str(g) for g in inputs["groups"]], "tilt": inputs["tilts"],
                "azimuth": inputs["azimuths"]},
        attrs={"by": inputs["by"]})


def orientation_weights(roofs, cube: xr.Dataset, *, field: xr.Dataset | None = None,
                        by: str = "commune_code",
                        thresholds: Sequence[float] = CLASS_THRESHOLDS_KWH_M2) -> xr.Dataset:
    """Roofs folded onto the cube's (tilt, azimuth) nodes, per group.

    Parameters
    ----------
    roofs : DataFrame or dask.dataframe.DataFrame
        As for :func:`~smartidf_analysis.solar.roofs.estimate_roof_production`; a dask input
        needs ``by`` categorical with known categories (or ``by="solar_class"``) and is reduced
        partition by partition (on the workers of a ``dask.distributed`` Client if active).
    cube, field
        As for :func:`~smartidf_analysis.solar.roofs.estimate_roof_production`.
    by : str
        Grouping column, or ``"solar_class"`` (classes from the cube's irradiation).
    thresholds : (float, float)
        Class thresholds [kWh/m2/yr].

    Returns
    -------
    xarray.Dataset
        ``weight_m2`` (group, tilt, azimuth) [m2 x -], ``usable_area_m2`` (group) [m2] and
        ``roofs`` (group); bad roofs are left out (as in the per-roof function).

    Raises
    ------
    ValueError
        For a dask input whose ``by`` column is not categorical.
    """
    if by == "solar_class":
        groups = list(SOLAR_CLASSES)
    elif isinstance(roofs[by].dtype, pd.CategoricalDtype):
        groups = list(roofs[by].cat.categories)
    elif isinstance(roofs, pd.DataFrame):
        groups = sorted(roofs[by].dropna().unique())
    else:
        raise ValueError(f"a dask input needs a categorical {by!r} column with known categories")
    kw = weight_inputs(cube, groups, field=field, by=by, thresholds=thresholds)
    if isinstance(roofs, pd.DataFrame):
        return combine_weights([_partial(roofs, **kw)], kw)
    import dask

    from smartidf_analysis.data import compute

    parts = compute.compute(*[dask.delayed(_partial)(p, **kw) for p in roofs.to_delayed()])
    return combine_weights(parts, kw)


def totals_from_weights(weights: xr.Dataset, cube: xr.Dataset, *, module_efficiency: float = 0.20,
                        usable_fraction: float = 1.0) -> pd.DataFrame:
    """Totals per group for one cube and parameter set, like
    :func:`~smartidf_analysis.solar.roofs.production_totals`: ``roofs``, ``usable_area_m2`` [m2],
    ``peak_power_mwp`` [MWp], ``annual_gwh`` [GWh/yr] (groups without roofs dropped).

    Parameters
    ----------
    weights : xarray.Dataset
        From :func:`orientation_weights` or :func:`combine_weights`.
    cube : xarray.Dataset
        A yield cube on the same grid (its ``specific_yield_kwh_kwp`` [kWh/kWp/yr]).
    module_efficiency, usable_fraction : float
        Module efficiency and usable share [-].

    Returns
    -------
    DataFrame
        Indexed by group (named after ``by``): ``roofs``, ``usable_area_m2`` [m2],
        ``peak_power_mwp`` [MWp], ``annual_gwh`` [GWh/yr].

    Raises
    ------
    ValueError
        When the cube's grid differs from the weights'.
    """
    sy = cube["specific_yield_kwh_kwp"].transpose("tilt", "azimuth").to_numpy()
    if sy.shape != weights["weight_m2"].shape[1:] or not np.allclose(cube["tilt"], weights["tilt"]):
        raise ValueError("the cube's tilt x azimuth grid differs from the weights' grid")
    scale = module_efficiency * usable_fraction
    kwh = np.einsum("gij,ij->g", weights["weight_m2"].to_numpy(), sy) * scale
    out = pd.DataFrame({
        "roofs": weights["roofs"].to_numpy().astype("int64"),
        "usable_area_m2": weights["usable_area_m2"].to_numpy(),
        "peak_power_mwp": weights["usable_area_m2"].to_numpy() * scale / 1e3,
        "annual_gwh": kwh / 1e6,
    }, index=pd.Index(weights["group"].to_numpy().astype(str), name=weights.attrs.get("by", "group")))
    return out[out["roofs"] > 0]
