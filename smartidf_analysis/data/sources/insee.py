"""INSEE reference tables, census commuting flows, Filosofi incomes and census indicators.

* ``read_cog``: Code officiel géographique 2026, communes table cut to IDF (comma, UTF-8).
* ``read_population``: populations légales 2023 (in force 2026, geography 2025), ``;``, CRLF;
  population municipale (PMUN) and totale (PTOT), persons. Paris 75056 has no row.
* ``read_ept``: EPT of the Métropole du Grand Paris au 01-01-2025 (xlsx, 5 title rows).
* ``read_mobpro_flows``: RP 2014 MOBPRO home-to-work flows inside IDF by mode and CSP
  (weighted workers, aggregated by UMR Géographie-cités), the original ``.Rds`` or the
  mirror's gzipped CSV conversion, 383,932 rows.
* ``read_filosofi_2021``: Filosofi 2021 declared income per consumption unit [EUR] (Q221),
  ``;``, decimal comma, BOM, CRLF; ``s``/``so`` = statistical secrecy -> NA.
* ``read_filosofi_2012``: Filosofi 2012 comparateur, median disposable income per UC [EUR]
  (MED12); empty = suppressed -> NA.
* ``read_comparateur_datasfun``: datas.fun compilation of the comparateur de territoires 2024
  (census RP 2021), one row per (commune, postal code) -> one row per commune.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._common import (
    IDF_REGION,
    clean_text,
    finish,
    in_idf,
    read_csv,
    read_excel,
    read_rds,
    to_number,
    zfill_code,
)


def read_cog(path: str | Path) -> pd.DataFrame:
    """COG communes -> ``[commune_code, commune_name, kind, parent_code, department_code]``.

    ``kind`` is TYPECOM (COM, ARM, COMA, COMD); COMA/COMD rows have no DEP, so their
    department is the first two characters of their parent commune.

    Parameters
    ----------
    path : str or pathlib.Path
        The COG communes CSV.

    Returns
    -------
    pandas.DataFrame
        ``commune_code``, ``commune_name``, ``kind``, ``parent_code``, ``department_code``
        (IDF rows), indexed by the source line.

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or lacks a column, or a value is malformed
        (naming the line and column).
    """
    raw = read_csv(path, required=["TYPECOM", "COM", "DEP", "LIBELLE", "COMPARENT"])
    parent = zfill_code(clean_text(raw["COMPARENT"]))
    dep = clean_text(raw["DEP"])
    dep = dep.where(dep.notna(), parent.str[:2])
    out = pd.DataFrame(
        {
            "commune_code": zfill_code(raw["COM"]),
            "commune_name": clean_text(raw["LIBELLE"]),
            "kind": clean_text(raw["TYPECOM"]),
            "parent_code": parent,
            "department_code": dep,
        }
    )
    return out[in_idf(out["department_code"])]


def read_population(path: str | Path) -> pd.DataFrame:
    """Populations légales 2023 -> ``[commune_code, population, population_total]`` (IDF).

    Parameters
    ----------
    path : str or pathlib.Path
        The populations légales CSV.

    Returns
    -------
    pandas.DataFrame
        ``commune_code``, ``population`` and ``population_total`` [inhabitants], indexed
        by the source line.

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or lacks a column, or a value is malformed
        (naming the line and column).
    """
    raw = read_csv(path, sep=";", required=["REG", "COM", "PMUN", "PTOT"])
    raw = raw[raw["REG"].str.strip() == IDF_REGION]
    return pd.DataFrame(
        {
            "commune_code": zfill_code(raw["COM"]),
            "population": to_number(path, raw, "PMUN", integer=True),
            "population_total": to_number(path, raw, "PTOT", integer=True),
        }
    )


def read_ept(path: str | Path) -> pd.DataFrame:
    """EPT composition -> ``[commune_code, ept_code, ept_name]`` for IDF communes in an EPT.

    Parameters
    ----------
    path : str or pathlib.Path
        The EPT composition xlsx.

    Returns
    -------
    pandas.DataFrame
        ``commune_code``, ``ept_code``, ``ept_name``, indexed by the sheet row.

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or lacks a column, or a value is malformed
        (naming the line and column).
    """
    raw = read_excel(
        path, "Composition_communale", header_row=6,
        required=["CODGEO", "EPT", "LIBEPT", "REG"],
    )
    raw = raw[(raw["REG"] == IDF_REGION) & raw["EPT"].notna() & (raw["EPT"] != "ZZZZZZZZZ")]
    return pd.DataFrame(
        {
            "commune_code": zfill_code(raw["CODGEO"]),
            "ept_code": raw["EPT"].astype("str"),
            "ept_name": raw["LIBEPT"].astype("str"),
        }
    )


def read_mobpro_flows(path: str | Path) -> pd.DataFrame:
    """MOBPRO 2014 flows -> ``commuting_flows`` (home/work codes are the 2014 codes here).

    Reads the public original, Géographie-cités' ``tabflows2.Rds`` (an R data frame), or the
    mirror's gzipped CSV conversion of it (15 significant digits: the totals agree to
    1e-6 workers).

    Parameters
    ----------
    path : str or pathlib.Path
        The ``.Rds`` original or the gzipped CSV.

    Returns
    -------
    pandas.DataFrame
        The rows of the canonical ``commuting_flows`` table (columns, types and units in
        :data:`~smartidf_analysis.data.schema.TABLES`), indexed by the source line.
        ``workers`` [persons, survey-weighted].

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or lacks a column, or a value is malformed
        (naming the line and column).
    """
    columns = ["ORI", "DES", "MODE", "CSP", "FLOW"]
    if Path(path).suffix.lower() == ".rds":
        raw = read_rds(path, required=columns)
    else:
        raw = read_csv(path, required=columns)
    home = zfill_code(raw["ORI"])
    work = zfill_code(raw["DES"])
    csp = to_number(path, raw, "CSP", integer=True)
    out = pd.DataFrame(
        {
            "home_code": home,
            "work_code": work,
            "home_code_2014": home,
            "work_code_2014": work,
            "mode": raw["MODE"].str.strip(),
            "csp": csp,
            "workers": to_number(path, raw, "FLOW"),
        }
    )
    return finish(out, "commuting_flows")


def _incomes(codes: pd.Series, year: int, measure: str, median, households) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "commune_code": zfill_code(codes),
            "year": year,
            "measure": measure,
            "median_income_eur": median,
            "households": households,
        }
    )
    return finish(out[in_idf(out["commune_code"])], "incomes")


def read_filosofi_2021(path: str | Path) -> pd.DataFrame:
    """Filosofi 2021 declared income -> ``incomes`` (year 2021, measure "declared", IDF).

    Paris appears both as 75056 and as its 20 arrondissements (the build keeps the level it
    needs); ``households`` = NBMEN21 (fiscal households).

    Parameters
    ----------
    path : str or pathlib.Path
        The Filosofi 2021 CSV.

    Returns
    -------
    pandas.DataFrame
        The rows of the canonical ``incomes`` table (columns, types and units in
        :data:`~smartidf_analysis.data.schema.TABLES`), indexed by the source line.
        ``median_income_eur`` [EUR per consumption unit], ``households`` [households].

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or lacks a column, or a value is malformed
        (naming the line and column).
    """
    raw = read_csv(path, sep=";", required=["CODGEO", "NBMEN21", "Q221"])
    raw = raw[in_idf(raw["CODGEO"].str.strip())]
    secret = ("s", "so", "nd")
    median = to_number(path, raw, "Q221", decimal=",", missing=secret)
    households = to_number(path, raw, "NBMEN21", decimal=",", missing=secret)
    return _incomes(raw["CODGEO"], 2021, "declared", median, households)


def read_filosofi_2012(path: str | Path) -> pd.DataFrame:
    """Filosofi 2012 disposable income -> ``incomes`` (year 2012, "disposable", IDF).

    Parameters
    ----------
    path : str or pathlib.Path
        The Filosofi 2012 comparateur CSV.

    Returns
    -------
    pandas.DataFrame
        The rows of the canonical ``incomes`` table (columns, types and units in
        :data:`~smartidf_analysis.data.schema.TABLES`), indexed by the source line.
        ``median_income_eur`` [EUR per consumption unit], ``households`` [households].

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or lacks a column, or a value is malformed
        (naming the line and column).
    """
    raw = read_csv(path, sep=";", required=["CODGEO", "NBMENFISC12", "MED12"])
    raw = raw[in_idf(raw["CODGEO"].str.strip())]
    median = to_number(path, raw, "MED12", missing=("s", "so"))
    households = to_number(path, raw, "NBMENFISC12", missing=("s", "so"))
    return _incomes(raw["CODGEO"], 2012, "disposable", median, households)


def read_comparateur_datasfun(path: str | Path) -> pd.DataFrame:
    """datas.fun comparateur 2024 -> ``commune_census_2021``, one row per commune (COM, ARM).

    The file has one row per (commune, postal code); the first row of each commune is kept
    (its line is the index). ``employed_15_64_approx`` = active - unemployed aged 15-64.

    Parameters
    ----------
    path : str or pathlib.Path
        The datas.fun CSV.

    Returns
    -------
    pandas.DataFrame
        The rows of the canonical ``commune_census_2021`` table (columns, types and units in
        :data:`~smartidf_analysis.data.schema.TABLES`), indexed by the source line.
        ``area_km2_insee`` [km²], populations [inhabitants].

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or lacks a column, or a value is malformed
        (naming the line and column).
    """
    numbers = {
        "population_2021": "population_2021",
        "population_2015": "population_2015",
        "households_2021": "menages_2021",
        "active_15_64_2021": "pop_15_64_active_2021",
        "unemployed_15_64_2021": "pop_15_64_chomage_2021",
    }
    raw = read_csv(
        path, required=["insee_com", "insee_dep", "commune_type", "superficie_km2",
                        *numbers.values()],
    )
    raw = raw[raw["commune_type"].str.strip().isin(["COM", "ARM"])]
    raw = raw[in_idf(zfill_code(raw["insee_com"]))]
    raw = raw[~raw["insee_com"].str.strip().duplicated()]
    out = pd.DataFrame(
        {
            "commune_code": zfill_code(raw["insee_com"]),
            "kind": raw["commune_type"].str.strip(),
            "area_km2_insee": to_number(path, raw, "superficie_km2"),
        }
    )
    for name, column in numbers.items():
        out[name] = to_number(path, raw, column).round().astype("Int64")
    out["employed_15_64_approx"] = out["active_15_64_2021"] - out["unemployed_15_64_2021"]
    return finish(out, "commune_census_2021")
