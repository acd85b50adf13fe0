"""Regional irradiation field fitted to measurements: PVGIS commune values over Ile-de-France.

The yield cube (:mod:`smartidf_analysis.solar`) comes from one hourly series, the NSRDB
typical year at Paris. This module gives the *geography*: a smooth field of annual and
quarterly horizontal irradiation [kWh/m2] fitted to the satellite-derived PVGIS values of the
calibration communes (SolaireSimple's per-commune aggregation of EU JRC PVGIS, 2005-2020,
CC BY 4.0; table read by :func:`smartidf_analysis.data.sources.pvgis.read_pvgis_communes`). The
roofs then use ``cube(tilt, azimuth) x factor(lat, lon)``: NSRDB keeps the hourly shape
(transposition, temperature), the field sets where it is brighter.

The fit and its cross-validation are in :mod:`smartidf_analysis.solar.field_fit` (method, why
this one, scores; :func:`fit_field`, :func:`smoothing_curve`... importable from here too).

The fitted field is shipped in the package as a small CSV grid (:data:`FIELD_FILE`, with its
attribution and licence in the header, as pvlib ships its Linke turbidity table), so that a
fresh machine needs no download; ``smartidf solar fit-field`` regenerates it byte for byte
from the calibration file.

Level: PVGIS sets it by default (``level="pvgis"``), NSRDB is the option (``level="nsrdb"``);
see :func:`measured_field`.

References
----------
.. [1] Huld, T., Muller, R. and Gambardella, A. (2012). A new solar radiation database for
   estimating PV performance in Europe and Africa. Solar Energy 86(6), 1803-1815.
   doi:10.1016/j.solener.2012.03.006
.. [2] Urraca, R. et al. (2018). Evaluation of global horizontal irradiance estimates from
   ERA5 and COSMO-REA6 reanalyses using ground and satellite-based data. Solar Energy 164,
   339-354. doi:10.1016/j.solener.2018.02.059 (SARAH, the satellite source of PVGIS, has
   the smallest bias against European ground stations)
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from smartidf_analysis.solar.field_fit import (  # noqa: F401 - moved there, re-exported
    CV_FOLDS,
    CV_SEED,
    SMOOTHING,
    VARIABLES,
    cross_validate,
    cv_summary,
    fit_field,
    fold_ids,
    lambert93_km,
    predict,
    relative_scores,
    smoothing_curve,
)
from smartidf_analysis.solar.irradiance import PARIS_LATITUDE, PARIS_LONGITUDE

#: The calibration file of the mirror (SOURCES.md H1) and its sha256.
CALIBRATION_FILE = "solairesimple_pvgis_irradiation_communes_idf_2025-10_calibration.csv"
CALIBRATION_SHA256 = "2506d9676701380b05498e846e14723c2955a63389e292a879937941aa9117b0"
ATTRIBUTION = ("SolaireSimple (2025), donnees d'irradiation solaire par commune (October 2025), "
               "from EU JRC PVGIS (satellite-derived, 2005-2020)")
LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); derived work: fitted field"
#: The shipped fitted field (package data).
FIELD_FILE = Path(__file__).parent / "shipped" / "pvgis_irradiation_field_idf.csv"

#: The shipped grid [deg]: the region's bounding box every 0.025 deg (about 2.8 x 1.8 km); bilinear
#: interpolation in it stays within 0.03 % (mean) / 0.15 % (max) of the spline at the communes.
FIELD_LATITUDES = np.round(np.arange(48.10, 49.25 + 1e-9, 0.025), 3)
FIELD_LONGITUDES = np.round(np.arange(1.40, 3.60 + 1e-9, 0.025), 3)
LEVELS = ("pvgis", "nsrdb")


# --------------------------------------------------------------------------------------------
# The gridded field and its file
# --------------------------------------------------------------------------------------------


def field_grid(points: pd.DataFrame, *, lat: Sequence[float] = FIELD_LATITUDES,
               lon: Sequence[float] = FIELD_LONGITUDES, smoothing: float = SMOOTHING) -> xr.Dataset:
    """The fitted field on a lat x lon grid [deg]: ``irradiation_kwh_m2`` (lat, lon) annual and
    ``irradiation_quarterly_kwh_m2`` (quarter, lat, lon) [kWh/m2], rounded to 0.01 kWh/m2 (what
    the shipped file holds). Outside the calibration communes (the corners of the bounding box)
    the spline extrapolates its linear trend.

    Parameters
    ----------
    points : DataFrame
        As for :func:`fit_field`.
    lat, lon : sequence of float
        Grid latitudes and longitudes [deg].
    smoothing : float
        Smoothing lambda of the spline [-, coordinates in km].

    Returns
    -------
    xarray.Dataset
        ``irradiation_kwh_m2`` [kWh/m2/yr] and ``irradiation_quarterly_kwh_m2``
        [kWh/m2/quarter], with the source, licence and method in ``attrs``.
    """
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    glat, glon = np.meshgrid(lat, lon, indexing="ij")
    values = predict(fit_field(points, smoothing=smoothing), glon.ravel(), glat.ravel()).to_numpy()
    values = np.round(values, 2).reshape(len(lat), len(lon), len(VARIABLES))
    return _dataset(lat, lon, values, {
        "smoothing": f"{smoothing:g}", "calibration_communes": str(len(points))})


def _dataset(lat, lon, values, attrs) -> xr.Dataset:
    ds = xr.Dataset(
        {"irradiation_kwh_m2": (("lat", "lon"), values[..., 0],
                                {"units": "kWh/m2/yr",
                                 "long_name": "horizontal irradiation (PVGIS, fitted)"}),
         "irradiation_quarterly_kwh_m2": (("quarter", "lat", "lon"), np.moveaxis(values[..., 1:], -1, 0),
                                          {"units": "kWh/m2/quarter"})},
        coords={"lat": lat, "lon": lon, "quarter": [1, 2, 3, 4]})
    ds.attrs = {"title": "Horizontal irradiation field, Ile-de-France, fitted to PVGIS communes",
                "data_kind": "measured (satellite-derived PVGIS, fitted thin-plate spline)",
                "source": ATTRIBUTION, "licence": LICENCE,
                "method": "thin-plate spline with smoothing (scipy RBFInterpolator, degree 1) on "
                          "Lambert-93 km",
                "calibration_file": CALIBRATION_FILE, "calibration_sha256": CALIBRATION_SHA256, **attrs}
    return ds


def field_csv_text(grid: xr.Dataset, cv: pd.DataFrame | None = None) -> str:
    """The shipped CSV: ``# key: value`` header lines (attribution, licence, method, inputs,
    cross-validation), then ``lat,lon`` and the five variables, fixed decimals, ``\\n`` line ends
    (so the same field always gives the same bytes).

    Parameters
    ----------
    grid : xarray.Dataset
        From :func:`field_grid`.
    cv : DataFrame, optional
        :func:`cross_validate` of the same points: its annual scores go into the header.

    Returns
    -------
    str
        The CSV text.
    """
    head = dict(grid.attrs)
    if cv is not None:
        annual = cv_summary(cv).iloc[0]
        head["cross_validation"] = (f"{CV_FOLDS}-fold by commune, seed {CV_SEED}: relative-field MAPE "
                                    f"{annual['mape_pct']:.3f} %, Pearson r {annual['pearson_r']:.3f} "
                                    f"(constant field {annual['constant_mape_pct']:.3f} %)")
    head["columns"] = "lat, lon [deg WGS84]; irradiation_kwh_m2 [kWh/m2/yr]; q1-q4 [kWh/m2/quarter]"
    buf = io.StringIO()
    for k, v in head.items():
        buf.write(f"# {k}: {v}\n")
    buf.write("lat,lon," + ",".join(VARIABLES) + "\n")
    annual = grid["irradiation_kwh_m2"].to_numpy()
    quarterly = grid["irradiation_quarterly_kwh_m2"].to_numpy()
    for i, la in enumerate(grid["lat"].to_numpy()):
        for j, lo in enumerate(grid["lon"].to_numpy()):
            vals = [annual[i, j], *quarterly[:, i, j]]
            buf.write(f"{la:.3f},{lo:.3f}," + ",".join(f"{v:.2f}" for v in vals) + "\n")
    return buf.getvalue()


def read_field_csv(text: str) -> xr.Dataset:
    """The Dataset of :func:`field_grid` back from :func:`field_csv_text`'s text.

    Parameters
    ----------
    text : str
        The CSV text (e.g. of :data:`FIELD_FILE`).

    Returns
    -------
    xarray.Dataset
        As :func:`field_grid`, with the header lines as ``attrs``.
    """
    attrs = {}
    lines = text.splitlines()
    for line in lines:
        if not line.startswith("# "):
            break
        key, _, value = line[2:].partition(": ")
        attrs[key] = value
    table = pd.read_csv(io.StringIO("\n".join(lines[len(attrs):])))
    lat, lon = np.unique(table["lat"].to_numpy()), np.unique(table["lon"].to_numpy())
    table = table.sort_values(["lat", "lon"])
    values = table[list(VARIABLES)].to_numpy(dtype=float).reshape(len(lat), len(lon), len(VARIABLES))
    ds = _dataset(lat, lon, values, {})
    ds.attrs.update(attrs)
    return ds


def field_at(grid: xr.Dataset, lon, lat) -> pd.DataFrame:
    """The gridded field (e.g. the shipped one) at points lon, lat [deg], bilinear: one column
    per variable of :data:`VARIABLES` [kWh/m2]; points outside the grid take its edge.

    Parameters
    ----------
    grid : xarray.Dataset
        From :func:`field_grid` or :func:`read_field_csv`.
    lon, lat : array_like
        WGS84 longitude and latitude of the points [deg].

    Returns
    -------
    DataFrame
        One row per point: ``irradiation_kwh_m2`` [kWh/m2/yr] and the four quarters
        [kWh/m2/quarter].
    """
    from smartidf_analysis.solar.roofs import bilinear

    annual = grid["irradiation_kwh_m2"].transpose("lat", "lon").to_numpy()[..., None]
    quarterly = grid["irradiation_quarterly_kwh_m2"].transpose("lat", "lon", "quarter").to_numpy()
    planes = np.concatenate([annual, quarterly], axis=-1)
    values = bilinear(grid["lat"].to_numpy(), grid["lon"].to_numpy(), planes,
                      np.asarray(lat, dtype=float), np.asarray(lon, dtype=float))
    return pd.DataFrame(values, columns=list(VARIABLES))


# --------------------------------------------------------------------------------------------
# The spatial factor of the roofs
# --------------------------------------------------------------------------------------------


def measured_field(grid: xr.Dataset, reference_ghi_kwh_m2: float, *, level: str = "pvgis",
                   latitude: float = PARIS_LATITUDE, longitude: float = PARIS_LONGITUDE) -> xr.Dataset:
    """The fitted field as the spatial factor of the roofs (``estimate_roof_production(field=)``).

    ``factor`` (lat, lon) [-] multiplies the cube, whose horizontal irradiation is the NSRDB
    typical year's GHI ``reference_ghi_kwh_m2`` at (``latitude``, ``longitude``):

    * ``level="pvgis"`` (default): ``factor = field / reference_ghi`` - roofs get PVGIS's
      level *and* geography (at Paris the horizontal irradiation becomes PVGIS's, about
      1,220 kWh/m2 instead of NSRDB's 1,155). Why PVGIS sets the level: it is a 16-year mean
      (2005-2020) of a satellite product validated against European ground stations [2] [3],
      over 475 communes, where NSRDB's is one stitched typical year (months of 2017-2021) at
      one point, from a product built for the Americas and extended to Meteosat; and it is the
      level of the references a user compares with (PVGIS's yield for Paris, the Grand Paris
      solar cadastre, whose Saint-Denis roofs have a median irradiation of about 1,200 kWh/m2).
    * ``level="nsrdb"``: ``factor = field / field(reference site)`` - NSRDB's level, PVGIS's
      geography only (1 at the reference site).

    Parameters
    ----------
    grid : xarray.Dataset
        The gridded field (:func:`field_grid`, :func:`read_field_csv`).
    reference_ghi_kwh_m2 : float
        Annual horizontal irradiation of the cube's series [kWh/m2/yr].
    level : {"pvgis", "nsrdb"}
        Which source sets the level (see above).
    latitude, longitude : float
        The reference site of the cube [deg].

    Returns
    -------
    xarray.Dataset
        ``factor`` and the grid's variables; ``attrs`` with ``level``,
        ``reference_ghi_kwh_m2`` and ``field_at_reference_kwh_m2``.

    Raises
    ------
    ValueError
        For a level not in :data:`LEVELS`.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    annual = grid["irradiation_kwh_m2"]
    at_ref = float(annual.interp(lat=latitude, lon=longitude))
    denominator = float(reference_ghi_kwh_m2) if level == "pvgis" else at_ref
    out = grid.copy()
    out["factor"] = annual / denominator
    out["factor"].attrs = {"units": "-", "long_name": f"spatial factor ({level} level) on the NSRDB cube"}
    out.attrs.update(level=level, reference_ghi_kwh_m2=float(reference_ghi_kwh_m2),
                     field_at_reference_kwh_m2=at_ref, reference_latitude=latitude,
                     reference_longitude=longitude)
    return out
