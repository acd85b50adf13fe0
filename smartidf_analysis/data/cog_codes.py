"""Commune codes of every source vintage onto the current INSEE COG.

* :func:`code_map` maps every code of a vintage to a current code: identity for current
  communes and Paris arrondissements, the parent commune for delegated (COMD) and
  associated (COMA) communes, as the COG lists them. Nothing else is guessed.
* :func:`remap` rewrites the code columns of a table and reports every unmatched code as a
  build issue (rows and workers/premises affected); rows are kept, so totals are preserved.
* :func:`check_codes` refuses malformed codes and codes outside Île-de-France;
  :func:`report_superseded` lists the codes kept as published although the COG maps them
  onto another current commune.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartidf_analysis.data.build_issues import Issues
from smartidf_analysis.errors import SourceFormatError

IDF_DEPARTMENTS = ("75", "77", "78", "91", "92", "93", "94", "95")


def code_map(cog: pd.DataFrame) -> pd.DataFrame:
    """``commune_code_map`` from the COG: source_code -> commune_code, method.

    Parameters
    ----------
    cog : pandas.DataFrame
        The COG communes (``commune_code``, ``kind``: COM, ARM, COMD or COMA,
        ``parent_code``).

    Returns
    -------
    pandas.DataFrame
        ``source_code``, ``commune_code``, ``method`` (identity, arrondissement, delegated or
        associated), sorted by ``source_code``.
    """
    current = cog[cog["kind"].isin(["COM", "ARM"])]
    ident = pd.DataFrame({"source_code": current["commune_code"],
                          "commune_code": current["commune_code"],
                          "method": np.where(current["kind"] == "ARM", "arrondissement", "identity")})
    old = cog[cog["kind"].isin(["COMD", "COMA"]) & ~cog["commune_code"].isin(current["commune_code"])]
    old = old.drop_duplicates("commune_code")
    moved = pd.DataFrame({"source_code": old["commune_code"], "commune_code": old["parent_code"],
                          "method": np.where(old["kind"] == "COMD", "delegated", "associated")})
    return pd.concat([ident, moved], ignore_index=True).sort_values("source_code",
                                                                    ignore_index=True)


def check_codes(frame: pd.DataFrame, column: str, file_name: str) -> None:
    """Raise SourceFormatError for malformed codes or codes outside Île-de-France.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows read from a file, indexed by their line.
    column : str
        The code column.
    file_name : str
        The file named in the error.

    Raises
    ------
    SourceFormatError
        Naming the line and column of the first bad code.
    """
    codes = frame[column].astype("string")
    ok = codes.str.fullmatch(r"\d{5}|2[AB]\d{3}").fillna(False) & codes.str[:2].isin(IDF_DEPARTMENTS)
    if not ok.all():
        line = frame.index[~ok.to_numpy()][0]
        bad = codes[~ok].iloc[0]
        raise SourceFormatError(file_name, f"unknown commune code {bad!r} (not an Île-de-France "
                                f"INSEE code)", line=int(line), column=column)


def remap(frame: pd.DataFrame, columns: dict[str, str], mapping: pd.DataFrame, issues: Issues,
          dataset_id: str, measure: str | None = None) -> pd.DataFrame:
    """Rewrite ``columns`` (target column -> source-code column) through ``mapping``.

    Unmatched codes keep their source value and are reported in ``issues`` with the number
    of rows and the sum of ``measure`` they carry.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    columns : dict of str to str
        Target column -> source-code column.
    mapping : pandas.DataFrame
        :func:`code_map`.
    issues : Issues
        Where unmatched codes are recorded.
    dataset_id : str
        The dataset named in the issues.
    measure : str, optional
        The column summed in the issues (e.g. ``workers`` [persons]); default a row count.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with the target columns written.
    """
    lookup = dict(zip(mapping["source_code"], mapping["commune_code"], strict=True))
    out = frame.copy()
    for target, source in columns.items():
        src = out[source].astype("string")
        mapped = src.map(lookup)
        unmatched = mapped.isna() & src.notna()
        for code, group in out[unmatched.to_numpy()].groupby(source, sort=True):
            affected = group[measure].sum() if measure else len(group)
            issues.add(dataset_id, str(code), f"{source} not in the current COG (kept as is; "
                       f"no delegated/associated row maps it)", len(group),
                       measure or "rows", affected)
        out[target] = mapped.fillna(src).astype(object)
    return out


def report_superseded(original: pd.DataFrame, remapped: pd.DataFrame, columns: dict[str, str],
                      issues: Issues, dataset_id: str, measure: str | None) -> None:
    """List codes kept as published although the COG maps them onto another current commune
    (e.g. a delegated commune whose median income cannot be merged into its parent's).

    Parameters
    ----------
    original : pandas.DataFrame
        The table as read.
    remapped : pandas.DataFrame
        The same rows passed through :func:`remap`.
    columns : dict of str to str
        Target column -> source-code column.
    issues : Issues
        Where the codes are recorded.
    dataset_id : str
        The dataset named in the issues.
    measure : str or None
        The column summed in the issues; None for a row count.
    """
    for target, source in columns.items():
        changed = (original[source].astype("string") != remapped[target].astype("string"))
        changed = changed.fillna(False).to_numpy()
        for code, group in original[changed].groupby(source, sort=True):
            new = remapped.loc[group.index, target].iloc[0]
            affected = group[measure].sum() if measure else len(group)
            issues.add(dataset_id, str(code), f"{source} superseded by {new} in the current COG "
                       "(kept as published: values cannot be merged)", len(group),
                       measure or "rows", affected)
