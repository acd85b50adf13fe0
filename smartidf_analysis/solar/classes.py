"""Red / yellow / blue solar classes of roofs and the totals of a production table (per commune,
per class or any key), from the outputs of
:func:`~smartidf_analysis.solar.roofs.estimate_roof_production`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from smartidf_analysis.data import compute

#: Roof irradiation classes [kWh/m2/yr]: below the first -> blue, from the first to below the
#: second -> yellow, from the second up -> red. ASSUMPTION: the thresholds of the region's
#: "Valoriser mon potentiel solaire" map are not published in a file we hold; these follow the
#: irradiation classes of the APUR / Metropole du Grand Paris solar cadastre (layer
#: ``potentielsolaire_bati`` of the Saint-Denis GeoPackage: areas < 700, 700-800, 800-900,
#: 900-1000, >= 1000 kWh/m2/yr): blue = APUR "non favorable" (< 700), yellow = the two middle
#: classes (700-900), red = the two top classes (>= 900).
CLASS_THRESHOLDS_KWH_M2 = (700.0, 900.0)
SOLAR_CLASSES = ("blue", "yellow", "red")
#: Map colours of the classes (the service's red / yellow / blue, colour-blind safe shades).
CLASS_COLORS = {"red": "#d7301f", "yellow": "#fec44f", "blue": "#2b8cbe"}


def solar_class(irradiation_kwh_m2, thresholds: Sequence[float] = CLASS_THRESHOLDS_KWH_M2) -> pd.Categorical:
    """Classes red / yellow / blue from roof irradiation [kWh/m2/yr].

    ``blue`` below ``thresholds[0]``, ``yellow`` from ``thresholds[0]`` (inclusive) to
    ``thresholds[1]`` (exclusive), ``red`` from ``thresholds[1]`` up; NaN stays missing. The
    default thresholds are an ASSUMPTION, see :data:`CLASS_THRESHOLDS_KWH_M2`.

    Parameters
    ----------
    irradiation_kwh_m2 : array_like
        Annual plane irradiation of each roof [kWh/m2/yr].
    thresholds : (float, float)
        Lower bounds of yellow and red [kWh/m2/yr].

    Returns
    -------
    pandas.Categorical
        Ordered categories blue < yellow < red, one per input value.
    """
    x = np.asarray(irradiation_kwh_m2, dtype=float)
    codes = np.searchsorted(np.asarray(thresholds, dtype=float), x, side="right").astype(np.int8)
    codes[~np.isfinite(x)] = -1
    return pd.Categorical.from_codes(codes, categories=list(SOLAR_CLASSES), ordered=True)


def production_totals(production, by: str | Sequence[str] = "commune_code") -> pd.DataFrame:
    """Totals per group: ``roofs``, ``usable_area_m2`` [m2], ``peak_power_mwp`` [MWp],
    ``annual_gwh`` [GWh/yr].

    Parameters
    ----------
    production : DataFrame or dask.dataframe.DataFrame
        The output of :func:`estimate_roof_production` (pandas, or dask with a ``bad_reason``
        column whose rows are left out).
    by : str or sequence of str
        Column(s) to group by.

    Returns
    -------
    DataFrame
        Indexed by ``by``, sorted: ``roofs``, ``usable_area_m2`` [m2], ``peak_power_mwp`` [MWp],
        ``annual_gwh`` [GWh/yr].
    """
    df = production
    if "bad_reason" in df.columns:
        df = df[df["bad_reason"].isna()]
    cols = ["annual_kwh", "peak_power_kwp", "usable_area_m2"]
    g = df.groupby(by, observed=True)
    sums = g[cols].sum()
    counts = g["annual_kwh"].count()
    if not isinstance(sums, pd.DataFrame):
        sums, counts = compute.compute(sums, counts)
    out = pd.DataFrame({
        "roofs": counts.astype("int64"),
        "usable_area_m2": sums["usable_area_m2"],
        "peak_power_mwp": sums["peak_power_kwp"] / 1e3,
        "annual_gwh": sums["annual_kwh"] / 1e6,
    })
    return out.sort_index()


def class_shares(totals: pd.DataFrame) -> pd.DataFrame:
    """Per-class totals reindexed to blue / yellow / red, with their shares.

    Parameters
    ----------
    totals : DataFrame
        :func:`production_totals` by ``solar_class`` (indexed by class name).

    Returns
    -------
    DataFrame
        Indexed by ``solar_class`` (blue, yellow, red; a missing class as 0 roofs): the columns
        of ``totals`` plus ``energy_share`` and ``roof_share`` [-].
    """
    order = pd.CategoricalIndex(list(SOLAR_CLASSES), categories=list(SOLAR_CLASSES), ordered=True,
                                name="solar_class")
    out = totals.copy()
    out.index = pd.CategoricalIndex(out.index.astype(str), categories=list(SOLAR_CLASSES), ordered=True,
                                    name="solar_class")
    out = out.reindex(order).fillna(0)
    out["roofs"] = out["roofs"].astype("int64")
    out["energy_share"] = out["annual_gwh"] / out["annual_gwh"].sum()
    out["roof_share"] = out["roofs"] / out["roofs"].sum()
    return out


def class_totals(production) -> pd.DataFrame:
    """:func:`production_totals` per ``solar_class`` (blue / yellow / red, every class listed).

    Parameters
    ----------
    production : DataFrame or dask.dataframe.DataFrame
        The output of :func:`estimate_roof_production`.

    Returns
    -------
    DataFrame
        See :func:`class_shares`: ``roofs``, ``usable_area_m2`` [m2], ``peak_power_mwp`` [MWp],
        ``annual_gwh`` [GWh/yr], ``energy_share`` and ``roof_share`` [-].
    """
    return class_shares(production_totals(production, by="solar_class"))
