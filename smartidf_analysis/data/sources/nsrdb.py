"""NREL NSRDB typical meteorological year (nsrdb-msg v4.0.0) for central Paris.

Point 48.85 N 2.34 E (NSRDB location 422723, elevation 49 m), hourly, 8,760 rows whose
months come from different years (2017-2021): the timestamps are kept as given. The file
has two metadata lines (names, values; ``Time Zone`` = 0, i.e. UTC), then the header.
Units: irradiances [W/m2], temperature [degC], wind speed [m/s], pressure [mbar = hPa],
solar zenith angle [deg], albedo [-]. Timestamps are at the middle of the hour (minute 30).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from smartidf_analysis.errors import SourceFormatError

from ._common import decode_utf8, finish, read_bytes, read_csv, to_number

VARIABLES = {
    "ghi_w_m2": "GHI",
    "dni_w_m2": "DNI",
    "dhi_w_m2": "DHI",
    "clearsky_ghi_w_m2": "Clearsky GHI",
    "clearsky_dni_w_m2": "Clearsky DNI",
    "clearsky_dhi_w_m2": "Clearsky DHI",
    "temp_air_c": "Temperature",
    "wind_speed_m_s": "Wind Speed",
    "albedo": "Surface Albedo",
    "pressure_hpa": "Pressure",
    "solar_zenith_deg": "Solar Zenith Angle",
}
_TIME = ("Year", "Month", "Day", "Hour", "Minute")


def read_metadata(path: str | Path) -> dict[str, str]:
    """The two metadata lines of an NSRDB CSV as ``{name: value}``.

    Parameters
    ----------
    path : str or pathlib.Path
        The NSRDB CSV.

    Returns
    -------
    dict of str to str
        Metadata name -> value (e.g. ``Time Zone``, ``Latitude``, ``Elevation``).

    Raises
    ------
    SourceFormatError
        When the file has fewer than two lines or is not UTF-8.
    """
    lines = decode_utf8(path, read_bytes(path)).splitlines()[:2]
    if len(lines) < 2:
        raise SourceFormatError(path, "expected 2 metadata lines before the header", line=1)
    names, values = csv.reader(lines)
    return dict(zip(names, values, strict=False))


def read_tmy(path: str | Path) -> pd.DataFrame:
    """NSRDB TMY CSV -> ``irradiance_hourly`` (index = file line, data from line 4).

    ``time_utc`` is built from Year/Month/Day/Hour/Minute, shifted by the metadata
    ``Time Zone`` offset when it is not 0.

    Parameters
    ----------
    path : str or pathlib.Path
        The NSRDB TMY CSV.

    Returns
    -------
    pandas.DataFrame
        The rows of the canonical ``irradiance_hourly`` table (columns, types and units in
        :data:`~smartidf_analysis.data.schema.TABLES`), indexed by the source line.
        Irradiances [W/m²], ``temp_air_c`` [°C], ``wind_speed_m_s`` [m/s], ``pressure_hpa``
        [hPa], ``solar_zenith_deg`` [deg], ``albedo`` [-].

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or lacks a column, or a value is malformed
        (naming the line and column).
    """
    try:
        offset = float(read_metadata(path).get("Time Zone", "0") or 0)
    except ValueError:
        raise SourceFormatError(path, "the 'Time Zone' metadata is not a number", line=2,
                                column="Time Zone") from None
    raw = read_csv(path, header_line=3, required=[*_TIME, *VARIABLES.values()])
    parts = {c.lower(): to_number(path, raw, c, integer=True) for c in _TIME}
    time = pd.to_datetime(pd.DataFrame(parts), errors="coerce")
    if time.isna().any():
        where = int(time.isna().idxmax())
        raise SourceFormatError(path, "invalid date/time", line=where, column="Day")
    out = pd.DataFrame({"time_utc": time - pd.Timedelta(hours=offset)}, index=raw.index)
    for name, column in VARIABLES.items():
        out[name] = to_number(path, raw, column)
    return finish(out, "irradiance_hourly")
