"""The top destinations and origins of a territory's commuters (INSEE MOBPRO flows),
commune by commune (Paris as one commune), with the communes' centroids for a map."""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartidf_analysis.reporting.territory import registry
from smartidf_analysis.reporting.territory.figures import flow_keys
from smartidf_analysis.reporting.territory.inputs import TerritoryInputs, load_inputs

FLOW_COLUMNS = ["commune_code", "commune_name", "workers", "share_pct", "centroid_lon",
                "centroid_lat"]
DIRECTIONS = ("destinations", "origins")


def top_flows(code: str, level: str | None = None, direction: str = "destinations", n: int = 10,
              inputs: TerritoryInputs | None = None) -> pd.DataFrame:
    """The ``n`` communes outside the territory receiving most of its residents in work
    (``direction="destinations"``) or sending it most of its workers (``"origins"``):
    ``workers`` [persons, sums of survey weights], ``share_pct`` [% of the territory's
    residents in work, or of its jobs], centroid [deg]. Empty when the flows are missing."""
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r}; known: {DIRECTIONS}")
    inputs = inputs or load_inputs()
    territory = registry.resolve(inputs.table, code, level)
    if inputs.flows is None or "commuting" in inputs.missing:
        return pd.DataFrame(columns=FLOW_COLUMNS)
    f = inputs.flows
    here, there = flow_keys(inputs, territory["level"])
    home_c, work_c = flow_keys(inputs, "commune")
    side, other = (here, work_c) if direction == "destinations" else (there, home_c)
    mine = side == territory["code"]
    total = float(f.loc[mine, "workers"].sum())
    outside = mine & (here != there)
    top = (pd.DataFrame({"commune_code": other[outside],
                         "workers": f.loc[outside, "workers"].to_numpy()})
           .groupby("commune_code")["workers"].sum().reset_index())
    top = top.sort_values(["workers", "commune_code"], ascending=[False, True]).head(n)
    attrs = inputs.communes.set_index("commune_code")
    top["commune_name"] = top["commune_code"].map(attrs["commune_name"]).fillna(
        top["commune_code"] + " (COG 2018)")
    top["share_pct"] = 100 * top["workers"] / total if total > 0 else np.nan
    top["centroid_lon"] = top["commune_code"].map(attrs["centroid_lon"])
    top["centroid_lat"] = top["commune_code"].map(attrs["centroid_lat"])
    return top[FLOW_COLUMNS].reset_index(drop=True)
