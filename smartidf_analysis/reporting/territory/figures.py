"""The figures of a territory across the four themes, as one frame
(:func:`territory_profile`), with the region's value and the median of comparable
territories for each, and where each figure comes from.

Every figure is first computed for **every** territory of the level at once
(:func:`level_figures`, cached per build): sums over the territory's communes of what the
theme functions give per commune, then ratios of those sums. So:

* the **region value** of a count is the region's total; of a ratio, the same ratio over
  the sums of all the level's territories (e.g. "share of residents in work leaving their
  EPCI", for the region: all EPCIs' leavers over all their residents in work);
* the **comparable median** is the median over the other territories of the same level,
  in the same department (the one holding most of the population; departments: the whole
  region) and density class (:data:`~.registry.DENSITY_BOUNDS`), named with their count;
  with fewer than :data:`MIN_COMPARABLES` such territories, those of the whole region.

Paris counts as one commune (75056): flows and solar units of its arrondissements are
added up. 2018 commune codes merged since (kept as published by the sources) count in
their department and the region only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartidf_analysis.broadband.projection import quarter_index
from smartidf_analysis.data import catalog
from smartidf_analysis.reporting.territory import registry
from smartidf_analysis.reporting.territory.inputs import TerritoryInputs, load_inputs

PVGIS_DATASET = "solairesimple_pvgis_irradiation"
#: key -> (theme, unit, kind, French label, English label, tables of its sources).
#: kind "count" (summed; region value = region total) or "ratio" / "other".
FIGURES: dict[str, tuple[str, str, str, str, str, tuple[str, ...]]] = {
    "fibre_rate": ("fibre", "%", "ratio", "Locaux raccordables à la fibre (FttH)",
                   "Premises connectable to fibre (FttH)", ("fibre_deployment", "premises")),
    "fibre_connectable": ("fibre", "locaux", "count", "Locaux raccordables",
                          "Connectable premises", ("fibre_deployment",)),
    "fibre_to_connect": ("fibre", "locaux", "count", "Locaux restant à raccorder",
                         "Premises still to connect", ("fibre_deployment", "premises")),
    "fibre_pace": ("fibre", "locaux/trim.", "count",
                   "Rythme : locaux rendus raccordables par trimestre (tendance des trimestres publiés)",
                   "Pace: premises made connectable per quarter (trend of the published quarters)",
                   ("fibre_deployment",)),
    "fibre_quarters_to_full": ("fibre", "trimestres", "ratio",
                               "Trimestres pour tout raccorder à ce rythme",
                               "Quarters to connect every premises at that pace",
                               ("fibre_deployment", "premises")),
    "fibre_rank_in_department": ("fibre", "rang", "other", "Rang dans le département (taux FttH)",
                                 "Rank in its department (FttH rate)", ("fibre_deployment",)),
    "fibre_department_rate_latest": ("fibre", "%", "other",
                                     "Taux FttH du département, dernier trimestre publié",
                                     "Department's FttH rate, latest published quarter",
                                     ("fibre_department_series",)),
    "residents_in_work": ("commuting", "actifs", "count", "Actifs occupés résidents",
                          "Residents in work", ("commuting_flows",)),
    "jobs": ("commuting", "emplois", "count", "Actifs qui y travaillent",
             "Workers working here", ("commuting_flows",)),
    "share_leaving": ("commuting", "%", "ratio", "Part des actifs travaillant hors du territoire",
                      "Share of residents in work working outside", ("commuting_flows",)),
    "self_containment": ("commuting", "%", "ratio",
                         "Autocontenance : part des emplois tenus par des résidents",
                         "Self-containment: share of its jobs held by residents",
                         ("commuting_flows",)),
    "share_public_transport": ("commuting", "%", "ratio", "Part des transports en commun",
                               "Public transport share", ("commuting_flows",)),
    "share_car": ("commuting", "%", "ratio", "Part de la voiture", "Car share",
                  ("commuting_flows",)),
    "telecentre_daily_users": ("telework", "usagers/jour", "count",
                               "Usagers de télécentres par jour (modèle)",
                               "Telecentre users per day (model)", ("commuting_flows",)),
    "telecentre_users_per_1000": ("telework", "‰ actifs", "ratio",
                                  "Usagers par jour pour 1 000 actifs",
                                  "Daily users per 1,000 residents in work", ("commuting_flows",)),
    "weekly_km_avoided": ("telework", "km/semaine", "count",
                          "Km domicile-travail évités par semaine (aller-retour, brut)",
                          "Home-work km avoided per week (round trip, gross)",
                          ("commuting_flows",)),
    "irradiation": ("solar", "kWh/m²/an", "ratio", "Irradiation horizontale (champ PVGIS)",
                    "Horizontal irradiation (PVGIS field)", ()),
    "roofs": ("solar", "toits", "count", "Toits", "Roofs", ("irradiance_hourly",)),
    "peak_power_mwp": ("solar", "MWc", "count", "Puissance crête sur les toits",
                       "Peak power on the roofs", ("irradiance_hourly",)),
    "annual_gwh": ("solar", "GWh/an", "count", "Production potentielle des toits",
                   "Potential production of the roofs", ("irradiance_hourly",)),
    "kwh_per_inhabitant": ("solar", "kWh/hab./an", "ratio", "Production potentielle par habitant",
                           "Potential production per inhabitant", ("irradiance_hourly",)),
}
#: fewer comparables than this in the department: the comparables are taken in the region
MIN_COMPARABLES = 3
THEMES = ("fibre", "commuting", "telework", "solar")
PROFILE_COLUMNS = ["theme", "figure", "label_fr", "label_en", "value", "unit", "region_value",
                   "comparable_median", "comparables_fr", "comparables_en", "source", "vintage",
                   "missing"]


def _parents(inputs: TerritoryInputs) -> pd.Series:
    """Code -> commune code (arrondissements -> 75056)."""
    c = inputs.communes
    return pd.Series(np.where(c["kind"] == "ARM", c["parent_code"], c["commune_code"]),
                     index=c["commune_code"].to_numpy())


def territory_keys(inputs: TerritoryInputs, codes: pd.Series, level: str) -> np.ndarray:
    """The territory of ``level`` holding each commune code (arrondissements as Paris; a
    2018 code absent from the COG: its department only, else None). The distinct codes
    are looked up once (a few thousand among hundreds of thousands of flows)."""
    inverse, distinct = pd.factorize(np.asarray(codes, dtype=object))
    uniq = pd.Series(distinct, dtype=object).astype(str)
    commune = uniq.map(_parents(inputs)).fillna(uniq)
    if level == "commune":
        keys = commune.to_numpy(dtype=object)
    else:
        attrs = registry.commune_rows(inputs.communes).set_index("commune_code")
        key = commune.map(attrs[registry.LEVEL_COLUMNS[level][0]])
        if level == "department":
            key = key.fillna(commune.str[:2])
        keys = key.to_numpy(dtype=object)
    out = np.full(len(inverse), None, dtype=object)
    known = inverse >= 0
    out[known] = keys[inverse[known]]
    return out


def _sum_by(keys, values: dict[str, np.ndarray]) -> pd.DataFrame:
    frame = pd.DataFrame({"key": keys, **{k: np.asarray(v, float) for k, v in values.items()}})
    return frame.dropna(subset=["key"]).groupby("key").sum(min_count=1)


def _fibre(inputs: TerritoryInputs, level: str) -> pd.DataFrame:
    cov = inputs.coverage
    valid = cov["coverage_rate"].notna().to_numpy()
    sums = _sum_by(territory_keys(inputs, cov["commune_code"], level), {
        "fibre_connectable": np.where(valid, cov["connectable_premises"], np.nan),
        "_premises": np.where(valid, cov["premises_total"], np.nan)})
    sums["fibre_to_connect"] = (sums["_premises"] - sums["fibre_connectable"]).clip(lower=0)
    sums["fibre_rate"] = 100 * sums["fibre_connectable"] / sums["_premises"]
    return sums.join(_fibre_pace(inputs, level), how="left")


def _fibre_pace(inputs: TerritoryInputs, level: str) -> pd.DataFrame:
    """Least-squares slope of the connectable premises over the published quarters
    [premises/quarter] (communes with a rate at every quarter: a commune entering the sum
    would read as progress) and the quarters still needed at that pace."""
    cov = inputs.coverage_all
    quarters = cov["quarter"].nunique()
    whole = cov.groupby("commune_code")["coverage_rate"].count() == quarters
    cov = cov[cov["commune_code"].map(whole).to_numpy()]
    per = pd.DataFrame({"key": territory_keys(inputs, cov["commune_code"], level),
                        "x": quarter_index(cov["quarter"]),
                        "y": cov["connectable_premises"].to_numpy(float),
                        "total": cov["premises_total"].to_numpy(float)})
    per = per.dropna(subset=["key"]).groupby(["key", "x"], as_index=False)[["y", "total"]].sum()
    g = per.groupby("key")
    dx = per["x"] - g["x"].transform("mean")
    dy = per["y"] - g["y"].transform("mean")
    out = pd.DataFrame({"fibre_pace": (dx * dy).groupby(per["key"]).sum()
                        / (dx * dx).groupby(per["key"]).sum()})
    last = per.sort_values("x").groupby("key").last()
    out["_remaining"] = (last["total"] - last["y"]).clip(lower=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["fibre_quarters_to_full"] = np.where(
            out["_remaining"] <= 0, 0.0,
            np.where(out["fibre_pace"] > 0, out["_remaining"] / out["fibre_pace"], np.inf))
    return out


def _commuting(inputs: TerritoryInputs, level: str) -> pd.DataFrame:
    f = inputs.flows
    home, work = flow_keys(inputs, level)
    w = f["workers"].to_numpy(float)
    sums = _sum_by(home, {"residents_in_work": w, "_stay": np.where(home == work, w, 0.0),
                          "_tc": np.where(f["mode"] == "TC", w, 0.0),
                          "_vp": np.where(f["mode"] == "VP", w, 0.0)})
    sums = sums.join(_sum_by(work, {"jobs": w}), how="outer")
    sums["share_leaving"] = 100 * (1 - sums["_stay"] / sums["residents_in_work"])
    sums["self_containment"] = 100 * sums["_stay"] / sums["jobs"]
    sums["share_public_transport"] = 100 * sums["_tc"] / sums["residents_in_work"]
    sums["share_car"] = 100 * sums["_vp"] / sums["residents_in_work"]
    return sums


def _telework(inputs: TerritoryInputs, level: str) -> pd.DataFrame:
    d = inputs.demand
    km = (d["daily_users"] * d["mean_distance_km"].fillna(0.0) * 2 * 5).to_numpy(float)
    sums = _sum_by(territory_keys(inputs, d["home_code"], level), {
        "telecentre_daily_users": d["daily_users"], "_workers": d["resident_workers"],
        "weekly_km_avoided": km})
    sums["telecentre_users_per_1000"] = 1000 * sums["telecentre_daily_users"] / sums["_workers"]
    return sums


def _solar(inputs: TerritoryInputs, level: str) -> pd.DataFrame:
    units = inputs.units.set_index("commune_code")
    irr = inputs.irradiation
    pop = irr["commune_code"].map(units["population"]).to_numpy(float)
    sums = _sum_by(territory_keys(inputs, irr["commune_code"], level), {
        "_irr_pop": irr["irradiation_kwh_m2"].to_numpy(float) * pop, "_pop": pop})
    sums["irradiation"] = sums["_irr_pop"] / sums["_pop"]
    r = inputs.roofs
    roofs = _sum_by(territory_keys(inputs, r["commune_code"], level), {
        "roofs": r["roofs"], "peak_power_mwp": r["peak_power_mwp"], "annual_gwh": r["annual_gwh"]})
    return sums.join(roofs, how="outer")


_THEME_FUNCTIONS = {"fibre": _fibre, "commuting": _commuting, "telework": _telework,
                    "solar": _solar}


def _compute(inputs: TerritoryInputs, level: str) -> pd.DataFrame:
    table = inputs.table[inputs.table["level"] == level].set_index("code")
    wide = table[["name", "department_code", "population", "density_class"]].copy()
    for theme, func in _THEME_FUNCTIONS.items():
        if theme not in inputs.missing:
            wide = wide.join(func(inputs, level), how="left")
    if "annual_gwh" in wide:
        wide["kwh_per_inhabitant"] = 1e6 * wide["annual_gwh"] / wide["population"]
    if "fibre_rate" in wide and level == "commune":
        wide["fibre_rank_in_department"] = wide.groupby("department_code")["fibre_rate"].rank(
            ascending=False, method="min")
    if "fibre_rate" in wide:
        series = inputs.series.sort_values("period_end").drop_duplicates("zone_code", keep="last")
        wide["fibre_department_rate_latest"] = wide["department_code"].map(
            series.set_index("zone_code")["coverage_pct"])
    return wide


def _region(wide: pd.DataFrame) -> dict[str, float]:
    """The region value of every figure (see the module docstring)."""
    total = wide.sum(numeric_only=True, min_count=1)
    out = {k: float(total[k]) for k, v in FIGURES.items() if v[2] == "count" and k in total}

    def ratio(num, den, scale=100.0):
        return scale * total[num] / total[den] if num in total and den in total else np.nan

    out |= {"fibre_rate": ratio("fibre_connectable", "_premises"),
            "fibre_quarters_to_full": ratio("_remaining", "fibre_pace", 1.0),
            "share_leaving": 100 - ratio("_stay", "residents_in_work"),
            "self_containment": ratio("_stay", "jobs"),
            "share_public_transport": ratio("_tc", "residents_in_work"),
            "share_car": ratio("_vp", "residents_in_work"),
            "telecentre_users_per_1000": ratio("telecentre_daily_users", "_workers", 1000),
            "irradiation": ratio("_irr_pop", "_pop", 1.0),
            "kwh_per_inhabitant": ratio("annual_gwh", "population", 1e6)}
    return out


def level_figures(level: str, inputs: TerritoryInputs | None = None
                  ) -> tuple[pd.DataFrame, dict[str, float]]:
    """Every figure of every territory of ``level`` (one row per territory code, one column
    per :data:`FIGURES` key present, plus the intermediate sums ``_*``) and the region
    value of each figure; computed once per ``inputs`` (default: the current build's)."""
    registry.check_level(level)
    inputs = inputs or load_inputs()
    key = ("figures", level)
    if key not in inputs.cache:
        wide = _compute(inputs, level)
        inputs.cache[key] = (wide, _region(wide))
    return inputs.cache[key]


def flow_keys(inputs: TerritoryInputs, level: str) -> tuple[np.ndarray, np.ndarray]:
    """The territories of ``level`` of each flow's home and work commune (computed once)."""
    key = ("flow_keys", level)
    if key not in inputs.cache:
        f = inputs.flows
        inputs.cache[key] = (territory_keys(inputs, f["home_code"], level),
                             territory_keys(inputs, f["work_code"], level))
    return inputs.cache[key]


def _source(inputs: TerritoryInputs, key: str) -> tuple[str, str]:
    theme, tables = FIGURES[key][0], FIGURES[key][5]
    if key == "irradiation":
        ds = catalog.get(PVGIS_DATASET)
        return f"{ds.producer}: {ds.title} (champ ajusté livré avec le paquet)", ds.vintage
    prov = inputs.provenance[inputs.provenance["table_name"].isin(tables)]
    source = "; ".join(dict.fromkeys(f"{r.producer}: {r.title}" for r in prov.itertuples()))
    vintage = "; ".join(dict.fromkeys(str(v) for v in prov["vintage"]))
    if theme == "fibre" and key != "fibre_department_rate_latest":
        vintage = inputs.quarter
    if key in ("fibre_pace", "fibre_quarters_to_full"):
        vintage = f"{inputs.coverage_all['quarter'].min()}–{inputs.quarter}"
    if key == "fibre_department_rate_latest" and inputs.series is not None and len(inputs.series):
        vintage = str(inputs.series["quarter"].max())
    if theme == "telework":
        source += " ; hypothèses du scénario par défaut (telecentres.Scenario)"
    if theme == "solar" and key != "irradiation":
        kind = ("parc SYNTHÉTIQUE de toits" if inputs.roof_set == "synthetic_stock"
                else "toits importés (BD TOPO)")
        source = f"{kind}, modèle pvlib; {source}"
    return source, vintage


def _comparables(wide: pd.DataFrame, level: str, code: str) -> tuple[pd.DataFrame, str, str]:
    row = wide.loc[code]
    same = wide["density_class"] == row["density_class"]
    if level != "department":
        same &= wide["department_code"] == row["department_code"]
    group = wide[same & (wide.index != code)]
    lev = registry.LEVEL_NAMES[level]
    dens = registry.DENSITY_NAMES.get(row["density_class"], {"fr": "?", "en": "?"})
    where_fr = "" if level == "department" else f" du {row['department_code']}"
    where_en = "" if level == "department" else f" of department {row['department_code']}"
    if len(group) < MIN_COMPARABLES and level != "department":  # widen to the region
        group = wide[(wide["density_class"] == row["density_class"]) & (wide.index != code)]
        where_fr, where_en = " de la région", " of the region"
    return (group, f"{len(group)} autres {lev['fr']}s{where_fr}, {dens['fr']}",
            f"{len(group)} other {lev['en']}s{where_en}, {dens['en']}")


def territory_profile(code: str, level: str | None = None,
                      inputs: TerritoryInputs | None = None) -> pd.DataFrame:
    """The figures of one territory (:data:`PROFILE_COLUMNS`): one row per figure of
    :data:`FIGURES` in theme order, ``value``, ``unit``, ``region_value``,
    ``comparable_median`` and the comparables named (fr/en), ``source`` and ``vintage``;
    ``missing`` names the datasets the last build lacked for that theme (value then NaN).
    ``attrs["territory"]`` is the territory's row of :func:`~.registry.territories`.
    An unknown code raises :class:`~.registry.TerritoryNotFound` with the closest matches."""
    base = inputs or load_inputs()
    territory = registry.resolve(base.table, code, level)
    wide, region = level_figures(territory["level"], inputs)
    group, named_fr, named_en = _comparables(wide, territory["level"], territory["code"])
    rows = []
    for key, (theme, unit, _kind, label_fr, label_en, _tables) in FIGURES.items():
        if key == "fibre_rank_in_department" and territory["level"] != "commune":
            continue
        missing = ", ".join(base.missing.get(theme, []))
        present = key in wide and not missing
        source, vintage = _source(base, key) if present else ("", "")
        value = float(wide.at[territory["code"], key]) if present else np.nan
        median = float(group[key].median()) if present and FIGURES[key][2] != "other" else np.nan
        rows.append({"theme": theme, "figure": key, "label_fr": label_fr, "label_en": label_en,
                     "value": value, "unit": unit,
                     "region_value": region.get(key, np.nan) if present else np.nan,
                     "comparable_median": median, "comparables_fr": named_fr,
                     "comparables_en": named_en, "source": source, "vintage": vintage,
                     "missing": missing})
    out = pd.DataFrame(rows, columns=PROFILE_COLUMNS)
    out.attrs["territory"] = territory.to_dict()
    out.attrs["synthetic"] = base.synthetic
    out.attrs["roof_set"] = base.roof_set
    return out
