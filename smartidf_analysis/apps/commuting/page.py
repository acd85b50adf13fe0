"""Commuting page: a choropleth of a commune indicator; selecting a commune (map tap or
list) draws its top inbound and outbound flows as lines with a table; mode and CSP filters,
Paris switch, CSV downloads, source and vintage. State lives in the URL.

The map is a :class:`~smartidf_analysis.plots.polygon_map.PolygonMap` per Paris resolution,
built once per session: an indicator, mode or CSP change only recolours it (values and
colour scale travel, not 1,300 geometries: 0.6 s of server CPU and 1.3 MB per change with a
HoloViews redraw); a new commune refills the small flow-line layer
(:func:`~smartidf_analysis.plots.commuting.commuting_map`) and the table, from a cached
pair table (:func:`~smartidf_analysis.commuting.selections.commune_flows`). The tables
(DuckDB and pandas, cached per build and selection) are read in a worker thread, the latest
change's drawn on the loop; URL state, the error path (an unknown commune or an empty
selection is said in a warning) and loading come from
:class:`~smartidf_analysis.apps.page.Page`.
"""

from __future__ import annotations

import logging

import pandas as pd
import panel as pn

from smartidf_analysis import commuting as cm
from smartidf_analysis.errors import UnknownCodeError
from smartidf_analysis.plots import commuting as cplots
from smartidf_analysis.plots.polygon_map import PolygonMap

from ..i18n import fmt_number, tr
from ..page import Page
from ..safe_text import escape_markdown
from ..tables import csv_buffer, number_formatters
from . import texts
from .state import (
    PAGE_INDICATORS,
    URL_PARAMETERS,
    CommutingState,
    View,
    communes_table,
    map_frame,
    source_text,
)

log = logging.getLogger("smartidf.apps.commuting")

FLOW_COLUMNS = ["direction", "rank", "home_code", "home_name", "work_code", "work_name",
                "workers", "share", "distance_km"]


class CommutingPage(Page):
    """Indicator choropleth + the selected commune's flows (lines and table)."""

    page = "commuting"
    labels = texts.LABELS
    user_errors = (UnknownCodeError, cm.EmptySelectionError)
    input_alert_classes = ("commuting-alert",)
    State = CommutingState
    url_parameters = URL_PARAMETERS

    @classmethod
    def load(cls, database: str) -> None:
        """Read, in the worker thread that opens the page, the tables its first drawing needs
        (the communes and both map frames, cached per build by
        :mod:`~smartidf_analysis.apps.commuting.state`, where the page reads them).

        Parameters
        ----------
        database : str
            Path of the DuckDB file (the state's caches read the configured one).
        """
        communes_table()
        for paris_as_one in (False, True):
            map_frame(paris_as_one)

    def render(self, data) -> tuple[list, list]:
        """The page's ``(main, sidebar)`` objects made from ``data``.

        Parameters
        ----------
        data : object
            What :meth:`load` returned (None: this page reads its cached tables itself,
            :mod:`~smartidf_analysis.apps.commuting.state`).

        Returns
        -------
        (list, list)
            Main objects and sidebar controls.
        """
        lang = self.lang
        self._map_caption = pn.pane.Markdown(sizing_mode="stretch_width",
                                             css_classes=["commuting-map-caption"])
        self._flows_caption = pn.pane.Markdown(tr("cm_pick", lang), sizing_mode="stretch_width",
                                               css_classes=["commuting-flows-caption"])
        self._table = pn.widgets.Tabulator(
            self._display(pd.DataFrame()), disabled=True, show_index=False,
            sizing_mode="stretch_width", titles=self._titles(),
            formatters=self._formatters(), pagination=None, height=420)
        self._flows = pd.DataFrame()
        self._indicator_frame = pd.DataFrame()
        self._maps: dict[bool, tuple[PolygonMap, object]] = {}  # (map, flow-line source)
        self._map = pn.pane.Bokeh(sizing_mode="stretch_width", min_height=540)
        # the spinner goes on a wrapper: `loading` on a Bokeh pane fails in Panel 1.9.4
        self._map_box = pn.Column(self._map, sizing_mode="stretch_width")
        self._draw_map(None, self.state.view())  # grey until the first update colours it
        self._commune_select = pn.widgets.Select(label=tr("cm_commune", lang),
                                                 options=self._commune_options())
        self._commune_select.param.watch(self.guard(self._on_select), "value")
        self.watch(self._on_paris, ["paris_as_one"])  # before the redraw it starts
        self.watch(self._on_filters, ["indicator", "modes", "csps", "paris_as_one"])
        self.watch(self._on_commune, ["commune", "n_flows"])
        self.first_update(self._refresh, redraw_map=True)
        return self._layout_objects()

    # ---------------------------------------------------------------- builders
    def _titles(self) -> dict[str, str]:
        t = lambda k: tr(k, self.lang)  # noqa: E731
        return {"direction": t("cm_direction"), "rank": t("cm_rank"), "home_code": "Code",
                "home_name": t("cm_home"), "work_code": "Code ", "work_name": t("cm_work"),
                "workers": t("cm_workers_col"), "share_pct": t("cm_share"),
                "distance_km": t("cm_distance")}

    def _formatters(self) -> dict:
        """Tabulator number formats: French separators by default (12 345,6)."""
        return number_formatters(None, self.lang,
                                 {"workers": 0, "share_pct": 1, "distance_km": 1},
                                 suffixes={"share_pct": " %"})

    def _commune_options(self) -> dict[str, str]:
        frame = map_frame(self.state.paris_as_one).sort_values("commune_name")
        return {tr("cm_none", self.lang): "",
                **{f"{n} ({c})": c for n, c in zip(frame["commune_name"], frame["commune_code"],
                                                   strict=True)}}

    def _map_data(self, view: View, table: pd.DataFrame):
        """(frame, indicator, label) for the choropleth from ``table``
        (:meth:`~.state.CommutingState.indicator_table`), its caption updated."""
        label = tr(f"cm_{view.indicator}", self.lang)
        frame = map_frame(view.paris_as_one).merge(
            table.drop(columns=["commune_name", "department_code"]), on="commune_code",
            how="left")
        self._indicator_frame = table
        self._update_map_caption(frame, label, view)
        return frame, view.indicator, label

    def _map_for(self, paris_as_one: bool) -> tuple[PolygonMap, object]:
        """The session's map at one Paris resolution (built on first use) and its flow-line
        source."""
        if paris_as_one not in self._maps:
            pmap, lines = cplots.commuting_map(map_frame(paris_as_one), height=540,
                                               workers_label=tr("cm_workers", self.lang))
            pmap.on_select(self._on_tap)
            self._maps[paris_as_one] = (pmap, lines)
        return self._maps[paris_as_one]

    def _draw_map(self, data, view: View) -> None:
        """Recolour the map of ``view``'s Paris resolution in place (no data: all grey)."""
        pmap, _ = self._map_for(view.paris_as_one)
        frame, indicator, label = data if data is not None else (None, "value", "")
        cplots.show_indicator(pmap, frame, indicator, label=label,
                              fmt=lambda v, digits: fmt_number(v, self.lang, digits))
        if self._map.object is not pmap.figure:
            self._map.object = pmap.figure

    def _export(self, flows: pd.DataFrame) -> pd.DataFrame:
        """The flows table with commune names (CSV: shares 0–1, distances in km)."""
        if flows.empty:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in FLOW_COLUMNS})
        names = communes_table().set_index("commune_code")["commune_name"]
        return flows.assign(
            home_name=flows["home_code"].map(names).fillna(flows["home_code"]),
            work_name=flows["work_code"].map(names).fillna(flows["work_code"]))[FLOW_COLUMNS]

    def _display(self, flows: pd.DataFrame) -> pd.DataFrame:
        """What the table shows: translated direction, share in percent."""
        out = self._export(flows)
        out = out.assign(direction=out["direction"].map(lambda d: tr(f"cm_{d}", self.lang)),
                         share=100 * out["share"].astype(float))
        return out.rename(columns={"share": "share_pct"})

    # ---------------------------------------------------------------- updates
    def explain(self, exc: UnknownCodeError | cm.EmptySelectionError) -> str:
        """A commune code that is not on the map (a hand-edited URL), or no mode or
        occupation checked.

        Parameters
        ----------
        exc : UnknownCodeError or EmptySelectionError
            The error.

        Returns
        -------
        str
            The message (the code escaped).
        """
        if isinstance(exc, UnknownCodeError):
            return f"{tr('cm_unknown', self.lang)} : {escape_markdown(self.state.view().commune)}"
        return f"{tr('cm_empty', self.lang)} — {tr('cm_empty_modes', self.lang)}"

    def _update_map_caption(self, frame: pd.DataFrame, label: str, view: View) -> None:
        lang = self.lang
        modes = ", ".join(tr(f"cm_mode_{m}", lang) for m in view.modes)
        csps = (tr("cm_all", lang) if len(view.csps) == len(cm.CSPS)
                else ", ".join(str(c) for c in sorted(view.csps)))
        paris = tr("paris_as_one" if view.paris_as_one else "cm_paris_arr", lang)
        total = self._indicator_frame["resident_workers"].sum()
        self._map_caption.object = (
            f"**{label}** — {fmt_number(len(frame), lang)} {tr('communes', lang)}, "
            f"{fmt_number(total, lang)} {tr('cm_workers', lang)} ; {tr('cm_modes', lang)} : "
            f"{modes} ; CSP : {csps} ; {paris}. {source_text(lang)} ; "
            f"{tr('cm_distance_note', lang)} ; {tr('cm_codes_note', lang)}.")

    def _commune_flows(self, view: View) -> pd.DataFrame:
        """The selected commune's top flows, empty without one (pure: a worker thread when
        served)."""
        return self.state.commune_table(view) if view.commune else pd.DataFrame()

    def _show_flows(self, view: View, table: pd.DataFrame) -> None:
        """The flows' table, lines and caption (``table`` empty: none, the prompt)."""
        lang, code = self.lang, view.commune
        pmap, lines = self._map_for(view.paris_as_one)
        pmap.select(code)
        self._flows = table
        self._table.value = self._display(table)
        if table.empty:
            cplots.show_flows(lines, pd.DataFrame(), communes_table())
            self._flows_caption.object = tr("cm_pick", lang)
            return
        shown = code if code in self._commune_select.values else ""
        if self._commune_select.value != shown:
            self._commune_select.value = shown
        cplots.show_flows(lines, table, communes_table(), lambda w: fmt_number(w, lang))
        name = self._commune_select.labels[self._commune_select.values.index(code)] \
            if code in self._commune_select.values else code
        self._flows_caption.object = (
            f"### {tr('cm_flows_title', lang)} — {escape_markdown(name)}\n"
            f"{fmt_number(table.attrs['resident_workers'], lang)} {tr('cm_residents', lang)}, "
            f"{fmt_number(table.attrs['jobs'], lang)} {tr('cm_jobs_short', lang)} ; "
            f"{view.n_flows} {tr('cm_top', lang)}. {source_text(lang)}.")

    def _on_paris(self, *_) -> None:
        """Paris whole or by arrondissement: the commune list follows, and a selected
        arrondissement becomes Paris (and back: none)."""
        self._commune_select.options = self._commune_options()
        code, one = self.state.commune, self.state.paris_as_one
        if one and cm.is_arrondissement(pd.Series([code])).iloc[0]:
            self.state.commune = cm.PARIS_CODE
        elif not one and code == cm.PARIS_CODE:
            self.state.commune = ""

    async def _on_filters(self, *_) -> None:
        await self._refresh(redraw_map=True)

    async def _on_commune(self, *_) -> None:
        await self._refresh(redraw_map=False)

    async def _refresh(self, redraw_map: bool) -> None:
        """Read the tables of the state as it is now off the loop (DuckDB and pandas, cached
        per build and selection), then redraw the map (when ``redraw_map``) and the flows on
        the loop; only the latest change is shown. An unknown commune or an empty selection
        empties what could not be drawn and says why (:meth:`explain`)."""
        view = self.state.view()
        map_done = not redraw_map

        def blank() -> None:
            if not map_done:
                self._draw_map(None, view)
                self._map_caption.object = (f"**{tr(f'cm_{view.indicator}', self.lang)}** — "
                                            f"{tr('cm_empty', self.lang)}.")
            self._show_flows(view, pd.DataFrame())

        async with self.latest(self._map_box, blank=blank) as update:
            if redraw_map:
                table = await update.run(self.state.indicator_table, view)
                with pn.io.hold():
                    self._draw_map(self._map_data(view, table), view)
                map_done = True
            flows = await update.run(self._commune_flows, view)
            with pn.io.hold():
                self._show_flows(view, flows)

    def _on_select(self, event) -> None:
        if event.new != self.state.commune and (event.new or self.state.commune in
                                                self._commune_select.values):
            self.state.commune = event.new

    def _on_tap(self, code: str) -> None:
        if code != self.state.commune:
            self.state.commune = code

    # ---------------------------------------------------------------- layout
    def _layout_objects(self) -> tuple[list, list]:
        lang, st = self.lang, self.state
        controls = [
            pn.widgets.Select.from_param(st.param.indicator, name=tr("indicator", lang),
                                         options={tr(f"cm_{k}", lang): k for k in PAGE_INDICATORS}),
            self._commune_select,
            pn.widgets.IntSlider.from_param(st.param.n_flows, name=tr("cm_n_flows", lang)),
            pn.widgets.Checkbox.from_param(st.param.paris_as_one, name=tr("paris_as_one", lang)),
            pn.pane.Markdown(f"**{tr('cm_modes', lang)}**"),
            pn.widgets.CheckBoxGroup.from_param(
                st.param.modes, name=tr("cm_modes", lang),
                options={tr(f"cm_mode_{m}", lang): m for m in cm.MODES}),
            pn.pane.Markdown(f"**{tr('cm_csps', lang)}**"),
            pn.widgets.CheckBoxGroup.from_param(
                st.param.csps, name=tr("cm_csps", lang),
                options={f"{c} — {tr(f'cm_csp_{c}', lang)}": c for c in cm.CSPS}),
        ]
        downloads = pn.Row(
            pn.widgets.FileDownload(callback=lambda: csv_buffer(self._export(self._flows)),
                                    filename="commuting_flows.csv",
                                    label=tr("cm_download_flows", lang), color="primary"),
            pn.widgets.FileDownload(callback=lambda: csv_buffer(self._indicator_frame),
                                    filename="commuting_indicators.csv",
                                    label=tr("cm_download_indicators", lang)))
        main = [pn.Column(self._map_box, self._map_caption, sizing_mode="stretch_width"),
                pn.Column(self._flows_caption, self._table, downloads,
                          sizing_mode="stretch_width")]
        return main, controls


build_page = CommutingPage.build_page  # what the entry script serves (Page.build_page)
