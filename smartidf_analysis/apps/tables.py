"""The pages' tables: number formats (Tabulator), French or English style, and the CSV of a
table for a download button."""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd


def separators(lang: str) -> dict[str, str]:
    """Tabulator's thousands and decimal separators: ``12 345,6`` (fr) or ``12,345.6``.

    Parameters
    ----------
    lang : str
        ``"fr"`` or anything else (English).

    Returns
    -------
    dict of str to str
        ``thousand`` and ``decimal``.
    """
    if lang == "fr":
        return {"thousand": "\u202f", "decimal": ","}
    return {"thousand": ",", "decimal": "."}


def number_formatters(frame: pd.DataFrame | None, lang: str, digits: Mapping[str, int] | None = None,
                      *, default_digits: int | None = 0,
                      suffixes: Mapping[str, str] | None = None) -> dict[str, dict]:
    """Tabulator ``formatters`` for the numeric columns of ``frame`` (or only the columns of
    ``digits`` when ``frame`` is None): ``digits[column]`` decimals, else
    ``default_digits`` (None: leave the column unformatted); ``suffixes[column]`` after
    the number (``" %"``, ``" km"``).

    Parameters
    ----------
    frame : DataFrame or None
        The table shown (its numeric, non-boolean columns are formatted).
    lang : str
        Language of the separators (:func:`separators`).
    digits : mapping of str to int, optional
        Column -> decimals.
    default_digits : int or None
        Decimals of the other numeric columns; None leaves them unformatted.
    suffixes : mapping of str to str, optional
        Column -> text after the number.

    Returns
    -------
    dict of str to dict
        Column -> Tabulator formatter specification.
    """
    digits, suffixes = dict(digits or {}), dict(suffixes or {})
    if frame is None:
        columns = list(digits)
    else:
        columns = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
                   and not pd.api.types.is_bool_dtype(frame[c])]
    out = {}
    for column in columns:
        precision = digits.get(column, default_digits)
        if precision is None:
            continue
        spec = {"type": "money", "precision": precision, **separators(lang)}
        if column in suffixes:
            spec.update(symbol=suffixes[column], symbolAfter=True)
        out[column] = spec
    return out


def csv_buffer(frame) -> io.StringIO:
    """A table as CSV text for a ``FileDownload`` (UTF-8, no index).

    Parameters
    ----------
    frame : DataFrame
        The table.

    Returns
    -------
    io.StringIO
        The CSV, positioned at its start.
    """
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    buffer.seek(0)
    return buffer
