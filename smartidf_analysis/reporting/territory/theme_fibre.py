"""Fibre figures of every territory of a level, and one territory's trajectory.

Everything comes from :mod:`smartidf_analysis.broadband.projection`, computed once per build:
:func:`~smartidf_analysis.broadband.projection.project_communes` (each commune's pace over
ARCEP's quarters, its range and verdict against its target: end 2021, Seine-et-Marne end
2023), summed per territory with
:func:`~smartidf_analysis.broadband.projection.project_departments` (its zones are the
territories here), and the departments' series to 2024 with
:func:`~smartidf_analysis.broadband.projection.department_trajectory` (DITP over Etalab).

Units: rates [%], paces [premises/quarter], quarters as ``"2018Q1"`` labels.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartidf_analysis.broadband import projection as proj
from smartidf_analysis.reporting.territory import registry
from smartidf_analysis.reporting.territory.inputs import TerritoryInputs, load_inputs
from smartidf_analysis.reporting.territory.keys import cached, sum_by, territory_keys

TRAJECTORY_COLUMNS = ["series", "zone_code", "quarter", "rate_pct", "rate_slow_pct",
                      "rate_fast_pct", "source"]
#: tolerance [points] under which a projected rate counts as 100 %
FULL_TOLERANCE = 1e-6


def commune_projection(inputs: TerritoryInputs) -> pd.DataFrame:
    """:func:`~smartidf_analysis.broadband.projection.project_communes` of the build's
    commune quarters (computed once per build).

    Parameters
    ----------
    inputs : TerritoryInputs
        The profile's inputs; ``inputs.coverage_all`` must not be None.

    Returns
    -------
    pandas.DataFrame
        One row per commune, as
        :func:`~smartidf_analysis.broadband.projection.project_communes` returns it
        (``commune_code``, ``last_quarter``, ``pace_premises`` [premises/quarter],
        ``quarters_to_full`` [quarters], ``verdict``, …).
    """
    return cached(inputs, "fibre_projection", lambda: proj.project_communes(inputs.coverage_all))


def department_series(inputs: TerritoryInputs) -> pd.DataFrame:
    """The departments' and region's preferred FttH rates [%] per quarter, 2017–2024 (DITP
    two decimals over Etalab whole percent), from
    :func:`~smartidf_analysis.broadband.projection.department_trajectory`.

    Parameters
    ----------
    inputs : TerritoryInputs
        The profile's inputs; ``inputs.series`` must not be None.

    Returns
    -------
    pandas.DataFrame
        The preferred rows, sorted by ``zone_code`` and ``quarter``: ``zone_code``,
        ``quarter``, ``coverage_pct`` [%], ``source``, ``preferred`` (True) and
        ``period_end``.
    """
    def compute():
        none = pd.DataFrame(columns=["zone_code", "quarter", "coverage_pct"])
        t = proj.department_trajectory(inputs.series, none)
        return t[t["preferred"]].sort_values(["zone_code", "quarter"]).reset_index(drop=True)
    return cached(inputs, "fibre_department_series", compute)


def _path_quarters(inputs: TerritoryInputs) -> list[str]:
    """From the quarter after the last observed one to the latest target."""
    start = proj.quarter_index([inputs.quarter])[0] + 1
    stop = max(proj.quarter_index([proj.DEFAULT_TARGET, *proj.TARGETS.values()]))
    return list(proj.quarter_label(np.arange(start, stop + 1)))


def level_paths(inputs: TerritoryInputs, level: str) -> pd.DataFrame:
    """Projected rates [%] of every territory of ``level`` (``zone_code``; the region as
    ``R11``) at every quarter to the latest target: central, slow and fast pace.

    Parameters
    ----------
    inputs : TerritoryInputs
        The profile's inputs; its fibre tables must not be None.
    level : str
        One of :data:`~smartidf_analysis.reporting.territory.registry.LEVELS`.

    Returns
    -------
    pandas.DataFrame
        One row per territory and quarter, from the quarter after the last observed one to
        the latest target: ``zone_code``, ``quarter``, ``projected_pct``,
        ``projected_pct_slow``, ``projected_pct_fast`` [%], ``premises_total`` [premises],
        ``communes_left_out`` [communes]
        (:func:`~smartidf_analysis.broadband.projection.project_departments`).
    """
    def compute():
        p = commune_projection(inputs)
        keyed = p.assign(department_code=territory_keys(inputs, p["commune_code"], level))
        return proj.project_departments(keyed, quarters=_path_quarters(inputs))
    return cached(inputs, ("fibre_paths", level), compute)


def _observed(inputs: TerritoryInputs, level: str) -> pd.DataFrame:
    """Each territory's rate [%] at each ARCEP quarter (communes with a rate)."""
    def compute():
        cov = inputs.coverage_all
        valid = cov["coverage_rate"].notna().to_numpy()
        keys = territory_keys(inputs, cov["commune_code"], level)
        frame = pd.DataFrame({"zone_code": keys, "quarter": cov["quarter"].to_numpy(),
                              "c": np.where(valid, cov["connectable_premises"], np.nan),
                              "p": np.where(valid, cov["premises_total"], np.nan)})
        g = frame.dropna(subset=["zone_code"]).groupby(["zone_code", "quarter"], as_index=False)
        out = g[["c", "p"]].sum(min_count=1)
        out["rate_pct"] = 100 * out["c"] / out["p"]
        return out[["zone_code", "quarter", "rate_pct"]]
    return cached(inputs, ("fibre_observed", level), compute)


def level_fibre(inputs: TerritoryInputs, level: str) -> pd.DataFrame:
    """Fibre figures per territory of ``level`` (index: territory code): the rate at the last
    quarter, connectable premises and those still to connect, the pace and quarters to
    full coverage (sums of the communes' projections), the projected rates at the
    territory's target (``_target``) and when it would be full (``_full_by*``, quarter
    indices), the verdict and the department's latest rate.

    Parameters
    ----------
    inputs : TerritoryInputs
        The profile's inputs; its fibre tables must not be None.
    level : str
        One of :data:`~smartidf_analysis.reporting.territory.registry.LEVELS`.

    Returns
    -------
    pandas.DataFrame
        Indexed by territory code: ``fibre_connectable``, ``_premises`` and
        ``fibre_to_connect`` [premises], ``fibre_rate`` [%], ``fibre_pace`` and
        ``_pace_high`` [premises/quarter], ``_remaining`` [premises], ``_with_data``
        [communes with a projection], ``fibre_quarters_to_full`` [quarters; inf without
        progress], ``_full_by``, ``_full_by_earliest``, ``_full_by_latest`` [quarter indices],
        ``_verdicts`` (verdict -> communes) and, for communes, ``_verdict``. The projected
        rates, rank and department's rate are added by :func:`add_projection`.
    """
    cov = inputs.coverage
    valid = cov["coverage_rate"].notna().to_numpy()
    sums = sum_by(territory_keys(inputs, cov["commune_code"], level), {
        "fibre_connectable": np.where(valid, cov["connectable_premises"], np.nan),
        "_premises": np.where(valid, cov["premises_total"], np.nan)})
    sums["fibre_to_connect"] = (sums["_premises"] - sums["fibre_connectable"]).clip(lower=0)
    sums["fibre_rate"] = 100 * sums["fibre_connectable"] / sums["_premises"]
    p = commune_projection(inputs)
    ok = (p["verdict"] != "no_data").to_numpy()
    last = proj.quarter_index(p["last_quarter"])
    keys = territory_keys(inputs, p["commune_code"], level)
    pace = sum_by(keys[ok], {
        "fibre_pace": p.loc[ok, "pace_premises"], "_pace_high": p.loc[ok, "pace_high"],
        "_remaining": np.maximum(p.loc[ok, "premises_total"] - p.loc[ok, "connectable_premises_last"], 0),
        "_with_data": np.ones(ok.sum())})
    with np.errstate(invalid="ignore", divide="ignore"):
        pace["fibre_quarters_to_full"] = np.where(
            pace["_remaining"] <= 0, 0.0,
            np.where(pace["fibre_pace"] > 0, pace["_remaining"] / pace["fibre_pace"], np.inf))
    full = pd.DataFrame({"key": keys[ok]})
    for column, quarters in (("_full_by", "quarters_to_full"),
                             ("_full_by_earliest", "quarters_to_full_fast"),
                             ("_full_by_latest", "quarters_to_full_slow")):
        full[column] = last[ok] + np.ceil(p.loc[ok, quarters].to_numpy(float))
    pace = pace.join(full.dropna(subset=["key"]).groupby("key").max())
    verdicts = pd.crosstab(keys[ok], p.loc[ok, "verdict"].to_numpy())
    pace["_verdicts"] = pd.Series({k: {v: int(n) for v, n in row.items() if n}
                                   for k, row in verdicts.iterrows()})
    sums = sums.join(pace, how="left")
    if level == "commune":
        sums["_verdict"] = pd.Series(p["verdict"].to_numpy(), index=p["commune_code"])
    return sums


def add_projection(wide: pd.DataFrame, inputs: TerritoryInputs, level: str) -> dict[str, float]:
    """Add to ``wide`` (one row per territory of ``level``) each territory's target quarter
    (``_target``), its projected rates there (central, slow, fast), its verdict, rank in its
    department and the department's latest published rate; return the region's projected
    rates per target quarter (``"fibre_projected_target@2021Q4"``...).

    Parameters
    ----------
    wide : pandas.DataFrame
        The level's figures so far (indexed by territory code, with ``department_code`` and
        the columns of :func:`level_fibre`); modified in place: ``_target``,
        ``fibre_projected_target``, ``fibre_projected_target_slow``,
        ``fibre_projected_target_fast`` [%], ``_verdict``, ``fibre_rank_in_department``
        [rank, 1 = highest rate], ``_ranked`` [territories with a rate in the department]
        and ``fibre_department_rate_latest`` [%].
    inputs : TerritoryInputs
        The profile's inputs; its fibre tables must not be None.
    level : str
        The level of ``wide``'s territories.

    Returns
    -------
    dict of str to float
        ``"<figure>@<quarter>"`` -> the region's projected rate [%] at that target quarter,
        for the central, slow and fast figures.
    """
    wide["_target"] = proj.target_for(wide["department_code"])
    paths = level_paths(inputs, level).set_index(["zone_code", "quarter"])
    at = paths.reindex(list(zip(wide.index, wide["_target"], strict=True)))
    for key, column in (("fibre_projected_target", "projected_pct"),
                        ("fibre_projected_target_slow", "projected_pct_slow"),
                        ("fibre_projected_target_fast", "projected_pct_fast")):
        wide[key] = at[column].to_numpy()
    if "_verdict" not in wide:
        wide["_verdict"] = _verdict(wide)
    rates = wide["fibre_rate"]
    wide["fibre_rank_in_department"] = rates.groupby(wide["department_code"]).rank(
        ascending=False, method="min")
    wide["_ranked"] = rates.notna().groupby(wide["department_code"]).transform("sum")
    series = department_series(inputs)
    latest = series.drop_duplicates("zone_code", keep="last").set_index("zone_code")
    wide["fibre_department_rate_latest"] = wide["department_code"].map(latest["coverage_pct"])
    region = {}
    for quarter in sorted(set(wide["_target"])):
        row = paths.loc[("R11", quarter)]
        for key, column in (("fibre_projected_target", "projected_pct"),
                            ("fibre_projected_target_slow", "projected_pct_slow"),
                            ("fibre_projected_target_fast", "projected_pct_fast")):
            region[f"{key}@{quarter}"] = float(row[column])
    return region


def _verdict(wide: pd.DataFrame) -> np.ndarray:
    """A territory's verdict against its target, with the rule of
    :func:`~smartidf_analysis.broadband.projection.project_communes` applied to the sums:
    full now, full at the slow pace, no progress, not full at the fast pace, else uncertain."""
    full = 100 - FULL_TOLERANCE
    return np.select(
        [~(wide["_with_data"] > 0), wide["_remaining"] <= 0,
         wide["fibre_projected_target_slow"] >= full, ~(wide["_pace_high"] > 0),
         wide["fibre_projected_target_fast"] < full],
        ["no_data", "covered", "on_track", "no_progress", "off_track"], "uncertain")


def fibre_trajectory(code: str, level: str | None = None,
                     inputs: TerritoryInputs | None = None) -> pd.DataFrame:
    """One territory's FttH trajectory, one row per series and quarter
    (:data:`TRAJECTORY_COLUMNS`): ``territory_observed`` (ARCEP commune file, its
    communes' sums), ``territory_projected`` (to its target at the central pace, with the
    slow–fast range), ``department`` (the Baromètre series of its department to 2024).
    ``attrs``: ``target``, ``verdict`` (one of
    :data:`~smartidf_analysis.broadband.projection.VERDICTS`), ``full_by``,
    ``full_by_earliest``, ``full_by_latest`` (quarters; "" when never at that pace),
    ``verdicts`` (communes per verdict), ``department_code``, ``caveat``. Empty (with
    ``attrs["missing"]``) when the fibre datasets are missing.

    Parameters
    ----------
    code : str
        The territory's code.
    level : str, optional
        Its level; ``None`` to find it at any level.
    inputs : TerritoryInputs, optional
        The profile's inputs; default: the current build's (:func:`~.inputs.load_inputs`).

    Returns
    -------
    pandas.DataFrame
        :data:`TRAJECTORY_COLUMNS`: ``series``, ``zone_code``, ``quarter``, ``rate_pct`` [%],
        ``rate_slow_pct`` and ``rate_fast_pct`` [%] (projected rows only), ``source``;
        ``attrs`` as above.

    Raises
    ------
    TerritoryNotFound
        If no territory has that code (at that level).
    ValueError
        If ``level`` is unknown.
    """
    from smartidf_analysis.reporting.territory.figures import level_figures

    inputs = inputs or load_inputs()
    territory = registry.resolve(inputs.table, code, level)
    if "fibre" in inputs.missing:
        out = pd.DataFrame(columns=TRAJECTORY_COLUMNS)
        out.attrs["missing"] = ", ".join(inputs.missing["fibre"])
        return out
    level, code = territory["level"], territory["code"]
    wide, _ = level_figures(level, inputs)
    row = wide.loc[code]
    target = row["_target"]
    obs = _observed(inputs, level)
    obs = obs[obs["zone_code"] == code].assign(series="territory_observed",
                                               source=proj.COMMUNE_FILE)
    paths = level_paths(inputs, level)
    stop = proj.quarter_index([target])[0]
    paths = paths[(paths["zone_code"] == code)
                  & (proj.quarter_index(paths["quarter"]) <= stop)]
    paths = paths.rename(columns={"projected_pct": "rate_pct", "projected_pct_slow": "rate_slow_pct",
                                  "projected_pct_fast": "rate_fast_pct"})
    paths = paths.assign(series="territory_projected", source="projection (broadband.projection)")
    dep = department_series(inputs)
    dep = dep[dep["zone_code"] == row["department_code"]].rename(columns={"coverage_pct": "rate_pct"})
    dep = dep.assign(series="department")
    out = pd.concat([obs, paths, dep], ignore_index=True).reindex(columns=TRAJECTORY_COLUMNS)
    out.attrs.update(
        target=target, department_code=row["department_code"],
        verdict=row["_verdict"] if isinstance(row["_verdict"], str) else "no_data",
        verdicts=row["_verdicts"] if isinstance(row["_verdicts"], dict) else {},
        caveat=proj.PROJECTION_CAVEAT,
        **{k: _quarter(row[f"_{k}"]) for k in ("full_by", "full_by_earliest", "full_by_latest")})
    return out


def _quarter(index) -> str:
    """A quarter label, "" for never (inf) or unknown."""
    label = proj.quarter_label([index])[0] if np.isfinite(float(index)) else None
    return label or ""
