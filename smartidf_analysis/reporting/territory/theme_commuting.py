"""Commuting figures of every territory of a level: residents in work, jobs, share leaving,
self-containment, the modal split (INSEE MOBPRO ``TRANS`` modes, where the flows have them)
and the dominant hub the territory belongs to.

**Dominant hub.** :func:`smartidf_analysis.commuting.selections.dominant_flows` (Nystuen &
Dacey 1961) on the commune flows, Paris as one commune, gives each commune its dominant
flow and the chain of dominant flows it starts; every chain ends in Paris (the region is
monocentric, notebook 02). A commune's **hub** is the node of its chain just below that
terminal centre (the commune itself when its own dominant flow goes to the centre) when
that node heads a basin of at least :data:`MIN_BASIN` communes, else the terminal centre
itself: Melun heads a basin of several dozen communes of Seine-et-Marne; a village whose
dominant flow goes straight to Paris belongs to Paris. A territory of several communes
belongs to the hub whose basin holds most of its residents in work.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartidf_analysis.commuting.matrices import MODES
from smartidf_analysis.commuting.selections import dominant_flows
from smartidf_analysis.reporting.territory.inputs import TerritoryInputs
from smartidf_analysis.reporting.territory.keys import cached, flow_keys, sum_by, territory_keys

#: fewest communes (itself included) a second-level node's basin needs to count as a hub
MIN_BASIN = 5
#: INSEE mode code -> figure key
MODE_FIGURES = {"TC": "share_public_transport", "VP": "share_car", "NM": "share_non_motorised",
                "DOMICILE": "share_home"}


def commune_hubs(inputs: TerritoryInputs) -> pd.DataFrame:
    """Per commune code (Paris as 75056, flows' 2018 codes included): ``parent`` (its
    dominant flow's destination), ``hub`` (module docstring), ``basin`` (communes whose hub
    is that hub) and ``residents_in_work``; computed once per build.

    Parameters
    ----------
    inputs : TerritoryInputs
        The profile's inputs; ``inputs.flows`` must not be None.

    Returns
    -------
    pandas.DataFrame
        Indexed by commune code: ``parent`` (missing for a terminal centre), ``hub``, ``basin``
        [communes] and ``residents_in_work`` [persons, sums of survey weights].
    """
    def compute():
        home, work = flow_keys(inputs, "commune")
        od = pd.DataFrame({"home_code": home, "work_code": work,
                           "workers": inputs.flows["workers"].to_numpy(float)})
        nodes = dominant_flows(od.dropna(subset=["home_code", "work_code"])).nodes
        nodes = nodes.set_index("code")
        parent = nodes["parent"]
        # the node just below the terminal centre on each chain (itself when it is a centre)
        below = pd.Series(nodes.index, index=nodes.index)
        for _ in range(len(nodes)):
            up = below.map(parent)
            nxt = below.where(up.isna() | up.map(parent).isna(), up)
            if nxt.equals(below):
                break
            below = nxt
        size = below.value_counts()
        hub = below.where(below.map(size) >= MIN_BASIN, nodes["centre"])
        out = pd.DataFrame({"parent": parent, "hub": hub})
        out["basin"] = out["hub"].map(out["hub"].value_counts())
        out["residents_in_work"] = od.groupby("home_code")["workers"].sum().reindex(out.index)
        return out
    return cached(inputs, "commuting_hubs", compute)


def level_commuting(inputs: TerritoryInputs, level: str) -> pd.DataFrame:
    """Commuting figures per territory of ``level`` (index: territory code), with the hub's
    code (``_hub``) and the share of its residents in work living in the hub's basin.

    Parameters
    ----------
    inputs : TerritoryInputs
        The profile's inputs; ``inputs.flows`` must not be None.
    level : str
        One of :data:`~smartidf_analysis.reporting.territory.registry.LEVELS`.

    Returns
    -------
    pandas.DataFrame
        Indexed by territory code: ``residents_in_work`` and ``jobs`` [persons, sums of survey
        weights], ``share_leaving`` and ``self_containment`` [%], when the flows have a
        ``mode`` the modal shares of :data:`MODE_FIGURES` [% of residents in work] and the
        sums ``_TC``, ``_VP``, ``_NM``, ``_DOMICILE`` [persons], ``_stay`` [persons working
        in the territory], ``_hub`` and ``_hub_name`` (the dominant hub's code and name),
        ``hub_share_of_residents`` [%] and ``hub_basin_communes`` [communes].
    """
    f = inputs.flows
    home, work = flow_keys(inputs, level)
    w = f["workers"].to_numpy(float)
    values = {"residents_in_work": w, "_stay": np.where(home == work, w, 0.0)}
    modes = f["mode"].astype(str).to_numpy() if "mode" in f else None
    if modes is not None:
        values |= {f"_{m}": np.where(modes == m, w, 0.0) for m in MODES}
    sums = sum_by(home, values)
    sums = sums.join(sum_by(work, {"jobs": w}), how="outer")
    sums["share_leaving"] = 100 * (1 - sums["_stay"] / sums["residents_in_work"])
    sums["self_containment"] = 100 * sums["_stay"] / sums["jobs"]
    if modes is not None:
        for mode, key in MODE_FIGURES.items():
            sums[key] = 100 * sums[f"_{mode}"] / sums["residents_in_work"]
    return sums.join(_hubs(inputs, level), how="left")


def _hubs(inputs: TerritoryInputs, level: str) -> pd.DataFrame:
    hubs = commune_hubs(inputs)
    frame = pd.DataFrame({"key": territory_keys(inputs, hubs.index, level),
                          "hub": hubs["hub"].to_numpy(),
                          "w": hubs["residents_in_work"].fillna(0).to_numpy()})
    by_hub = frame.dropna(subset=["key"]).groupby(["key", "hub"], as_index=False)["w"].sum()
    total = by_hub.groupby("key")["w"].transform("sum")
    by_hub["share"] = 100 * by_hub["w"] / total
    best = by_hub.sort_values(["key", "w", "hub"], ascending=[True, False, True]).drop_duplicates("key")
    best = best.set_index("key")
    basin = hubs["hub"].value_counts()
    names = inputs.communes.drop_duplicates("commune_code").set_index("commune_code")["commune_name"]
    return pd.DataFrame({"_hub": best["hub"], "_hub_name": best["hub"].map(names).fillna(best["hub"]),
                         "hub_share_of_residents": best["share"],
                         "hub_basin_communes": best["hub"].map(basin).astype(float)})
