"""Colour scales of the :class:`~smartidf_analysis.plots.polygon_map.PolygonMap` figures: a
palette between two ends with labelled ticks (:class:`ColorScale`), named HoloViews /
Matplotlib colormaps as hex lists, logarithmic (decades) and linear scales over the values
shown. Missing values take :data:`NO_DATA_COLOR` (grey, "no data"), never a colour of the
scale.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

NO_DATA_COLOR = "#d9d9d9"


@dataclass(frozen=True)
class ColorScale:
    """A colour scale: palette from ``low`` to ``high``; values above ``high`` take
    ``high_color`` (default: the last colour); ``ticks`` labels fixed positions.

    Parameters
    ----------
    palette : sequence of str
        Colours, low to high.
    low, high : float
        Ends of the scale, in the units of the values coloured.
    high_color, low_color : str, optional
        Colours above ``high`` / below ``low``; default the last / first colour.
    ticks : dict of float to str
        Position -> label on the colour bar; empty: five evenly spaced ticks.
    """

    palette: Sequence[str]
    low: float
    high: float
    high_color: str | None = None
    low_color: str | None = None
    ticks: dict[float, str] = field(default_factory=dict)


def named_palette(name: str, n: int = 256) -> list[str]:
    """A colormap by its HoloViews / Matplotlib name (``YlOrRd``, ``RdBu_r``, ``magma_r``…)
    as ``n`` hex colours, low to high, as HoloViews would draw it.

    Parameters
    ----------
    name : str
        Colormap name.
    n : int
        Number of colours.

    Returns
    -------
    list of str
        Hex colours.
    """
    from holoviews.plotting.util import process_cmap

    return process_cmap(name, ncolors=n)


def decade_scale(values: np.ndarray, palette: Sequence[str],
                 label: Callable[[float], str]) -> tuple[np.ndarray, ColorScale]:
    """A logarithmic scale: log10 of the positive ``values`` (others NaN = no data) and a
    scale whose ticks are the decades, labelled ``label(10**d)``.

    Parameters
    ----------
    values : ndarray
        Values to colour.
    palette : sequence of str
        Colours, low to high.
    label : callable
        Number -> text, for the tick of each decade.

    Returns
    -------
    (ndarray, ColorScale)
        log10 of the values (NaN where not positive) and the scale (at least one decade).
    """
    values = np.asarray(values, dtype=float)
    logs = np.log10(np.where(values > 0, values, np.nan))
    if not np.isfinite(logs).any():
        return logs, ColorScale(palette, 0.0, 1.0)
    decades = np.arange(np.floor(np.nanmin(logs)), np.ceil(np.nanmax(logs)) + 1)
    if len(decades) < 2:
        decades = np.array([decades[0], decades[0] + 1])
    return logs, ColorScale(palette, float(decades[0]), float(decades[-1]),
                            ticks={float(d): label(10 ** d) for d in decades})


def value_scale(values, palette: Sequence[str], label: Callable[[float, int], str]
                ) -> tuple[ColorScale, int]:
    """A linear scale over the finite ``values`` (all missing: 0-1) with five ticks labelled
    ``label(value, digits)``, and the decimal digits that suit its span.

    Parameters
    ----------
    values : array_like
        Values to colour.
    palette : sequence of str
        Colours, low to high.
    label : callable
        ``(value, digits) -> text`` of a tick.

    Returns
    -------
    (ColorScale, int)
        The scale and the decimal digits (0, 1 or 2).
    """
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if high <= low:
        high = low + 1.0
    digits = 0 if high - low >= 20 else 1 if high - low >= 2 else 2
    ticks = {float(t): label(float(t), digits) for t in np.linspace(low, high, 5)}
    return ColorScale(list(palette), low, high, ticks=ticks), digits
