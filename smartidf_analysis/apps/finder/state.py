"""State of the "Mon télécentre" page (what the worker asked, synced to the URL) and what every
session shares per database build (:class:`FinderData`)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import param

from smartidf_analysis import telecentres as tc
from smartidf_analysis.telecentres import finder

HUBS = {"la_defense": ("92062", "92026"), "paris_centre": ("75101", "75102", "75103", "75104"),
        "roissy": ("95527", "93073"), "saclay": ("91471", "91477", "91272")}
URL_PARAMETERS = ("home", "work", "mode", "days", "hub", "min_headcount")
CODE = r"^[0-9]{5}$"


class FinderState(param.Parameterized):
    """What the worker asked (synced to the URL)."""

    home = param.String(default="77288", regex=CODE, doc="Home commune (INSEE code).")
    work = param.String(default="92062", regex=CODE, doc="Work commune (INSEE code).")
    mode = param.Selector(default="TC", objects=list(finder.FINDER_MODES),
                          doc="Commuting mode: TC public transport, VP car, NM walking/cycling.")
    days = param.Number(default=2.0, bounds=(0.5, 5.0), step=0.5,
                        doc="Days per week at the telecentre [days].")
    hub = param.Selector(default="la_defense", objects=list(HUBS), doc="Job hub to pool.")
    min_headcount = param.Integer(default=50, bounds=(5, 2000),
                                  doc="Minimum teleworkers per pooled group [persons].")


@dataclass
class FinderData:
    """What every session shares: inputs, site sets, commune choices, the Melun case.

    Parameters
    ----------
    inputs : TelecentreInputs
        The telecentre inputs.
    existing, proposed : DataFrame
        Existing and proposed sites
        (:func:`~smartidf_analysis.telecentres.finder.site_sets`).
    choices : dict of str to str
        "Name (code)" -> code.
    labels : dict of str to str
        Code -> "Name (code)".
    outlines : DataFrame
        Map units with ``geometry_wkb``.
    melun : Series or None
        :func:`~smartidf_analysis.telecentres.pooling.origin_case`; None when Melun or
        La Défense is not in the data (synthetic region).
    hubs : tuple of str
        The keys of :data:`HUBS` whose communes are all in the data.
    proposal : Scenario
        The scenario of the proposed sites (p clamped to the candidates).
    example : (str, str) or None
        (home, work) from the data when the default pair is not in it, else None.
    """

    inputs: tc.TelecentreInputs
    existing: pd.DataFrame
    proposed: pd.DataFrame
    choices: dict[str, str]  # "Name (code)" -> code
    labels: dict[str, str]  # code -> "Name (code)"
    outlines: pd.DataFrame
    melun: pd.Series | None  # None when Melun or La Défense is not in the data (synthetic)
    hubs: tuple[str, ...]  # the keys of HUBS whose communes are all in the data
    proposal: tc.Scenario  # the scenario of the proposed sites (p clamped to the candidates)
    example: tuple[str, str] | None  # (home, work) from the data when the default pair is not
    # in it (synthetic region), else None
