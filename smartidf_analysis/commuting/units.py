"""Commuting map units: Paris as its 20 arrondissements or as one commune (75056), and the
communes, EPTs, EPCIs or departments a flow is aggregated to (:func:`unit_table`).

Paris switch: ``paris_as_one=True`` relabels the arrondissements as 75056 *after* distances
are computed, so a commute from the 13th to the 8th keeps its real length and counts as
"working in one's commune".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

LEVELS = ("commune", "ept", "epci", "department")
PARIS_CODE = "75056"
MGP_DEPARTMENTS = ("75", "92", "93", "94")  # departments of the Métropole du Grand Paris


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
