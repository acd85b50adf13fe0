"""The territories a profile can be made for: communes, EPCIs, EPTs and departments of
Île-de-France, from the ``communes`` table (INSEE COG 2026 communes, DGCL EPCI 2025
membership, INSEE EPT 2025 membership, legal populations 2023, areas from the IGN outlines).

* :func:`territories` lists them (one row per territory: ``level``, ``code``, ``name``,
  ``department_code`` — the department holding most of its population —, ``population``,
  ``area_km2``, ``density`` [inhabitants/km²], ``density_class``, ``communes``).
* :func:`search` finds them by name or code, accents, case and punctuation ignored.
* :func:`resolve` turns a code (and optional level) into one territory, or raises
  :class:`TerritoryNotFound` carrying the closest matches (never a bare KeyError).

Paris (75056) is one commune; its 20 arrondissements are not territories of their own here.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

import numpy as np
import pandas as pd

from smartidf_analysis.errors import SmartidfError

LEVELS = ("commune", "epci", "ept", "department")
#: level -> (code column, name column) of the ``communes`` table
LEVEL_COLUMNS = {"commune": ("commune_code", "commune_name"),
                 "epci": ("epci_siren", "epci_name"),
                 "ept": ("ept_code", "ept_name"),
                 "department": ("department_code", "department_name")}
#: density classes [inhabitants/km²]: (lower bound, key); named in :data:`DENSITY_NAMES`
DENSITY_BOUNDS = ((0.0, "rural"), (150.0, "low"), (1000.0, "dense"), (5000.0, "very_dense"))
DENSITY_NAMES = {
    "rural": {"fr": "rural (< 150 hab./km²)", "en": "rural (< 150 inh./km²)"},
    "low": {"fr": "peu dense (150 à 1 000 hab./km²)", "en": "low density (150–1,000 inh./km²)"},
    "dense": {"fr": "dense (1 000 à 5 000 hab./km²)", "en": "dense (1,000–5,000 inh./km²)"},
    "very_dense": {"fr": "très dense (≥ 5 000 hab./km²)", "en": "very dense (≥ 5,000 inh./km²)"},
}
LEVEL_NAMES = {"commune": {"fr": "commune", "en": "commune"},
               "epci": {"fr": "EPCI", "en": "EPCI"},
               "ept": {"fr": "EPT", "en": "EPT"},
               "department": {"fr": "département", "en": "department"}}


class TerritoryNotFound(SmartidfError, LookupError):
    """No territory has that code (at that level); ``suggestions`` holds the closest ones
    (a frame of :func:`territories` rows).

    Parameters
    ----------
    query : str
        The code (or text) that matched no territory.
    level : str or None
        The level searched (one of :data:`LEVELS`), ``None`` for every level.
    suggestions : pandas.DataFrame
        The closest territories (rows of :func:`territories`), possibly empty; named in the
        message.
    """

    def __init__(self, query: str, level: str | None, suggestions: pd.DataFrame):
        self.query, self.level, self.suggestions = query, level, suggestions
        where = f" at level {level}" if level else ""
        close = "; ".join(f"{r.name} ({r.level} {r.code})" for r in suggestions.itertuples())
        super().__init__(f"no territory {query!r}{where}"
                         + (f"; closest: {close}" if close else ""))


def normalise(text: str) -> str:
    """Lower case, accents removed, every run of non-alphanumerics one space ("Saint-Ouen"
    and "saint ouen" agree).

    Parameters
    ----------
    text : str
        The text (a name or code); anything else is converted with ``str``.

    Returns
    -------
    str
        The normalised text: ASCII lower-case letters and digits separated by single spaces,
        without leading or trailing space.
    """
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", plain.lower()).strip()


def density_class(density) -> np.ndarray:
    """The :data:`DENSITY_BOUNDS` key of each density [inhabitants/km²] ("" when unknown).

    Parameters
    ----------
    density : array_like of float
        Population densities [inhabitants/km²]; NaN or infinite when unknown.

    Returns
    -------
    numpy.ndarray
        Object array of the same shape: ``"rural"``, ``"low"``, ``"dense"``, ``"very_dense"``
        or ``""``.
    """
    values = np.asarray(density, dtype=float)
    out = np.full(values.shape, "", dtype=object)
    for low, key in DENSITY_BOUNDS:
        out[np.isfinite(values) & (values >= low)] = key
    return out


def commune_rows(communes: pd.DataFrame) -> pd.DataFrame:
    """The communes that territories are made of: the COM rows (Paris as 75056), with
    ``department_name`` when the frame lacks it (the code then).

    Parameters
    ----------
    communes : pandas.DataFrame
        The frame of :func:`smartidf_analysis.commuting.io.load_communes` (``kind``,
        ``commune_code``, ``department_code``, …).

    Returns
    -------
    pandas.DataFrame
        A copy of its rows of ``kind == "COM"``, same columns, with ``department_name``.
    """
    com = communes[communes["kind"] == "COM"].copy()
    if "department_name" not in com:
        com["department_name"] = com["department_code"]
    return com


def territories(communes: pd.DataFrame, level: str | None = None) -> pd.DataFrame:
    """Every territory of ``level`` (default: all four levels) built from ``communes`` (the
    frame of :func:`smartidf_analysis.commuting.io.load_communes`).

    Parameters
    ----------
    communes : pandas.DataFrame
        The communes (``kind``, ``commune_code``, the code and name columns of
        :data:`LEVEL_COLUMNS`, ``department_code``, ``population`` [inhabitants],
        ``area_km2`` [km²]).
    level : str, optional
        One of :data:`LEVELS`; ``None`` for all four.

    Returns
    -------
    pandas.DataFrame
        One row per territory, levels in the order of :data:`LEVELS` and codes sorted within:
        ``level``, ``code``, ``name``, ``department_code`` (the department holding most of its
        population), ``population`` [inhabitants], ``area_km2`` [km²], ``communes`` (count),
        ``density`` [inhabitants/km²] and ``density_class`` (:func:`density_class`).

    Raises
    ------
    ValueError
        If ``level`` is unknown.
    """
    levels = LEVELS if level is None else (check_level(level),)
    com = commune_rows(communes)
    parts = []
    for lev in levels:
        code, name = LEVEL_COLUMNS[lev]
        d = com[com[code].notna()]
        g = d.groupby(code, sort=True)
        pop_by_dep = pd.DataFrame({"key": d[code].to_numpy(), "dep": d["department_code"].to_numpy(),
                                   "pop": d["population"].to_numpy(dtype=float)})
        pop_by_dep = pop_by_dep.groupby(["key", "dep"], as_index=False)["pop"].sum()
        main_dep = (pop_by_dep.sort_values(["key", "pop", "dep"], ascending=[True, False, True])
                    .drop_duplicates("key").set_index("key")["dep"])
        frame = pd.DataFrame({"level": lev, "code": g[name].first().index.astype(str),
                              "name": g[name].first().to_numpy(),
                              "department_code": main_dep.reindex(g[name].first().index).to_numpy(),
                              "population": g["population"].sum().to_numpy(dtype=float),
                              "area_km2": g["area_km2"].sum(min_count=1).to_numpy(dtype=float),
                              "communes": g.size().to_numpy()})
        parts.append(frame)
    out = pd.concat(parts, ignore_index=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["density"] = out["population"] / out["area_km2"]
    out["density_class"] = density_class(out["density"])
    return out


def check_level(level: str) -> str:
    """``level`` when it is one of :data:`LEVELS`, else a ValueError naming them.

    Parameters
    ----------
    level : str
        A territory level.

    Returns
    -------
    str
        ``level`` itself.

    Raises
    ------
    ValueError
        If ``level`` is not one of :data:`LEVELS`.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown territory level {level!r}; known: {', '.join(LEVELS)}")
    return level


def search(table: pd.DataFrame, text: str, limit: int = 10) -> pd.DataFrame:
    """Territories of ``table`` (:func:`territories`) matching ``text``: exact code first, then
    names starting with it, then names containing it, then the closest names (difflib),
    accents and case ignored; within a rank, largest population first.

    Parameters
    ----------
    table : pandas.DataFrame
        Territories, as :func:`territories` returns them.
    text : str
        What was typed: a name, part of a name, or a code.
    limit : int, default 10
        The most rows returned.

    Returns
    -------
    pandas.DataFrame
        At most ``limit`` rows of ``table`` (same columns), best match first, with a fresh
        index; empty when ``text`` normalises to nothing or nothing is close.
    """
    query = normalise(text)
    if not query:
        return table.iloc[:0]
    names = table["name"].map(normalise)
    codes = table["code"].str.lower()
    rank = np.select([codes == query, names == query, names.str.startswith(query),
                      names.str.contains(query, regex=False) | codes.str.startswith(query)],
                     [0, 1, 2, 3], default=9)
    hits = table.assign(_rank=rank)[rank < 9]
    if hits.empty:
        close = difflib.get_close_matches(query, list(dict.fromkeys(names)), n=limit, cutoff=0.6)
        close_codes = difflib.get_close_matches(query, list(codes), n=limit, cutoff=0.6)
        keep = names.isin(close) | codes.isin(close_codes)
        order = {n: i for i, n in enumerate(close)}
        hits = table.assign(_rank=names.map(order).fillna(len(order)).to_numpy() + 4)[keep]
    hits = hits.sort_values(["_rank", "population"], ascending=[True, False])
    return hits.drop(columns="_rank").head(limit).reset_index(drop=True)


def resolve(table: pd.DataFrame, code: str, level: str | None = None) -> pd.Series:
    """The one territory of ``table`` with ``code`` (at ``level`` when given): its row.
    Raises :class:`TerritoryNotFound` with the closest matches (by code, then by name).

    Parameters
    ----------
    table : pandas.DataFrame
        Territories, as :func:`territories` returns them.
    code : str
        The territory's code (INSEE commune or department code, EPCI SIREN, EPT code); case
        and surrounding spaces ignored.
    level : str, optional
        One of :data:`LEVELS`; ``None`` to search every level (a code found at two levels:
        the finest).

    Returns
    -------
    pandas.Series
        The territory's row of ``table``.

    Raises
    ------
    TerritoryNotFound
        If no territory has that code (at that level); it carries up to 5 suggestions.
    ValueError
        If ``level`` is unknown.
    """
    if level is not None:
        check_level(level)
    pool = table if level is None else table[table["level"] == level]
    text = str(code).strip()
    hit = pool[pool["code"].str.lower() == text.lower()]
    if len(hit) == 1:
        return hit.iloc[0]
    if len(hit) > 1:  # a code at two levels (never in the COG, kept for safety): finest first
        return hit.sort_values("level", key=lambda s: s.map(LEVELS.index)).iloc[0]
    raise TerritoryNotFound(text, level, search(pool, text, limit=5))


def members(communes: pd.DataFrame, level: str, code: str) -> list[str]:
    """The commune codes (Paris as 75056) of the territory ``code`` of ``level``.

    Parameters
    ----------
    communes : pandas.DataFrame
        The frame of :func:`smartidf_analysis.commuting.io.load_communes`.
    level : str
        One of :data:`LEVELS`.
    code : str
        The territory's code at that level.

    Returns
    -------
    list of str
        Its commune codes, sorted; empty for an unknown code.

    Raises
    ------
    ValueError
        If ``level`` is unknown.
    """
    column = LEVEL_COLUMNS[check_level(level)][0]
    com = commune_rows(communes)
    return sorted(com.loc[com[column].astype("string") == str(code), "commune_code"])
