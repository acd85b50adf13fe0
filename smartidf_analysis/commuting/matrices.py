"""Home-to-work commuting: origin–destination matrices, distances and commune indicators.

Data: INSEE RP 2014 MOBPRO flows **inside Île-de-France** by transport mode and
socio-professional group (table ``commuting_flows``, 5.32 M workers; see SOURCES.md C1).
``workers`` is a sum of survey weights (IPONDI), hence decimals. Paris is stored as its 20
arrondissements (75101–75120); codes were remapped from the 2014 COG to the current one at
build time, and the six 2014 codes with no current mapping (77028, 77149, 78503, 91182,
95259, 95282) are **kept as they are** (listed in ``build_issues``): they carry flows but
have no centroid, area or group, and every function here keeps them visible (own units,
``NaN`` distances) instead of dropping them.

Every function here is pure and takes DataFrames (``home_code``, ``work_code``, ``workers``
[persons], optional ``mode``/``csp``/``distance_km``), so tests feed hand-made tables; the
database reads (``load_*``, ``od_matrix``, ``flows_with_distance``, ``indicators``) are in
:mod:`smartidf_analysis.commuting.io`.

Distances (crow-fly between centroids, the mean distance inside a commune) are computed by
:mod:`smartidf_analysis.commuting.distances`; Paris as arrondissements or as one commune and
the map units by :mod:`smartidf_analysis.commuting.units` (both importable from here).

Sums of ``workers`` are fixed-point, in DuckDB (:func:`smartidf_analysis.data.db.sum_sql`) and in pandas
(:func:`sum_workers`): survey weights are added as integers of 1e-9 worker, so that a sum
does not depend on the order rows are added in (DuckDB threads, Dask partitions) and two
flows made of the same weights are exactly equal, their tie broken by code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from smartidf_analysis.commuting.distances import (  # noqa: F401 - moved there, re-exported
    INTRA_DISTANCE_FACTOR,
    add_distances,
    intra_commune_distance_km,
)
from smartidf_analysis.commuting.indicators import (  # noqa: F401 - re-exported: the theme's public API
    INDICATORS,
    MODES,
    commune_indicators,
    distance_distribution,
    mode_shares,
    region_summary,
    weighted_median,
)
from smartidf_analysis.commuting.units import (  # noqa: F401 - moved there, re-exported
    LEVELS,
    MGP_DEPARTMENTS,
    PARIS_CODE,
    communes_at,
    is_arrondissement,
    relabel_paris,
    unit_table,
)
from smartidf_analysis.data.schema import SUM_SCALE
from smartidf_analysis.errors import SmartidfError, UnknownCodeError

MODE_NAMES = {  # INSEE code -> readable name
    "DOMICILE": "no transport (works at home)",
    "NM": "non-motorised (walking, cycling)",
    "TC": "public transport",
    "VP": "private motor vehicle",
}
CSPS = (1, 2, 3, 4, 5, 6)
CSP_NAMES = {
    1: "farmers",
    2: "craftsmen, shopkeepers and company heads",
    3: "managers and higher intellectual professions",
    4: "intermediate professions",
    5: "employees",
    6: "blue-collar workers",
}
BREAKDOWNS = ("mode", "csp")
SOURCE = "INSEE, RP 2014, mobilités professionnelles (flux domicile-travail internes à l'IDF)"
VINTAGE = "RP 2014"


class EmptySelectionError(SmartidfError, ValueError):
    """A selection (modes, CSP groups, destinations…) is empty: nothing to compute."""


# ------------------------------------------------------------------ fixed-point sums
WORKERS_SCALE = 10 ** SUM_SCALE  # fixed-point unit of survey-weighted sums: 1e-9 worker


def sum_workers(frame: pd.DataFrame, keys: Sequence[str], columns: Sequence[str] = ("workers",),
                *, sort: bool = True) -> pd.DataFrame:
    """``frame`` summed per ``keys``: a frame with ``keys`` then ``columns`` (survey-weighted
    workers [persons]), one row per group (sorted by ``keys`` when ``sort``, else in order
    of first appearance; missing keys form their own group).

    Each value is rounded to 1e-9 worker and the values are added as int64, so the sums are
    exact: they do not depend on row order, and flows made of the same weights stay exactly
    equal (the selections then break the tie by code instead of by rounding noise). Exact for
    values below 8e6 and sums below 9e9 workers.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to sum.
    keys : sequence of str
        Grouping columns.
    columns : sequence of str, default ("workers",)
        Columns to sum [persons].
    sort : bool, default True
        Sort the groups by ``keys``.

    Returns
    -------
    pandas.DataFrame
        ``keys`` then ``columns`` (float), one row per group.
    """
    keys, columns = list(keys), list(columns)
    nano = frame[keys].assign(**{c: np.rint(frame[c].to_numpy(dtype="float64") * WORKERS_SCALE)
                                 .astype("int64") for c in columns})
    out = nano.groupby(keys, as_index=False, sort=sort, dropna=False)[columns].sum()
    for c in columns:
        out[c] = out[c].to_numpy(dtype="float64") / WORKERS_SCALE
    return out


# ------------------------------------------------------------------------ validation
def check_selection(modes: Iterable[str] | None = None,
                    csps: Iterable[int] | None = None) -> tuple[list[str], list[int]]:
    """The modes and CSP groups to keep (``None`` = all); raises on empty or unknown items.

    Parameters
    ----------
    modes : iterable of str, optional
        INSEE transport-mode codes (:data:`MODES`); ``None`` for all.
    csps : iterable of int, optional
        Socio-professional groups (:data:`CSPS`, 1–6); ``None`` for all.

    Returns
    -------
    mode_list : list of str
        The modes to keep.
    csp_list : list of int
        The CSP groups to keep.

    Raises
    ------
    EmptySelectionError
        If ``modes`` or ``csps`` is empty.
    ValueError
        If a mode or CSP group is unknown.
    """
    mode_list = list(MODES) if modes is None else [str(m) for m in modes]
    csp_list = list(CSPS) if csps is None else [int(c) for c in csps]
    if not mode_list:
        raise EmptySelectionError("no transport mode selected")
    if not csp_list:
        raise EmptySelectionError("no socio-professional group (CSP) selected")
    bad_modes = sorted(set(mode_list) - set(MODES))
    if bad_modes:
        raise ValueError(f"unknown mode(s) {bad_modes}; known: {list(MODES)}")
    bad_csps = sorted(set(csp_list) - set(CSPS))
    if bad_csps:
        raise ValueError(f"unknown CSP group(s) {bad_csps}; known: {list(CSPS)}")
    return mode_list, csp_list


def check_breakdowns(by: Iterable[str]) -> list[str]:
    """The breakdowns of ``by`` (a name or names among :data:`BREAKDOWNS`) in canonical order;
    raises on an unknown one.

    Parameters
    ----------
    by : str or iterable of str
        ``"mode"`` and/or ``"csp"``.

    Returns
    -------
    list of str
        The breakdowns in the order of :data:`BREAKDOWNS`.

    Raises
    ------
    ValueError
        If a breakdown is unknown.
    """
    by = [by] if isinstance(by, str) else list(by)
    bad = [b for b in by if b not in BREAKDOWNS]
    if bad:
        raise ValueError(f"unknown breakdown(s) {bad}; use any of {list(BREAKDOWNS)}")
    return [b for b in BREAKDOWNS if b in by]


# --------------------------------------------------------------------------- geography


def collapse_paris(flows: pd.DataFrame) -> pd.DataFrame:
    """Paris as one commune: relabel arrondissements as 75056 and re-sum ``workers``;
    ``distance_km`` (when present) becomes the workers-weighted mean of the merged flows.

    Parameters
    ----------
    flows : pandas.DataFrame
        ``home_code``, ``work_code``, ``workers`` [persons], optional ``mode``, ``csp``,
        ``distance_km`` [km].

    Returns
    -------
    pandas.DataFrame
        One row per (home, work[, mode][, csp]) after relabelling: the keys, ``workers``
        [persons] and, when present, ``distance_km`` [km].
    """
    keys = [c for c in ("home_code", "work_code", "mode", "csp") if c in flows]
    out = relabel_paris(flows)
    if "distance_km" not in out:
        return sum_workers(out, keys, sort=False)
    out["_wd"] = out["workers"] * out["distance_km"]
    grouped = out.groupby(keys, as_index=False, sort=False, dropna=False)[["workers", "_wd"]].sum(
        min_count=1)
    grouped["workers"] = sum_workers(out, keys, sort=False)["workers"]  # same groups, same order
    grouped["distance_km"] = grouped["_wd"] / grouped["workers"].where(grouped["workers"] > 0)
    return grouped.drop(columns="_wd")


def aggregate_od(pairs: pd.DataFrame, units: pd.DataFrame, by: Iterable[str] = ()) -> pd.DataFrame:
    """Sum commune-level ``pairs`` into the units of ``units`` (from :func:`unit_table`).

    Returns ``home_code, home_name, work_code, work_name, [mode, mode_name], [csp, csp_name],
    workers`` sorted by home, work (codes are unit codes). Raises if a code has no unit.

    Parameters
    ----------
    pairs : pandas.DataFrame
        ``home_code``, ``work_code``, the breakdown columns of ``by`` and ``workers``
        [persons], at commune level.
    units : pandas.DataFrame
        ``commune_code``, ``unit_code``, ``unit_name`` (:func:`unit_table`).
    by : iterable of str
        Breakdowns among ``"mode"`` and ``"csp"``.

    Returns
    -------
    pandas.DataFrame
        The columns above, ``workers`` in [persons].

    Raises
    ------
    UnknownCodeError
        If a commune code of ``pairs`` has no unit in ``units``.
    ValueError
        If a breakdown is unknown.
    """
    by = check_breakdowns(by)
    lookup = units.drop_duplicates("commune_code").set_index("commune_code")
    missing = sorted((set(pairs["home_code"].unique()) | set(pairs["work_code"].unique()))
                     - set(lookup.index))
    if missing:
        raise UnknownCodeError(f"commune code(s) with no unit: {missing[:10]}")
    frame = pd.DataFrame({
        "home_code": pairs["home_code"].map(lookup["unit_code"]),
        "work_code": pairs["work_code"].map(lookup["unit_code"]),
        **{b: pairs[b] for b in by}, "workers": pairs["workers"]})
    od = sum_workers(frame, ["home_code", "work_code", *by])
    names = units.drop_duplicates("unit_code").set_index("unit_code")["unit_name"]
    od.insert(1, "home_name", od["home_code"].map(names))
    od.insert(3, "work_name", od["work_code"].map(names))
    if "mode" in by:
        od.insert(od.columns.get_loc("mode") + 1, "mode_name", od["mode"].map(MODE_NAMES))
    if "csp" in by:
        od.insert(od.columns.get_loc("csp") + 1, "csp_name", od["csp"].map(CSP_NAMES))
    return od
