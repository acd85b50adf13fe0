"""State of the telecentres page (its values, synced to the URL), what every session shares per
database build (:class:`TelecentresPageData`) and the solved scenarios cached per build."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import param

from smartidf_analysis import telecentres as tc
from smartidf_analysis.data.build_cache import BuildCache
from smartidf_analysis.telecentres import scenarios as ts

URL_PARAMETERS = ("n_sites", "radius_km", "distance_threshold_km", "teleworkable_factor",
                  "days_per_week", "model", "method")
SCENARIOS = BuildCache(max_items=64)  # solved scenarios per build (shared by sessions)
GPE_COMPARISONS = BuildCache(max_items=16)  # with/without GPE tables per build and scenario


@dataclass(frozen=True)
class TelecentresPageData:
    """What every session of the page shares, for one database build.

    Parameters
    ----------
    inputs : TelecentreInputs
        The scenario inputs.
    seams : Series
        Count per data seam (:func:`~smartidf_analysis.telecentres.sites.data_seams`).
    outlines : DataFrame
        Map units with ``geometry_wkb``, under the sites.
    n_candidates : int
        Candidate stations of the default scenario.
    reference : Scenario
        The comparison table's reference scenario.
    reference_result : ScenarioResult or None
        Its result; None when it cannot be solved.
    sources : DataFrame
        Provenance rows cited (``producer``, ``title``, ``vintage``).
    """

    inputs: tc.TelecentreInputs
    seams: pd.Series  # count per data seam (tc.data_seams)
    outlines: pd.DataFrame  # map units with geometry_wkb, under the sites
    n_candidates: int  # candidate stations of the default scenario
    reference: tc.Scenario  # the comparison table's reference scenario
    reference_result: ts.ScenarioResult | None  # None when it cannot be solved
    sources: pd.DataFrame  # provenance rows cited (producer, title, vintages)


class TelecentresState(param.Parameterized):
    """State of the telecentres page (synced to the URL)."""

    n_sites = param.Integer(default=tc.N_SITES, bounds=(1, 400), doc="""
        p: number of telecentres to open [count] among the candidate stations.""")
    radius_km = param.Number(default=tc.RADIUS_KM, bounds=(0.0, 20.0), step=0.5, doc="""
        Catchment radius [km]: a home commune within it of a site is served (covering model).""")
    distance_threshold_km = param.Number(default=tc.DISTANCE_THRESHOLD_KM, bounds=(0.0, 40.0),
                                         step=1.0, doc="""
        Minimum home-to-work distance [km] of the commuters who would use a telecentre.""")
    teleworkable_factor = param.Number(default=1.0, bounds=(0.0, 2.0), step=0.1, doc="""
        Multiplier [-] of the INSEE 2021 teleworkable shares per socio-professional group.""")
    days_per_week = param.Number(default=tc.DAYS_PER_WEEK, bounds=(0.0, 5.0), step=0.5, doc="""
        Days per week [day/week] a telecentre user works there instead of commuting.""")
    model = param.Selector(default="mclp", objects=list(ts.MODELS), doc="""
        Location model: maximal covering (mclp) or p-median (pmedian).""")
    method = param.Selector(default="greedy", objects=["greedy", "milp"], doc="""
        Solver: greedy heuristic (milliseconds) or exact MILP (HiGHS, seconds).""")

    def scenario(self) -> tc.Scenario:
        """The :class:`~smartidf_analysis.telecentres.demand.Scenario` of the page's values (sites, radius
        [km], distance threshold [km], factors).

        Returns
        -------
        Scenario
            The default scenario with the page's values.
        """
        return tc.DEFAULT.but(n_sites=self.n_sites, radius_km=float(self.radius_km),
                              distance_threshold_km=float(self.distance_threshold_km),
                              teleworkable_factor=float(self.teleworkable_factor),
                              days_per_week=float(self.days_per_week), model=self.model,
                              method=self.method)


def solve(inputs: tc.TelecentreInputs, scenario: tc.Scenario) -> ts.ScenarioResult:
    """``scenario`` solved (:func:`~smartidf_analysis.telecentres.scenarios.run_scenario`): what
    the page computes off the loop for each change of its values.

    Parameters
    ----------
    inputs : TelecentreInputs
        The scenario inputs.
    scenario : Scenario
        The scenario.

    Returns
    -------
    ScenarioResult
        The chosen sites and their KPIs.

    Raises
    ------
    smartidf_analysis.siting.base.SitingSettingsError
        For an impossible setting (p above the candidates, a zero radius, no demand...): the
        page says why (:func:`~smartidf_analysis.apps.telecentres.display.error_message`).
    """
    return ts.run_scenario(inputs, scenario)
