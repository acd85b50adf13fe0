"""Broadband page: FttH coverage map by quarter, department series to 2024, commune
inspector, gap list, zoning breakdown and the projection backtest.

The map is a :class:`~smartidf_analysis.plots.polygon_map.PolygonMap` built once per session:
moving the quarter slider only replaces its value column (milliseconds of server time).
Tables, indicators, map geometry and department bounds are loaded once per database build
(:meth:`BroadbandPage.load`). State is in the URL (:class:`~.page.Page`).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import panel as pn

from smartidf_analysis import broadband as bb
from smartidf_analysis import plots
from smartidf_analysis.broadband import indicators as bi
from smartidf_analysis.broadband import io as bio
from smartidf_analysis.plots import broadband as pb
from smartidf_analysis.plots.polygon_map import PolygonMap

from ..i18n import fmt_number, tr
from ..page import Page
from ..safe_text import escape_markdown
from ..tables import csv_buffer
from . import display as show
from . import texts
from .display import pct, quarter_text
from .state import (
    DEPARTMENTS,
    INDICATORS,
    MAP_ASPECT,
    SECTIONS,
    SOURCES,
    BroadbandPageData,
    BroadbandState,
)

log = logging.getLogger("smartidf.apps.broadband")

class BroadbandPage(Page):
    """The broadband page of one session."""

    page = "broadband"
    labels = texts.LABELS
    State = BroadbandState
    url_parameters = ("quarter", "indicator", "department", "commune", "threshold", "rank_by",
                      "section")

    @classmethod
    def load(cls, database: str) -> BroadbandPageData:
        """The broadband tables every session shares, read from the database at ``database`` (cached per build
        by :meth:`~smartidf_analysis.apps.page.Page.data`).

        Parameters
        ----------
        database : str
            Path of the DuckDB file.

        Returns
        -------
        BroadbandPageData
            Tables, indicators, geometry, department bounds and coverage per quarter.
        """
        data = bio.load(database)
        geometry = bio.load_map(database)
        bounds = PolygonMap(geometry).group_bounds(lambda code: code[:2], DEPARTMENTS,
                                                   aspect=MAP_ASPECT)
        ind = bi.compute_indicators(data)
        by_quarter = {q: f.set_index("commune_code").reindex(geometry["commune_code"])
                      for q, f in ind.coverage.groupby("quarter")}
        return BroadbandPageData(data, ind, geometry, bounds, by_quarter)

    def prepare(self, shared: BroadbandPageData) -> None:
        """Offer the quarters of ``shared``; the latest when the URL's quarter is not one of them.

        Parameters
        ----------
        shared : BroadbandPageData
            What :meth:`load` returned.
        """
        quarters = shared.ind.quarters
        self.state.param.quarter.objects = quarters
        if self.state.quarter not in quarters:
            self.state.quarter = quarters[-1]

    def render(self, shared: BroadbandPageData) -> tuple[list, list]:
        """The page's ``(main, sidebar)`` objects made from ``shared``.

        Parameters
        ----------
        shared : BroadbandPageData
            What :meth:`load` returned.

        Returns
        -------
        (list, list)
            Main objects and sidebar controls.
        """
        self.data, self.ind, geometry = shared.data, shared.ind, shared.geometry
        self._bounds = shared.bounds
        self._by_quarter = shared.by_quarter
        self._scales = pb.coverage_scales(self.ind.coverage)
        self.names = self.data.departments.drop_duplicates("department_code").set_index(
            "department_code")["department_name"].to_dict()
        self.map = pb.coverage_map(geometry, value_label=tr("bb_value", self.lang))
        self.map.on_select(self._tapped)
        self.map_pane = pn.pane.Bokeh(self.map.figure, sizing_mode="stretch_width",
                                      min_height=560)
        self.caption = pn.pane.Markdown(sizing_mode="stretch_width",
                                        css_classes=["broadband-map-caption"])
        self.series_pane = pn.pane.HoloViews(sizing_mode="stretch_width", min_height=380,
                                             linked_axes=False)
        self.inspector_chart = pn.pane.HoloViews(sizing_mode="stretch_width", min_height=300,
                                                 linked_axes=False)
        self.inspector_text = pn.pane.Markdown(sizing_mode="stretch_width",
                                               css_classes=["broadband-inspector"])
        self.gap_table = pn.widgets.Tabulator(disabled=True, show_index=False,
                                              pagination="local", page_size=12,
                                              sizing_mode="stretch_width")
        self.gap_caption = pn.pane.Markdown(sizing_mode="stretch_width",
                                            css_classes=["broadband-gap-caption"])
        self.watch(self._redraw_map, ["quarter", "indicator"])
        self.watch(self._redraw_series, ["department"])
        self.watch(self._zoom, ["department"])
        self.watch(self._redraw_inspector, ["commune"])
        self.watch(self._redraw_gaps, ["quarter", "department", "threshold", "rank_by"])
        self._redraw_map()
        self._redraw_series()
        self._zoom()
        self._redraw_inspector()
        self._redraw_gaps()
        return self._layout_objects()

    # ------------------------------------------------------------------ set-up helpers
    def _tapped(self, code: str):
        self.state.param.update(commune=code, section="commune")

    # ------------------------------------------------------------------------- map
    def _redraw_map(self, *_):
        lang, q, ind = self.lang, self.state.quarter, self.state.indicator
        title = f"{tr('bb_ind_' + ind, lang)} — {quarter_text(q, lang)}"
        values, _ = pb.show_coverage(
            self.map, self._by_quarter[q], ind, self._scales[ind], title=title,
            value_label=tr("bb_ind_" + ind, lang), texts=lambda v, r: show.map_display(
                v, r, ind, first=q == self.ind.quarters[0], lang=lang))
        commune = self.state.commune
        shown = int(np.isfinite(values).sum())
        missing = len(values) - shown
        above = int((values > 1).sum()) if ind == "rate" else 0
        note = tr("bb_above_note", lang).format(n=fmt_number(above, lang)) if above else ""
        off_map = self.ind.coverage[(self.ind.coverage["quarter"] == q)
                                    & ~self.ind.coverage["has_boundary"]]
        caption = (
            f"**{title}** — {fmt_number(shown, lang)} {tr('communes', lang)} "
            f"{tr('bb_with_value', lang)}, {fmt_number(missing, lang)} {tr('bb_no_data', lang)} "
            f"({tr('bb_grey', lang)}). {note}"
            f"{tr('bb_off_map', lang).format(n=len(off_map)) if len(off_map) else ''} "
            f"{tr('bb_paris_note', lang)}\n\n{self._source('fibre')}")

        self.map.select(commune)
        self.caption.object = caption

    def _zoom(self, *_):
        x0, x1, y0, y1 = self._bounds[self.state.department]
        self.map.figure.x_range.update(start=x0, end=x1)
        self.map.figure.y_range.update(start=y0, end=y1)

    def _source(self, key: str) -> str:
        prov = self.data.provenance
        rows = prov[prov["table_name"].isin(SOURCES[key])]
        return escape_markdown(plots.source_caption(rows, self.lang))

    # ------------------------------------------------------------- series, inspector
    def _redraw_series(self, *_):
        self.when_shown("series", self._draw_series)

    def _draw_series(self):
        lang, dep = self.lang, self.state.department
        zones = [*self.names] if dep == "all" else [dep]
        zones = [*zones, "R11"]
        names = {**self.names, "R11": "Île-de-France"}
        with pn.param.set_values(self.series_pane, loading=True):
            self.series_pane.object = pb.department_series_chart(
                self.ind.trajectory, zones, names=names, projected=self.ind.department_projection,
                title=tr("bb_series_title", lang), ylabel="%")

    def _redraw_inspector(self, *_):
        lang, code = self.lang, self.state.commune
        cov = self.ind.coverage[self.ind.coverage["commune_code"] == code]
        if cov.empty:
            self.inspector_text.object = tr("bb_pick_commune", lang)
            self.inspector_chart.object = None
            self.when_shown("commune", None)
            return
        name = cov["commune_name"].iloc[0]
        series = bi.commune_series(self.ind, code)
        p = self.ind.projection[self.ind.projection["commune_code"] == code]
        lines = [f"### {escape_markdown(name)} ({escape_markdown(code)})"]
        for r in cov.itertuples():
            value = pct(r.coverage_rate, lang) if np.isfinite(r.coverage_rate) else (
                f"{tr('bb_no_data', lang)} — {tr('bb_reason_' + r.no_data_reason, lang)}")
            lines.append(f"- {quarter_text(r.quarter, lang)} : {value}, "
                         f"{fmt_number(r.connectable_premises, lang)} / "
                         f"{fmt_number(r.premises_total, lang)} {tr('bb_premises_unit', lang)}")
        target = None
        if len(p):
            p = p.iloc[0]
            target = p["target"]
            lines.append(tr("bb_verdict_line", lang).format(
                verdict=tr("bb_verdict_" + p["verdict"], lang), target=quarter_text(target, lang),
                full_by=self._when(p["full_by"]), earliest=self._when(p["full_by_earliest"]),
                latest=self._when(p["full_by_latest"])))
        lines.append(f"\n*{tr('bb_caveat', lang)}*")
        self.inspector_text.object = "\n".join(lines)
        self.map.select(code)

        def draw():
            with pn.param.set_values(self.inspector_chart, loading=True):
                self.inspector_chart.object = pb.commune_chart(
                    series, title=name, observed=tr("bb_observed", lang),
                    projected=tr("bb_projected", lang), target=target)
        self.when_shown("commune", draw)

    def _when(self, quarter) -> str:
        if isinstance(quarter, str) and quarter:
            return quarter_text(quarter, self.lang)
        return tr("bb_never", self.lang)

    # --------------------------------------------------------------------------- gaps
    def gaps(self) -> pd.DataFrame:
        """The communes below the page's threshold [fraction] at its quarter, in its department or all
        (:func:`~smartidf_analysis.broadband.aggregates.gap_list`).

        Returns
        -------
        DataFrame
            :func:`~smartidf_analysis.broadband.aggregates.gap_list` of the page's quarter,
            threshold, order and department.
        """
        dep = None if self.state.department == "all" else self.state.department
        return bb.gap_list(self.ind.coverage, self.state.quarter, self.state.threshold,
                           self.state.rank_by, dep)

    def _redraw_gaps(self, *_):
        lang, gaps = self.lang, self.gaps()
        shown = show.gaps_shown(gaps)
        formatters, titles = show.formatters(shown, lang), show.titles(shown, lang)
        caption = tr("bb_gap_caption", lang).format(
            n=fmt_number(len(gaps), lang), threshold=pct(self.state.threshold, lang, 0),
            quarter=quarter_text(self.state.quarter, lang),
            premises=fmt_number(gaps["uncovered_premises"].sum(), lang),
            rank=tr("bb_rank_" + self.state.rank_by, lang)) + f"\n\n{self._source('fibre')}"

        self.gap_table.param.update(formatters=formatters, titles=titles, value=shown)
        self.gap_caption.object = caption

    # ----------------------------------------------------------------------- layout
    def _headline(self) -> pn.pane.Markdown:
        lang, s = self.lang, self.ind.status.iloc[0]
        return pn.pane.Markdown(tr("bb_headline", lang).format(
            quarter=quarter_text(s["quarter"], lang), rate=pct(s["coverage_rate"], lang),
            connectable=fmt_number(s["connectable_premises"], lang),
            total=fmt_number(s["premises_total"], lang), goal=pct(s["goal"], lang, 0),
            gap=fmt_number(100 * s["gap_points"], lang, 1),
            private=pct(s["private_zones_rate"], lang),
            share=pct(s["private_zones_share_of_premises"], lang)) + "\n\n" + self._source("fibre"),
            sizing_mode="stretch_width", css_classes=["broadband-headline"])

    def _table(self, frame: pd.DataFrame, filename: str, shown: pd.DataFrame) -> list:
        """A table (``shown``, formatted for reading) and the CSV of the raw ``frame``."""
        lang = self.lang
        table = pn.widgets.Tabulator(shown, disabled=True, show_index=False, pagination="local",
                                     page_size=10, sizing_mode="stretch_width",
                                     formatters=show.formatters(shown, lang),
                                     titles=show.titles(shown, lang))
        button = pn.widgets.FileDownload(callback=lambda: csv_buffer(frame), filename=filename,
                                         label=f"{tr('download_csv', lang)} — {filename}")
        return [table, button]

    def _layout_objects(self) -> tuple[list, list]:
        lang, st = self.lang, self.state
        quarter_options = {quarter_text(q, lang): q for q in self.ind.quarters}
        controls = [
            pn.widgets.RadioButtonGroup.from_param(
                st.param.indicator, options={tr("bb_ind_" + i, lang): i for i in INDICATORS},
                label=tr("indicator", lang), orientation="vertical"),
            pn.widgets.DiscreteSlider.from_param(st.param.quarter, options=quarter_options,
                                                 label=tr("bb_quarter", lang)),
            pn.widgets.Select.from_param(
                st.param.department, label=tr("bb_department", lang),
                options={(tr("bb_all_departments", lang) if d == "all"
                          else f"{d} {self.names.get(d, '')}"): d for d in DEPARTMENTS}),
            pn.widgets.FloatSlider.from_param(st.param.threshold, label=tr("bb_threshold", lang),
                                              format="0%"),
            pn.widgets.RadioButtonGroup.from_param(
                st.param.rank_by, label=tr("bb_rank_by", lang), orientation="vertical",
                options={tr("bb_rank_" + r, lang): r for r in ("premises", "population")}),
            self._commune_picker(),
        ]
        gap_download = pn.widgets.FileDownload(
            callback=lambda: csv_buffer(self.gaps()), filename="broadband_gaps.csv",
            label=f"{tr('download_csv', lang)} — broadband_gaps.csv", color="primary")
        zone_labels = {z: tr("bb_zone_" + z, lang) for z in bb.ZONES}
        zoning = pn.pane.HoloViews(sizing_mode="stretch_width", min_height=320,
                                   linked_axes=False)
        self.when_shown("zoning", lambda: setattr(zoning, "object", pb.zoning_chart(
            self.ind.zoning, zone_labels, title=tr("bb_zoning_title", lang))))
        sections = {
            "map": [self.map_pane, self.caption,
                    pn.pane.Markdown(f"#### {tr('bb_no_data_title', lang)}"),
                    *self._table(bb.no_data_communes(self.ind.coverage), "broadband_no_data.csv",
                                 show.no_data_shown(self.ind.coverage, self.ind.quarters[-1],
                                                    lang))],
            "series": [self.series_pane,
                       pn.pane.Markdown(tr("bb_series_caption", lang) + "\n\n"
                                        + self._source("series"), sizing_mode="stretch_width"),
                       *self._table(self.ind.backtest, "broadband_backtest.csv",
                                    show.backtest_shown(self.ind.backtest, self.names, lang))],
            "commune": [pn.Row(self.inspector_chart, self.inspector_text,
                               sizing_mode="stretch_width")],
            "gaps": [self.gap_caption, self.gap_table, gap_download],
            "zoning": [zoning, *self._table(self.ind.zoning, "broadband_zoning.csv",
                                            show.zoning_shown(self.ind.zoning, lang))],
        }
        tabs = self.section_tabs(sections, {name: self.tr(key) for name, key in SECTIONS.items()},
                                 css_classes=["broadband-sections"])
        main = [self._headline(), tabs,
                pn.pane.Markdown(self._source("fibre"), sizing_mode="stretch_width")]
        return main, controls

    def _commune_picker(self):
        cov = self.ind.coverage.drop_duplicates("commune_code")
        options = {f"{n} ({c})": c for c, n in zip(cov["commune_code"], cov["commune_name"],
                                                    strict=True)}
        picker = pn.widgets.AutocompleteInput(label=tr("bb_commune", self.lang),
                                              options=list(options), case_sensitive=False,
                                              search_strategy="includes", min_characters=2,
                                              placeholder=tr("bb_pick_commune", self.lang))

        def _picked(event):
            if event.new in options:
                self.state.param.update(commune=options[event.new], section="commune")

        picker.param.watch(self.guard(_picked), "value")
        return picker


build_page = BroadbandPage.build_page  # what the entry script serves (Page.build_page)
