"""Selections of commuting flows: dominant flows, first flows, a commune's top flows, and
employer pooling around a job hub. Pure functions over flow tables (see
:mod:`smartidf_analysis.commuting` for the inputs: ``home_code``, ``work_code``,
``workers`` [persons], optional ``mode`` and ``distance_km`` [km]).

References
----------
* Nystuen, J. D. & Dacey, M. F. (1961). A graph theory interpretation of nodal regions.
  *Papers of the Regional Science Association* 7, 29–42. doi:10.1007/BF01969070
* Beauguitte, L., Giraud, T. & Lambert, N. (2015). *flows: Flow Selection and Analysis*
  (R package; ``domflows``, ``firstflows``) — the method names follow it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from smartidf_analysis.commuting.matrices import MODES, EmptySelectionError, sum_workers
from smartidf_analysis.errors import UnknownCodeError


@dataclass
class FlowSelection:
    """Flows kept by a selection method and what they represent.

    ``workers_share`` and ``pairs_share`` [0–1] are the shares of the inter-unit workers and
    of the inter-unit origin–destination pairs (home ≠ work, positive flows) that the
    selection keeps; ``nodes`` (dominant flows only) gives each unit's role.

    Parameters
    ----------
    method : str
        The selection method (``"dominant"``, ``"nfirst"``, ``"xfirst"`` or ``"xsumfirst"``).
    flows : pandas.DataFrame
        The kept flows: ``home_code``, ``work_code``, ``workers`` [persons], largest first.
    workers_share : float
        Share of the inter-unit workers kept [0–1].
    pairs_share : float
        Share of the inter-unit pairs kept [0–1].
    total_workers : float
        Inter-unit workers before selection [persons].
    total_pairs : int
        Inter-unit pairs before selection.
    nodes : pandas.DataFrame
        Each unit's role (dominant flows only; empty otherwise).
    """

    method: str
    flows: pd.DataFrame
    workers_share: float
    pairs_share: float
    total_workers: float
    total_pairs: int
    nodes: pd.DataFrame = field(default_factory=pd.DataFrame)


def inter_unit_pairs(od: pd.DataFrame) -> pd.DataFrame:
    """Positive flows between different units, summed per (home_code, work_code) in fixed
    point (:func:`~smartidf_analysis.commuting.matrices.sum_workers`), sorted by codes.

    Parameters
    ----------
    od : pandas.DataFrame
        Flows with ``home_code``, ``work_code`` and ``workers`` [persons].

    Returns
    -------
    pandas.DataFrame
        ``home_code``, ``work_code``, ``workers`` [persons].
    """
    pairs = sum_workers(od, ["home_code", "work_code"])
    return pairs[(pairs["home_code"] != pairs["work_code"]) & (pairs["workers"] > 0)].reset_index(
        drop=True)


def _selection(method: str, pairs: pd.DataFrame, kept: pd.Series, nodes=None) -> FlowSelection:
    total_w, total_p = float(pairs["workers"].sum()), len(pairs)
    flows = pairs[kept].sort_values("workers", ascending=False, kind="mergesort")
    return FlowSelection(
        method=method, flows=flows.reset_index(drop=True),
        workers_share=float(flows["workers"].sum() / total_w) if total_w else float("nan"),
        pairs_share=len(flows) / total_p if total_p else float("nan"),
        total_workers=total_w, total_pairs=total_p,
        nodes=nodes if nodes is not None else pd.DataFrame())


def _largest_outflow(pairs: pd.DataFrame) -> pd.Series:
    """Boolean mask of each origin's largest flow (ties: the smallest destination code)."""
    order = pairs.sort_values(["home_code", "workers", "work_code"],
                              ascending=[True, False, True], kind="mergesort")
    first = ~order["home_code"].duplicated()
    return first.reindex(pairs.index)


def dominant_flows(od: pd.DataFrame, weight: pd.Series | None = None,
                   k: float = 1.0) -> FlowSelection:
    """Nystuen–Dacey dominant flows.

    Intra-unit flows are left out. For each origin i, its largest outgoing flow i → j is
    *dominant* when the destination is larger: ``weight[j] > k · weight[i]``; i is then
    subordinate to j. An origin whose largest flow goes to a smaller unit is a *dominant
    centre* (a terminal node). ``weight`` defaults to each unit's total inflow from other
    units (the ``domflows`` default; ``jobs`` is another choice).

    ``nodes``: ``code, weight, role`` ("dominant" | "subordinate"), ``parent`` (direct
    dominant), ``centre`` (the terminal reached by following the chain: the nodal region),
    ``subordinates`` (units whose dominant flow ends here: the second-level centres).

    Parameters
    ----------
    od : pandas.DataFrame
        Flows with ``home_code``, ``work_code`` and ``workers`` [persons].
    weight : pandas.Series, optional
        Size of each unit, indexed by code [workers]; default the inflow from other units.
    k : float, default 1.0
        How much larger than the origin the destination must be.

    Returns
    -------
    FlowSelection
        The dominant flows, with ``nodes``.
    """
    pairs = inter_unit_pairs(od)
    if weight is None:
        weight = sum_workers(pairs, ["work_code"]).set_index("work_code")["workers"]
    codes = pd.Index(sorted(set(pairs["home_code"].unique()) | set(pairs["work_code"].unique())))
    weight = weight.reindex(codes, fill_value=0.0).astype(float)
    largest = _largest_outflow(pairs)
    kept = largest & (pairs["work_code"].map(weight).to_numpy()
                      > k * pairs["home_code"].map(weight).to_numpy())
    parent = pd.Series(pairs.loc[kept, "work_code"].to_numpy(),
                       index=pairs.loc[kept, "home_code"].to_numpy())
    parent = parent.reindex(codes)
    centre = parent.fillna(pd.Series(codes, index=codes))
    for _ in range(len(codes)):  # follow chains; weights grow strictly, so depth < len(codes)
        nxt = centre.map(parent).fillna(centre)
        if nxt.equals(centre):
            break
        centre = nxt
    nodes = pd.DataFrame({"code": codes, "weight": weight.to_numpy(),
                          "role": np.where(parent.isna(), "dominant", "subordinate"),
                          "parent": parent.to_numpy(), "centre": centre.to_numpy(),
                          "subordinates": parent.value_counts().reindex(codes, fill_value=0)
                          .to_numpy()})
    return _selection("dominant", pairs, kept, nodes)


def first_flows(od: pd.DataFrame, method: str = "nfirst", k: float = 1) -> FlowSelection:
    """First flows of each origin (intra-unit flows left out):

    * ``nfirst``: its ``k`` largest flows;
    * ``xfirst``: its flows of at least ``k`` workers;
    * ``xsumfirst``: its largest flows until they add up to a share ``k`` (0–1) of its
      outflow (the flow that crosses the threshold is kept).

    Parameters
    ----------
    od : pandas.DataFrame
        Flows with ``home_code``, ``work_code`` and ``workers`` [persons].
    method : {"nfirst", "xfirst", "xsumfirst"}
        The selection rule.
    k : float, default 1
        A number of flows (``nfirst``), a number of workers [persons] (``xfirst``) or a share
        [0–1] (``xsumfirst``).

    Returns
    -------
    FlowSelection
        The selected flows (``nodes`` empty).

    Raises
    ------
    ValueError
        For an unknown method, or ``k`` outside (0, 1] with ``xsumfirst``.
    """
    pairs = inter_unit_pairs(od)
    order = pairs.sort_values(["home_code", "workers", "work_code"],
                              ascending=[True, False, True], kind="mergesort")
    if method == "nfirst":
        kept = order.groupby("home_code", sort=False).cumcount() < k
    elif method == "xfirst":
        kept = order["workers"] >= k
    elif method == "xsumfirst":
        if not 0 < k <= 1:
            raise ValueError("xsumfirst needs 0 < k <= 1 (a share of each origin's outflow)")
        out = order.groupby("home_code", sort=False)["workers"]
        before = (out.cumsum() - order["workers"]) / out.transform("sum")
        kept = before < k
    else:
        raise ValueError(f"unknown method {method!r}; use nfirst, xfirst or xsumfirst")
    return _selection(method, pairs, kept.reindex(pairs.index))


def check_codes(codes: Iterable[str], known: Iterable[str]) -> list[str]:
    """``codes`` as a list; raises :class:`EmptySelectionError` if empty (blank codes are
    ignored) and
    :class:`UnknownCodeError` naming the codes that are not in ``known``.

    Parameters
    ----------
    codes : iterable of str
        Commune codes asked for.
    known : iterable of str
        The known commune codes.

    Returns
    -------
    list of str
        The non-blank codes, stripped, in the given order.

    Raises
    ------
    EmptySelectionError
        If no code is left.
    UnknownCodeError
        If a code is not in ``known``.
    """
    codes = [c for c in (str(x).strip() for x in codes) if c]
    if not codes:
        raise EmptySelectionError("no commune selected")
    unknown = sorted(set(codes) - set(known))
    if unknown:
        raise UnknownCodeError(f"unknown commune code(s): {', '.join(unknown)}")
    return codes


def commune_flows(flows: pd.DataFrame, code: str, n: int = 10,
                  known_codes: Iterable[str] = ()) -> pd.DataFrame:
    """The ``n`` largest outbound and inbound flows of commune ``code`` (its intra flow
    first, once). Columns: ``direction`` (intra | out | in), ``rank``, ``home_code``,
    ``work_code``, ``other_code``, ``workers``, ``share`` (of the commune's resident workers
    for out/intra, of its jobs for in) [0–1], and ``distance_km`` when present.

    Raises :class:`UnknownCodeError` when ``code`` is neither in ``flows`` nor in
    ``known_codes``; a known commune without flows gives an empty table.

    Parameters
    ----------
    flows : pandas.DataFrame
        ``home_code``, ``work_code``, ``workers`` [persons], optional ``distance_km`` [km].
    code : str
        INSEE commune code.
    n : int, default 10
        Number of outbound and of inbound flows.
    known_codes : iterable of str
        Commune codes that exist even without flows.

    Returns
    -------
    pandas.DataFrame
        The columns above; ``attrs``: ``code``, ``resident_workers``, ``jobs`` [persons].

    Raises
    ------
    EmptySelectionError
        If ``code`` is blank.
    UnknownCodeError
        If ``code`` is unknown.
    """
    code = str(code).strip()
    if not code:
        raise EmptySelectionError("no commune selected")
    involved = (flows["home_code"] == code) | (flows["work_code"] == code)
    if not involved.any() and code not in set(known_codes):
        raise UnknownCodeError(f"unknown commune code(s): {code}")
    cols = [c for c in ("home_code", "work_code", "workers", "distance_km") if c in flows]
    mine = flows.loc[involved, cols]
    agg = {"workers": "sum"}
    if "distance_km" in mine:
        mine = mine.assign(_wd=mine["workers"] * mine["distance_km"])
        agg["_wd"] = "sum"
    pairs = mine.groupby(["home_code", "work_code"], as_index=False).agg(agg)
    if "_wd" in pairs:
        pairs["distance_km"] = pairs.pop("_wd") / pairs["workers"].where(pairs["workers"] > 0)
    residents = pairs.loc[pairs["home_code"] == code, "workers"].sum()
    jobs = pairs.loc[pairs["work_code"] == code, "workers"].sum()
    parts = []
    for direction, mask, other, base in (
            ("intra", (pairs["home_code"] == code) & (pairs["work_code"] == code), "work_code",
             residents),
            ("out", (pairs["home_code"] == code) & (pairs["work_code"] != code), "work_code",
             residents),
            ("in", (pairs["work_code"] == code) & (pairs["home_code"] != code), "home_code", jobs)):
        part = pairs[mask].sort_values(["workers", other], ascending=[False, True],
                                       kind="mergesort").head(n if direction != "intra" else 1)
        part = part.assign(direction=direction, rank=np.arange(1, len(part) + 1),
                           other_code=part[other], share=part["workers"] / base if base else np.nan)
        parts.append(part)
    table = pd.concat(parts, ignore_index=True)
    first = ["direction", "rank", "home_code", "work_code", "other_code", "workers", "share"]
    table = table[first + [c for c in table.columns if c not in first]]
    table.attrs.update(code=code, resident_workers=float(residents), jobs=float(jobs))
    return table


def employer_pool(flows: pd.DataFrame, destinations: Iterable[str], min_workers: float = 1.0,
                  communes: pd.DataFrame | None = None,
                  include_destinations: bool = False) -> pd.DataFrame:
    """Origin communes of the people working in a job hub (``destinations``), ranked by
    workers — the list a region officer uses to propose a shared workspace near home.

    Keeps origins with at least ``min_workers`` workers going to the hub (the hub's own
    communes are left out unless ``include_destinations``). Columns: ``rank``,
    ``home_code``, [``commune_name``, ``department_code``], ``workers``,
    ``share_of_hub`` (of all IDF residents working in the hub) [0–1], ``cumulative_share``,
    ``distance_km`` (workers-weighted mean to the hub's communes) and ``share_<mode>`` [0–1]
    when ``flows`` has ``mode``. ``attrs``: ``hub_workers``, ``kept_workers``.

    Parameters
    ----------
    flows : pandas.DataFrame
        Commune-level flows: ``home_code``, ``work_code``, ``workers`` [persons], optional
        ``distance_km`` [km] and ``mode``.
    destinations : iterable of str
        Commune codes of the job hub.
    min_workers : float, default 1.0
        Smallest number of workers [persons] for an origin to be kept.
    communes : pandas.DataFrame, optional
        ``commune_code``, ``commune_name``, ``department_code``: adds names and makes codes
        without flows known.
    include_destinations : bool, default False
        Keep the hub's own communes as origins.

    Returns
    -------
    pandas.DataFrame
        The columns above, largest origin first; ``attrs`` also hold ``destinations`` and
        ``min_workers``.

    Raises
    ------
    EmptySelectionError
        If ``destinations`` is empty.
    UnknownCodeError
        If a destination code is unknown.
    ValueError
        If ``min_workers`` is negative.
    """
    known = set(flows["work_code"].unique()) | set(flows["home_code"].unique())
    if communes is not None:
        known |= set(communes["commune_code"].unique())
    hub = check_codes(destinations, known)
    if min_workers < 0:
        raise ValueError("min_workers must be >= 0")
    to_hub = flows[flows["work_code"].isin(hub)]
    hub_workers = float(to_hub["workers"].sum())
    if not include_destinations:
        to_hub = to_hub[~to_hub["home_code"].isin(hub)]
    w = to_hub["workers"]
    table = sum_workers(to_hub, ["home_code"]).set_index("home_code")
    if "distance_km" in to_hub:
        known_d = to_hub["distance_km"].notna()
        num = (w * to_hub["distance_km"]).where(known_d).groupby(to_hub["home_code"]).sum()
        den = w.where(known_d).groupby(to_hub["home_code"]).sum()
        table["distance_km"] = num / den.where(den > 0)
    if "mode" in to_hub:
        by_mode = w.groupby([to_hub["home_code"], to_hub["mode"]]).sum().unstack(fill_value=0.0)
        by_mode = by_mode.reindex(index=table.index, columns=list(MODES), fill_value=0.0)
        for m in MODES:
            table[f"share_{m.lower()}"] = by_mode[m] / table["workers"]
    table = table[table["workers"] >= min_workers].rename_axis("home_code").reset_index()
    table = table.sort_values(["workers", "home_code"], ascending=[False, True], kind="mergesort")
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table.insert(table.columns.get_loc("workers") + 1, "share_of_hub",
                 table["workers"] / hub_workers if hub_workers else np.nan)
    table.insert(table.columns.get_loc("share_of_hub") + 1, "cumulative_share",
                 table["share_of_hub"].cumsum())
    if communes is not None:
        names = communes.drop_duplicates("commune_code").set_index("commune_code")
        table.insert(2, "commune_name", table["home_code"].map(names["commune_name"]))
        table.insert(3, "department_code", table["home_code"].map(names["department_code"]))
    table = table.reset_index(drop=True)
    table.attrs.update(destinations=hub, hub_workers=hub_workers,
                       kept_workers=float(table["workers"].sum()), min_workers=min_workers)
    return table
