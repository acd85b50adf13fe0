"""Key results of the notebook studies as deterministic CSVs.

A notebook passes every table its text quotes through :func:`key_result`, which returns the
table unchanged (for display) and, when the notebooks are run by ``smartidf notebooks run``
(``SMARTIDF_REPORT_DIR`` set), also writes it as ``<notebook>/<name>.csv`` with a fixed
float format (:func:`key_result_csv`), so that two runs on the same database give identical
bytes.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from smartidf_analysis import config

_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
FLOAT_DIGITS = 10  # significant digits of floats in key-result CSVs
NOISE_RELATIVE = 1e-12  # |x| below this fraction of its column's largest |x| is written as 0


def key_result_csv(frame: pd.DataFrame | pd.Series) -> str:
    """The CSV text :func:`key_result` writes for ``frame`` (a pure function, for tests).

    Row and column order are kept as given (a notebook's package function fixes them). Floats
    get ``FLOAT_DIGITS`` significant digits, ``-0`` and summation noise (below ``NOISE_RELATIVE``
    of the column's largest magnitude) become ``0``, so that floating-point sums computed in a
    different order (parallel DuckDB or Dask aggregation) give the same bytes; floats inside
    object columns (a Series of mixed KPIs: counts, floats, a status) get the same digits.
    Binary columns (``*_wkb`` geometries) are left out; missing values are empty fields. The
    index is written unless it is the default 0..n-1 range.

    Parameters
    ----------
    frame : pandas.DataFrame or pandas.Series
        The key result.

    Returns
    -------
    str
        The CSV text (LF line ends).
    """
    table = frame.to_frame() if isinstance(frame, pd.Series) else frame.copy()
    binary = [c for c in table.columns if str(c).endswith("_wkb") or _is_binary(table[c])]
    table = table.drop(columns=binary)
    for column in table.columns:
        if pd.api.types.is_float_dtype(table[column].dtype):
            table[column] = _stable_floats(table[column])
        elif table[column].dtype == object:
            table[column] = table[column].map(_stable_float_item)
    default_index = isinstance(table.index, pd.RangeIndex) and table.index.start == 0 \
        and table.index.step == 1 and table.index.name is None
    return table.to_csv(index=not default_index, float_format=f"%.{FLOAT_DIGITS}g",
                        lineterminator="\n", na_rep="")


def _is_binary(column: pd.Series) -> bool:
    if column.dtype != object:
        return False
    first = column.dropna().head(1)
    return bool(len(first)) and isinstance(first.iloc[0], bytes | bytearray | memoryview)


def _stable_floats(column: pd.Series) -> pd.Series:
    values = column.to_numpy(dtype="float64", na_value=np.nan, copy=True)
    finite = np.isfinite(values)
    if finite.any():
        scale = np.abs(values[finite]).max()
        values[finite & (np.abs(values) <= scale * NOISE_RELATIVE)] = 0.0
    values = values + 0.0  # -0.0 -> 0.0
    return pd.Series(values, index=column.index, name=column.name)


def _stable_float_item(value: Any) -> Any:
    """A float of an object column as text with ``FLOAT_DIGITS`` significant digits (``-0``
    as ``0``); any other value (int, str, None, NaN) unchanged."""
    if isinstance(value, float | np.floating) and np.isfinite(value):
        return f"{float(value) + 0.0:.{FLOAT_DIGITS}g}"
    return value


def key_result(name: str, frame: pd.DataFrame | pd.Series, notebook: str | None = None,
               ) -> pd.DataFrame | pd.Series:
    """Register a key result table of a notebook; returns ``frame`` unchanged.

    ``name`` is a short snake_case id; ``notebook`` defaults to ``SMARTIDF_NOTEBOOK`` (set by
    the runner). Outside a run (``SMARTIDF_REPORT_DIR`` unset) nothing is written. The CSV
    format is :func:`key_result_csv`.

    Parameters
    ----------
    name : str
        See above (lower-case letters, digits, ``_`` and ``-``, not starting with ``_`` or ``-``).
    frame : pandas.DataFrame or pandas.Series
        The table.
    notebook : str, optional
        See above.

    Returns
    -------
    pandas.DataFrame or pandas.Series
        ``frame``, unchanged.

    Raises
    ------
    ValueError
        If ``name`` is not a valid id.
    """
    if not _NAME.match(name):
        raise ValueError(f"invalid key result name {name!r}")
    folder = config.report_dir()
    if folder is None:
        return frame
    target = folder / (notebook or config.notebook_name())
    target.mkdir(parents=True, exist_ok=True)
    (target / f"{name}.csv").write_bytes(key_result_csv(frame).encode("utf-8"))
    return frame
