"""Notebook studies: key results as deterministic CSVs, and ``smartidf notebooks run``.

A notebook passes every table its text quotes through :func:`key_result`, which returns the
table unchanged (for display) and, when the notebooks are run by ``smartidf notebooks run``
(``SMARTIDF_REPORT_DIR`` set), also writes it as ``<notebook>/<name>.csv`` with a fixed
float format and row order, so that two runs on the same database give identical bytes.
"""

from __future__ import annotations

import re

import pandas as pd

from . import config

_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")


def key_result(name: str, frame: pd.DataFrame | pd.Series, notebook: str | None = None,
               ) -> pd.DataFrame | pd.Series:
    """Register a key result table of a notebook; returns ``frame`` unchanged.

    ``name`` is a short snake_case id; ``notebook`` defaults to ``SMARTIDF_NOTEBOOK`` (set by
    the runner). Floats are written with 10 significant digits.
    """
    if not _NAME.match(name):
        raise ValueError(f"invalid key result name {name!r}")
    folder = config.report_dir()
    if folder is None:
        return frame
    nb = notebook or config.notebook_name()
    target = folder / nb
    target.mkdir(parents=True, exist_ok=True)
    table = frame.to_frame() if isinstance(frame, pd.Series) else frame
    table.to_csv(target / f"{name}.csv", index=True, float_format="%.10g", lineterminator="\n")
    return frame
