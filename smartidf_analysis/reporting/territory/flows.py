"""The top destinations and origins of a territory's commuters (INSEE MOBPRO flows),
commune by commune (Paris as one commune), with the communes' centroids for a map."""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartidf_analysis.reporting.territory import registry
from smartidf_analysis.reporting.territory.inputs import TerritoryInputs, load_inputs
from smartidf_analysis.reporting.territory.keys import cached, flow_keys

FLOW_COLUMNS = ["commune_code", "commune_name", "workers", "share_pct", "centroid_lon",
                "centroid_lat"]
DIRECTIONS = ("destinations", "origins")


def top_flows(code: str, level: str | None = None, direction: str = "destinations", n: int = 10,
              inputs: TerritoryInputs | None = None) -> pd.DataFrame:
    """The ``n`` communes outside the territory receiving most of its residents in work
    (``direction="destinations"``) or sending it most of its workers (``"origins"``):
    ``workers`` [persons, sums of survey weights], ``share_pct`` [% of the territory's
    residents in work, or of its jobs], centroid [deg]. Empty when the flows are missing.

    Parameters
    ----------
    code : str
        The territory's code (:func:`~smartidf_analysis.reporting.territory.registry.resolve`).
    level : str, optional
        Its level; ``None`` to find it at any level.
    direction : {"destinations", "origins"}, default "destinations"
        Where its residents work, or where its workers live.
    n : int, default 10
        The most communes returned.
    inputs : TerritoryInputs, optional
        The profile's inputs; default: the current build's (:func:`~.inputs.load_inputs`).

    Returns
    -------
    pandas.DataFrame
        :data:`FLOW_COLUMNS`, most workers first (ties by code): ``commune_code``,
        ``commune_name`` (the code and "(COG 2018)" for a code no longer in the COG),
        ``workers`` [persons], ``share_pct`` [%] (NaN when the territory has no workers),
        ``centroid_lon`` and ``centroid_lat`` [deg WGS84].

    Raises
    ------
    ValueError
        If ``direction`` or ``level`` is unknown.
    TerritoryNotFound
        If no territory has that code.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r}; known: {DIRECTIONS}")
    inputs = inputs or load_inputs()
    territory = registry.resolve(inputs.table, code, level)
    if inputs.flows is None or "commuting" in inputs.missing:
        return pd.DataFrame(columns=FLOW_COLUMNS)
    totals, pairs = level_sums(inputs, territory["level"], direction)
    total = float(totals.get(territory["code"], 0.0))
    top = pairs.loc[[territory["code"]]] if territory["code"] in pairs.index else pairs.iloc[:0]
    top = top.sort_values(["workers", "commune_code"], ascending=[False, True]).head(n)
    top = top.reset_index(drop=True)
    attrs = inputs.communes.set_index("commune_code")
    top["commune_name"] = top["commune_code"].map(attrs["commune_name"]).fillna(
        top["commune_code"] + " (COG 2018)")
    top["share_pct"] = 100 * top["workers"] / total if total > 0 else np.nan
    top["centroid_lon"] = top["commune_code"].map(attrs["centroid_lon"])
    top["centroid_lat"] = top["commune_code"].map(attrs["centroid_lat"])
    return top[FLOW_COLUMNS].reset_index(drop=True)


def level_sums(inputs: TerritoryInputs, level: str, direction: str
                ) -> tuple[pd.Series, pd.DataFrame]:
    """Per territory of ``level``: its residents in work (or jobs) and, per commune outside
    it, the workers going there (or coming from there); indexed by territory, sorted;
    computed once per build.

    Parameters
    ----------
    inputs : TerritoryInputs
        The profile's inputs; ``inputs.flows`` must not be None.
    level : str
        One of :data:`~smartidf_analysis.reporting.territory.registry.LEVELS`.
    direction : {"destinations", "origins"}
        Residents' destinations, or workers' origins.

    Returns
    -------
    totals : pandas.Series
        Per territory code: its residents in work (``"destinations"``) or its jobs
        (``"origins"``) [persons, sums of survey weights].
    pairs : pandas.DataFrame
        Indexed by territory code (sorted): ``commune_code`` (a commune outside it, Paris as
        75056) and ``workers`` [persons] going there (or coming from there).
    """
    def compute():
        here, there = flow_keys(inputs, level)
        home_c, work_c = flow_keys(inputs, "commune")
        side, other = (here, work_c) if direction == "destinations" else (there, home_c)
        w = inputs.flows["workers"].to_numpy(float)
        totals = pd.Series(w).groupby(side).sum()
        outside = here != there
        pairs = (pd.DataFrame({"key": side[outside], "commune_code": other[outside],
                               "workers": w[outside]})
                 .groupby(["key", "commune_code"])["workers"].sum().reset_index())
        return totals, pairs.set_index("key").sort_index()
    return cached(inputs, ("flow_sums", level, direction), compute)
