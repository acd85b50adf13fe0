"""Checks of a roof table: the columns every roof needs (:data:`ROOF_COLUMNS`) and the reasons a
roof is left out (missing or out-of-range area, tilt, azimuth, coordinates or shading).

Shared by :func:`~smartidf_analysis.solar.roofs.estimate_roof_production`, the monthly
profile and the orientation weights; :func:`validate_roofs` reports every bad roof.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ROOF_COLUMNS = ("usable_area_m2", "tilt_deg", "azimuth_deg", "lat", "lon")

_REASONS = (
    "missing usable_area_m2", "negative usable_area_m2", "missing tilt_deg", "tilt_deg outside 0-90",
    "missing azimuth_deg", "azimuth_deg outside 0-360", "missing coordinates", "invalid coordinates",
    "shading_factor outside 0-1",
)


def _numeric(df: pd.DataFrame, name: str) -> np.ndarray:
    return pd.to_numeric(df[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _check_roofs(df: pd.DataFrame) -> np.ndarray:
    """Bit mask of problems per row (bit i = ``_REASONS[i]``); 0 means a valid roof."""
    area, tilt, az, lat, lon = (_numeric(df, c) for c in ROOF_COLUMNS)
    shade = _numeric(df, "shading_factor") if "shading_factor" in df else np.zeros(len(df))
    with np.errstate(invalid="ignore"):
        tests = [
            ~np.isfinite(area), area < 0, ~np.isfinite(tilt), (tilt < 0) | (tilt > 90),
            ~np.isfinite(az), (az < 0) | (az > 360), ~(np.isfinite(lat) & np.isfinite(lon)),
            (np.abs(lat) > 90) | (np.abs(lon) > 180), (shade < 0) | (shade > 1),
        ]
    mask = np.zeros(len(df), dtype=np.int32)
    for i, t in enumerate(tests):
        mask |= t.astype(np.int32) << i
    return mask


def _reason_text(mask: np.ndarray) -> list[str]:
    return ["; ".join(r for i, r in enumerate(_REASONS) if m >> i & 1) for m in mask]


def _require_columns(roofs) -> None:
    missing = [c for c in ROOF_COLUMNS if c not in roofs.columns]
    if missing:
        raise KeyError(f"roofs lacks column(s) {missing}; needs {list(ROOF_COLUMNS)}")


def validate_roofs(roofs: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``roofs`` that cannot be modelled, with their row id (index label) and reason.

    A roof is bad when ``usable_area_m2`` is missing or negative, ``tilt_deg`` is missing or
    outside 0-90 [deg], ``azimuth_deg`` is missing or outside 0-360 [deg], ``lat``/``lon`` are
    missing or out of range, or ``shading_factor`` (if present) is outside 0-1. A missing
    ``shading_factor`` means unshaded.

    Parameters
    ----------
    roofs : DataFrame
        Roof table with the columns of :data:`ROOF_COLUMNS` (see
        :func:`estimate_roof_production`).

    Returns
    -------
    DataFrame
        ``row_id``, ``roof_id`` (when the input has one) and ``reason``.

    Raises
    ------
    KeyError
        When ``roofs`` lacks one of :data:`ROOF_COLUMNS`.
    """
    _require_columns(roofs)
    mask = _check_roofs(roofs)
    bad = mask != 0
    out = pd.DataFrame({"row_id": roofs.index[bad]})
    if "roof_id" in roofs.columns:
        out["roof_id"] = roofs["roof_id"].to_numpy()[bad]
    out["reason"] = _reason_text(mask[bad])
    return out
