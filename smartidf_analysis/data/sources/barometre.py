"""Baromètre des résultats de l'action publique: department FttH deployment rate [%].

Both series use ARCEP's definition (share of dwellings and business premises that can be
connected to FttH, in percent):

* Etalab / DINUM, theme "services publics et territoires", department detail
  (``taux-deploiement-fibre``, quarterly, 2017-12-31 to 2022-09-30, rounded to whole
  percent; national file kept whole, comma-separated, UTF-8);
* DITP IND-306 "Taux de déploiement de la fibre" (quarterly 2022-06 to 2024-06, two
  decimals; departments ``D75``..., regions ``R11``..., France). Dates are first-of-month
  labels of the ARCEP quarter: 2022-06-01 is ARCEP "T2 2022" (end of June 2022).
  ``indic_vi`` (initial value), ``indic_va`` (current values) and ``indic_vc`` (the 100 %
  target of 2026-12) sit on different rows: the first two are coalesced, targets dropped.

Both return ``fibre_department_series`` for the IDF departments (``zone_code`` "75"...)
and, for DITP, the region (``zone_code`` "R11").
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._common import IDF_DEPARTMENTS, finish, quarter_of, read_csv, to_date, to_number


def read_etalab_fibre(path: str | Path) -> pd.DataFrame:
    """Etalab department detail -> ``fibre_department_series`` (source ``etalab_barometre_...``).

    Parameters
    ----------
    path : str or pathlib.Path
        The Etalab department detail CSV.

    Returns
    -------
    pandas.DataFrame
        The rows of the canonical ``fibre_department_series`` table (columns, types and units in
        :data:`~smartidf_analysis.data.schema.TABLES`), indexed by the source line.
        ``coverage_pct`` in [%].

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or lacks a column, or a value is malformed
        (naming the line and column).
    """
    raw = read_csv(path, required=["id_indicateur", "code_departement", "date", "valeur"])
    raw = raw[raw["id_indicateur"].str.strip() == "taux-deploiement-fibre"]
    raw = raw[raw["code_departement"].str.strip().isin(IDF_DEPARTMENTS)]
    dates = to_date(path, raw, "date")
    out = pd.DataFrame(
        {
            "zone_code": raw["code_departement"].str.strip(),
            "quarter": quarter_of(dates),
            "period_end": dates,
            "coverage_pct": to_number(path, raw, "valeur"),
            "source": "etalab_barometre_territoires",
        }
    )
    return finish(out, "fibre_department_series")


def read_ditp_fibre(path: str | Path) -> pd.DataFrame:
    """DITP IND-306 -> ``fibre_department_series`` (source ditp_fibre_2022_2024).

    ``period_end`` is the last day of the labelled month (2022-06-01 -> 2022-06-30).

    Parameters
    ----------
    path : str or pathlib.Path
        The DITP IND-306 CSV.

    Returns
    -------
    pandas.DataFrame
        The rows of the canonical ``fibre_department_series`` table (columns, types and units in
        :data:`~smartidf_analysis.data.schema.TABLES`), indexed by the source line.
        ``coverage_pct`` in [%].

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or lacks a column, or a value is malformed
        (naming the line and column).
    """
    raw = read_csv(
        path, required=["enforce_zone_id", "metric_enforce_date", "indic_vi", "indic_va"]
    )
    zone = raw["enforce_zone_id"].str.strip()
    keep = zone.isin([f"D{d}" for d in IDF_DEPARTMENTS] + ["R11"])
    raw, zone = raw[keep], zone[keep]
    value = to_number(path, raw, "indic_vi").fillna(to_number(path, raw, "indic_va"))
    labels = to_date(path, raw, "metric_enforce_date")
    out = pd.DataFrame(
        {
            "zone_code": zone.where(zone == "R11", zone.str[1:]),
            "quarter": quarter_of(labels),
            "period_end": (labels + pd.offsets.MonthEnd(0)).astype("datetime64[s]"),
            "coverage_pct": value,
            "source": "ditp_fibre_2022_2024",
        }
    )
    return finish(out[value.notna()], "fibre_department_series")
