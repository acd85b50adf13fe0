"""ARCEP open data "deploiements THD" 2018 T1 (observatoire HD/THD), exported sheet by sheet.

Every file has 4 title lines, then the header (line 5), comma-separated, UTF-8.

* FttH deployment files (by commune cut to IDF, by department, by arrondissement of Paris,
  Lyon, Marseille): columns ``Code ...``, ``Champ``, then one column per quarter
  (``T3 2017`` ... ``T1 2018``). ``Champ`` is ``Locaux Raccordables`` (premises connectable
  to FttH, count) or ``Catégorie`` (ARCEP coverage class 0, 5, 10, 25, 50, 80 [%]). They are
  pivoted to one row per (code, quarter); the index is the line of the ``Locaux
  Raccordables`` row (repeated for each quarter).
* Commune information 2018 T1: dwellings and establishments (the denominator of FttH
  rates), zoning flags and infrastructure operators. Numbers are padded text with spaces as
  thousands separators (``" 1 362 182    "``) and ``-`` means none / no.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from smartidf_analysis.errors import SourceFormatError

from ._common import (
    IDF_DEPARTMENTS,
    IDF_REGION,
    clean_text,
    finish,
    in_idf,
    read_csv,
    to_flag,
    to_number,
    zfill_code,
)

HEADER_LINE = 5
PREMISES = "Locaux Raccordables"
CLASS = "Catégorie"
_QUARTER = re.compile(r"^T([1-4])\s*(\d{4})$")


def quarter_label(label: str) -> str:
    """ARCEP quarter ``"T3 2017"`` -> ``"2017Q3"``.

    Parameters
    ----------
    label : str
        An ARCEP quarter label such as ``"T3 2017"``.

    Returns
    -------
    str
        The project's label, such as ``"2017Q3"``.

    Raises
    ------
    ValueError
        If ``label`` is not an ARCEP quarter label.
    """
    match = _QUARTER.match(label.strip())
    if not match:
        raise ValueError(f"not an ARCEP quarter label: {label!r}")
    return f"{match.group(2)}Q{match.group(1)}"


def _deployment(path: str | Path, code_column: str, width: int) -> pd.DataFrame:
    """Long frame ``[code, quarter, connectable_premises, arcep_class]`` of a FttH file."""
    raw = read_csv(path, header_line=HEADER_LINE, required=[code_column, "Champ"])
    quarters = [c for c in raw.columns if _QUARTER.match(c)]
    if not quarters:
        raise SourceFormatError(
            path, "no quarter column (expected labels like 'T1 2018')", line=HEADER_LINE
        )
    raw["code"] = zfill_code(raw[code_column], width)
    champ = raw["Champ"].str.strip()
    unknown = ~champ.isin([PREMISES, CLASS])
    if unknown.any():
        where = int(unknown.idxmax())
        raise SourceFormatError(
            path, f"unexpected Champ {champ[where]!r} (expected {PREMISES!r} or {CLASS!r})",
            line=where, column="Champ",
        )
    for q in quarters:
        raw[q] = to_number(path, raw, q, integer=True, zero=("-",))
    premises = raw[champ == PREMISES]
    classes = raw[champ == CLASS]
    classes = classes[~classes["code"].duplicated()].set_index("code")
    # codes that only have a class row keep that row's line
    lonely = raw[(champ == CLASS) & ~raw["code"].isin(premises["code"])]
    parts = []
    for q in quarters:
        for rows, has_premises in ((premises, True), (lonely, False)):
            part = pd.DataFrame(
                {
                    "code": rows["code"],
                    "quarter": quarter_label(q),
                    "connectable_premises": rows[q] if has_premises else pd.NA,
                    "arcep_class": classes[q].reindex(rows["code"]).to_numpy(),
                },
                index=rows.index,
            )
            parts.append(part)
    out = pd.concat(parts)
    return out.sort_index(kind="stable")


def read_ftth_communes(path: str | Path) -> pd.DataFrame:
    """FttH deployment by commune (COG 2018, Paris = 75056) -> ``fibre_deployment`` (COM).

    Parameters
    ----------
    path : str or pathlib.Path
        The ARCEP FttH file by commune.

    Returns
    -------
    pandas.DataFrame
        The rows of the canonical ``fibre_deployment`` table (columns, types and units in
        :data:`~smartidf_analysis.data.schema.TABLES`), indexed by the source line.
        ``connectable_premises`` [premises] and ``arcep_class`` (0, 5, 10, 25, 50 or 80).

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or lacks a column, or a value is malformed
        (naming the line and column).
    """
    out = _deployment(path, "Code commune", 5)
    out = out[in_idf(out["code"])]
    out["commune_code"] = out["commune_code_2018"] = out["code"]
    out["geo_level"] = "COM"
    return finish(out, "fibre_deployment")


def read_ftth_arrondissements(path: str | Path) -> pd.DataFrame:
    """FttH deployment by arrondissement: Paris 75101-75120 only -> ``fibre_deployment`` (ARM).

    Parameters
    ----------
    path : str or pathlib.Path
        The ARCEP FttH file by arrondissement.

    Returns
    -------
    pandas.DataFrame
        The rows of the canonical ``fibre_deployment`` table (columns, types and units in
        :data:`~smartidf_analysis.data.schema.TABLES`), indexed by the source line.

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or lacks a column, or a value is malformed
        (naming the line and column).
    """
    out = _deployment(path, "Code arrondissement", 5)
    out = out[out["code"].str.startswith("751")]
    out["commune_code"] = out["commune_code_2018"] = out["code"]
    out["geo_level"] = "ARM"
    return finish(out, "fibre_deployment")


def read_ftth_departments(path: str | Path) -> pd.DataFrame:
    """FttH deployment by department (national file) -> ``fibre_deployment_departments`` (IDF).

    Parameters
    ----------
    path : str or pathlib.Path
        The ARCEP FttH file by department.

    Returns
    -------
    pandas.DataFrame
        The rows of the canonical ``fibre_deployment_departments`` table (columns, types and units in
        :data:`~smartidf_analysis.data.schema.TABLES`), indexed by the source line.

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or lacks a column, or a value is malformed
        (naming the line and column).
    """
    out = _deployment(path, "Code département", 2)
    out = out[out["code"].isin(IDF_DEPARTMENTS)].rename(columns={"code": "department_code"})
    return finish(out, "fibre_deployment_departments")


_FLAGS = {
    "very_dense_zone": "Zones très denses",
    "l3313_commitment": "Engagements L. 33-13",
    "private_intention": "Intentions privées hors engagement L. 33-13",
    "rural": "Commune rurale",
    "mountain": "Commune de montagne",
}


def read_communes_info(path: str | Path) -> pd.DataFrame:
    """Commune information 2018 T1 -> ``premises`` (IDF).

    ``dwellings`` (Logements) and ``establishments`` (Établissements) are counts, ``-`` = 0;
    the flags are True for ``1`` and False for ``-`` (``l3313_commitment`` holds the
    committed operators, e.g. ``FRTE``: True when any); ``infrastructure_operators`` is the
    ``OI 2018 T1`` code list (e.g. ``FRTE``, ``CO92-FRTE-SFR0``), NA when empty.

    Parameters
    ----------
    path : str or pathlib.Path
        The ARCEP commune information file.

    Returns
    -------
    pandas.DataFrame
        The rows of the canonical ``premises`` table (columns, types and units in
        :data:`~smartidf_analysis.data.schema.TABLES`), indexed by the source line.
        ``dwellings`` and ``establishments`` are counts [premises].

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or lacks a column, or a value is malformed
        (naming the line and column).
    """
    operators = "OI 2018 T1"
    raw = read_csv(
        path, header_line=HEADER_LINE,
        required=["Code commune", "Nom commune", "Code région", "Code département", "Siren EPCI",
                  "Logements", "Établissements", *_FLAGS.values(), operators],
    )
    raw = raw[raw["Code région"].str.strip() == IDF_REGION]
    code = zfill_code(raw["Code commune"])
    out = pd.DataFrame(
        {
            "commune_code": code,
            "commune_code_2018": code,
            "commune_name": clean_text(raw["Nom commune"]),
            "department_code": zfill_code(raw["Code département"], 2),
            "epci_siren": zfill_code(clean_text(raw["Siren EPCI"]), 9),
            "dwellings": to_number(path, raw, "Logements", integer=True, zero=("-",)),
            "establishments": to_number(path, raw, "Établissements", integer=True, zero=("-",)),
            "infrastructure_operators": clean_text(raw[operators]),
        }
    )
    for name, column in _FLAGS.items():
        out[name] = to_flag(path, raw, column, operator_codes=name == "l3313_commitment")
    return finish(out, "premises")
