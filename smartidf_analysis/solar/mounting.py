"""How modules sit on a roof: racks in rows on flat roofs, spaced by the winter-solstice rule
(:func:`row_gcr`) and masking part of the sky of the row behind (:func:`row_sky_loss`), and
the heat loss of racks versus modules flush on the pan (:func:`mounting_heat_loss`, also
the mounting of the yield cube). Used by the ``"modules"`` convention of
:mod:`smartidf_analysis.solar.conventions` (whose references these are).

References
----------
.. [1] Appelbaum, J. and Bany, J. (1979). Shadow effect of adjacent solar collectors in large
   scale systems. Solar Energy 23(6), 497-507. doi:10.1016/0038-092X(79)90073-2
.. [2] Duffie, J. A. and Beckman, W. A. (2013). Solar Engineering of Thermal Processes, 4th
   ed., Wiley, section 1.9 (shading of collector rows). doi:10.1002/9781118671603
.. [3] Passias, D. and Kallback, B. (1984). Shading effects in rows of solar cell panels.
   Solar Cells 11(3), 281-291. doi:10.1016/0379-6787(84)90017-6
.. [6] PVsyst SA. PVsyst 7 help, "Array thermal losses": U = 29 W/m2K for free-standing arrays,
   20 for semi-integrated (air duct behind), 15 for integrated (insulated back).
"""

from __future__ import annotations

import numpy as np
import pvlib

from smartidf_analysis.solar.irradiance import PARIS_LATITUDE

#: Flat-roof row tilt [deg] of the "modules" convention (a ballasted flat-roof rack).
ROW_TILT_DEG = 10.0
#: Share of diffuse in the plane irradiation of low-tilt rows [-]: the NSRDB Paris typical
#: year's annual DHI / GHI is 0.446.
DIFFUSE_SHARE = 0.45
OBLIQUITY_DEG = 23.44
#: Faiman heat-loss coefficients of free-standing racks [W/(m2 C)], [W/(m2 C)/(m/s)] (pvlib's
#: defaults, those of the yield cube) and the share kept by flush-mounted modules: PVsyst's
#: recommended thermal loss factor is 29 W/(m2 K) free-standing and 20 W/(m2 K) semi-integrated
#: (modules parallel to the roof with an air gap) [6], hence 20 / 29.
RACK_U0, RACK_U1 = 25.0, 6.84
FLUSH_HEAT_LOSS_SHARE = 20.0 / 29.0
MOUNTINGS = ("rack", "flush")


def solstice_noon_elevation_deg(latitude_deg: float = PARIS_LATITUDE) -> float:
    """Sun elevation at solar noon of the winter solstice [deg]: ``90 - latitude - 23.44``.

    Parameters
    ----------
    latitude_deg : float
        Latitude [deg north] (default Paris).

    Returns
    -------
    float
        Sun elevation [deg].
    """
    return 90.0 - float(latitude_deg) - OBLIQUITY_DEG


def row_gcr(tilt_deg: float = ROW_TILT_DEG, sun_elevation_deg: float | None = None) -> float:
    """Ground coverage ratio of south-facing rows that do not shade each other while the sun
    is above ``sun_elevation_deg`` on the row's axis (default: solar noon of the winter
    solstice at Paris, 17.7 deg): row pitch ``d = L (cos(beta) + sin(beta) / tan(alpha))`` for
    a module slant length ``L``, so ``gcr = L / d`` [-] [1] [2]. 10 deg rows: 0.654.

    Parameters
    ----------
    tilt_deg : float
        Row tilt [deg].
    sun_elevation_deg : float, optional
        Lowest sun elevation without shading [deg]; default
        :func:`solstice_noon_elevation_deg` at Paris.

    Returns
    -------
    float
        Ground coverage ratio [-].
    """
    alpha = np.radians(solstice_noon_elevation_deg() if sun_elevation_deg is None else sun_elevation_deg)
    beta = np.radians(tilt_deg)
    return float(1.0 / (np.cos(beta) + np.sin(beta) / np.tan(alpha)))


def row_sky_loss(tilt_deg: float = ROW_TILT_DEG, gcr: float | None = None,
                 diffuse_share: float = DIFFUSE_SHARE) -> float:
    """Fraction of plane irradiation lost by the rows to the sky masked by the row in front
    [-]: ``diffuse_share x`` pvlib's Passias sky-diffuse loss at the masking angle [3].

    Parameters
    ----------
    tilt_deg : float
        Row tilt [deg].
    gcr : float, optional
        Ground coverage ratio [-]; default :func:`row_gcr` of ``tilt_deg``.
    diffuse_share : float
        Share of diffuse in the plane irradiation [-].

    Returns
    -------
    float
        Fraction of plane irradiation lost [-].
    """
    gcr = row_gcr(tilt_deg) if gcr is None else gcr
    angle = pvlib.shading.masking_angle_passias(tilt_deg, gcr)
    return float(diffuse_share * pvlib.shading.sky_diffuse_passias(angle))


def mounting_heat_loss(mounting: str = "rack") -> tuple[float, float]:
    """Faiman ``(u0, u1)`` of a mounting [W/(m2 C)], [W/(m2 C)/(m/s)]: ``"rack"`` the cube's
    free-standing defaults, ``"flush"`` those x 20/29 (hotter modules on the pan) [6].

    Parameters
    ----------
    mounting : {"rack", "flush"}
        The mounting (:data:`MOUNTINGS`).

    Returns
    -------
    (float, float)
        ``u0`` [W/(m2 C)] and ``u1`` [W/(m2 C)/(m/s)].

    Raises
    ------
    ValueError
        For a mounting not in :data:`MOUNTINGS`.
    """
    if mounting not in MOUNTINGS:
        raise ValueError(f"mounting must be one of {MOUNTINGS}, not {mounting!r}")
    share = 1.0 if mounting == "rack" else FLUSH_HEAT_LOSS_SHARE
    return RACK_U0 * share, RACK_U1 * share
