"""Home-to-work commuting: origin–destination matrices, distances and commune indicators.

Over 400 lines: the code is under 400; the numpydoc sections of the docstrings (parameters,
returned columns and their units) are the rest.

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

Distances are crow-fly between commune centroids in Lambert-93 (EPSG:2154) [km]. The
distance of a flow inside one commune is estimated from its area A [km²] as the mean
distance between two points drawn uniformly in a disc of the same area,
``128 / (45 π) · √(A / π) ≈ 0.511 √A`` (the classical mean distance 128 r / 45 π between
two random points of a disc of radius r, e.g. Santaló 1976, *Integral Geometry and Geometric
Probability*; checked by simulation in the tests).

Sums of ``workers`` are fixed-point, in DuckDB (:func:`smartidf_analysis.data.db.sum_sql`) and in pandas
(:func:`sum_workers`): survey weights are added as integers of 1e-9 worker, so that a sum
does not depend on the order rows are added in (DuckDB threads, Dask partitions) and two
flows made of the same weights are exactly equal, their tie broken by code.

Paris switch: ``paris_as_one=True`` relabels the arrondissements as 75056 *after* distances
are computed, so a commute from the 13th to the 8th keeps its real length and counts as
"working in one's commune".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from smartidf_analysis.commuting.indicators import (  # noqa: F401 - re-exported: the theme's public API
    INDICATORS,
    MODES,
    commune_indicators,
    distance_distribution,
    mode_shares,
    region_summary,
    weighted_median,
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
LEVELS = ("commune", "ept", "epci", "department")
BREAKDOWNS = ("mode", "csp")
PARIS_CODE = "75056"
MGP_DEPARTMENTS = ("75", "92", "93", "94")  # departments of the Métropole du Grand Paris
INTRA_DISTANCE_FACTOR = 128 / (45 * math.pi)  # mean distance in a disc, in radii
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
def is_arrondissement(codes: pd.Series) -> pd.Series:
    """True for Paris arrondissement codes 75101–75120.

    Parameters
    ----------
    codes : pandas.Series
        INSEE commune codes.

    Returns
    -------
    pandas.Series
        Boolean, aligned on ``codes``.
    """
    return codes.astype(str).str.fullmatch(r"751(0[1-9]|1[0-9]|20)")


def relabel_paris(frame: pd.DataFrame,
                  columns: Sequence[str] = ("home_code", "work_code")) -> pd.DataFrame:
    """A copy of ``frame`` with the arrondissement codes in ``columns`` replaced by 75056.

    Parameters
    ----------
    frame : pandas.DataFrame
        A table with commune-code columns.
    columns : sequence of str, default ("home_code", "work_code")
        The columns to relabel.

    Returns
    -------
    pandas.DataFrame
        The relabelled copy (rows are not re-summed; see :func:`collapse_paris`).
    """
    out = frame.copy()
    for col in columns:
        out[col] = out[col].where(~is_arrondissement(out[col]), PARIS_CODE)
    return out


def communes_at(communes: pd.DataFrame, paris_as_one: bool) -> pd.DataFrame:
    """The communes table at one Paris resolution: 75056 alone, or its 20 arrondissements.

    Parameters
    ----------
    communes : pandas.DataFrame
        Commune attributes with ``commune_code`` (holding 75056 and the arrondissements).
    paris_as_one : bool
        Keep 75056 (True) or the arrondissements (False).

    Returns
    -------
    pandas.DataFrame
        The kept rows of ``communes``, re-indexed.
    """
    code = communes["commune_code"]
    keep = ~is_arrondissement(code) if paris_as_one else code != PARIS_CODE
    return communes[keep].reset_index(drop=True)


def intra_commune_distance_km(area_km2) -> np.ndarray:
    """Mean crow-fly distance [km] of a commute inside a commune of area ``area_km2`` [km²]:
    the mean distance between two uniform points in a disc of that area, 0.9054 · radius.

    Parameters
    ----------
    area_km2 : array_like of float
        Commune areas [km²].

    Returns
    -------
    numpy.ndarray
        Mean distances [km].
    """
    area = np.asarray(area_km2, dtype=float)
    return INTRA_DISTANCE_FACTOR * np.sqrt(area / math.pi)


def add_distances(flows: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    """``flows`` with ``distance_km``: crow-fly between Lambert-93 centroids [km], or the
    area-based estimate (:func:`intra_commune_distance_km`) when home = work.

    Codes absent from ``communes`` (unmatched 2014 codes) get ``NaN``.

    Parameters
    ----------
    flows : pandas.DataFrame
        ``home_code``, ``work_code`` and any other columns.
    communes : pandas.DataFrame
        ``commune_code``, ``centroid_x_l93``, ``centroid_y_l93`` [m, Lambert-93] and
        ``area_km2`` [km²].

    Returns
    -------
    pandas.DataFrame
        A copy of ``flows`` with ``distance_km`` [km].
    """
    coords = communes.drop_duplicates("commune_code").set_index("commune_code")[
        ["centroid_x_l93", "centroid_y_l93", "area_km2"]]
    home = coords.reindex(flows["home_code"].to_numpy()).to_numpy(dtype=float)
    work = coords.reindex(flows["work_code"].to_numpy()).to_numpy(dtype=float)
    crow = np.hypot(home[:, 0] - work[:, 0], home[:, 1] - work[:, 1]) / 1000.0
    same = (flows["home_code"].to_numpy() == flows["work_code"].to_numpy())
    out = flows.copy()
    out["distance_km"] = np.where(same, intra_commune_distance_km(home[:, 2]), crow)
    return out


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


def unit_table(communes: pd.DataFrame, level: str, codes: Iterable[str] = ()) -> pd.DataFrame:
    """Map every commune code (and any extra ``codes``) to its unit at ``level``.

    ``communes`` has the columns of :func:`smartidf_analysis.commuting.io.load_communes` (``commune_code``,
    ``commune_name``, ``parent_code``, ``department_code`` [, ``department_name``],
    ``epci_siren``, ``epci_name``, ``ept_code``, ``ept_name``). Returns ``commune_code,
    unit_code, unit_name``. Rules (every code gets exactly one unit, so totals never change
    across levels):

    * ``commune``: itself (an unmatched 2014 code is its own unit, named after its code);
    * ``department``: ``department_code`` (unmatched codes: their first two digits);
    * ``epci``: ``epci_siren`` (unmatched codes: their own unit "<code> (not in current COG)");
    * ``ept``: the EPT of the Métropole du Grand Paris; **Paris** (75056 and arrondissements,
      in no EPT in INSEE's file) is its own unit ``75056``; communes **outside the MGP**, and
      unmatched codes outside the MGP departments, are grouped per department as
      ``HORS-MGP-<dep>`` "outside MGP: <department> (<dep>)".

    Parameters
    ----------
    communes : pandas.DataFrame
        See above.
    level : {"commune", "ept", "epci", "department"}
        The unit level.
    codes : iterable of str
        Extra commune codes (e.g. the codes of the flows) absent from ``communes``.

    Returns
    -------
    pandas.DataFrame
        ``commune_code``, ``unit_code``, ``unit_name``.

    Raises
    ------
    ValueError
        If ``level`` is not one of :data:`LEVELS`.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; use one of {list(LEVELS)}")
    com = communes.drop_duplicates("commune_code")
    extra = sorted(set(codes) - set(com["commune_code"].unique()))
    dep_names = com.dropna(subset=["department_code"]).drop_duplicates("department_code")
    dep_names = dict(zip(dep_names["department_code"],
                         dep_names.get("department_name", dep_names["department_code"]),
                         strict=True))
    table = pd.concat([
        com[["commune_code", "commune_name", "department_code", "epci_siren", "epci_name",
             "ept_code", "ept_name", "parent_code"]],
        pd.DataFrame({"commune_code": extra, "commune_name": [f"{c} (not in current COG)"
                                                              for c in extra],
                      "department_code": [c[:2] for c in extra]}),
    ], ignore_index=True)
    code, dep = table["commune_code"], table["department_code"]
    dep_label = dep.map(lambda d: f"{dep_names.get(d, d)} ({d})" if isinstance(d, str) else d)
    if level == "commune":
        unit, name = code, table["commune_name"]
    elif level == "department":
        unit, name = dep, dep.map(lambda d: dep_names.get(d, d))
    elif level == "epci":
        unit = table["epci_siren"].fillna(code)
        name = table["epci_name"].fillna(table["commune_name"])
    else:
        paris = (code == PARIS_CODE) | (table["parent_code"] == PARIS_CODE) | is_arrondissement(code)
        outside = table["ept_code"].isna() & ~paris & ~dep.isin(MGP_DEPARTMENTS)
        unit = table["ept_code"].copy()
        name = table["ept_name"].copy()
        unit[table["ept_code"].isna() & paris] = PARIS_CODE
        name[table["ept_code"].isna() & paris] = "Paris"
        unit[outside] = "HORS-MGP-" + dep[outside]
        name[outside] = "outside MGP: " + dep_label[outside]
        orphan = unit.isna()  # an MGP-department code with no EPT (none in 2025): its own unit
        unit[orphan], name[orphan] = code[orphan], table["commune_name"][orphan]
    return pd.DataFrame({"commune_code": code, "unit_code": unit.astype(str),
                         "unit_name": name.astype(str)})


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
