"""Fibre (FttH) broadband coverage per commune: rates, ARCEP classes and growth, for ARCEP's
reporting units and for the current communes.

Method (ARCEP): coverage rate = connectable FttH premises / (dwellings + establishments),
the denominator being ARCEP's commune information of 2018T1. Rates are fractions; the raw
ratio is kept — dozens of communes exceed 1 each quarter, a known artefact of the
denominator — and flagged in ``above_100``, never capped.

Data seams made visible rather than smoothed:

* ARCEP reports communes on the 2018 COG (Paris as 75056) and, in a separate file, the 20
  Paris arrondissements. The two levels are never summed. The premises count exists for
  Paris as a whole only, so **an arrondissement rate cannot be computed from ARCEP's
  denominator** (splitting Paris's count by population gives 76–177 %: too crude to show).
  Arrondissements carry their real connectable premises and ``no_data_reason =
  "arrondissement"``; :func:`latest_coverage_by_commune` gives them Paris's rate, labelled
  in ``rate_basis``.
* 2018 codes merged since are summed onto the current code (``units`` lists them; their
  ARCEP classes cannot be combined, so the class is NA). 2018 codes with no current COG
  mapping (77028, 77149, 78503, 91182, 95282; see ``build_issues``) are kept under their
  old code, with ``has_boundary`` False: they cannot be drawn.
* A rate is missing — never 0 % — when the premises count is zero or absent or the
  quarter is missing; ``no_data_reason`` holds a key of :data:`NO_DATA_REASONS`.

Sources: ARCEP, observatoire HD/THD, "deploiements THD 2018 T1" open data (FttH per
commune, arrondissement and department, 2017T3–2018T1; commune information 2018T1);
INSEE COG 2026, populations légales 2023; INSEE Filosofi 2021 (declared median income).
The tables are read from the database by :mod:`smartidf_analysis.broadband.io`.
Aggregates (department, EPCI, EPT, region), gap lists, zoning, the operators' goal and the
reconciliation with ARCEP's departmental file live in :mod:`smartidf_analysis.broadband.aggregates`;
projections and the department series in :mod:`smartidf_analysis.broadband.projection`;
:func:`smartidf_analysis.broadband.indicators.compute_indicators` runs every indicator at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

ARCEP_CLASSES = (0, 5, 10, 25, 50, 80)
#: Operators' announcement: 89 % of the region's households (4.7 million) by 2020, public
#: networks the other 11 %.
OPERATORS_GOAL = 0.89
NO_DATA_REASONS = {
    "arrondissement": "Paris arrondissement: ARCEP counts premises for Paris as a whole only",
    "no_denominator": "no ARCEP premises count (dwellings + establishments) for this code",
    "zero_premises": "zero premises in ARCEP's count: rate undefined",
    "no_fibre_row": "no row for this code in ARCEP's FttH file",
    "missing_quarter": "no connectable-premises figure for this quarter",
}
NOT_ON_MAP_REASON = ("2018 code with no current COG mapping (see build_issues): no boundary, "
                     "not drawn on the map")
ZONES = ("very_dense", "l3313_commitment", "private_intention", "public_initiative")
LEVELS = {"department": ("department_code", "department_name"), "epci": ("epci_siren", "epci_name"),
          "ept": ("ept_code", "ept_name"), "region": ("region_code", "region_name")}
TABLES = ["fibre_deployment", "fibre_deployment_departments", "fibre_department_series",
          "premises", "communes", "incomes"]


@dataclass(frozen=True)
class BroadbandData:
    """The tables the broadband analysis reads (see the ``broadband_*.sql`` queries), as
    :func:`smartidf_analysis.broadband.io.load` returns them.

    Parameters
    ----------
    fibre : pandas.DataFrame
        ARCEP's FttH deployment per 2018 commune and Paris arrondissement and quarter
        (connectable premises, ARCEP class).
    premises : pandas.DataFrame
        ARCEP's commune information 2018T1: dwellings and establishments [premises] and the
        zoning flags, per 2018 commune.
    departments : pandas.DataFrame
        ARCEP's FttH deployment per department and quarter.
    series : pandas.DataFrame
        The Baromètre department series (``zone_code``, ``quarter``, ``coverage_pct`` [%],
        ``source``).
    communes : pandas.DataFrame
        The current communes (COG 2026) and Paris arrondissements (``kind`` COM | ARM)
        with department, EPCI, EPT, population 2023 [inhabitants] and ``has_boundary``.
    incomes : pandas.DataFrame
        Filosofi 2021 median declared income per consumption unit per commune [EUR].
    provenance : pandas.DataFrame
        The provenance rows (source, vintage, licence) of the tables above.
    build_issues : pandas.DataFrame
        The issues the database build recorded for these tables (e.g. 2018 codes with no
        current COG mapping).
    """

    fibre: pd.DataFrame
    premises: pd.DataFrame
    departments: pd.DataFrame
    series: pd.DataFrame
    communes: pd.DataFrame
    incomes: pd.DataFrame
    provenance: pd.DataFrame
    build_issues: pd.DataFrame


# ------------------------------------------------------------------------------- rates
def arcep_class_of(rate) -> np.ndarray:
    """ARCEP's class of a coverage rate: 0 (none), 5 (< 10 %), 10 (10–25 %), 25 (25–50 %),
    50 (50–80 %), 80 (>= 80 %); NaN for a missing rate. Lower bounds are inclusive.

    Parameters
    ----------
    rate : array_like of float
        Coverage rates [fraction]; NaN for a missing rate.

    Returns
    -------
    numpy.ndarray
        The class of each rate (0, 5, 10, 25, 50 or 80, as float), NaN where the rate is NaN.
    """
    r = np.asarray(rate, dtype=float)
    out = np.select([r <= 0, r < 0.10, r < 0.25, r < 0.50, r < 0.80], [0, 5, 10, 25, 50], 80)
    return np.where(np.isnan(r), np.nan, out)


def _rate_and_reason(conn, den, has_fibre_row, arrondissement=None):
    conn, den = np.asarray(conn, dtype=float), np.asarray(den, dtype=float)
    arr = np.zeros(conn.shape, bool) if arrondissement is None else np.asarray(arrondissement)
    reason = np.select(
        [arr, np.isnan(den), den == 0, ~np.asarray(has_fibre_row, bool), np.isnan(conn)],
        ["arrondissement", "no_denominator", "zero_premises", "no_fibre_row",
         "missing_quarter"], "")
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(reason == "", conn / den, np.nan)
    return rate, reason


def unit_quarters(fibre: pd.DataFrame, premises: pd.DataFrame) -> pd.DataFrame:
    """ARCEP's own reporting units × quarters: 2018 communes (``geo_level`` COM, Paris as
    75056) and Paris arrondissements (ARM), on a full grid (a missing quarter is a row).

    Columns: ``geo_level``, ``unit_code`` (ARCEP's code), ``commune_code`` (current COG),
    ``quarter``, ``connectable_premises``, ``dwellings``, ``establishments``,
    ``premises_total`` [premises], ``coverage_rate`` [fraction, raw], ``above_100``,
    ``arcep_class``, ``computed_class`` (:func:`arcep_class_of` of the rate),
    ``no_data_reason``.

    Parameters
    ----------
    fibre : pandas.DataFrame
        ARCEP's FttH file (``BroadbandData.fibre``): ``geo_level``, ``commune_code_2018``,
        ``commune_code``, ``quarter``, ``connectable_premises``, ``arcep_class``.
    premises : pandas.DataFrame
        ARCEP's commune information 2018T1 (``BroadbandData.premises``):
        ``commune_code_2018``, ``commune_code``, ``dwellings``, ``establishments``.

    Returns
    -------
    pandas.DataFrame
        One row per unit and quarter, with the columns listed above, sorted by
        ``geo_level``, ``unit_code``, ``quarter``.
    """
    quarters = sorted(fibre["quarter"].unique())
    parts = []
    for level in ("COM", "ARM"):
        rows = fibre[fibre["geo_level"] == level]
        codes = set(rows["commune_code_2018"])
        if level == "COM":
            codes |= set(premises["commune_code_2018"])
        grid = pd.MultiIndex.from_product([sorted(codes), quarters],
                                          names=["unit_code", "quarter"]).to_frame(index=False)
        f = rows.rename(columns={"commune_code_2018": "unit_code",
                                 "commune_code": "_fibre_current"})
        grid = grid.merge(f[["unit_code", "quarter", "connectable_premises", "arcep_class",
                             "_fibre_current"]], on=["unit_code", "quarter"], how="left")
        grid["geo_level"] = level
        parts.append(grid)
    out = pd.concat(parts, ignore_index=True)
    p = premises[["commune_code_2018", "commune_code", "dwellings", "establishments"]].rename(
        columns={"commune_code_2018": "unit_code"})
    p = p.assign(geo_level="COM")
    out = out.merge(p, on=["unit_code", "geo_level"], how="left")
    current = out.groupby("unit_code")["_fibre_current"].transform("first")
    out["commune_code"] = out["commune_code"].fillna(current).fillna(out["unit_code"])
    out["premises_total"] = out["dwellings"].astype(float) + out["establishments"].astype(float)
    out["connectable_premises"] = out["connectable_premises"].astype(float)
    has_row = out.groupby("unit_code")["connectable_premises"].transform("count") > 0
    rate, reason = _rate_and_reason(out["connectable_premises"], out["premises_total"],
                                    has_row, out["geo_level"] == "ARM")
    out["coverage_rate"] = rate
    out["no_data_reason"] = reason
    out["above_100"] = out["coverage_rate"] > 1
    out["arcep_class"] = out["arcep_class"].astype(float)
    out["computed_class"] = arcep_class_of(out["coverage_rate"])
    cols = ["geo_level", "unit_code", "commune_code", "quarter", "connectable_premises",
            "dwellings", "establishments", "premises_total", "coverage_rate", "above_100",
            "arcep_class", "computed_class", "no_data_reason"]
    return out[cols].sort_values(["geo_level", "unit_code", "quarter"], ignore_index=True)


def class_consistency(units: pd.DataFrame) -> pd.DataFrame:
    """Per quarter, ARCEP's class vs the class of the computed rate (2018 communes only):
    units compared, disagreeing, and their share [fraction].

    Parameters
    ----------
    units : pandas.DataFrame
        :func:`unit_quarters`.

    Returns
    -------
    pandas.DataFrame
        One row per quarter: ``quarter``, ``compared``, ``disagree`` [units] and
        ``share_disagree`` [fraction].
    """
    com = units[(units["geo_level"] == "COM") & units["arcep_class"].notna()
                & units["computed_class"].notna()]
    differs = com["arcep_class"] != com["computed_class"]
    out = differs.groupby(com["quarter"]).agg(["size", "sum"]).rename(
        columns={"size": "compared", "sum": "disagree"})
    out["share_disagree"] = out["disagree"] / out["compared"]
    return out.reset_index()


def class_disagreements(units: pd.DataFrame) -> pd.DataFrame:
    """The unit-quarters whose ARCEP class differs from the class of the computed rate.

    Parameters
    ----------
    units : pandas.DataFrame
        :func:`unit_quarters`.

    Returns
    -------
    pandas.DataFrame
        The 2018-commune rows of ``units`` whose ``arcep_class`` differs from
        ``computed_class``, same columns.
    """
    com = units[(units["geo_level"] == "COM") & units["arcep_class"].notna()
                & units["computed_class"].notna()]
    return com[com["arcep_class"] != com["computed_class"]].reset_index(drop=True)


def commune_coverage(units: pd.DataFrame, communes: pd.DataFrame,
                     premises: pd.DataFrame | None = None) -> pd.DataFrame:
    """Coverage per current commune and quarter (Paris as 75056), with growth.

    2018 communes merged since are summed (``units`` lists them, ``arcep_class`` NA). Adds
    the commune's name, department, EPCI, EPT, population 2023 and ``has_boundary`` from
    ``communes``; codes absent from it (2018 codes with no current mapping) take their
    name and department from ``premises`` and ``has_boundary`` False. Growth columns:
    ``growth_premises`` [premises/quarter], ``growth_points`` [rate/quarter],
    ``growth_relative`` [fraction] (NaN on the first quarter or from zero).

    Parameters
    ----------
    units : pandas.DataFrame
        :func:`unit_quarters` (its COM rows are used).
    communes : pandas.DataFrame
        The current communes (``BroadbandData.communes``): ``commune_code``, ``kind``,
        ``parent_code``, name, department, EPCI, EPT, ``population`` [inhabitants, 2023],
        ``has_boundary``.
    premises : pandas.DataFrame, optional
        ARCEP's commune information (``BroadbandData.premises``), for the names of codes
        absent from ``communes``.

    Returns
    -------
    pandas.DataFrame
        One row per current commune and quarter: ``commune_code``, ``quarter``,
        ``connectable_premises``, ``premises_total`` [premises], ``arcep_class``,
        ``n_units``, ``units``, ``coverage_rate`` [fraction, raw], ``no_data_reason``,
        ``above_100``, the columns of ``communes`` (name, department, EPCI, EPT,
        ``population``, ``has_boundary``), ``not_on_map_reason`` and the growth columns above.
    """
    com = units[units["geo_level"] == "COM"]
    com = com.assign(_row=(com["no_data_reason"] != "no_fibre_row"))
    cols = ["commune_code", "quarter", "connectable_premises", "premises_total", "arcep_class",
            "_row", "unit_code"]
    merged = com["commune_code"].duplicated(keep=False) & com.duplicated(
        ["commune_code", "quarter"], keep=False)
    single = com.loc[~merged, cols].assign(n_units=1)
    many = com.loc[merged, cols]
    if len(many):  # 2018 communes merged since: sums, NA if any part is NA
        g = many.groupby(["commune_code", "quarter"], sort=False)
        many = pd.DataFrame({
            "connectable_premises": g["connectable_premises"].sum(min_count=1).where(
                ~g["connectable_premises"].apply(lambda v: v.isna().any())),
            "premises_total": g["premises_total"].sum(min_count=1).where(
                ~g["premises_total"].apply(lambda v: v.isna().any())),
            "arcep_class": np.nan, "_row": g["_row"].all(), "n_units": g.size(),
            "unit_code": g["unit_code"].agg(lambda v: ", ".join(sorted(v)))}).reset_index()
    out = pd.concat([single, many], ignore_index=True)
    out["units"] = np.where(out["n_units"] > 1, out["unit_code"], "")
    out = out.drop(columns="unit_code")
    rate, reason = _rate_and_reason(out["connectable_premises"], out["premises_total"],
                                    out["_row"])
    out["coverage_rate"] = rate
    out["no_data_reason"] = reason
    out["above_100"] = out["coverage_rate"] > 1
    attrs = communes[communes["kind"] == "COM"].drop(columns=["kind", "parent_code"])
    out = out.drop(columns=["_row"]).merge(attrs, on="commune_code", how="left")
    out["has_boundary"] = out["has_boundary"].fillna(False).astype(bool)
    missing = ~out["commune_code"].isin(attrs["commune_code"])
    if premises is not None and missing.any():
        p = premises.drop_duplicates("commune_code").set_index("commune_code")
        out.loc[missing, "commune_name"] = out.loc[missing, "commune_code"].map(p["commune_name"])
    out["department_code"] = out["department_code"].fillna(out["commune_code"].str[:2])
    out["not_on_map_reason"] = np.where(out["has_boundary"], "", NOT_ON_MAP_REASON)
    out = out.sort_values(["commune_code", "quarter"], ignore_index=True)
    grp = out.groupby("commune_code", sort=False)
    out["growth_premises"] = grp["connectable_premises"].diff()
    out["growth_points"] = grp["coverage_rate"].diff()
    prev = grp["connectable_premises"].shift()
    out["growth_relative"] = np.where(prev > 0, out["connectable_premises"] / prev - 1, np.nan)
    return out


# ------------------------------------------------------------------- for other themes
def latest_coverage_by_commune(data: BroadbandData, *, quarter: str | None = None) -> pd.DataFrame:
    """The latest FttH coverage rate per current commune code of ``data`` (the tables of
    :func:`smartidf_analysis.broadband.io.load`), e.g. to keep only the telecentre candidate
    stations of communes above a fibre threshold.

    One row per current commune (Paris as 75056) **and** per Paris arrondissement
    (75101–75120, the codes stations carry in Paris). Columns: ``commune_code``,
    ``commune_name``, ``geo_level`` (COM | ARM), ``quarter`` (default the last ARCEP quarter,
    2018Q1), ``coverage_rate`` [fraction, raw: may exceed 1], ``connectable_premises``,
    ``premises_total``, ``rate_basis`` ("commune": ARCEP's method; "paris_whole": an
    arrondissement given Paris's rate, ARCEP counting premises for Paris as a whole only;
    "" without a rate) and ``no_data_reason`` (a key of :data:`NO_DATA_REASONS`).

    A missing rate means "no data", not 0 %: filter with ``coverage_rate >= threshold``
    (NaN fails) and report the rows left out by reason. Example::

        cov = latest_coverage_by_commune(broadband.load())
        fibred = set(cov.loc[cov["coverage_rate"] >= 0.8, "commune_code"])

    Parameters
    ----------
    data : BroadbandData
        The broadband tables, as :func:`smartidf_analysis.broadband.io.load` returns them.
    quarter : str, optional
        Quarter label such as ``"2018Q1"``; default the last ARCEP quarter.

    Returns
    -------
    pandas.DataFrame
        One row per current commune and Paris arrondissement, with the columns listed above.
    """
    units = unit_quarters(data.fibre, data.premises)
    quarter = quarter or units["quarter"].max()
    cov = commune_coverage(units[units["quarter"] == quarter], data.communes, data.premises)
    com = cov.assign(geo_level="COM",
                     rate_basis=np.where(cov["coverage_rate"].notna(), "commune", ""))
    arm = units[(units["geo_level"] == "ARM") & (units["quarter"] == quarter)]
    paris = cov.loc[cov["commune_code"] == "75056", "coverage_rate"]
    paris_rate = float(paris.iloc[0]) if len(paris) else np.nan
    names = data.communes.set_index("commune_code")["commune_name"]
    arm = pd.DataFrame({
        "commune_code": arm["unit_code"].to_numpy(), "geo_level": "ARM", "quarter": quarter,
        "commune_name": arm["unit_code"].map(names).to_numpy(),
        "connectable_premises": arm["connectable_premises"].to_numpy(),
        "premises_total": np.nan, "coverage_rate": paris_rate,
        "rate_basis": "paris_whole" if np.isfinite(paris_rate) else "",
        "no_data_reason": "" if np.isfinite(paris_rate) else "arrondissement"})
    cols = ["commune_code", "commune_name", "geo_level", "quarter", "coverage_rate",
            "connectable_premises", "premises_total", "rate_basis", "no_data_reason"]
    return pd.concat([com[cols], arm[cols]], ignore_index=True)
