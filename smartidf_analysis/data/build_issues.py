"""The ``build_issues`` table of a build: :class:`Issues` accumulates its rows (dataset, code,
what is wrong, the rows and measure affected) as the harmonisation and the checks find them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Issues:
    """Accumulates rows of the ``build_issues`` table.

    Parameters
    ----------
    rows : list of dict
        The issues recorded so far.
    """

    rows: list[dict] = field(default_factory=list)

    def add(self, dataset_id: str, code: str, issue: str, rows: int, measure: str,
            affected: float) -> None:
        """Record one issue: ``rows`` rows of ``dataset_id`` with ``code``, and the quantity ``affected`` in
        unit ``measure``.

        Parameters
        ----------
        dataset_id : str
            The dataset the issue is about.
        code : str
            The code concerned (``"-"`` when none).
        issue : str
            What happened.
        rows : int
            Rows of the dataset concerned.
        measure : str
            Unit or column of ``affected`` (e.g. ``"workers"``, ``"km2"``, ``"rows"``).
        affected : float
            How much of ``measure`` is concerned.
        """
        self.rows.append({"dataset_id": dataset_id, "code": code, "issue": issue, "rows": rows,
                          "measure": measure, "affected": float(affected)})

    def frame(self) -> pd.DataFrame:
        """The recorded issues as a frame (the ``build_issues`` columns).

        Returns
        -------
        pandas.DataFrame
            ``dataset_id``, ``code``, ``issue``, ``rows``, ``measure``, ``affected``.
        """
        cols = ["dataset_id", "code", "issue", "rows", "measure", "affected"]
        return pd.DataFrame(self.rows, columns=cols)
