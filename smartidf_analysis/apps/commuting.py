"""Commuting page: a choropleth of a commune indicator; selecting a commune (map tap or
list) draws its top inbound and outbound flows as lines with a table; mode and CSP filters,
Paris switch, CSV downloads, source and vintage. State lives in the URL.

Server work per newly selected commune: the flows of one commune from a cached pair table
(:func:`commuting_flows.commune_flows`), a small line overlay pushed through a
``hv.streams.Pipe`` (the choropleth is not redrawn) and the table. A mode or CSP change
recolours the drawn choropleth in place (values only); an indicator or Paris change redraws
it. Sending 1,300 geometries again at each click took seconds and made the browser's next
widget events get lost when a user clicked quickly.
"""

from __future__ import annotations

import json
import logging
import threading

import holoviews as hv
import pandas as pd
import panel as pn
import param

from .. import commuting as cm
from ..errors import SmartidfError, UnknownCodeError
from ..plots import commuting as cplots
from . import commuting_labels  # noqa: F401 - registers the page's labels
from .commuting_state import (
    PAGE_INDICATORS,
    URL_PARAMETERS,
    CommutingState,
    View,
    communes_table,
    map_frame,
    source_text,
)
from .i18n import fmt_number, tr
from .shell import csv_buffer, guarded, template

log = logging.getLogger("smartidf.apps.commuting")

FLOW_COLUMNS = ["direction", "rank", "home_code", "home_name", "work_code", "work_name",
                "workers", "share", "distance_km"]


class CommutingPage(pn.viewable.Viewer):
    """Indicator choropleth + the selected commune's flows (lines and table)."""

    state = param.ClassSelector(class_=CommutingState)
    lang = param.String(default="fr")

    def __init__(self, **params):
        params.setdefault("state", CommutingState())
        super().__init__(**params)
        lang = self.lang
        self._alert = pn.pane.Alert("", alert_type="warning", visible=False,
                                    sizing_mode="stretch_width", css_classes=["commuting-alert"])
        self._map_caption = pn.pane.Markdown(sizing_mode="stretch_width",
                                             css_classes=["commuting-map-caption"])
        self._flows_caption = pn.pane.Markdown(tr("cm_pick", lang), sizing_mode="stretch_width",
                                               css_classes=["commuting-flows-caption"])
        self._table = pn.widgets.Tabulator(
            self._display(pd.DataFrame()), disabled=True, show_index=False,
            sizing_mode="stretch_width", titles=self._titles(),
            formatters=self._formatters(), pagination=None, height=420)
        self._lock = threading.Lock()
        self._pending_map = self._scheduled = False
        self._flows = pd.DataFrame()
        self._indicator_frame = pd.DataFrame()
        self._map_codes: list[str] = []
        self._lines_pipe = hv.streams.Pipe(data=cplots.segment_frame(
            pd.DataFrame(columns=["home_code", "work_code", "workers"]), communes_table()))
        self._lines = hv.DynamicMap(self._flow_lines, streams=[self._lines_pipe])
        self._tap: hv.streams.Selection1D | None = None
        self._drawn = None  # (Bokeh source, colour mapper) of the rendered choropleth
        self._drawn_key: tuple = ()
        self._map = pn.pane.HoloViews(sizing_mode="stretch_width", min_height=540,
                                      linked_axes=False)
        view = self.state.view()
        self._set_map(self._map_data(view), view)
        self._commune_select = pn.widgets.Select(label=tr("cm_commune", lang),
                                                 options=self._commune_options())
        self._commune_select.param.watch(self._on_select, "value")
        self.state.param.watch(self._on_filters, ["indicator", "modes", "csps", "paris_as_one"])
        self.state.param.watch(self._on_commune, ["commune", "n_flows"])
        self._update_flows(view)

    # ---------------------------------------------------------------- builders
    def _titles(self) -> dict[str, str]:
        t = lambda k: tr(k, self.lang)  # noqa: E731
        return {"direction": t("cm_direction"), "rank": t("cm_rank"), "home_code": "Code",
                "home_name": t("cm_home"), "work_code": "Code ", "work_name": t("cm_work"),
                "workers": t("cm_workers_col"), "share_pct": t("cm_share"),
                "distance_km": t("cm_distance")}

    def _formatters(self) -> dict:
        """Tabulator number formats: French separators by default (12 345,6)."""
        sep = {"decimal": ",", "thousand": "\u202f"} if self.lang == "fr" else {
            "decimal": ".", "thousand": ","}
        return {"workers": {"type": "money", "precision": 0, **sep},
                "share_pct": {"type": "money", "precision": 1, "symbol": " %",
                              "symbolAfter": True, **sep},
                "distance_km": {"type": "money", "precision": 1, **sep}}

    def _commune_options(self) -> dict[str, str]:
        frame = map_frame(self.state.paris_as_one).sort_values("commune_name")
        return {tr("cm_none", self.lang): "",
                **{f"{n} ({c})": c for n, c in zip(frame["commune_name"], frame["commune_code"],
                                                   strict=True)}}

    def _map_data(self, view: View):
        """(frame, indicator, label) for the choropleth, or None on a bad selection."""
        label = tr(f"cm_{view.indicator}", self.lang)
        try:
            table = self.state.indicator_table(view)
        except SmartidfError as exc:
            self._show_error(exc, view)
            self._map_caption.object = f"**{label}** — {tr('cm_empty', self.lang)}."
            return None
        frame = map_frame(view.paris_as_one).merge(
            table.drop(columns=["commune_name", "department_code"]), on="commune_code",
            how="left")
        self._map_codes = frame["commune_code"].tolist()
        self._indicator_frame = table
        self._update_map_caption(frame, label, view)
        return frame, view.indicator, label

    def _set_map(self, data, view: View) -> None:
        """A new choropleth (static element) under the flow-line layer; the map is replaced
        as a whole on filter changes, while a commune change only streams new lines."""
        if data is None:
            data = (map_frame(view.paris_as_one).assign(value=float("nan")), "value", "")
        frame, indicator, label = data
        self._drawn = None
        choropleth = cplots.indicator_map(frame, indicator, label=label, title=label,
                                          hooks=[self._capture])
        self._drawn_key = (indicator, view.paris_as_one, len(frame))
        if self._tap is not None:
            self._tap.source = None
        self._tap = hv.streams.Selection1D(source=choropleth)
        self._tap.param.watch(self._on_tap, "index")
        self._map.object = choropleth * self._lines

    def _capture(self, plot, element) -> None:
        """HoloViews hook: keep the choropleth's Bokeh data source and colour mapper."""
        glyph = plot.handles.get("glyph")
        mapper = getattr(getattr(glyph, "fill_color", None), "transform", None)
        self._drawn = (plot.handles.get("source"), mapper)

    def _patch_map(self, data, view: View) -> bool:
        """Recolour the drawn choropleth in place (only the values and colour limits travel
        to the browser, not 1,300 geometries); False when it must be redrawn instead."""
        frame, indicator, _ = data
        if self._drawn is None or self._drawn_key != (indicator, view.paris_as_one, len(frame)):
            return False
        source, mapper = self._drawn
        if source is None or len(source.data.get("value", ())) != len(frame):
            return False
        values, clim, _, _ = cplots.indicator_style(frame, indicator)

        def recolour() -> None:
            source.data.update({"value": values, "color": values})
            if mapper is not None:
                mapper.update(low=clim[0], high=clim[1])

        doc = source.document
        if doc is not None and doc.session_context is not None:
            doc.add_next_tick_callback(recolour)  # served: under the document lock
        else:
            recolour()
        return True

    def _flow_lines(self, data):
        return cplots.flow_lines(data, workers_label=tr("cm_workers", self.lang))

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
    def _show_error(self, exc: Exception | None, view: View | None = None) -> None:
        if exc is None:
            self._alert.visible = False
            return
        if isinstance(exc, UnknownCodeError):
            text = f"{tr('cm_unknown', self.lang)} : {(view or self.state.view()).commune}"
        elif isinstance(exc, cm.EmptySelectionError):
            text = f"{tr('cm_empty', self.lang)} — {tr('cm_empty_modes', self.lang)}"
        else:
            log.exception("commuting page update failed", exc_info=exc)
            text = tr("error", self.lang)
        self._alert.object = text
        self._alert.visible = True

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
            f"{modes} ; CSP : {csps} ; {paris}. {tr('source', lang)} : {source_text()} ; "
            f"{tr('cm_distance_note', lang)} ; {tr('cm_codes_note', lang)}.")

    def _update_flows(self, view: View) -> None:
        lang, code = self.lang, view.commune
        empty_lines = self._lines_pipe.data.iloc[0:0]
        try:
            table = self.state.commune_table(view) if code else pd.DataFrame()
        except SmartidfError as exc:
            self._show_error(exc, view)
            self._flows = pd.DataFrame()
            self._table.value = self._display(self._flows)
            self._lines_pipe.send(empty_lines)
            self._flows_caption.object = tr("cm_pick", lang)
            return
        self._show_error(None)
        self._flows = table
        self._table.value = self._display(table)
        shown = code if code in self._commune_select.values else ""
        if self._commune_select.value != shown:
            self._commune_select.value = shown
        if table.empty:
            self._lines_pipe.send(empty_lines)
            self._flows_caption.object = tr("cm_pick", lang)
            return
        self._lines_pipe.send(cplots.segment_frame(table, communes_table()))
        name = self._commune_select.labels[self._commune_select.values.index(code)] \
            if code in self._commune_select.values else code
        self._flows_caption.object = (
            f"### {tr('cm_flows_title', lang)} — {name}\n"
            f"{fmt_number(table.attrs['resident_workers'], lang)} {tr('cm_residents', lang)}, "
            f"{fmt_number(table.attrs['jobs'], lang)} {tr('cm_jobs_short', lang)} ; "
            f"{view.n_flows} {tr('cm_top', lang)}. {tr('source', lang)} : {source_text()}.")

    def _on_filters(self, *events) -> None:
        if "paris_as_one" in {e.name for e in events}:
            self._commune_select.options = self._commune_options()
            code, one = self.state.commune, self.state.paris_as_one
            if one and cm.is_arrondissement(pd.Series([code])).iloc[0]:
                self.state.commune = cm.PARIS_CODE
            elif not one and code == cm.PARIS_CODE:
                self.state.commune = ""
        self._map.loading = True
        self._request(redraw_map=True)

    def _on_commune(self, *_) -> None:
        self._table.loading = True
        self._request(redraw_map=False)

    def _request(self, redraw_map: bool) -> None:
        """Coalesce updates. `smartidf serve` runs widget callbacks in a thread pool, so
        quick clicks arrive in parallel threads, and model changes made from several threads
        reached the browser out of order. The work runs once, on the server's event loop
        (document lock held), from the state as it is then."""
        with self._lock:
            self._pending_map = self._pending_map or redraw_map
            if self._scheduled:
                return
            self._scheduled = True
        pn.state.execute(self._refresh, schedule=True)  # immediate outside a server

    def _refresh(self) -> None:
        with self._lock:
            redraw_map, self._pending_map, self._scheduled = self._pending_map, False, False
        view = self.state.view()
        self._write_url(view)
        try:
            if redraw_map:
                data = self._map_data(view)
                if data is not None:
                    self._show_error(None)
                    if not self._patch_map(data, view):
                        self._set_map(data, view)
            self._update_flows(view)
        except Exception as exc:  # noqa: BLE001 - never a traceback in the browser
            self._show_error(exc, view)
        finally:
            self._map.loading = False
            self._table.loading = False

    def _on_select(self, event) -> None:
        if event.new != self.state.commune and (event.new or self.state.commune in
                                                self._commune_select.values):
            self.state.commune = event.new

    # The URL is read once when the page opens and written after each update. Panel's
    # two-way ``location.sync`` fed stale URL values back into the state when a user
    # clicked faster than the round trip (callbacks run in a thread pool).
    def _read_url(self) -> None:
        """Apply the page values found in the URL, one by one; report the bad ones."""
        location = pn.state.location
        if location is None:
            return
        for name, value in location.query_params.items():
            if name not in URL_PARAMETERS:
                continue
            try:  # a code like 77288 arrives parsed as a number
                self.state.param.update(**{name: str(value) if name == "commune" else value})
            except Exception:  # noqa: BLE001 - a hand-edited URL must not break the page
                log.warning("ignored URL parameter %s=%r", name, value)
                self._alert.object = f"{tr('cm_bad_url', self.lang)} : {name}={value}"
                self._alert.visible = True

    def _write_url(self, view: View) -> None:
        """Put the values of ``view`` in the URL (so that a view can be shared)."""
        location = pn.state.location
        if location is None:
            return
        query = {}
        for name in URL_PARAMETERS:
            value = self.state.param[name].serialize(getattr(view, name))
            query[name] = value if isinstance(value, str) else json.dumps(value)
        location.update_query(**query)

    def _on_tap(self, event) -> None:
        if event.new and event.new[0] < len(self._map_codes):
            self.state.commune = self._map_codes[event.new[0]]

    # ---------------------------------------------------------------- layout
    def _control(self, widget_class, name: str, **kwargs):
        """A widget showing ``state.<name>`` that writes to the state, one way only: the
        server never pushes a widget value back while the user is still clicking."""
        widget = widget_class(value=getattr(self.state, name), **kwargs)
        widget.param.watch(lambda event: setattr(self.state, name, event.new), "value")
        return widget

    def __panel__(self):
        lang = self.lang
        self._read_url()  # before the widgets are made: they start from the URL's values
        controls = [
            self._control(pn.widgets.Select, "indicator", label=tr("indicator", lang),
                          options={tr(f"cm_{k}", lang): k for k in PAGE_INDICATORS}),
            self._commune_select,
            self._control(pn.widgets.IntSlider, "n_flows", label=tr("cm_n_flows", lang),
                          start=self.state.param.n_flows.bounds[0],
                          end=self.state.param.n_flows.bounds[1]),
            self._control(pn.widgets.Checkbox, "paris_as_one", label=tr("paris_as_one", lang)),
            pn.pane.Markdown(f"**{tr('cm_modes', lang)}**"),
            self._control(pn.widgets.CheckBoxGroup, "modes", label=tr("cm_modes", lang),
                          options={tr(f"cm_mode_{m}", lang): m for m in cm.MODES}),
            pn.pane.Markdown(f"**{tr('cm_csps', lang)}**"),
            self._control(pn.widgets.CheckBoxGroup, "csps", label=tr("cm_csps", lang),
                          options={f"{c} — {tr(f'cm_csp_{c}', lang)}": c for c in cm.CSPS}),
        ]
        downloads = pn.Row(
            pn.widgets.FileDownload(callback=lambda: csv_buffer(self._export(self._flows)),
                                    filename="commuting_flows.csv",
                                    label=tr("cm_download_flows", lang), button_type="primary"),
            pn.widgets.FileDownload(callback=lambda: csv_buffer(self._indicator_frame),
                                    filename="commuting_indicators.csv",
                                    label=tr("cm_download_indicators", lang)))
        main = [pn.Column(self._alert, self._map, self._map_caption, sizing_mode="stretch_width"),
                pn.Column(self._flows_caption, self._table, downloads,
                          sizing_mode="stretch_width")]
        return template("commuting", main, sidebar=controls, lang=lang)


def build_page(lang: str):
    """The commuting page in ``lang``."""
    return CommutingPage(lang=lang).__panel__()


def app():
    """The commuting page, guarded (errors become a short message), for notebooks."""
    return guarded(build_page, "commuting")
