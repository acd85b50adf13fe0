"""Solar page: roofs coloured red / yellow / blue on a map (polygons for the building extracts,
a Datashader raster for the 2.5-million-roof synthetic stock), a commune choropleth of
potential, a roof inspector with its monthly production, parameters (module efficiency,
losses, usable share) that update every figure, CSV downloads, sources. State in the URL
(:class:`~.page.Page`).

Work per parameter change (:mod:`smartidf_analysis.solar.results`, in a worker thread when
served): the roofs of the chosen set re-estimated (milliseconds for the extracts; the first
use of the synthetic stock makes its pass over 2.5 million roofs, seconds, then
milliseconds), cached per database build and parameter set (:data:`.state.RESULTS`).
Both polygon maps are :class:`~smartidf_analysis.plots.polygon_map.PolygonMap` figures built
once (the communes per session, the roofs per roof set): a change only sends new colour
values to the browser, not the geometries.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import pandas as pd
import panel as pn

from smartidf_analysis.plots import solar as splots
from smartidf_analysis.plots.polygon_map import PolygonMap
from smartidf_analysis.solar import io as sd
from smartidf_analysis.solar import results as sr
from smartidf_analysis.solar.roofs import SOLAR_CLASSES

from ..i18n import fmt_number, tr
from ..page import Page
from ..shell import is_synthetic
from ..tables import csv_buffer
from . import display as show
from . import texts
from .state import (  # noqa: F401 - the page's state and constants, importable from here
    CONVENTIONS,
    INDICATORS,
    PARAMETERS,
    RESULTS,
    ROOF_SETS,
    TABLE_COLUMNS,
    URL_PARAMETERS,
    SolarPageData,
    SolarState,
)

log = logging.getLogger("smartidf.apps.solar")


@dataclass(frozen=True)
class SolarUpdate:
    """What one state change computed (off the event loop when served).

    Parameters
    ----------
    key : tuple
        (roof_set, convention, indicator, efficiency [-], losses [%], usable share [-]).
    results : RoofSetResults or None
        The roof set's results; None when the roofs did not change.
    communes : DataFrame
        ``commune_code`` and the indicator
        (:func:`~smartidf_analysis.solar.results.commune_indicator`).
    raster : object, optional
        The synthetic stock's raster, when first needed.
    """

    key: tuple  # (roof_set, convention, indicator, efficiency, losses, usable)
    results: sr.RoofSetResults | None  # None: the roofs did not change
    communes: pd.DataFrame  # commune_code and the indicator
    raster: Any = None  # the synthetic stock's raster, when first needed


class SolarPage(Page):
    """Roof map + inspector, commune choropleth, totals, tables and downloads."""

    page = "solar"
    labels = texts.LABELS
    error_label = "sol_error"
    State = SolarState
    url_parameters = URL_PARAMETERS

    @classmethod
    def load(cls, database: str) -> SolarPageData:
        """The solar inputs every session shares, read from the database at ``database`` (cached per
        build).

        Parameters
        ----------
        database : str
            Path of the DuckDB file.

        Returns
        -------
        SolarPageData
            Map units, provenance, unplaced dwellings and the synthetic flag.
        """
        return SolarPageData(sd.commune_geometries(), sd.provenance(),
                             float(sd.unplaced_dwellings()["dwellings"].sum()),
                             is_synthetic(database))

    def render(self, shared: SolarPageData) -> tuple[list, list]:
        """The page's ``(main, sidebar)`` objects made from ``shared``.

        Parameters
        ----------
        shared : SolarPageData
            What :meth:`load` returned.

        Returns
        -------
        (list, list)
            Main objects and sidebar controls.
        """
        self.shared = shared
        self._results: sr.RoofSetResults | None = None
        self._commune_table = pd.DataFrame()
        self._roof_maps: dict[str, PolygonMap] = {}  # one Bokeh map per real roof set
        self._raster = None  # the synthetic stock's Datashader raster, made on first use
        self._roofs_due = self._reset_due = False
        lang, md = self.lang, dict(sizing_mode="stretch_width")
        self._totals = pn.pane.Markdown(css_classes=["solar-totals"], **md)
        self._alert = pn.pane.Alert(tr("sol_synthetic_alert", lang), alert_type="warning",
                                    visible=False, css_classes=["solar-synthetic-alert"], **md)
        self._map_caption = pn.pane.Markdown(css_classes=["solar-map-caption"], **md)
        self._inspector = pn.pane.Markdown(tr("sol_pick", lang), css_classes=["solar-inspector"],
                                           **md)
        self._commune_caption = pn.pane.Markdown(css_classes=["solar-commune-caption"], **md)
        # roof polygons (Bokeh pane, figure swapped per roof set) or the synthetic raster
        # (HoloViews pane); the Columns around them are toggled, not the panes themselves
        self._map = pn.pane.Bokeh(min_height=480, **md)
        self._raster_pane = pn.pane.HoloViews(min_height=480, linked_axes=False, **md)
        self._polygons_box = pn.Column(self._map, **md)
        self._raster_box = pn.Column(self._raster_pane, visible=False, **md)
        self._map_box = pn.Column(self._polygons_box, self._raster_box, **md)
        # the monthly bars of the chosen roof: made when a roof is first chosen (a hidden
        # empty chart still cost a HoloViews plot at every page opened), shown and hidden
        # through their box (toggling a HoloViews pane's own visibility fails in Panel 1.9)
        self._bars: pn.pane.HoloViews | None = None
        self._bars_box = pn.Column(visible=False, **md)
        self._commune_map = splots.commune_map(shared.communes, height=520)
        # the spinner goes on a wrapper: `loading` on a Bokeh pane fails in Panel 1.9.4
        self._commune_box = pn.Column(pn.pane.Bokeh(self._commune_map.figure, min_height=520,
                                                    **md), **md)
        self._table = pn.widgets.Tabulator(pd.DataFrame(columns=TABLE_COLUMNS), disabled=True,
                                           show_index=False, selectable=1, pagination="local",
                                           page_size=12,
                                           formatters=show.table_formatters(lang), **md)
        self._table.param.watch(self.guard(self._on_row), "selection")
        self.watch(self._on_params, list(PARAMETERS))
        self.watch(self._on_indicator, ["indicator"])
        self.watch(self._on_roof, ["roof_id"])
        self.first_update(self._update, roofs=True)
        return self._layout_objects()

    # ------------------------------------------------------------------ computations
    def _key(self) -> tuple:
        s = self.state
        return (s.roof_set, s.convention, s.indicator, *s.key())

    def _compute(self, key: tuple, roofs: bool, raster: bool) -> SolarUpdate:
        """Results for ``key`` (pure: runs in a worker thread when served)."""
        roof_set, convention, indicator, eff, losses, usable = key
        synthetic = roof_set == sr.SYNTHETIC_SET
        results = None
        if roofs:
            results = RESULTS.get(
                self.fingerprint, ("roofs", roof_set, "" if synthetic else convention, eff,
                                   losses, usable),
                lambda: sr.roof_set_results(roof_set, convention, eff, losses, usable))
        indicator_key = (losses,) if indicator == "yield_kwh_kwp" else (eff, losses, usable)
        communes = RESULTS.get(self.fingerprint, ("communes", indicator, *indicator_key),
                               lambda: sr.commune_indicator(indicator, eff, losses, usable))
        image = None
        if raster and synthetic:
            title = f"{tr('sol_map_title', self.lang)} — {tr('sol_set_synthetic_stock', self.lang)}"
            image = splots.roof_points_raster(sd.stock_points(), title=title)
        return SolarUpdate(key, results, communes, image)

    async def _update(self, *, roofs: bool, reset_roof: bool = False) -> None:
        """Recompute what the state change needs off the loop, then show it (only the latest
        change's results are shown: :meth:`~smartidf_analysis.apps.updates.LatestUpdates.latest`)."""
        self._roofs_due |= roofs
        self._reset_due |= reset_roof
        boxes = [self._commune_box, *([self._map_box] if self._roofs_due else [])]
        async with self.latest(*boxes) as update:
            computed = await update.run(self._compute, self._key(), self._roofs_due,
                                        self._raster is None)
            with pn.io.hold():
                self._apply(computed)

    async def _on_params(self, *events) -> None:
        await self._update(roofs=True, reset_roof=any(e.name == "roof_set" for e in events))

    async def _on_indicator(self, *_) -> None:
        await self._update(roofs=False)

    # ------------------------------------------------------------------ showing results
    def _apply(self, update: SolarUpdate) -> None:
        """Set the panes and maps from ``update`` (on the loop; every change in one message)."""
        if update.raster is not None and self._raster is None:
            self._raster = update.raster
        if update.results is not None:
            self._results = update.results
            self._roofs_due = False
            if self._reset_due:
                self._reset_due = False
                self.state.roof_id = ""  # the inspector then shows its prompt
            self._show_map()
            self._table.value = sr.roof_table(self._results.roofs).round(3)
            self._show_totals()
            self._show_inspector()
        self._show_communes(update.key[2], update.communes)

    def _set_label(self) -> str:
        synthetic = self._results.synthetic or self.shared.synthetic_db
        return show.set_label(self._results.roof_set, synthetic, self.lang)

    def _show_totals(self) -> None:
        r = self._results
        convention = show.convention_label(self.state.convention, r.synthetic, self.lang)
        self._totals.object = show.totals_text(r, self._set_label(), convention, self.lang)
        self._alert.visible = r.synthetic

    def _roof_map(self) -> PolygonMap:
        """The Bokeh map of the current (real) roof set, built on first use."""
        roof_set = self._results.roof_set
        if roof_set not in self._roof_maps:
            roof_map = splots.roof_class_map(self._results.roofs,
                                             value_label=tr("sol_potential", self.lang))
            roof_map.on_select(self._on_tap)
            self._roof_maps[roof_set] = roof_map
        return self._roof_maps[roof_set]

    def _show_map(self) -> None:
        lang, r = self.lang, self._results
        datasets = [*show.MAP_SOURCES]
        if r.synthetic:
            datasets += show.STOCK_SOURCES
            if self._raster_pane.object is not self._raster:
                self._raster_pane.object = self._raster
        else:
            datasets.append(sd.ROOF_SETS[r.roof_set])
            roof_map = self._roof_map()
            splots.show_roof_classes(
                roof_map, r.roofs, class_labels={c: tr("sol_class_" + c, lang) for c in SOLAR_CLASSES},
                hover=lambda rows: show.roof_hover(rows, lang),
                title=f"{tr('sol_map_title', lang)} — {self._set_label()}")
            roof_map.select(self.state.roof_id)
            if self._map.object is not roof_map.figure:
                self._map.object = roof_map.figure
        self._polygons_box.visible = not r.synthetic
        self._raster_box.visible = r.synthetic
        self._map_caption.object = show.map_caption(self.shared.provenance, datasets, lang)

    def _show_communes(self, indicator: str, values: pd.DataFrame) -> None:
        lang, cmap = self.lang, self._commune_map
        self._commune_table = self.shared.communes.drop(columns=["geometry_wkb"]).merge(
            values, on="commune_code", how="left")
        label = tr(f"sol_ind_{indicator}", lang)
        splots.show_commune_values(cmap, self._commune_table, indicator, label=label,
                                   fmt=lambda v, d: fmt_number(v, lang, d))
        count = int(self._commune_table[indicator].notna().sum())
        self._commune_caption.object = show.commune_caption(indicator, count, self.shared, lang,
                                                            values.attrs.get("roof_set"))

    def _show_inspector(self) -> None:
        lang, roof_id, r = self.lang, self.state.roof_id, self._results
        if r is None:
            return
        roofs = r.roofs
        match = roofs[roofs["roof_id"].astype(str) == roof_id] if roof_id else roofs.iloc[0:0]
        roof_map = None if r.synthetic else self._roof_maps.get(r.roof_set)
        if match.empty:
            self._inspector.object = tr("sol_pick", lang)
            self._bars_box.visible = False
            return
        row = match.iloc[0]
        eff, losses, usable = self.state.key()
        monthly = sr.roof_months(row, r.synthetic, eff, losses, usable)
        if roof_map is not None:
            roof_map.select(roof_id)
        bars = splots.monthly_bars(monthly, label=tr("sol_monthly", lang), lang=lang,
                                   title=f"{tr('sol_inspector', lang)} {roof_id}")
        if self._bars is None:
            self._bars = pn.pane.HoloViews(bars, min_height=260, sizing_mode="stretch_width")
            self._bars_box[:] = [self._bars]
        else:
            self._bars.object = bars
        self._bars_box.visible = True
        self._inspector.object = show.inspector_text(row, roof_id, losses, lang)

    def _on_roof(self, *_) -> None:
        with pn.io.hold():  # the roof map's selection: a Bokeh model, changed with the panes
            self._show_inspector()

    def _on_tap(self, roof_id: str) -> None:
        self.state.roof_id = roof_id

    def _on_row(self, event) -> None:
        if event.new and event.new[0] < len(self._table.value):
            self.state.roof_id = str(self._table.value.iloc[event.new[0]]["roof_id"])

    # ---------------------------------------------------------------- layout
    def _downloads(self) -> pn.Row:
        lang = self.lang

        def roofs():
            return csv_buffer(sr.roof_table(self._results.roofs))

        def classes():
            return csv_buffer(self._results.classes.reset_index())

        return pn.Row(
            pn.widgets.FileDownload(callback=roofs, filename="solar_roofs.csv",
                                    label=tr("sol_download_roofs", lang), color="primary"),
            pn.widgets.FileDownload(callback=lambda: csv_buffer(self._commune_table),
                                    filename="solar_communes.csv",
                                    label=tr("sol_download_communes", lang)),
            pn.widgets.FileDownload(callback=classes, filename="solar_classes.csv",
                                    label=tr("sol_download_classes", lang)))

    def _layout_objects(self) -> tuple[list, list]:
        lang, state = self.lang, self.state
        controls = [
            pn.widgets.Select.from_param(state.param.roof_set, name=tr("sol_roof_set", lang),
                                         options={tr(f"sol_set_{k}", lang): k for k in ROOF_SETS}),
            pn.widgets.RadioButtonGroup.from_param(
                state.param.convention, name=tr("sol_convention", lang),
                options={tr(f"sol_conv_{k}", lang): k for k in CONVENTIONS}),
            pn.pane.Markdown(tr("sol_convention_help", lang)),
            pn.widgets.FloatSlider.from_param(state.param.module_efficiency,
                                              name=tr("sol_efficiency", lang), format="0.00"),
            pn.widgets.FloatSlider.from_param(state.param.system_losses_pct,
                                              name=tr("sol_losses", lang), format="0"),
            pn.widgets.FloatSlider.from_param(state.param.usable_fraction,
                                              name=tr("sol_usable", lang), format="0.00"),
            pn.widgets.RadioBoxGroup.from_param(
                state.param.indicator, name=tr("sol_indicator", lang),
                options={tr(f"sol_ind_{k}", lang): k for k in INDICATORS}),
            pn.pane.Markdown(tr("sol_assumptions", lang)),
        ]
        md = dict(sizing_mode="stretch_width")
        main = [
            pn.Column(self._alert, self._totals, **md),
            pn.Row(pn.Column(self._map_box, self._map_caption, **md),
                   pn.Column(self._inspector, self._bars_box, **md), **md),
            pn.pane.Markdown(f"## {tr('sol_table', lang)}"), self._table, self._downloads(),
            pn.pane.Markdown(f"## {tr('sol_commune_title', lang)}"), self._commune_box,
            self._commune_caption,
        ]
        return main, controls


build_page = SolarPage.build_page  # what the entry script serves (Page.build_page)
