"""DGCL, "Liste et composition des EPCI à fiscalité propre", 2025 edition (``Epcicom2025``).

National xlsx kept whole (34,871 member rows, header in row 1), read with python-calamine
(openpyxl fails on the INSEE/DGCL stylesheets). Only member communes of the IDF
departments are returned. There are no EPCI boundaries in the file: the build dissolves
commune polygons on this membership.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._common import in_idf, read_excel, zfill_code


def read_epci(path: str | Path) -> pd.DataFrame:
    """EPCI membership -> ``[commune_code, epci_siren, epci_name, epci_nature]`` (IDF).

    ``epci_nature`` is the legal form as written in the file: METRO, CU, CA or CC. The index is the
    sheet row number.

    Parameters
    ----------
    path : str or pathlib.Path
        The DGCL xlsx file.

    Returns
    -------
    pandas.DataFrame
        ``commune_code``, ``epci_siren``, ``epci_name``, ``epci_nature``.

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or lacks a column, or a value is malformed
        (naming the line and column).
    """
    raw = read_excel(
        path, "Epcicom2025", header_row=1,
        required=["siren", "raison_sociale", "nature_juridique", "insee"],
    )
    codes = zfill_code(raw["insee"])
    raw = raw[in_idf(codes)]
    return pd.DataFrame(
        {
            "commune_code": codes[raw.index],
            "epci_siren": zfill_code(raw["siren"], 9),
            "epci_name": raw["raison_sociale"].astype("str"),
            "epci_nature": raw["nature_juridique"].astype("str"),
        }
    )
