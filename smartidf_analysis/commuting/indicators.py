"""Commune indicators and regional summaries of commuting flows — pure functions over
flow tables (``home_code``, ``work_code``, ``workers`` [persons], optional ``mode`` and
``distance_km`` [km]); see :mod:`smartidf_analysis.commuting` for how the tables are read and
the distances computed. Everything here is re-exported by ``commuting``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

MODES = ("DOMICILE", "NM", "TC", "VP")  # INSEE RP mode codes (see commuting.MODE_NAMES)


def weighted_median(frame: pd.DataFrame, group: str, value: str, weight: str) -> pd.Series:
    """Per ``group``, the lower weighted median of ``value``: the smallest value whose
    cumulative ``weight`` reaches half the group's total (rows with NaN value are ignored).

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to summarise.
    group : str
        Column to group by.
    value : str
        Column whose median is taken (e.g. ``distance_km`` [km]).
    weight : str
        Column of weights (e.g. ``workers`` [persons]); rows with weight <= 0 are ignored.

    Returns
    -------
    pandas.Series
        The weighted median of ``value`` per group, indexed by ``group`` (sorted), in the unit of
        ``value``.
    """
    f = frame.loc[frame[value].notna() & (frame[weight] > 0), [group, value, weight]]
    f = f.sort_values([group, value], kind="mergesort")
    cum = f.groupby(group, sort=False)[weight].cumsum()
    total = f.groupby(group, sort=False)[weight].transform("sum")
    reached = cum >= 0.5 * total * (1 - 1e-12)
    return f[reached].groupby(group, sort=True)[value].first()


def _weighted_mean(frame: pd.DataFrame, group: str, value: str, weight: str) -> pd.Series:
    known = frame[value].notna()
    wd = (frame[weight] * frame[value]).where(known)
    num = wd.groupby(frame[group]).sum()
    den = frame[weight].where(known).groupby(frame[group]).sum()
    return num / den.where(den > 0)


INDICATORS = ("resident_workers", "jobs", "balance", "relative_balance", "self_containment",
              "self_sufficiency", "leaving_share", "mean_distance_residents_km",
              "median_distance_residents_km", "mean_distance_workers_km",
              "median_distance_workers_km", *(f"share_{m.lower()}" for m in MODES))


def commune_indicators(flows: pd.DataFrame, communes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Commune indicators from commune-level ``flows`` (one or several rows per pair).

    Per commune c, with F[i, j] the workers living in i and working in j:

    * ``resident_workers`` R = Σ_j F[c, j]; ``jobs`` J = Σ_i F[i, c] (jobs held by IDF
      residents: flows to or from outside the region are not in the file) [workers];
    * ``balance`` J − R; ``relative_balance`` (J − R) / (J + R) in [−1, 1];
    * ``self_containment`` F[c, c] / R (residents working in their commune) [0–1];
      ``self_sufficiency`` F[c, c] / J (jobs held by residents) [0–1];
      ``leaving_share`` 1 − self_containment;
    * ``mean_/median_distance_residents_km`` over residents' commutes, ``…_workers_km``
      over the commutes of people working in c (needs ``distance_km``; weighted by workers,
      lower weighted median; NaN distances ignored);
    * ``share_<mode>`` share of residents by mode [0–1] (needs ``mode``).

    ``communes`` (optional) adds ``commune_name``/``department_code`` and keeps communes with
    no flow (indicators NaN/0). Codes in ``flows`` but not in ``communes`` are kept.

    Parameters
    ----------
    flows : pandas.DataFrame
        Commune-level flows: ``home_code``, ``work_code``, ``workers`` [persons], optional
        ``distance_km`` [km] and ``mode``.
    communes : pandas.DataFrame, optional
        Commune attributes with ``commune_code``, ``commune_name``, ``department_code``.

    Returns
    -------
    pandas.DataFrame
        One row per commune: ``commune_code``, [``commune_name``, ``department_code``], then
        the indicators above (the names of :data:`INDICATORS` that the inputs allow).
    """
    w = flows["workers"]
    resident = w.groupby(flows["home_code"]).sum()
    jobs = w.groupby(flows["work_code"]).sum()
    inside = flows["home_code"] == flows["work_code"]
    intra = w[inside].groupby(flows.loc[inside, "home_code"]).sum()
    codes = resident.index.union(jobs.index)
    if communes is not None:
        codes = codes.union(pd.Index(communes["commune_code"].unique()))
    out = pd.DataFrame(index=pd.Index(codes, name="commune_code"))
    out["resident_workers"] = resident.reindex(codes, fill_value=0.0)
    out["jobs"] = jobs.reindex(codes, fill_value=0.0)
    intra = intra.reindex(codes, fill_value=0.0)
    out["balance"] = out["jobs"] - out["resident_workers"]
    total = out["jobs"] + out["resident_workers"]
    out["relative_balance"] = out["balance"] / total.where(total > 0)
    out["self_containment"] = intra / out["resident_workers"].where(out["resident_workers"] > 0)
    out["self_sufficiency"] = intra / out["jobs"].where(out["jobs"] > 0)
    out["leaving_share"] = 1.0 - out["self_containment"]
    if "distance_km" in flows:
        for side, key in (("residents", "home_code"), ("workers", "work_code")):
            out[f"mean_distance_{side}_km"] = _weighted_mean(flows, key, "distance_km", "workers")
            out[f"median_distance_{side}_km"] = weighted_median(flows, key, "distance_km",
                                                                "workers")
    if "mode" in flows:
        by_mode = w.groupby([flows["home_code"], flows["mode"]]).sum().unstack(fill_value=0.0)
        by_mode = by_mode.reindex(index=codes, columns=list(MODES), fill_value=0.0)
        for m in MODES:
            out[f"share_{m.lower()}"] = by_mode[m] / out["resident_workers"].where(
                out["resident_workers"] > 0)
    if communes is not None:
        names = communes.drop_duplicates("commune_code").set_index("commune_code")
        out.insert(0, "commune_name", names["commune_name"].reindex(codes))
        out.insert(1, "department_code", names["department_code"].reindex(codes))
        unknown = out["commune_name"].isna()
        out.loc[unknown, "commune_name"] = [f"{c} (not in current COG)"
                                            for c in out.index[unknown]]
        out.loc[unknown, "department_code"] = [c[:2] for c in out.index[unknown]]
    return out.reset_index()


def region_summary(flows: pd.DataFrame) -> pd.Series:
    """Headline figures of a flow table: ``workers``, ``pairs``, ``share_working_outside``
    (home ≠ work) [0–1], mean and median ``distance_km`` and ``workers_unknown_distance``.

    Parameters
    ----------
    flows : pandas.DataFrame
        ``home_code``, ``work_code``, ``workers`` [persons], optional ``distance_km`` [km].

    Returns
    -------
    pandas.Series
        ``workers`` [persons], ``pairs`` [origin–destination pairs], ``share_working_outside``
        [0–1]; with ``distance_km`` also ``mean_distance_km``, ``median_distance_km`` [km] and
        ``workers_unknown_distance`` [persons].
    """
    w = flows["workers"]
    pairs = flows[["home_code", "work_code"]].drop_duplicates()
    summary = {"workers": w.sum(), "pairs": len(pairs),
               "share_working_outside": w[flows["home_code"] != flows["work_code"]].sum() / w.sum()}
    if "distance_km" in flows:
        one = flows.assign(_all="region")
        summary["mean_distance_km"] = _weighted_mean(one, "_all", "distance_km", "workers").iloc[0]
        summary["median_distance_km"] = weighted_median(one, "_all", "distance_km",
                                                        "workers").iloc[0]
        summary["workers_unknown_distance"] = w[flows["distance_km"].isna()].sum()
    return pd.Series(summary)


def distance_distribution(flows: pd.DataFrame,
                          bins: Sequence[float] = (0, 2, 5, 10, 15, 20, 30, 50, 200)) -> pd.DataFrame:
    """Workers per crow-fly distance class [km]: ``from_km, to_km, workers, share,
    cumulative_share`` (flows with unknown distance left out, their count in ``attrs``).

    Parameters
    ----------
    flows : pandas.DataFrame
        ``workers`` [persons] and ``distance_km`` [km].
    bins : sequence of float
        Class edges [km]; classes are closed on the left, open on the right, and distances
        beyond the last edge are left out of the table.

    Returns
    -------
    pandas.DataFrame
        One row per class: ``from_km``, ``to_km`` [km], ``workers`` [persons], ``share`` and
        ``cumulative_share`` [0–1]; ``attrs["workers_unknown_distance"]`` [persons].
    """
    known = flows["distance_km"].notna()
    classes = pd.cut(flows.loc[known, "distance_km"], bins=list(bins), right=False)
    counts = flows.loc[known, "workers"].groupby(classes, observed=False).sum()
    table = pd.DataFrame({"from_km": [iv.left for iv in counts.index],
                          "to_km": [iv.right for iv in counts.index],
                          "workers": counts.to_numpy()})
    table["share"] = table["workers"] / table["workers"].sum()
    table["cumulative_share"] = table["share"].cumsum()
    table.attrs["workers_unknown_distance"] = float(flows.loc[~known, "workers"].sum())
    return table


def mode_shares(flows: pd.DataFrame, units: pd.DataFrame, side: str = "home") -> pd.DataFrame:
    """Share of workers by mode [0–1] per unit of ``units`` (from :func:`unit_table`), by
    place of residence (``side="home"``) or of work (``"work"``), with ``workers``.

    Parameters
    ----------
    flows : pandas.DataFrame
        Commune-level flows with ``home_code``, ``work_code``, ``mode`` and ``workers``
        [persons].
    units : pandas.DataFrame
        ``commune_code``, ``unit_code``, ``unit_name`` (from :func:`unit_table`).
    side : {"home", "work"}
        Place of residence or place of work.

    Returns
    -------
    pandas.DataFrame
        One row per unit: ``unit_code``, ``unit_name``, ``workers`` [persons] and
        ``share_<mode>`` [0–1] for each mode of :data:`MODES`.
    """
    lookup = units.drop_duplicates("commune_code").set_index("commune_code")
    key = flows[f"{side}_code"].map(lookup["unit_code"])
    table = flows["workers"].groupby([key, flows["mode"]]).sum().unstack(fill_value=0.0)
    table = table.reindex(columns=list(MODES), fill_value=0.0)
    workers = table.sum(axis=1)
    shares = table.div(workers, axis=0)
    shares.columns = [f"share_{m.lower()}" for m in MODES]
    names = units.drop_duplicates("unit_code").set_index("unit_code")["unit_name"]
    shares.insert(0, "unit_name", names.reindex(shares.index))
    shares.insert(1, "workers", workers)
    return shares.rename_axis("unit_code").reset_index()
