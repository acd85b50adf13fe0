"""Value parsers of the source readers: text, numbers, dates, quarters, flags and commune codes.

Under the error contract of :mod:`smartidf_analysis.data.sources._common` (a bad value is a
:class:`~smartidf_analysis.errors.SourceFormatError` naming the file, line and column):
numbers may carry padding, (non-breaking) spaces as thousands separators, a decimal comma
and dashes or secrecy markers meaning "no value".
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from smartidf_analysis.errors import SourceFormatError

_SPACE_RE = "[ \t\r\u00a0\u202f\u2009]+"


def clean_text(series: pd.Series) -> pd.Series:
    """Strip padding; empty strings become missing."""
    s = series.astype(object).where(series.notna(), None)
    s = s.map(lambda v: v.strip() if isinstance(v, str) else v)
    return s.where(s != "", None)


def to_number(
    path: str | Path,
    frame: pd.DataFrame,
    column: str,
    *,
    integer: bool = False,
    decimal: str = ".",
    missing: Iterable[str] = ("",),
    zero: Iterable[str] = (),
    values: pd.Series | None = None,
) -> pd.Series:
    """Parse ``frame[column]`` as numbers; error with line and column on a non-numeric value.

    Spaces (also non-breaking) are thousands separators; ``decimal=","`` reads a decimal
    comma; values in ``missing`` (e.g. ``"s"``, ``"-"``) give NA, values in ``zero`` give 0.
    ``values`` parses a series derived from ``column`` (errors still name ``column``).
    """
    raw = frame[column] if values is None else values
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        values = raw.astype("float64")
        parsed = raw.notna()
    else:
        text = raw.astype("str").str.replace(_SPACE_RE, "", regex=True)
        text = text.mask(text.isin(set(missing) | {""}))
        if zero:
            text = text.mask(text.isin(set(zero)), "0")
        if decimal != ".":
            text = text.str.replace(decimal, ".", regex=False)
        values = pd.to_numeric(text, errors="coerce").astype("float64")
        parsed = text.notna()
    bad = values.isna() & parsed
    if integer:
        bad |= values.notna() & (values % 1 != 0)
    if bad.any():
        where = bad.idxmax()
        raise SourceFormatError(
            path, f"non-numeric value {raw.loc[bad].iloc[0]!r}"
            + (" (an integer was expected)" if integer else ""),
            line=int(where), column=column,
        )
    return values.astype("Int64") if integer else values


def to_date(path: str | Path, frame: pd.DataFrame, column: str, fmt: str = "%Y-%m-%d"):
    """Parse ``frame[column]`` as dates (``datetime64[s]``); error with line and column."""
    text = frame[column].astype("str").str.strip()
    values = pd.to_datetime(text, format=fmt, errors="coerce")
    bad = values.isna() & text.notna() & (text != "")
    if bad.any():
        where = int(bad.idxmax())
        raise SourceFormatError(
            path, f"not a date ({fmt}): {text[where]!r}", line=where, column=column
        )
    return values.astype("datetime64[s]")


def quarter_of(dates: pd.Series) -> pd.Series:
    """``2017-12-31`` -> ``"2017Q4"`` (NA stays NA)."""
    return dates.dt.year.astype("Int64").astype("str") + "Q" + dates.dt.quarter.astype(
        "Int64").astype("str")


def to_flag(
    path: str | Path, frame: pd.DataFrame, column: str, *, operator_codes: bool = False,
) -> pd.Series:
    """ARCEP-style flags: ``1`` -> True, ``-``/``0``/empty -> False; anything else is an error.

    With ``operator_codes``, operator codes such as ``FRTE`` or ``FRTE-SFR0`` (the committed
    operators of ARCEP's L. 33-13 column) also mean True.
    """
    text = frame[column].astype(object).map(lambda v: v.strip() if isinstance(v, str) else "")
    false = text.isin(["-", "0", ""])
    true = text == "1"
    if operator_codes:
        true |= text.str.fullmatch(r"[A-Z0-9]+(-[A-Z0-9]+)*") & ~false
    known = true | false
    if not known.all():
        where = (~known).idxmax()
        raise SourceFormatError(
            path, f"unexpected flag value {text[where]!r} (expected '1' or '-')",
            line=int(where), column=column,
        )
    return true.astype("boolean")


def zfill_code(series: pd.Series, width: int = 5) -> pd.Series:
    """Codes as zero-padded strings (``1001`` or ``1001.0`` -> ``"01001"``); missing stays NA."""
    if pd.api.types.is_string_dtype(series.dtype):
        text = series.astype("str").str.strip()
        return text.str.zfill(width).where(text.notna() & (text != ""), None).astype(object)

    def one(v: object) -> str | None:
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        s = str(v).strip()
        return s.zfill(width) if s else None

    return series.astype(object).map(one)
