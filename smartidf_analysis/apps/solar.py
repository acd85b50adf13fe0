"""Solar page: roofs coloured red / yellow / blue on a map (polygons for the building extracts,
a Datashader raster for the 2.5-million-roof synthetic stock), a commune choropleth of
potential, a roof inspector with its monthly production, parameters (module efficiency,
losses, usable share) that update every figure, CSV downloads, sources. State in the URL.

Work per parameter change: a cached yield cube per losses value, the roofs of the chosen set
re-estimated (milliseconds for the extracts; about 3 s for the synthetic stock on Dask, then
cached). Both polygon maps are :class:`~smartidf_analysis.plots.polygon_map.PolygonMap`
figures built once (the communes per session, the roofs per roof set): a change only sends
new colour values to the browser, not the geometries.
"""

from __future__ import annotations

import logging

import holoviews as hv
import pandas as pd
import panel as pn
import param
from bokeh.palettes import Viridis256

from smartidf_analysis.plots import solar as splots
from smartidf_analysis.plots.polygon_map import PolygonMap, named_palette
from smartidf_analysis.solar import io as sd
from smartidf_analysis.solar.conventions import monthly_production
from smartidf_analysis.solar.field import ATTRIBUTION as FIELD_ATTRIBUTION
from smartidf_analysis.solar.roofs import SOLAR_CLASSES, monthly_roof_production

from . import solar_labels  # noqa: F401 - registers the page's labels
from .i18n import fmt_number, tr
from .shell import apply_changes, csv_buffer, guarded, is_synthetic, sync_url, template
from .solar_state import (  # noqa: F401 - the page's state and constants, importable from here
    CONVENTIONS,
    INDICATORS,
    ROOF_SETS,
    TABLE_COLUMNS,
    URL_PARAMETERS,
    SolarState,
    _communes_geo,
    _provenance,
    _real_results,
    _reference_yield,
    _stock,
    _unplaced,
)

log = logging.getLogger("smartidf.apps.solar")


class SolarPage(pn.viewable.Viewer):
    """Roof map + inspector, commune choropleth, totals, tables and downloads."""

    state = param.ClassSelector(class_=SolarState)
    lang = param.String(default="fr")

    def __init__(self, **params):
        params.setdefault("state", SolarState())
        super().__init__(**params)
        self._results: dict = {}
        self._commune_table = pd.DataFrame()
        self._roof_maps: dict[str, PolygonMap] = {}  # one Bokeh map per real roof set
        self._raster = None  # the synthetic stock's Datashader raster, made on first use
        # a synthetic database's building extracts are synthetic too, whatever their set
        self._synthetic_db = is_synthetic()
        md = dict(sizing_mode="stretch_width")
        self._totals = pn.pane.Markdown(css_classes=["solar-totals"], **md)
        self._alert = pn.pane.Alert(tr("sol_synthetic_alert", self.lang), alert_type="warning",
                                    visible=False, css_classes=["solar-synthetic-alert"], **md)
        self._error = pn.pane.Alert("", alert_type="danger", visible=False, **md)
        self._map_caption = pn.pane.Markdown(css_classes=["solar-map-caption"], **md)
        self._inspector = pn.pane.Markdown(tr("sol_pick", self.lang), css_classes=["solar-inspector"], **md)
        self._commune_caption = pn.pane.Markdown(css_classes=["solar-commune-caption"], **md)
        # roof polygons (Bokeh pane, figure swapped per roof set) or the synthetic raster
        # (HoloViews pane); the Columns around them are toggled, not the panes themselves
        self._map = pn.pane.Bokeh(min_height=480, **md)
        self._raster_pane = pn.pane.HoloViews(min_height=480, linked_axes=False, **md)
        self._polygons_box = pn.Column(self._map, **md)
        self._raster_box = pn.Column(self._raster_pane, visible=False, **md)
        self._map_box = pn.Column(self._polygons_box, self._raster_box, **md)
        self._bars = pn.pane.HoloViews(hv.Bars([]), min_height=260, **md)
        # shown once a roof is chosen (toggling a HoloViews pane's own visibility fails in Panel 1.9)
        self._bars_box = pn.Column(self._bars, visible=False, **md)
        self._commune_map = PolygonMap(_communes_geo(), height=520)
        self._commune_pane = pn.pane.Bokeh(self._commune_map.figure, min_height=520, **md)
        # the spinner goes on a wrapper: `loading` on a Bokeh pane fails in Panel 1.9.4
        self._commune_box = pn.Column(self._commune_pane, **md)
        self._table = pn.widgets.Tabulator(pd.DataFrame(columns=TABLE_COLUMNS), disabled=True,
                                           show_index=False, selectable=1, pagination="local",
                                           page_size=12, name="roofs", **md)
        self._table.param.watch(self._on_row, "selection")
        self.state.param.watch(self._on_params, ["roof_set", "convention", "module_efficiency",
                                                 "system_losses_pct", "usable_fraction"])
        self.state.param.watch(self._on_indicator, ["indicator"])
        self.state.param.watch(self._on_roof, ["roof_id"])
        self._update_all()

    # ---------------------------------------------------------------- updates
    # Each ``_x_changes`` method computes (in the worker thread, when served) and returns a
    # function that only sets panes and Bokeh models, applied by ``apply_changes``: all the
    # changes of one parameter move reach the browser in one message.
    def _update_all(self) -> None:
        """Every figure, in one message (the totals, which tests and the load benchmark watch,
        change together with everything else)."""
        self._results = self.state.results()
        changes = [self._map_changes(), self._table_changes(), self._commune_changes(),
                   self._inspector_changes(), self._totals_changes()]
        apply_changes(lambda: [change() for change in changes])

    def _set_label(self) -> str:
        """The roof set's name, marked synthetic for the synthetic stock and for every set
        of a synthetic database."""
        label = tr("sol_set_" + self.state.roof_set, self.lang)
        if self.state.synthetic or self._synthetic_db:
            label += f" ({tr('sol_synthetic', self.lang)})"
        return label

    def _totals_changes(self):
        lang, r = self.lang, self._results
        t, cls = r["totals"].iloc[0], r["classes"]
        shares = " · ".join(
            f"{tr('sol_class_' + c, lang)} {fmt_number(100 * cls.loc[c, 'roof_share'], lang)} %"
            for c in reversed(SOLAR_CLASSES))
        bad = (f" — {fmt_number(len(r['bad']), lang)} {tr('sol_left_out', lang)}" if len(r["bad"]) else "")
        text = (
            f"### {self._set_label()}\n"
            f"{tr('sol_conv_shown', lang)} : **{self._convention_label()}**\n\n"
            f"**{fmt_number(t['roofs'], lang)} {tr('sol_roofs', lang)}** · "
            f"**{fmt_number(t['peak_power_mwp'], lang, 2)} {tr('sol_mwp', lang)}** · "
            f"**{fmt_number(t['annual_gwh'], lang, 2)} {tr('sol_per_year', lang)}** · {shares}{bad}")
        visible = self.state.synthetic
        return lambda: (self._totals.param.update(object=text),
                        self._alert.param.update(visible=visible))

    def _convention_label(self) -> str:
        """The production convention the totals and roofs follow (the synthetic stock keeps
        per-kWp modules on its own racks: no row spacing, no cadastre factor)."""
        if self.state.synthetic:
            return tr("sol_conv_stock", self.lang)
        return tr("sol_conv_" + self.state.convention, self.lang)

    def _sources(self, datasets: list[str]) -> str:
        prov = _provenance()
        rows = prov[prov["dataset_id"].isin(datasets)].drop_duplicates("dataset_id")
        return "; ".join(f"{r.producer}, {r.title} ({r.vintage})" for r in rows.itertuples())

    def _roof_map(self) -> PolygonMap:
        """The Bokeh map of the current (real) roof set, built on first use."""
        roof_set = self.state.roof_set
        if roof_set not in self._roof_maps:
            roof_map = splots.roof_class_map(self._results["roofs"],
                                             value_label=tr("sol_potential", self.lang))
            roof_map.on_select(self._on_tap)
            self._roof_maps[roof_set] = roof_map
        return self._roof_maps[roof_set]

    def _roof_changes(self):
        lang, prod = self.lang, self._results["roofs"]
        roof_map = self._roof_map()
        values = splots.roof_class_values(roof_map, prod)
        rows = prod.assign(_id=prod["roof_id"].astype(str)).drop_duplicates("_id").set_index("_id")
        rows = rows.reindex(roof_map.codes)
        fr = lang != "en"
        display = [f"{tr('sol_class_' + str(c), lang) if isinstance(c, str) else '—'} · "
                   f"{fmt_number(kwh, lang)} {'kWh/an' if fr else 'kWh/yr'} · "
                   f"{fmt_number(irr, lang)} {'kWh/m²/an' if fr else 'kWh/m²/yr'}"
                   for c, kwh, irr in zip(rows["solar_class"].astype(object), rows["annual_kwh"],
                                          rows["irradiation_kwh_m2"], strict=True)]
        scale = splots.roof_class_scale({c: tr("sol_class_" + c, lang) for c in SOLAR_CLASSES})
        title = f"{tr('sol_map_title', lang)} — {self._set_label()}"
        roof_id = self.state.roof_id

        def patch():
            roof_map.update(values, display, scale, title=title)
            roof_map.select(roof_id)
            if self._map.object is not roof_map.figure:
                self._map.object = roof_map.figure

        return patch

    def _map_changes(self):
        lang, roof_set, synthetic = self.lang, self.state.roof_set, self.state.synthetic
        datasets, roofs = ["nsrdb_paris_tmy"], None
        if synthetic:
            if self._raster is None:
                title = f"{tr('sol_map_title', lang)} — {tr('sol_set_synthetic_stock', lang)}"
                self._raster = splots.roof_points_raster(sd.stock_points(), title=title)
            datasets += ["arcep_communes_info", "ign_communes_2018"]
        else:
            roofs = self._roof_changes()
            datasets.append(sd.ROOF_SETS[roof_set])
        caption = (f"{tr('sol_classes_note', lang)}. {tr('source', lang)} : {self._sources(datasets)}; "
                   f"pvlib. {tr('sol_assumptions', lang)}")

        def apply():
            if roofs is not None:
                roofs()
            elif self._raster_pane.object is not self._raster:
                self._raster_pane.object = self._raster
            self._polygons_box.visible = not synthetic
            self._raster_box.visible = synthetic
            self._map_caption.object = caption

        return apply

    def _table_frame(self) -> pd.DataFrame:
        roofs = self._results["roofs"]
        out = roofs[[c for c in TABLE_COLUMNS if c in roofs.columns]].copy()
        out["roof_id"] = out["roof_id"].astype(str)
        out["solar_class"] = out["solar_class"].astype(str)
        return out.sort_values("annual_kwh", ascending=False).reset_index(drop=True)

    def _table_changes(self):
        frame = self._table_frame().round(3)
        return lambda: self._table.param.update(value=frame)

    def _commune_changes(self):
        lang, ind = self.lang, self.state.indicator
        frame = self.state.commune_frame()
        self._commune_table = frame.drop(columns=["geometry_wkb"])
        label = tr(f"sol_ind_{ind}", lang)
        cmap = self._commune_map
        values = cmap.values_for(frame, ind)
        palette = list(Viridis256) if ind == "yield_kwh_kwp" else named_palette("YlOrRd")
        scale, digits = splots.value_scale(values, palette, lambda v, d: fmt_number(v, lang, d))
        display = [fmt_number(v, lang, digits) for v in values]
        if ind == "yield_kwh_kwp":
            note = (f"{tr('sol_modelled', lang)} : {tr('sol_field_note', lang)}; "
                    f"{tr('source', lang)} : {self._sources(['nsrdb_paris_tmy', 'ign_communes_2018'])}; "
                    f"{FIELD_ATTRIBUTION} (CC BY 4.0)")
        else:
            note = (f"**{tr('sol_synthetic', lang)}** — {tr('sol_synthetic_alert', lang)} "
                    f"{fmt_number(_unplaced(), lang)} {tr('sol_unplaced', lang)}. {tr('source', lang)} : "
                    f"{self._sources(['arcep_communes_info', 'insee_population_2023', 'ign_communes_2018'])}")
        caption = (f"**{label}** — {fmt_number(int(frame[ind].notna().sum()), lang)} "
                   f"{tr('communes', lang)}. {note}")

        def apply():
            cmap.update(values, display, scale, title=label, value_label=label)
            self._commune_caption.object = caption

        return apply

    def _inspector_changes(self):
        lang, roof_id = self.lang, self.state.roof_id
        roofs = self._results["roofs"]
        match = roofs[roofs["roof_id"].astype(str) == roof_id] if roof_id else roofs.iloc[0:0]
        if match.empty:
            return lambda: (self._inspector.param.update(object=tr("sol_pick", lang)),
                            self._bars_box.param.update(visible=False))
        row = match.iloc[0]
        roof_map = None if self.state.synthetic else self._roof_maps.get(self.state.roof_set)
        eff, losses, usable = self.state.key()
        cube = sd.paris_yield_cube(system_losses_pct=losses)
        if self.state.synthetic:
            monthly = monthly_roof_production(row, cube, field=sd.regional_field(), module_efficiency=eff,
                                              usable_fraction=usable)
        else:  # the convention's annual figures, spread over the months
            monthly = monthly_production(row, cube, field=sd.regional_field())
        bars = splots.monthly_bars(monthly, label=tr("sol_monthly", lang), lang=lang,
                                   title=f"{tr('sol_inspector', lang)} {roof_id}")
        fr = lang != "en"
        cls = tr("sol_class_" + str(row["solar_class"]), lang)
        shade = 100 * float(row.get("shading_factor", 0) or 0)
        text = (
            f"**{tr('sol_inspector', lang)} {roof_id}** — {cls} ; "
            f"{fmt_number(row['usable_area_m2'], lang)} m², "
            f"{fmt_number(row['peak_power_kwp'], lang, 1)} {'kWc' if fr else 'kWp'}, "
            f"{fmt_number(row['annual_kwh'], lang)} {'kWh/an' if fr else 'kWh/yr'}, "
            f"{fmt_number(row['irradiation_kwh_m2'], lang)} {'kWh/m²/an' if fr else 'kWh/m²/yr'} ; "
            f"{'ombrage' if fr else 'shading'} {fmt_number(shade, lang)} %, "
            f"{tr('sol_losses', lang).lower()} {fmt_number(losses, lang)}.")

        def apply():
            if roof_map is not None:
                roof_map.select(roof_id)
            self._bars.object = bars
            self._bars_box.visible = True
            self._inspector.object = text

        return apply

    def _fail(self, exc: Exception) -> None:
        log.exception("solar page update failed", exc_info=exc)
        self._error.object = tr("sol_error", self.lang)
        self._error.visible = True
        if pn.state.notifications is not None:
            pn.state.notifications.error(tr("sol_error", self.lang), duration=5000)

    def _on_params(self, *events) -> None:
        try:
            with pn.param.set_values(self._map_box, loading=True), \
                    pn.param.set_values(self._commune_box, loading=True):
                if any(e.name == "roof_set" for e in events):
                    self.state.roof_id = ""
                self._update_all()
            self._error.visible = False
        except Exception as exc:  # noqa: BLE001 - never a traceback in the browser
            self._fail(exc)

    def _on_indicator(self, *_) -> None:
        try:
            with pn.param.set_values(self._commune_box, loading=True):
                apply_changes(self._commune_changes())
        except Exception as exc:  # noqa: BLE001
            self._fail(exc)

    def _on_roof(self, *_) -> None:
        try:
            apply_changes(self._inspector_changes())
        except Exception as exc:  # noqa: BLE001
            self._fail(exc)

    def _on_tap(self, roof_id: str) -> None:
        self.state.roof_id = roof_id

    def _on_row(self, event) -> None:
        if event.new and event.new[0] < len(self._table.value):
            self.state.roof_id = str(self._table.value.iloc[event.new[0]]["roof_id"])

    # ---------------------------------------------------------------- layout
    def _downloads(self) -> pn.Row:
        lang = self.lang
        return pn.Row(
            pn.widgets.FileDownload(callback=lambda: csv_buffer(self._table_frame()),
                                    filename="solar_roofs.csv",
                                    label=tr("sol_download_roofs", lang), color="primary"),
            pn.widgets.FileDownload(callback=lambda: csv_buffer(self._commune_table),
                                    filename="solar_communes.csv", label=tr("sol_download_communes", lang)),
            pn.widgets.FileDownload(callback=lambda: csv_buffer(self._results["classes"].reset_index()),
                                    filename="solar_classes.csv", label=tr("sol_download_classes", lang)))

    def __panel__(self):
        lang, state = self.lang, self.state
        controls = [
            pn.widgets.Select.from_param(state.param.roof_set, name=tr("sol_roof_set", lang),
                                         options={tr(f"sol_set_{k}", lang): k for k in ROOF_SETS}),
            pn.widgets.RadioButtonGroup.from_param(
                state.param.convention, name=tr("sol_convention", lang),
                options={tr(f"sol_conv_{k}", lang): k for k in CONVENTIONS}),
            pn.pane.Markdown(tr("sol_convention_help", lang)),
            pn.widgets.FloatSlider.from_param(state.param.module_efficiency, name=tr("sol_efficiency", lang),
                                              format="0.00"),
            pn.widgets.FloatSlider.from_param(state.param.system_losses_pct, name=tr("sol_losses", lang),
                                              format="0"),
            pn.widgets.FloatSlider.from_param(state.param.usable_fraction, name=tr("sol_usable", lang),
                                              format="0.00"),
            pn.widgets.RadioBoxGroup.from_param(state.param.indicator, name=tr("sol_indicator", lang),
                                                options={tr(f"sol_ind_{k}", lang): k for k in INDICATORS}),
            pn.pane.Markdown(tr("sol_assumptions", lang)),
        ]
        sync_url(state, list(URL_PARAMETERS))
        main = [
            pn.Column(self._alert, self._error, self._totals, sizing_mode="stretch_width"),
            pn.Row(pn.Column(self._map_box, self._map_caption, sizing_mode="stretch_width"),
                   pn.Column(self._inspector, self._bars_box, sizing_mode="stretch_width"),
                   sizing_mode="stretch_width"),
            pn.pane.Markdown(f"## {tr('sol_table', lang)}"), self._table, self._downloads(),
            pn.pane.Markdown(f"## {tr('sol_commune_title', lang)}"), self._commune_box,
            self._commune_caption,
        ]
        return template("solar", main, sidebar=controls, lang=lang)


def build_page(lang: str):
    """The solar page in ``lang``."""
    return SolarPage(lang=lang).__panel__()


def app():
    """The solar page, guarded (errors become a short message), for notebooks."""
    return guarded(build_page, "solar")
