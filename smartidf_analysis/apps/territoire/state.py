"""The state of the "Mon territoire" page, kept in the URL (``?code=77288&level=commune``)."""

from __future__ import annotations

import param

from smartidf_analysis.reporting.territory import LEVELS


class TerritoireState(param.Parameterized):
    """Which territory the page shows."""

    code = param.String(default="", doc="""
        INSEE code of the commune (5 characters, Paris 75056) or department (2), or SIREN of
        the EPCI or EPT (9 digits); empty: no territory chosen yet.""")
    level = param.Selector(default="", objects=["", *LEVELS], doc="""
        Level of the territory (commune, epci, ept, department); empty: found from the code.""")
