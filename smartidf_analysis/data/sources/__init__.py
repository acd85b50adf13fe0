"""Readers of the official source files, one module per producer.

Each ``read_*(path)`` returns a :class:`pandas.DataFrame` in canonical names
(:mod:`smartidf_analysis.data.schema`) or, for reference inputs of the ``communes`` table, a
small documented intermediate frame. The index of every frame is the source line (1-based
physical line of a CSV, sheet row of an xlsx, feature/row number of a geodata or Parquet
file), so that the build can report "line N" for bad values. Bad input raises
:class:`~smartidf_analysis.errors.SourceFormatError`. The catalogue
(:mod:`smartidf_analysis.data.catalog`) names each dataset's reader as ``"module:function"``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import pandas as pd

MODULES = ("ign", "insee", "dgcl", "arcep", "barometre", "idfm", "nsrdb", "apur")


def resolve(reader: str) -> Callable[..., pd.DataFrame]:
    """The function named by a catalogue ``reader`` field, e.g. ``"insee:read_cog"``.

    Parameters
    ----------
    reader : str
        ``"module:function"``, the module one of :data:`MODULES`.

    Returns
    -------
    callable
        The reader function.

    Raises
    ------
    ValueError
        For a module not in :data:`MODULES` or no function part.
    AttributeError
        When the module has no such function.
    """
    module, _, function = reader.partition(":")
    if module not in MODULES or not function:
        raise ValueError(f"unknown reader {reader!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), function)
