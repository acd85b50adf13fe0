"""Validation against the solar cadastre carried by the Saint-Denis GeoPackage.

The layer ``potentielsolaire_toitures`` (APUR / Metropole du Grand Paris solar cadastre,
compiled by Data For Good; table ``solar_cadastre_roofs``) gives per roof the usable area
``surf_util``, the mean irradiation of that area ``moyenne2`` and the production ``production``.
In this layer production is exactly ``usable_area x irradiation x k`` with a *system factor*
``k`` of 0.0911 on flat roofs and 0.1224 on pitched ones (that is what :func:`system_factors`
measures; e.g. 16 % modules x performance ratio 0.765 = 0.1224, and flat roofs x 0.744 for
row spacing - the cadastre's documentation is not in the file, so this reading is ours).

Our estimate is ``usable_area x usable_fraction x efficiency x specific_yield``, i.e. usable
area x our plane irradiation x (efficiency x our performance ratio). The ratio ours /
cadastre therefore splits exactly into an **irradiation ratio** (our plane irradiation from
the NSRDB typical year and an assumed orientation vs the cadastre's 3-D irradiation model) and
a **system-factor ratio** (our efficiency x PR vs the cadastre's ``k``):
:func:`compare_with_cadastre` reports both, per roof shape.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def system_factors(cadastre: pd.DataFrame) -> pd.DataFrame:
    """The cadastre's implied system factor ``k = production / (area x irradiation)`` [-].

    Parameters
    ----------
    cadastre : DataFrame
        ``solar_cadastre_roofs`` (``usable_area_m2`` [m2], ``mean_irradiation_kwh_m2``
        [kWh/m2/yr], ``production_kwh`` [kWh/yr], ``roof_shape``).

    Returns
    -------
    DataFrame
        Per cadastre ``roof_shape``: ``roofs`` with a production, ``k_median``, ``k_min``,
        ``k_max`` [-] and ``kwh_per_m2_median`` [kWh/m2/yr of usable area].
    """
    c = cadastre[(cadastre["production_kwh"] > 0) & (cadastre["usable_area_m2"] > 0)
                 & cadastre["mean_irradiation_kwh_m2"].notna()]
    k = c["production_kwh"] / (c["usable_area_m2"] * c["mean_irradiation_kwh_m2"])
    per_m2 = c["production_kwh"] / c["usable_area_m2"]
    frame = pd.DataFrame({"roof_shape": c["roof_shape"].to_numpy(), "k": k.to_numpy(),
                          "per_m2": per_m2.to_numpy()})
    return frame.groupby("roof_shape").agg(
        roofs=("k", "size"), k_median=("k", "median"), k_min=("k", "min"), k_max=("k", "max"),
        kwh_per_m2_median=("per_m2", "median"))


def _corr(a, b, fn) -> float:
    return float(fn(a, b)[0]) if len(a) >= 3 and np.ptp(a) > 0 and np.ptp(b) > 0 else np.nan


def compare_with_cadastre(
    estimate: pd.DataFrame, cadastre: pd.DataFrame, *, on: str = "roof_id"
) -> tuple[pd.Series, pd.DataFrame]:
    """Our ``annual_kwh`` against the cadastre's ``production_kwh``, roof by roof, explained.

    Only roofs present in both with a positive cadastre production and a finite estimate
    are compared (the cadastre gives 0 kWh to its "Non favorable" roofs; they are counted in
    ``cadastre_zero_roofs``, not compared).

    Parameters
    ----------
    estimate : DataFrame
        From :func:`~smartidf_analysis.solar.roofs.estimate_roof_production` on
        :func:`~smartidf_analysis.solar.stock.roofs_from_cadastre` (``on``, ``annual_kwh``,
        ``irradiation_kwh_m2``, ``usable_area_m2``, ``roof_shape``).
    cadastre : DataFrame
        ``solar_cadastre_roofs`` (``on``, ``production_kwh`` [kWh/yr],
        ``mean_irradiation_kwh_m2`` [kWh/m2/yr]).
    on : str
        Column identifying a roof in both tables.

    Returns
    -------
    summary : Series
        ``roofs``, ``cadastre_zero_roofs``, ``median_ratio`` (ours / cadastre) [-],
        ``pearson_r``, ``spearman_r``, ``ours_gwh``, ``cadastre_gwh`` [GWh/yr],
        ``median_irradiation_ratio`` (our plane irradiation / ``mean_irradiation_kwh_m2``),
        ``median_system_ratio`` (our kWh per m2 per kWh/m2 of irradiation / the cadastre's
        ``k``) and ``median_ratio_same_system`` (ours re-scaled to the cadastre's ``k`` =
        the irradiation ratio alone); by construction ratio = irradiation ratio x system ratio.
    pairs : DataFrame
        ``on``, ``roof_shape``, ``usable_area_m2``, ``annual_kwh``, ``production_kwh``,
        ``ratio``, ``irradiation_ratio``, ``system_ratio``.
    """
    cols = [on, "annual_kwh"] + [c for c in ("irradiation_kwh_m2", "usable_area_m2", "roof_shape")
                                 if c in estimate.columns]
    theirs = cadastre[[on, "production_kwh", "mean_irradiation_kwh_m2"]]
    merged = estimate[cols].merge(theirs, on=on, how="inner")
    zero = int((merged["production_kwh"] <= 0).sum())
    keep = np.isfinite(merged["annual_kwh"]) & (merged["production_kwh"] > 0)
    pairs = merged[keep].reset_index(drop=True)
    pairs["ratio"] = pairs["annual_kwh"] / pairs["production_kwh"]
    if {"irradiation_kwh_m2", "usable_area_m2"} <= set(pairs.columns):
        pairs["irradiation_ratio"] = pairs["irradiation_kwh_m2"] / pairs["mean_irradiation_kwh_m2"]
        ours_k = pairs["annual_kwh"] / (pairs["usable_area_m2"] * pairs["irradiation_kwh_m2"])
        their_k = pairs["production_kwh"] / (pairs["usable_area_m2"] * pairs["mean_irradiation_kwh_m2"])
        pairs["system_ratio"] = ours_k / their_k
    else:
        pairs["irradiation_ratio"] = pairs["system_ratio"] = np.nan
    from scipy import stats  # here: 0.3-0.9 s to import, most studies never need it

    ours, theirs_kwh = pairs["annual_kwh"], pairs["production_kwh"]
    summary = pd.Series({
        "roofs": len(pairs),
        "cadastre_zero_roofs": zero,
        "median_ratio": float(pairs["ratio"].median()) if len(pairs) else np.nan,
        "pearson_r": _corr(ours, theirs_kwh, stats.pearsonr),
        "spearman_r": _corr(ours, theirs_kwh, stats.spearmanr),
        "ours_gwh": ours.sum() / 1e6,
        "cadastre_gwh": theirs_kwh.sum() / 1e6,
        "median_irradiation_ratio": float(pairs["irradiation_ratio"].median()) if len(pairs) else np.nan,
        "median_system_ratio": float(pairs["system_ratio"].median()) if len(pairs) else np.nan,
        "median_ratio_same_system": float((pairs["ratio"] / pairs["system_ratio"]).median())
        if len(pairs) else np.nan,
    })
    return summary, pairs.drop(columns=["irradiation_kwh_m2", "mean_irradiation_kwh_m2"], errors="ignore")


def ratio_by_shape(pairs: pd.DataFrame) -> pd.DataFrame:
    """Median ratios per roof shape from the ``pairs`` of :func:`compare_with_cadastre`.

    Parameters
    ----------
    pairs : DataFrame
        The second output of :func:`compare_with_cadastre`.

    Returns
    -------
    DataFrame
        Indexed by ``roof_shape``: ``roofs``, ``median_ratio``, ``median_irradiation_ratio``,
        ``median_system_ratio`` [-].
    """
    return pairs.groupby("roof_shape").agg(
        roofs=("ratio", "size"), median_ratio=("ratio", "median"),
        median_irradiation_ratio=("irradiation_ratio", "median"),
        median_system_ratio=("system_ratio", "median"))
