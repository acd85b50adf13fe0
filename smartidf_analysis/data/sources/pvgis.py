"""SolaireSimple's per-commune PVGIS irradiation (October 2025 edition), cut to Ile-de-France.

One row per commune: ``code_insee``, ``commune``, ``code_departement``, ``lat``, ``lon`` (the
commune point the producer used), annual horizontal irradiation ``irradiation`` and quarterly
``irradiation_q1_kwhm2`` ... ``irradiation_q4_kwhm2`` [kWh/m2], quarterly mean air temperature
``avg_temperature_q1_c`` ... [C]. Aggregated by SolaireSimple from the EU JRC PVGIS
(satellite-derived, 2005-2020); licence CC BY 4.0. The mirror's copy is a calibration cut: a
test sample of the region's communes is withheld from it (SOURCES.md H1).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from smartidf_analysis.errors import SourceFormatError

from ._common import clean_text, read_csv, to_number, zfill_code

QUARTERS = ("q1", "q2", "q3", "q4")
_REQUIRED = ["code_insee", "commune", "code_departement", "lat", "lon", "irradiation",
             *(f"irradiation_{q}_kwhm2" for q in QUARTERS)]


IDF_DEPARTMENTS = ("75", "77", "78", "91", "92", "93", "94", "95")


def read_pvgis_communes(path: str | Path, *, idf_only: bool = True) -> pd.DataFrame:
    """The calibration file (or the full upstream file) -> canonical frame (index: source line).

    Columns: ``commune_code`` (5 characters), ``commune_name``, ``department_code``, ``lat``,
    ``lon`` [deg], ``irradiation_kwh_m2`` (annual, horizontal) and ``irradiation_q1_kwh_m2`` ...
    ``irradiation_q4_kwh_m2`` [kWh/m2 per quarter]; rows sorted by commune code. ``idf_only``
    keeps the eight Ile-de-France departments (the upstream file covers France). The upstream
    file has one row per postcode: repeats of a commune with the same values are dropped, a
    commune repeated with other values is an error.

    Parameters
    ----------
    path : str or pathlib.Path
        The SolaireSimple CSV (the mirror's cut or the upstream file).
    idf_only : bool, default True
        See above.

    Returns
    -------
    pandas.DataFrame
        See above.

    Raises
    ------
    SourceFormatError
        For a missing column, a malformed number, a commune repeated with other values, or
        missing coordinates or irradiation.
    """
    frame = read_csv(path, required=_REQUIRED)
    out = pd.DataFrame({
        "commune_code": zfill_code(frame["code_insee"]),
        "commune_name": clean_text(frame["commune"]),
        "department_code": zfill_code(frame["code_departement"], width=2),
        "lat": to_number(path, frame, "lat"),
        "lon": to_number(path, frame, "lon"),
        "irradiation_kwh_m2": to_number(path, frame, "irradiation"),
        **{f"irradiation_{q}_kwh_m2": to_number(path, frame, f"irradiation_{q}_kwhm2") for q in QUARTERS},
    }, index=frame.index)
    if idf_only:
        out = out[out["department_code"].isin(IDF_DEPARTMENTS)]
    out = out[~out.drop(columns="commune_name").duplicated()]  # the same commune, another postcode
    dup = out["commune_code"].duplicated()
    if dup.any():
        raise SourceFormatError(path, f"commune {out.loc[dup, 'commune_code'].iloc[0]!r} repeated "
                                "with other values",
                                line=int(dup.idxmax()), column="code_insee")
    missing = out[["lat", "lon", "irradiation_kwh_m2"]].isna().any(axis=1)
    if missing.any():
        raise SourceFormatError(path, "missing coordinates or irradiation", line=int(missing.idxmax()))
    return out.sort_values("commune_code", kind="stable")
