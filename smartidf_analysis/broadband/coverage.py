"""Fibre (FttH) broadband coverage per commune: rates, ARCEP classes, growth, aggregates,
gaps, zoning, and the reconciliation with ARCEP's departmental file.

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
Projections and the department series live in :mod:`smartidf_analysis.broadband.projection`;
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
    :func:`smartidf_analysis.broadband.io.load` returns them."""

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
    50 (50–80 %), 80 (>= 80 %); NaN for a missing rate. Lower bounds are inclusive."""
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
    units compared, disagreeing, and their share [fraction]."""
    com = units[(units["geo_level"] == "COM") & units["arcep_class"].notna()
                & units["computed_class"].notna()]
    differs = com["arcep_class"] != com["computed_class"]
    out = differs.groupby(com["quarter"]).agg(["size", "sum"]).rename(
        columns={"size": "compared", "sum": "disagree"})
    out["share_disagree"] = out["disagree"] / out["compared"]
    return out.reset_index()


def class_disagreements(units: pd.DataFrame) -> pd.DataFrame:
    """The unit-quarters whose ARCEP class differs from the class of the computed rate."""
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


# --------------------------------------------------------------------------- aggregates
def aggregate_coverage(coverage: pd.DataFrame, level: str = "department",
                       department_names: pd.Series | None = None) -> pd.DataFrame:
    """Coverage per department, EPCI, EPT or region and quarter, weighted two ways.

    ``coverage_rate_premises`` = Σ connectable / Σ premises (ARCEP's aggregate, i.e. the
    premises-weighted mean of raw commune rates); ``coverage_rate_population`` = Σ rate ×
    population 2023 / Σ population, both over communes that have a rate. Communes with no
    EPT (outside the Métropole's EPTs, and Paris, which carries none) are left out of the
    EPT level. ``communes_no_data`` counts the communes without a rate.
    """
    keys = list(LEVELS[level])
    d = coverage
    if level == "ept":
        d = d[d["ept_code"].notna()]
    valid = d["coverage_rate"].notna().to_numpy()
    pop = np.where(valid, d["population"].to_numpy(dtype=float), np.nan)
    parts = {"quarter": d["quarter"].to_numpy()}
    if level == "region":
        parts |= {"region_code": "11", "region_name": "Île-de-France"}
    elif level == "department":
        names = department_names if department_names is not None else pd.Series(dtype="str")
        parts |= {"department_code": d["department_code"].to_numpy(),
                  "department_name": d["department_code"].map(names).to_numpy()}
    else:
        parts |= {k: d[k].to_numpy() for k in keys}
    frame = pd.DataFrame({
        **parts, "communes": 1, "communes_with_rate": valid.astype(int),
        "communes_above_100": d["above_100"].fillna(False).to_numpy(dtype=int),
        "connectable_premises": np.where(valid, d["connectable_premises"].to_numpy(float), np.nan),
        "premises_total": np.where(valid, d["premises_total"].to_numpy(float), np.nan),
        "population": pop, "_rpop": d["coverage_rate"].to_numpy(float) * pop})
    out = frame.groupby([*keys, "quarter"], dropna=False, sort=True).sum(min_count=0).reset_index()
    out["communes_no_data"] = out["communes"] - out["communes_with_rate"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["coverage_rate_premises"] = out["connectable_premises"] / out["premises_total"]
        out["coverage_rate_population"] = out["_rpop"] / out["population"]
    return out.drop(columns="_rpop")


def gap_list(coverage: pd.DataFrame, quarter: str | None = None, threshold: float = 0.8,
             rank_by: str = "premises", department: str | None = None) -> pd.DataFrame:
    """Communes below ``threshold`` [fraction] at ``quarter`` (default: the last), ranked by
    premises left uncovered (``rank_by="premises"``) or population left uncovered
    (``"population"`` = population 2023 × (1 − rate)). Communes without a rate are not in
    the list (see :func:`no_data_communes`)."""
    if rank_by not in ("premises", "population"):
        raise ValueError(f"rank_by must be 'premises' or 'population', not {rank_by!r}")
    quarter = quarter or coverage["quarter"].max()
    d = coverage[(coverage["quarter"] == quarter) & (coverage["coverage_rate"] < threshold)]
    if department:
        d = d[d["department_code"] == department]
    d = d.assign(
        uncovered_premises=(d["premises_total"] - d["connectable_premises"]).clip(lower=0),
        uncovered_population=d["population"] * (1 - d["coverage_rate"]).clip(0, 1))
    d = d.sort_values(f"uncovered_{rank_by}", ascending=False, ignore_index=True)
    d.insert(0, "rank", np.arange(1, len(d) + 1))
    return d[["rank", "commune_code", "commune_name", "department_code", "quarter",
              "coverage_rate", "connectable_premises", "premises_total", "uncovered_premises",
              "population", "uncovered_population", "growth_points"]]


def no_data_communes(coverage: pd.DataFrame, quarter: str | None = None) -> pd.DataFrame:
    """Communes with no rate at ``quarter`` or not drawable on the map, with the reason."""
    quarter = quarter or coverage["quarter"].max()
    d = coverage[coverage["quarter"] == quarter]
    d = d[(d["no_data_reason"] != "") | ~d["has_boundary"]]
    reason = d["no_data_reason"].map(NO_DATA_REASONS).fillna("")
    reason = reason.where(d["has_boundary"], (reason + "; ").str.lstrip("; ") + NOT_ON_MAP_REASON)
    return d.assign(reason=reason)[["commune_code", "commune_name", "department_code",
                                    "quarter", "coverage_rate", "no_data_reason", "has_boundary",
                                    "reason"]].reset_index(drop=True)


def zone_of(premises: pd.DataFrame) -> pd.Series:
    """ARCEP zoning per 2018 commune: very dense zone, L. 33-13 commitment (AMII), private
    intention outside L. 33-13, else public initiative network area (RIP)."""
    zone = np.select([premises["very_dense_zone"].fillna(False).astype(bool),
                      premises["l3313_commitment"].fillna(False).astype(bool),
                      premises["private_intention"].fillna(False).astype(bool)],
                     list(ZONES[:3]), ZONES[3])
    return pd.Series(zone, index=premises["commune_code_2018"].to_numpy(), name="zone")


def zoning_breakdown(units: pd.DataFrame, premises: pd.DataFrame) -> pd.DataFrame:
    """Coverage per ARCEP zone and quarter: communes, premises, connectable premises, rate
    [fraction] and the zone's share of the region's premises (2018 communes, COM level)."""
    com = units[units["geo_level"] == "COM"]
    com = com.assign(zone=com["unit_code"].map(zone_of(premises)).fillna("unknown"))
    valid = com["coverage_rate"].notna()
    com = com.assign(_conn=com["connectable_premises"].where(valid),
                     _den=com["premises_total"].where(valid))
    out = com.groupby(["zone", "quarter"], sort=False).agg(
        communes=("unit_code", "size"), premises_total=("premises_total", "sum"),
        connectable_premises=("_conn", "sum"), _den=("_den", "sum")).reset_index()
    out["coverage_rate"] = out["connectable_premises"] / out["_den"]
    total = out.groupby("quarter")["premises_total"].transform("sum")
    out["share_of_premises"] = out["premises_total"] / total
    order = {z: i for i, z in enumerate((*ZONES, "unknown"))}
    out = out.sort_values(["quarter", "zone"], key=lambda s: s.map(order) if s.name == "zone"
                          else s, ignore_index=True)
    return out.drop(columns="_den")


def regional_status(region: pd.DataFrame, zoning: pd.DataFrame,
                    quarter: str | None = None) -> pd.DataFrame:
    """The region at ``quarter`` against the operators' 89 % goal: region rate, private
    zones (very dense + L. 33-13 + private intentions) share of premises and their rate,
    and the points and premises still missing to reach 89 % of the region's premises."""
    quarter = quarter or region["quarter"].max()
    r = region[region["quarter"] == quarter].iloc[0]
    z = zoning[zoning["quarter"] == quarter]
    private = z[z["zone"].isin(ZONES[:3])]
    rate = r["coverage_rate_premises"]
    return pd.DataFrame([{
        "quarter": quarter, "coverage_rate": rate,
        "connectable_premises": r["connectable_premises"], "premises_total": r["premises_total"],
        "coverage_rate_population": r["coverage_rate_population"], "goal": OPERATORS_GOAL,
        "gap_points": OPERATORS_GOAL - rate,
        "premises_to_goal": max(OPERATORS_GOAL * r["premises_total"] - r["connectable_premises"], 0),
        "private_zones_share_of_premises": private["premises_total"].sum() / z["premises_total"].sum(),
        "private_zones_rate": private["connectable_premises"].sum() / private["premises_total"].sum(),
    }])


def reconcile_departments(fibre: pd.DataFrame, departments: pd.DataFrame) -> pd.DataFrame:
    """Σ connectable premises of the communes per department and quarter against ARCEP's
    departmental file; for Paris (75) both the commune file (75056) and the arrondissements
    file. ``difference`` = communes − departmental file; ``matches`` False for any
    difference or a side missing (see :func:`reconciliation_differences`)."""
    f = fibre.assign(department_code=fibre["commune_code_2018"].str[:2])
    sums = (f.groupby(["geo_level", "department_code", "quarter"])["connectable_premises"]
            .sum(min_count=1).rename("communes_sum").reset_index())
    dep = departments[["department_code", "quarter", "connectable_premises"]].rename(
        columns={"connectable_premises": "department_file"})
    com = sums[sums["geo_level"] == "COM"].merge(dep, on=["department_code", "quarter"],
                                                 how="outer").assign(geo_level="COM")
    arm = sums[sums["geo_level"] == "ARM"].merge(dep[dep["department_code"] == "75"],
                                                 on=["department_code", "quarter"],
                                                 how="outer").assign(geo_level="ARM")
    out = pd.concat([com, arm], ignore_index=True)
    out["difference"] = out["communes_sum"] - out["department_file"]
    out["matches"] = out["difference"].fillna(np.inf) == 0
    return out.sort_values(["department_code", "geo_level", "quarter"], ignore_index=True)[
        ["department_code", "geo_level", "quarter", "communes_sum", "department_file",
         "difference", "matches"]]


def reconciliation_differences(reconciliation: pd.DataFrame) -> pd.DataFrame:
    """The department-quarters where the commune sum and the departmental file differ."""
    return reconciliation[~reconciliation["matches"]].reset_index(drop=True)


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
