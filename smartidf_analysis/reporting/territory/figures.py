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

from smartidf_analysis.data import catalog
from smartidf_analysis.reporting.territory import registry
from smartidf_analysis.reporting.territory.definitions import (  # noqa: F401 - re-exported
    COMMUNE_ONLY,
    FIGURES,
    MIN_COMPARABLES,
    NOT_FOR_COMMUNES,
    PROFILE_COLUMNS,
    THEMES,
)
from smartidf_analysis.reporting.territory.inputs import TerritoryInputs, load_inputs
from smartidf_analysis.reporting.territory.keys import (  # noqa: F401
    cached,
    flow_keys,
    territory_keys,
)
from smartidf_analysis.reporting.territory.theme_commuting import MODE_FIGURES, level_commuting
from smartidf_analysis.reporting.territory.theme_fibre import add_projection, level_fibre
from smartidf_analysis.reporting.territory.theme_solar import level_solar
from smartidf_analysis.reporting.territory.theme_telework import level_telework

PVGIS_DATASET = "solairesimple_pvgis_irradiation"
_THEME_FUNCTIONS = {"fibre": level_fibre, "commuting": level_commuting,
                    "telework": level_telework, "solar": level_solar}


def _compute(inputs: TerritoryInputs, level: str) -> tuple[pd.DataFrame, dict[str, float]]:
    table = inputs.table[inputs.table["level"] == level].set_index("code")
    wide = table[["name", "department_code", "population", "density_class"]].copy()
    for theme, func in _THEME_FUNCTIONS.items():
        if theme not in inputs.missing:
            wide = wide.join(func(inputs, level), how="left")
    if "annual_gwh" in wide:
        wide["kwh_per_inhabitant"] = 1e6 * wide["annual_gwh"] / wide["population"]
    extra = add_projection(wide, inputs, level) if "fibre_rate" in wide else {}
    return wide, extra


def _region(wide: pd.DataFrame, extra: dict[str, float]) -> dict[str, float]:
    """The region value of every figure (see the module docstring); ``extra``: the values
    computed by a theme module (the projections, per target quarter)."""
    total = wide.sum(numeric_only=True, min_count=1)
    out = {k: float(total[k]) for k, v in FIGURES.items() if v[2] == "count" and k in total}

    def ratio(num, den, scale=100.0):
        return scale * total[num] / total[den] if num in total and den in total else np.nan

    out |= {"fibre_rate": ratio("fibre_connectable", "_premises"),
            "fibre_quarters_to_full": ratio("_remaining", "fibre_pace", 1.0),
            "share_leaving": 100 - ratio("_stay", "residents_in_work"),
            "self_containment": ratio("_stay", "jobs"),
            **{key: ratio(f"_{mode}", "residents_in_work")
               for mode, key in MODE_FIGURES.items()},
            "telecentre_users_per_1000": ratio("telecentre_daily_users", "_workers", 1000),
            "irradiation": ratio("_irr_pop", "_pop", 1.0),
            "kwh_per_inhabitant": ratio("annual_gwh", "population", 1e6)}
    return out | extra


def level_figures(level: str, inputs: TerritoryInputs | None = None
                  ) -> tuple[pd.DataFrame, dict[str, float]]:
    """Every figure of every territory of ``level`` (one row per territory code, one column
    per :data:`~.definitions.FIGURES` key present, plus the intermediate sums and labels ``_*``) and the
    region value of each figure; computed once per ``inputs`` (default: the current
    build's).

    Parameters
    ----------
    level : str
        One of :data:`~smartidf_analysis.reporting.territory.registry.LEVELS`.
    inputs : TerritoryInputs, optional
        The profile's inputs; default: the current build's (:func:`~.inputs.load_inputs`).

    Returns
    -------
    wide : pandas.DataFrame
        Indexed by territory code: ``name``, ``department_code``, ``population``
        [inhabitants], ``density_class``, then the figures of the themes not missing (units in
        :data:`FIGURES`) and the intermediate columns ``_*``.
    region : dict of str to float
        Figure key -> the region's value (projections keyed ``"key@quarter"``).

    Raises
    ------
    ValueError
        If ``level`` is unknown.
    """
    registry.check_level(level)
    inputs = inputs or load_inputs()
    key = ("figures", level)
    if key not in inputs.cache:
        wide, extra = _compute(inputs, level)
        inputs.cache[key] = (wide, _region(wide, extra))
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
    if key in ("fibre_pace", "fibre_quarters_to_full") or key.startswith("fibre_projected"):
        vintage = f"{inputs.coverage_all['quarter'].min()}–{inputs.quarter}"
    if key.startswith("fibre_projected"):
        source += " ; projection linéaire par commune (broadband.projection, fourchette lent–rapide)"
    if key == "fibre_department_rate_latest" and inputs.series is not None and len(inputs.series):
        vintage = str(inputs.series["quarter"].max())
    if key.startswith("hub_"):
        source += " ; flux dominants (Nystuen et Dacey 1961), Paris en une commune"
    if theme == "telework":
        source += f" ; {_network_text(inputs)}"
    if theme == "solar" and key != "irradiation":
        kind = ("parc SYNTHÉTIQUE de toits" if inputs.roof_set == "synthetic_stock"
                else "toits importés (BD TOPO)")
        source = f"{kind}, modèle pvlib; {source}"
    return source, vintage


def _network_text(inputs: TerritoryInputs) -> str:
    """The telecentre network the telework figures assume, in words."""
    from smartidf_analysis.reporting.territory.theme_telework import network

    net = network(inputs)
    return (f"scénario par défaut, réseau de {len(net['proposed'])} sites proposés "
            f"et {len(net['existing'])} existants")


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
    """The figures of one territory (:data:`~.definitions.PROFILE_COLUMNS`): one row
    per figure of :data:`~.definitions.FIGURES` in theme order, ``value``, ``unit``, ``region_value``,
    ``comparable_median`` and the comparables named (fr/en), ``source`` and ``vintage``;
    ``missing`` names the datasets the last build lacked for that theme (value then NaN).
    ``attrs["territory"]`` is the territory's row of :func:`~.registry.territories`.
    An unknown code raises :class:`~.registry.TerritoryNotFound` with the closest matches.

    Parameters
    ----------
    code : str
        The territory's code (commune, EPCI SIREN, EPT or department).
    level : str, optional
        Its level; ``None`` to find it at any level.
    inputs : TerritoryInputs, optional
        The profile's inputs; default: the current build's (:func:`~.inputs.load_inputs`).

    Returns
    -------
    pandas.DataFrame
        :data:`PROFILE_COLUMNS`: ``theme``, ``figure`` (a :data:`FIGURES` key), ``label_fr``,
        ``label_en``, ``value``, ``unit`` (the figure's, e.g. ``%``, ``km``, ``kWh/hab./an``),
        ``region_value`` and ``comparable_median`` (same unit), ``comparables_fr``,
        ``comparables_en``, ``source``, ``vintage``, ``missing``. Figures for communes only
        (:data:`COMMUNE_ONLY`) or not for communes (:data:`NOT_FOR_COMMUNES`) are left out at
        the other levels. ``attrs``: ``territory`` (dict), ``synthetic`` (bool),
        ``roof_set`` (str).

    Raises
    ------
    TerritoryNotFound
        If no territory has that code (at that level).
    ValueError
        If ``level`` is unknown.
    """
    base = inputs or load_inputs()
    territory = registry.resolve(base.table, code, level)
    level, code = territory["level"], territory["code"]
    wide, region = level_figures(level, inputs)
    group, named_fr, named_en = _comparables(wide, level, code)
    row = wide.loc[code]
    labels = {lang: _label_context(row, lang) for lang in ("fr", "en")}
    rows = []
    for key, (theme, unit, _kind, label_fr, label_en, _tables) in FIGURES.items():
        if (key in COMMUNE_ONLY and level != "commune") or (key in NOT_FOR_COMMUNES
                                                            and level == "commune"):
            continue
        missing = ", ".join(base.missing.get(theme, []))
        present = key in wide and not missing
        source, vintage = cached(base, ("source", key), lambda k=key: _source(base, k)) \
            if present else ("", "")
        value = float(wide.at[code, key]) if present else np.nan
        median = float(group[key].median()) if present and FIGURES[key][2] != "other" else np.nan
        if key == "fibre_rank_in_department" and present:
            unit = f"/ {int(row['_ranked'])}"
        regional = region.get(f"{key}@{row.get('_target')}", region.get(key, np.nan))
        rows.append({"theme": theme, "figure": key, "label_fr": label_fr.format(**labels["fr"]),
                     "label_en": label_en.format(**labels["en"]), "value": value, "unit": unit,
                     "region_value": regional if present else np.nan,
                     "comparable_median": median, "comparables_fr": named_fr,
                     "comparables_en": named_en, "source": source, "vintage": vintage,
                     "missing": missing})
    out = pd.DataFrame(rows, columns=PROFILE_COLUMNS)
    out.attrs["territory"] = territory.to_dict()
    out.attrs["synthetic"] = base.synthetic
    out.attrs["roof_set"] = base.roof_set
    return out


_NONE = {"fr": "aucun", "en": "none"}


def _label_context(row: pd.Series, lang: str) -> dict[str, str]:
    """What the labels of one territory's figures name: its fibre target quarter, its
    dominant hub, its nearest sites ("none" when the theme has none)."""
    def text(value):
        return value if isinstance(value, str) and value else _NONE[lang]

    hub = row.get("_hub")
    hub_name = row.get("_hub_name")
    return {"target": text(row.get("_target")),
            "hub": f"{hub_name} ({hub})" if isinstance(hub, str) else _NONE[lang],
            "proposed": text(row.get("_proposed")), "existing": text(row.get("_existing"))}


def precompute(inputs: TerritoryInputs | None = None) -> TerritoryInputs:
    """Compute once what every territory's page or report reads (each level's figures, top
    flows, sites and pooling groups), so that a visit only looks them up; the inputs.

    Parameters
    ----------
    inputs : TerritoryInputs, optional
        The profile's inputs; default: the current build's (:func:`~.inputs.load_inputs`).

    Returns
    -------
    TerritoryInputs
        ``inputs`` (or the current build's), its ``cache`` filled.
    """
    from smartidf_analysis.reporting.territory.flows import DIRECTIONS, level_sums

    inputs = inputs or load_inputs()
    for level in registry.LEVELS:
        level_figures(level, inputs)
        if inputs.flows is not None and "commuting" not in inputs.missing:
            for direction in DIRECTIONS:
                level_sums(inputs, level, direction)
    return inputs
