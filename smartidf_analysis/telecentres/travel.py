"""Travel time of a one-way commute by mode: a fixed access/waiting time plus the network
distance run at a speed that rises with the distance band (speeds are marginal: each band's
kilometres run at that band's speed, so the time grows continuously with the distance)::

    t(d, mode) = t0_mode + Σ_bands  (km of d in the band) / v_mode,band · 60     [min]

with ``d`` the **network** distance [km] (crow-fly × the detour factor
:data:`smartidf_analysis.telecentres.scenarios.DETOUR_FACTOR`).

Figures (:data:`TRAVEL_BANDS`): ASSUMPTIONS set to match the orders of magnitude published for
Île-de-France and France, not a fitted routing model (no IDFM timetable is in the offline
data, so no routing table can be built here):

* Public transport ("TC"): 12 min to walk to the stop and wait, then 18 km/h below 5 km (bus,
  metro with changes), 30 km/h from 5 to 15 km (metro/RER), 50 km/h from 15 to 30 km and
  70 km/h beyond (RER/Transilien running times). Checks: 12 km by network → 43 min; Melun →
  Puteaux (58 km by network) → 91 min door to door (RER D then RER A). The 2019 national
  mobility survey (SDES, *Enquête mobilité des personnes 2019*, "Résultats détaillés",
  2021) gives 41 min for the mean public-transport trip and 19 min for the mean car trip;
  the Île-de-France household travel survey (Omnil/IDFM/DRIEA, *Enquête globale transport
  2010*, Sept. 2012) a mean trip range of 4.4 km for all trips, longer for commutes.
* Car ("VP"): 5 min to park and walk, then 20 km/h below 5 km, 30 km/h to 15 km, 45 km/h to
  30 km, 65 km/h beyond (peak-hour speeds, urban then motorway).
* Walking/cycling ("NM"): no fixed time, 8 km/h below 2 km (mostly walking), 14 km/h beyond
  (cycling).

The savings tables and the finder use :func:`travel_time_min`; the speeds are
``PARAMETER``-style constants a study can replace (``bands=``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

#: mode -> (fixed minutes, ((band upper bound [km], speed [km/h]), ...)); the last band is
#: open-ended (upper bound inf). ASSUMPTIONS (module docstring).
TRAVEL_BANDS: dict[str, tuple[float, tuple[tuple[float, float], ...]]] = {
    "TC": (12.0, ((5.0, 18.0), (15.0, 30.0), (30.0, 50.0), (np.inf, 70.0))),
    "VP": (5.0, ((5.0, 20.0), (15.0, 30.0), (30.0, 45.0), (np.inf, 65.0))),
    "NM": (0.0, ((2.0, 8.0), (np.inf, 14.0))),
}
TRAVEL_SOURCE = ("speeds by mode and distance band: assumptions checked against SDES EMP 2019 "
                 "(mean trip 41 min by public transport, 19 min by car) and Omnil EGT 2010")


def travel_time_min(distance_km, mode: str,
                    bands: Mapping[str, tuple] = TRAVEL_BANDS) -> np.ndarray:
    """One-way door-to-door time [min] for network distances ``distance_km`` [km] (array or
    scalar) by ``mode`` ("TC", "VP", "NM"); 0 for a distance of 0 (no trip). NaN stays NaN.

    Parameters
    ----------
    distance_km : float or array_like
        Network distances [km].
    mode : str
        A key of ``bands``.
    bands : mapping
        Mode -> (fixed minutes, ((band upper bound [km], speed [km/h]), ...)).

    Returns
    -------
    ndarray
        Times [min], shaped like ``distance_km``.

    Raises
    ------
    ValueError
        For a mode not in ``bands``.
    """
    if mode not in bands:
        raise ValueError(f"unknown mode {mode!r}; use one of {sorted(bands)}")
    fixed, table = bands[mode]
    d = np.asarray(distance_km, dtype=float)
    minutes = np.where(d > 0, fixed, 0.0)
    lower = 0.0
    for upper, speed in table:
        km = np.clip(d - lower, 0.0, upper - lower)
        minutes = minutes + km / speed * 60.0
        lower = upper
    return np.where(np.isnan(d), np.nan, minutes)


def time_saved_min(commute_km, site_km, mode: str,
                   bands: Mapping[str, tuple] = TRAVEL_BANDS) -> np.ndarray:
    """Minutes saved on one one-way trip [min] by going to a site at network distance
    ``site_km`` instead of work at ``commute_km`` (same mode), never negative.

    Parameters
    ----------
    commute_km, site_km : float or array_like
        Network distances to work and to the site [km].
    mode : str
        A key of ``bands``.
    bands : mapping
        As for :func:`travel_time_min`.

    Returns
    -------
    ndarray
        Minutes saved [min], 0 where unknown.

    Raises
    ------
    ValueError
        For a mode not in ``bands``.
    """
    saved = travel_time_min(commute_km, mode, bands) - travel_time_min(site_km, mode, bands)
    return np.clip(np.nan_to_num(saved, nan=0.0), 0.0, None)
