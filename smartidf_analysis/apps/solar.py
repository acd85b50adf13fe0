"""Solar page: roofs coloured red / yellow / blue on a map (polygons for the building extracts,
a Datashader raster for the 2.5-million-roof synthetic stock), a commune choropleth of
potential, a roof inspector with its monthly production, parameters (module efficiency,
losses, usable share) that update every figure, CSV downloads, sources. State in the URL.

Work per parameter change: a cached yield cube per losses value, the roofs of the chosen set
re-estimated (milliseconds for the extracts; about 3 s for the synthetic stock on Dask, then
cached), the roof map pushed through a ``hv.streams.Pipe``.
"""

from __future__ import annotations

import logging

import holoviews as hv
import pandas as pd
import panel as pn
import param

from .. import solar_data as sd
from ..plots import choropleth
from ..plots import solar as splots
from ..solar_roofs import SOLAR_CLASSES, monthly_roof_production
from . import solar_labels  # noqa: F401 - registers the page's labels
from .i18n import fmt_number, tr
from .shell import csv_buffer, guarded, sync_url, template

log = logging.getLogger("smartidf.apps.solar")

ROOF_SETS = tuple(sd.ROOF_SETS)
INDICATORS = ("yield_kwh_kwp", "annual_gwh", "peak_power_mwp")
URL_PARAMETERS = ("roof_set", "module_efficiency", "system_losses_pct", "usable_fraction", "indicator",
                  "roof_id")
TABLE_COLUMNS = ["roof_id", "commune_code", "roof_shape", "usable_area_m2", "tilt_deg", "azimuth_deg",
                 "shading_factor", "irradiation_kwh_m2", "peak_power_kwp", "annual_kwh",
                 "specific_yield_kwh_kwp", "solar_class"]


@pn.cache(max_items=16)
def _real(roof_set: str, efficiency: float, losses: float, usable: float) -> pd.DataFrame:
    return sd.real_set_production(roof_set, module_efficiency=efficiency, system_losses_pct=losses,
                                  usable_fraction=usable)


@pn.cache(max_items=8)
def _stock(efficiency: float, losses: float, usable: float) -> sd.StockSummary:
    return sd.stock_summary(module_efficiency=efficiency, system_losses_pct=losses, usable_fraction=usable)


@pn.cache(max_items=1)
def _communes_geo() -> pd.DataFrame:
    return sd.commune_geometries()


@pn.cache(max_items=8)
def _reference_yield(losses: float) -> pd.DataFrame:
    return sd.commune_reference_yield(system_losses_pct=losses)


@pn.cache(max_items=1)
def _provenance() -> pd.DataFrame:
    return sd.provenance()


@pn.cache(max_items=1)
def _unplaced() -> float:
    return float(sd.unplaced_dwellings()["dwellings"].sum())


class SolarState(param.Parameterized):
    """State of the solar page (synced to the URL); derived tables are cached by parameters."""

    roof_set = param.Selector(default="saint_denis_buildings", objects=list(ROOF_SETS))
    module_efficiency = param.Number(default=0.20, bounds=(0.10, 0.25), step=0.01)
    system_losses_pct = param.Number(default=14.0, bounds=(0.0, 30.0), step=1.0)
    usable_fraction = param.Number(default=1.0, bounds=(0.3, 1.0), step=0.05)
    indicator = param.Selector(default="yield_kwh_kwp", objects=list(INDICATORS))
    roof_id = param.String(default="")

    def key(self) -> tuple[float, float, float]:
        return (round(self.module_efficiency, 4), round(self.system_losses_pct, 2),
                round(self.usable_fraction, 4))

    @property
    def synthetic(self) -> bool:
        return self.roof_set == "synthetic_stock"

    def results(self) -> dict:
        """Roof table, one-row totals, class table and left-out roofs for the current state."""
        if self.synthetic:
            s = _stock(*self.key())
            t = s.commune_totals
            totals = pd.DataFrame([{"roofs": t["roofs"].sum(), "usable_area_m2": t["usable_area_m2"].sum(),
                                    "peak_power_mwp": t["peak_power_mwp"].sum(),
                                    "annual_gwh": t["annual_gwh"].sum()}])
            return {"roofs": s.top_roofs, "totals": totals, "classes": s.class_totals,
                    "bad": pd.DataFrame(columns=["row_id", "roof_id", "reason"])}
        prod = _real(self.roof_set, *self.key())
        from ..solar_roofs import bad_roofs, class_totals

        return {"roofs": prod, "totals": sd.set_totals(prod), "classes": class_totals(prod),
                "bad": bad_roofs(prod)}

    def commune_frame(self) -> pd.DataFrame:
        """Communes with the chosen indicator (synthetic-stock totals or modelled yield)."""
        geo = _communes_geo()
        if self.indicator == "yield_kwh_kwp":
            ref = _reference_yield(self.key()[1]).rename(columns={"specific_yield_kwh_kwp": "yield_kwh_kwp"})
            return geo.merge(ref[["commune_code", "yield_kwh_kwp"]], on="commune_code", how="left")
        totals = _stock(*self.key()).commune_totals.reset_index()
        return geo.merge(totals, on="commune_code", how="left")


class SolarPage(pn.viewable.Viewer):
    """Roof map + inspector, commune choropleth, totals, tables and downloads."""

    state = param.ClassSelector(class_=SolarState)
    lang = param.String(default="fr")

    def __init__(self, **params):
        params.setdefault("state", SolarState())
        super().__init__(**params)
        self._results: dict = {}
        self._commune_table = pd.DataFrame()
        self._map_ids: list[str] = []
        self._raster = None
        md = dict(sizing_mode="stretch_width")
        self._totals = pn.pane.Markdown(css_classes=["solar-totals"], **md)
        self._alert = pn.pane.Alert(tr("sol_synthetic_alert", self.lang), alert_type="warning",
                                    visible=False, css_classes=["solar-synthetic-alert"], **md)
        self._error = pn.pane.Alert("", alert_type="danger", visible=False, **md)
        self._map_caption = pn.pane.Markdown(css_classes=["solar-map-caption"], **md)
        self._inspector = pn.pane.Markdown(tr("sol_pick", self.lang), css_classes=["solar-inspector"], **md)
        self._commune_caption = pn.pane.Markdown(css_classes=["solar-commune-caption"], **md)
        self._roof_pipe = hv.streams.Pipe(data=None)
        self._roof_dmap = hv.DynamicMap(self._polygons, streams=[self._roof_pipe])
        self._tap = hv.streams.Selection1D(source=self._roof_dmap)
        self._tap.param.watch(self._on_tap, "index")
        self._map = pn.pane.HoloViews(self._roof_dmap, min_height=480, linked_axes=False, **md)
        self._bars = pn.pane.HoloViews(hv.Bars([]), min_height=260, **md)
        # shown once a roof is chosen (toggling a HoloViews pane's own visibility fails in Panel 1.9)
        self._bars_box = pn.Column(self._bars, visible=False, **md)
        self._commune_pipe = hv.streams.Pipe(data=None)
        self._commune_map = pn.pane.HoloViews(hv.DynamicMap(self._choropleth, streams=[self._commune_pipe]),
                                              min_height=520, linked_axes=False, **md)
        self._table = pn.widgets.Tabulator(pd.DataFrame(columns=TABLE_COLUMNS), disabled=True,
                                           show_index=False, selectable=1, pagination="local",
                                           page_size=12, name="roofs", **md)
        self._table.param.watch(self._on_row, "selection")
        self.state.param.watch(self._on_params, ["roof_set", "module_efficiency", "system_losses_pct",
                                                 "usable_fraction"])
        self.state.param.watch(self._on_indicator, ["indicator"])
        self.state.param.watch(self._on_roof, ["roof_id"])
        self._update_all()

    # ---------------------------------------------------------------- figures
    def _polygons(self, data):
        if data is None or len(data) == 0:
            return hv.Polygons([]).opts(responsive=True, min_height=480)
        title = f"{tr('sol_map_title', self.lang)} — {tr('sol_set_' + self.state.roof_set, self.lang)}"
        return splots.roof_polygons(data, title=title).opts(framewise=True)

    def _choropleth(self, data):
        if data is None:
            return hv.Polygons([]).opts(responsive=True, min_height=520)
        frame, indicator, label = data
        cmap = "viridis" if indicator == "yield_kwh_kwp" else "YlOrRd"
        return choropleth(frame, indicator, label=label, title=label, cmap=cmap,
                          tolerance=0.0003).opts(framewise=True)

    # ---------------------------------------------------------------- updates
    def _update_all(self) -> None:
        self._results = self.state.results()
        self._update_totals()
        self._update_map()
        self._update_table()
        self._update_communes()
        self._update_inspector()

    def _update_totals(self) -> None:
        lang, r = self.lang, self._results
        t, cls = r["totals"].iloc[0], r["classes"]
        shares = " · ".join(
            f"{tr('sol_class_' + c, lang)} {fmt_number(100 * cls.loc[c, 'roof_share'], lang)} %"
            for c in reversed(SOLAR_CLASSES))
        synthetic = f" ({tr('sol_synthetic', lang)})" if self.state.synthetic else ""
        bad = (f" — {fmt_number(len(r['bad']), lang)} {tr('sol_left_out', lang)}" if len(r["bad"]) else "")
        self._totals.object = (
            f"### {tr('sol_set_' + self.state.roof_set, lang)}{synthetic}\n"
            f"**{fmt_number(t['roofs'], lang)} {tr('sol_roofs', lang)}** · "
            f"**{fmt_number(t['peak_power_mwp'], lang, 2)} {tr('sol_mwp', lang)}** · "
            f"**{fmt_number(t['annual_gwh'], lang, 2)} {tr('sol_per_year', lang)}** · {shares}{bad}")
        self._alert.visible = self.state.synthetic

    def _sources(self, datasets: list[str]) -> str:
        prov = _provenance()
        rows = prov[prov["dataset_id"].isin(datasets)].drop_duplicates("dataset_id")
        return "; ".join(f"{r.producer}, {r.title} ({r.vintage})" for r in rows.itertuples())

    def _update_map(self) -> None:
        lang, roof_set = self.lang, self.state.roof_set
        datasets = ["nsrdb_paris_tmy"]
        if self.state.synthetic:
            if self._raster is None:
                title = f"{tr('sol_map_title', lang)} — {tr('sol_set_synthetic_stock', lang)}"
                self._raster = splots.roof_points_raster(sd.stock_points(), title=title)
            self._map.object = self._raster
            self._map_ids = []
            datasets += ["arcep_communes_info", "ign_communes_2018"]
        else:
            prod = self._results["roofs"]
            self._map_ids = prod["roof_id"].astype(str).tolist()
            self._roof_pipe.send(prod)
            if self._map.object is not self._roof_dmap:
                self._map.object = self._roof_dmap
            datasets.append(sd.ROOF_SETS[roof_set])
        self._map_caption.object = (
            f"{tr('sol_classes_note', lang)}. {tr('source', lang)} : {self._sources(datasets)}; "
            f"pvlib. {tr('sol_assumptions', lang)}")

    def _table_frame(self) -> pd.DataFrame:
        roofs = self._results["roofs"]
        out = roofs[[c for c in TABLE_COLUMNS if c in roofs.columns]].copy()
        out["roof_id"] = out["roof_id"].astype(str)
        out["solar_class"] = out["solar_class"].astype(str)
        return out.sort_values("annual_kwh", ascending=False).reset_index(drop=True)

    def _update_table(self) -> None:
        self._table.value = self._table_frame().round(3)

    def _update_communes(self) -> None:
        lang, ind = self.lang, self.state.indicator
        frame = self.state.commune_frame()
        self._commune_table = frame.drop(columns=["geometry_wkb"])
        label = tr(f"sol_ind_{ind}", lang)
        self._commune_pipe.send((frame, ind, label))
        if ind == "yield_kwh_kwp":
            note = (f"{tr('sol_modelled', lang)} : NSRDB × pvlib Linke turbidity / clear sky; "
                    f"{tr('source', lang)} : {self._sources(['nsrdb_paris_tmy', 'ign_communes_2018'])}")
        else:
            note = (f"**{tr('sol_synthetic', lang)}** — {tr('sol_synthetic_alert', lang)} "
                    f"{fmt_number(_unplaced(), lang)} {tr('sol_unplaced', lang)}. {tr('source', lang)} : "
                    f"{self._sources(['arcep_communes_info', 'insee_population_2023', 'ign_communes_2018'])}")
        self._commune_caption.object = (
            f"**{label}** — {fmt_number(int(frame[ind].notna().sum()), lang)} {tr('communes', lang)}. {note}")

    def _update_inspector(self) -> None:
        lang, roof_id = self.lang, self.state.roof_id
        roofs = self._results["roofs"]
        match = roofs[roofs["roof_id"].astype(str) == roof_id] if roof_id else roofs.iloc[0:0]
        if match.empty:
            self._inspector.object = tr("sol_pick", lang)
            self._bars_box.visible = False
            return
        row = match.iloc[0]
        eff, losses, usable = self.state.key()
        monthly = monthly_roof_production(row, sd.paris_yield_cube(system_losses_pct=losses),
                                          field=sd.regional_field(), module_efficiency=eff,
                                          usable_fraction=usable)
        self._bars.object = splots.monthly_bars(monthly, label=tr("sol_monthly", lang), lang=lang,
                                                title=f"{tr('sol_inspector', lang)} {roof_id}")
        self._bars_box.visible = True
        fr = lang != "en"
        cls = tr("sol_class_" + str(row["solar_class"]), lang)
        shade = 100 * float(row.get("shading_factor", 0) or 0)
        self._inspector.object = (
            f"**{tr('sol_inspector', lang)} {roof_id}** — {cls} ; "
            f"{fmt_number(row['usable_area_m2'], lang)} m², "
            f"{fmt_number(row['peak_power_kwp'], lang, 1)} {'kWc' if fr else 'kWp'}, "
            f"{fmt_number(row['annual_kwh'], lang)} {'kWh/an' if fr else 'kWh/yr'}, "
            f"{fmt_number(row['irradiation_kwh_m2'], lang)} {'kWh/m²/an' if fr else 'kWh/m²/yr'} ; "
            f"{'ombrage' if fr else 'shading'} {fmt_number(shade, lang)} %, "
            f"{tr('sol_losses', lang).lower()} {fmt_number(losses, lang)}.")

    def _fail(self, exc: Exception) -> None:
        log.exception("solar page update failed", exc_info=exc)
        self._error.object = tr("sol_error", self.lang)
        self._error.visible = True
        if pn.state.notifications is not None:
            pn.state.notifications.error(tr("sol_error", self.lang), duration=5000)

    def _on_params(self, *events) -> None:
        try:
            with pn.param.set_values(self._map, loading=True), \
                    pn.param.set_values(self._commune_map, loading=True):
                if any(e.name == "roof_set" for e in events):
                    self.state.roof_id = ""
                self._update_all()
            self._error.visible = False
        except Exception as exc:  # noqa: BLE001 - never a traceback in the browser
            self._fail(exc)

    def _on_indicator(self, *_) -> None:
        try:
            with pn.param.set_values(self._commune_map, loading=True):
                self._update_communes()
        except Exception as exc:  # noqa: BLE001
            self._fail(exc)

    def _on_roof(self, *_) -> None:
        try:
            self._update_inspector()
        except Exception as exc:  # noqa: BLE001
            self._fail(exc)

    def _on_tap(self, event) -> None:
        if event.new and event.new[0] < len(self._map_ids):
            self.state.roof_id = self._map_ids[event.new[0]]

    def _on_row(self, event) -> None:
        if event.new and event.new[0] < len(self._table.value):
            self.state.roof_id = str(self._table.value.iloc[event.new[0]]["roof_id"])

    # ---------------------------------------------------------------- layout
    def _downloads(self) -> pn.Row:
        lang = self.lang
        return pn.Row(
            pn.widgets.FileDownload(callback=lambda: csv_buffer(self._table_frame()),
                                    filename="solar_roofs.csv",
                                    label=tr("sol_download_roofs", lang), button_type="primary"),
            pn.widgets.FileDownload(callback=lambda: csv_buffer(self._commune_table),
                                    filename="solar_communes.csv", label=tr("sol_download_communes", lang)),
            pn.widgets.FileDownload(callback=lambda: csv_buffer(self._results["classes"].reset_index()),
                                    filename="solar_classes.csv", label=tr("sol_download_classes", lang)))

    def __panel__(self):
        lang, state = self.lang, self.state
        controls = [
            pn.widgets.Select.from_param(state.param.roof_set, name=tr("sol_roof_set", lang),
                                         options={tr(f"sol_set_{k}", lang): k for k in ROOF_SETS}),
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
            pn.Row(pn.Column(self._map, self._map_caption, sizing_mode="stretch_width"),
                   pn.Column(self._inspector, self._bars_box, sizing_mode="stretch_width"),
                   sizing_mode="stretch_width"),
            pn.pane.Markdown(f"## {tr('sol_table', lang)}"), self._table, self._downloads(),
            pn.pane.Markdown(f"## {tr('sol_commune_title', lang)}"), self._commune_map, self._commune_caption,
        ]
        return template("solar", main, sidebar=controls, lang=lang)


def build_page(lang: str):
    """The solar page in ``lang``."""
    return SolarPage(lang=lang).__panel__()


def app():
    """The solar page, guarded (errors become a short message), for notebooks."""
    return guarded(build_page, "solar")
