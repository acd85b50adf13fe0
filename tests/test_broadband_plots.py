"""Broadband charts: what the department series chart draws, and in how many elements."""

from __future__ import annotations

import holoviews as hv
import pandas as pd

from smartidf_analysis.plots import broadband as pb


def _trajectory() -> pd.DataFrame:
    rows = []
    for zone, start in (("77", 20.0), ("91", 40.0), ("R11", 50.0)):
        rows += [(zone, "2017Q4", start, "arcep_ftth_communes", True),
                 (zone, "2019Q4", start + 20, "etalab", True),
                 (zone, "2021Q4", start + 30, "ditp", True),
                 (zone, "2021Q4", start + 29, "etalab", False)]  # not preferred: not drawn
    return pd.DataFrame(rows, columns=["zone_code", "quarter", "coverage_pct", "source",
                                       "preferred"])


def test_series_chart_one_line_per_zone_and_dots_in_the_zone_colour():
    projected = pd.DataFrame({"zone_code": ["77", "91", "R11"], "quarter": "2023Q4",
                              "projected_pct": [70.0, 90.0, 85.0]})
    names = {"77": "Seine-et-Marne", "91": "Essonne", "R11": "Île-de-France"}
    chart = pb.department_series_chart(_trajectory(), ["77", "91", "R11"], names=names,
                                       projected=projected)
    curves = [e for e in chart if isinstance(e, hv.Curve)]
    dots, crosses = [e for e in chart if isinstance(e, hv.Scatter)]
    assert [c.label for c in curves] == list(names.values())
    assert len(chart) == 3 + 2 + 1  # lines, the dots and crosses as one element each, targets
    assert list(curves[0].dimension_values(1)) == [40.0, 50.0]  # preferred, not commune file
    assert list(dots.dimension_values("zone")) == list(names.values())
    assert list(dots.dimension_values(1)) == [20.0, 40.0, 50.0]
    assert list(crosses.dimension_values(1)) == [70.0, 90.0, 85.0]
    colours = {c.label: hv.Store.lookup_options("bokeh", c, "style").kwargs["color"]
               for c in curves}
    cmap = hv.Store.lookup_options("bokeh", dots, "style").kwargs["cmap"]
    assert cmap == colours and len(set(colours.values())) == 3
    targets = [e for e in chart if isinstance(e, hv.VLines)][0]
    assert [str(d)[:10] for d in targets.dimension_values(0)] == ["2021-12-31", "2023-12-31"]


def test_series_chart_without_projection_has_no_crosses():
    chart = pb.department_series_chart(_trajectory(), ["91"])
    assert sum(isinstance(e, hv.Scatter) for e in chart) == 1
