"""Which territory each row of a theme's table belongs to, and sums per territory: the
helpers every theme module of the profile shares.

Paris counts as one commune (75056): its arrondissements are keyed as Paris. 2018 commune
codes merged since (kept as published by the sources) count in their department only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartidf_analysis.reporting.territory import registry
from smartidf_analysis.reporting.territory.inputs import TerritoryInputs


def _parents(inputs: TerritoryInputs) -> pd.Series:
    """Code -> commune code (arrondissements -> 75056)."""
    c = inputs.communes
    return pd.Series(np.where(c["kind"] == "ARM", c["parent_code"], c["commune_code"]),
                     index=c["commune_code"].to_numpy())


def territory_keys(inputs: TerritoryInputs, codes, level: str) -> np.ndarray:
    """The territory of ``level`` holding each commune code (arrondissements as Paris; a
    2018 code absent from the COG: its department only, else None). The distinct codes
    are looked up once (a few thousand among hundreds of thousands of flows).

    Parameters
    ----------
    inputs : TerritoryInputs
        The profile's inputs (its ``communes`` give each commune's territories).
    codes : array_like of str
        INSEE commune or arrondissement codes (e.g. a flow table's ``home_code``).
    level : str
        One of :data:`~smartidf_analysis.reporting.territory.registry.LEVELS`.

    Returns
    -------
    numpy.ndarray
        Object array aligned with ``codes``: the territory code of each, or None.
    """
    inverse, distinct = pd.factorize(np.asarray(codes, dtype=object))
    uniq = pd.Series(distinct, dtype=object).astype(str)
    commune = uniq.map(_parents(inputs)).fillna(uniq)
    if level == "commune":
        keys = commune.to_numpy(dtype=object)
    else:
        attrs = registry.commune_rows(inputs.communes).set_index("commune_code")
        key = commune.map(attrs[registry.LEVEL_COLUMNS[level][0]])
        if level == "department":
            key = key.fillna(commune.str[:2])
        keys = key.to_numpy(dtype=object)
    out = np.full(len(inverse), None, dtype=object)
    known = inverse >= 0
    out[known] = keys[inverse[known]]
    return out


def sum_by(keys, values: dict[str, np.ndarray]) -> pd.DataFrame:
    """Sums of ``values`` (name -> array aligned with ``keys``) per key (None keys dropped;
    a key whose values are all NaN sums to NaN).

    Parameters
    ----------
    keys : array_like
        The territory of each row (e.g. from :func:`territory_keys`); None for none.
    values : dict of str to numpy.ndarray
        Column name -> values aligned with ``keys`` (cast to float; units kept).

    Returns
    -------
    pandas.DataFrame
        Indexed by key (sorted, named ``key``), one column per entry of ``values``.
    """
    frame = pd.DataFrame({"key": keys, **{k: np.asarray(v, float) for k, v in values.items()}})
    return frame.dropna(subset=["key"]).groupby("key").sum(min_count=1)


def cached(inputs: TerritoryInputs, key, compute):
    """``compute()`` once per ``inputs`` (one database build), kept in ``inputs.cache``.

    Parameters
    ----------
    inputs : TerritoryInputs
        The inputs whose ``cache`` holds the result.
    key : hashable
        The result's key in ``inputs.cache``.
    compute : callable
        Called without arguments when ``key`` is not cached yet.

    Returns
    -------
    object
        What ``compute()`` returned (now or the first time).
    """
    if key not in inputs.cache:
        inputs.cache[key] = compute()
    return inputs.cache[key]


def flow_keys(inputs: TerritoryInputs, level: str) -> tuple[np.ndarray, np.ndarray]:
    """The territories of ``level`` of each flow's home and work commune (computed once).

    Parameters
    ----------
    inputs : TerritoryInputs
        The profile's inputs; ``inputs.flows`` must not be None.
    level : str
        One of :data:`~smartidf_analysis.reporting.territory.registry.LEVELS`.

    Returns
    -------
    home : numpy.ndarray
        The territory of each flow's home commune (:func:`territory_keys`), aligned with
        ``inputs.flows``.
    work : numpy.ndarray
        The territory of each flow's work commune.
    """
    f = inputs.flows
    return cached(inputs, ("flow_keys", level),
                  lambda: (territory_keys(inputs, f["home_code"], level),
                           territory_keys(inputs, f["work_code"], level)))
