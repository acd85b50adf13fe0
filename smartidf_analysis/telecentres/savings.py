"""Savings of a telecentre scenario: km, CO2 and hours avoided per year, by mode.

Savings of a scenario, per eligible flow (home h, work w, mode) whose home commune is
served by site s (share f_h of its demand served)::

    km avoided / year  = T_hw · f_h · n · W · 2 · δ · max(0, d_hw − d_hs)
    CO2 avoided / year = km avoided · EF_mode
    hours saved / year = T_hw · f_h · n · W · 2 · max(0, t_mode(δ·d_hw) − t_mode(δ·d_hs)) / 60

with T the telecentre teleworkers [persons], n days per week there, W working weeks per year
(:data:`WORKING_WEEKS`), δ the detour factor from crow-fly to network distance
(:data:`DETOUR_FACTOR`), EF the emission factors (:data:`EMISSION_FACTORS_KG_PER_KM`) and t the
one-way travel time [min] of :func:`smartidf_analysis.telecentres.travel.travel_time_min`
(speed by mode and distance band, with a fixed access time: a short trip to a site saves
less time per km than the long commute it replaces). The trip to the site is assumed made by the same mode
as the commute (conservative for CO2: many would walk or cycle). Savings are clipped at zero
per flow: a site farther than the workplace saves nothing, it never costs.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from smartidf_analysis.telecentres.demand import DEFAULT, Scenario, lookup
from smartidf_analysis.telecentres.travel import TRAVEL_BANDS, time_saved_min

#: Working weeks per year [weeks]: ASSUMPTION (52 minus 5 weeks of paid leave and about 2
#: weeks of public holidays).
WORKING_WEEKS = 45.0
#: Network distance / crow-fly distance: 1.2, the factor RATP's modal comparator applies to
#: crow-fly distances for car trips; used for every mode here (an assumption).
DETOUR_FACTOR = 1.2
#: Emission factors [kg CO2e per passenger-km], ADEME Base Carbone as shown by ADEME's
#: "Impact CO2" transport comparator (2023; construction of vehicles included): thermal car
#: with its driver alone 0.218 (the INSEE "VP" mode also holds motorbikes: same factor, an
#: assumption), RER/Transilien 0.00978 (long "TC" commutes are mostly by train: an
#: assumption; a bus leg would raise it), walking and cycling 0. Check against the current
#: Base Carbone before quoting.
EMISSION_FACTORS_KG_PER_KM = {"VP": 0.218, "TC": 0.00978, "NM": 0.0}


def savings_by_mode(eligible: pd.DataFrame, allocation: pd.DataFrame,
                    scenario: Scenario = DEFAULT, weeks: float = WORKING_WEEKS,
                    detour: float = DETOUR_FACTOR,
                    factors: Mapping[str, float] = EMISSION_FACTORS_KG_PER_KM,
                    bands: Mapping[str, tuple] = TRAVEL_BANDS) -> pd.DataFrame:
    """Savings per commuting mode and in total (module formula), never negative.

    Parameters
    ----------
    eligible : DataFrame
        :func:`~smartidf_analysis.telecentres.demand.eligible_flows`.
    allocation : DataFrame
        Per ``home_code``: ``served_share`` [0–1] and ``distance_to_site_km`` [km].
    scenario : Scenario
        Its ``days_per_week`` is used.
    weeks : float
        Working weeks per year [weeks].
    detour : float
        Network / crow-fly distance [-].
    factors : mapping of str to float
        Emission factor per mode [kg CO2e per passenger-km].
    bands : mapping of str to tuple
        Travel-time bands per mode (:data:`~smartidf_analysis.telecentres.travel.TRAVEL_BANDS`).

    Returns
    -------
    DataFrame
        ``mode``, ``teleworkers`` (served) [persons], ``km_avoided_per_year`` [km/yr],
        ``co2_avoided_t_per_year`` [t CO2e/yr], ``hours_saved_per_year`` [h/yr]; one row per
        mode of ``factors``, last row "total".
    """
    a = allocation.set_index("home_code")
    f = lookup(eligible["home_code"], a["served_share"], 0.0)
    d_site = lookup(eligible["home_code"], a["distance_to_site_km"])
    gain = np.clip(eligible["distance_km"].to_numpy(float) - d_site, 0.0, None)
    gain = np.where(np.isfinite(gain), gain, 0.0)
    served = eligible["teleworkers"].to_numpy(float) * f
    km = served * scenario.days_per_week * weeks * 2.0 * detour * gain
    mode = eligible["mode"].astype(pd.CategoricalDtype(list(factors)))  # unknown modes: NaN
    codes = mode.cat.codes.to_numpy()
    ok = codes >= 0
    minutes = np.zeros(len(eligible))
    commute = detour * eligible["distance_km"].to_numpy(float)
    for code, name in enumerate(mode.cat.categories):
        rows = codes == code
        if rows.any() and name in bands:
            minutes[rows] = time_saved_min(commute[rows], detour * d_site[rows], name, bands)
    hours = served * scenario.days_per_week * weeks * 2.0 * minutes / 60.0
    columns = {"teleworkers": served, "km_avoided_per_year": km,
               "co2_avoided_t_per_year": km * lookup(mode, pd.Series(factors), 0.0) / 1000.0,
               "hours_saved_per_year": np.where(gain > 0, hours, 0.0)}
    table = pd.DataFrame({name: np.bincount(codes[ok], weights=values[ok],
                                            minlength=len(factors))
                          for name, values in columns.items()}, index=list(factors))
    table.loc["total"] = table.sum()
    return table.rename_axis("mode").reset_index()
