"""Overview page: the data catalogue, build issues and a map of communes by population."""

from __future__ import annotations

import pandas as pd
import panel as pn
import param
from bokeh.palettes import Viridis256

from smartidf_analysis.data import db
from smartidf_analysis.plots.polygon_map import PolygonMap, decade_scale
from smartidf_analysis.reporting import headlines

from .i18n import fmt_number, tr
from .shell import apply_changes, csv_buffer, guarded, missing_data_panel, sync_url, template

METRICS = ("population", "density_per_km2")


@pn.cache(max_items=4)
def _communes(paris_as_one: bool) -> pd.DataFrame:
    return db.query("communes_map", paris_as_one=paris_as_one)


class OverviewState(param.Parameterized):
    """State of the overview page (synced to the URL)."""

    metric = param.Selector(default="population", objects=list(METRICS))
    paris_as_one = param.Boolean(default=False)

    @param.depends("paris_as_one")
    def communes(self) -> pd.DataFrame:
        return _communes(self.paris_as_one)


class OverviewPage(pn.viewable.Viewer):
    """Catalogue (dataset, vintage, licence, rows, build issues) and a population map."""

    state = param.ClassSelector(class_=OverviewState)
    lang = param.String(default="fr")

    def __init__(self, **params):
        params.setdefault("state", OverviewState())
        super().__init__(**params)
        self._maps: dict[bool, PolygonMap] = {}  # one Bokeh map per Paris geometry set
        self._map = pn.pane.Bokeh(sizing_mode="stretch_width", min_height=540)
        self._caption = pn.pane.Markdown(sizing_mode="stretch_width", css_classes=["map-caption"])
        self._missing = db.missing_datasets(page="overview")
        #: without the communes table there is no map nor headline, only the catalogue
        self._has_communes = not any("communes" in t for t in self._missing["tables"])
        self.state.param.watch(self._redraw, ["metric", "paris_as_one"])
        if self._has_communes:
            self._redraw()

    def _map_for(self, frame: pd.DataFrame, paris_as_one: bool) -> PolygonMap:
        if paris_as_one not in self._maps:
            self._maps[paris_as_one] = PolygonMap(frame, value_label=tr("population", self.lang))
        return self._maps[paris_as_one]

    def _redraw(self, *_):
        if not self._has_communes:
            return
        """Recolour the map in place (only values travel to the browser); a new geometry set
        (Paris as one commune or as arrondissements) swaps the figure. Computed here (a
        worker thread when served), applied in one message by :func:`apply_changes`."""
        lang, metric = self.lang, self.state.metric
        frame = self.state.communes()
        title = tr("population_map" if metric == "population" else "density_map", lang)
        cmap = self._map_for(frame, self.state.paris_as_one)
        values = cmap.values_for(frame, metric)
        display = [fmt_number(v, lang) for v in values]
        logs, scale = decade_scale(values, Viridis256, lambda v: fmt_number(v, lang))

        caption = (
            f"**{title}** — {fmt_number(len(frame), lang)} {tr('communes', lang)} "
            f"({tr('log_scale', lang)}). {tr('source', lang)} : INSEE, populations légales "
            "2023 (population municipale) ; IGN ADMIN EXPRESS COG 2018 ; Ville de Paris, "
            "arrondissements.")

        def apply():
            cmap.update(logs, display, scale, title=title, value_label=tr(metric, lang))
            if self._map.object is not cmap.figure:
                self._map.object = cmap.figure
            self._caption.object = caption

        apply_changes(apply)

    def _catalogue(self) -> pd.DataFrame:
        return db.query("overview_catalogue")

    def __panel__(self):
        lang = self.lang
        totals = db.query("region_totals").iloc[0]
        catalogue = self._catalogue()
        issues = db.query("build_issues")
        headline = pn.pane.Markdown(
            f"### Île-de-France : {fmt_number(totals['communes'], lang)} {tr('communes', lang)}, "
            f"{fmt_number(totals['population'], lang)} {tr('inhabitants', lang)}, "
            f"{tr('area', lang)} {fmt_number(totals['area_km2'], lang)} km²\n\n"
            f"{tr('source', lang)} : INSEE, populations légales 2023 ; IGN ADMIN EXPRESS 2018 ; "
            f"INSEE COG 2026.", sizing_mode="stretch_width")
        shown = catalogue[["dataset_id", "table_name", "title", "producer", "vintage", "licence", "rows",
                           "build_issues"]]
        table = pn.widgets.Tabulator(shown, disabled=True, show_index=False, pagination="local",
                                     page_size=30, sizing_mode="stretch_width", name="catalogue")
        issues_table = pn.widgets.Tabulator(issues, disabled=True, show_index=False,
                                            pagination="local", page_size=10,
                                            sizing_mode="stretch_width", name="build_issues")
        downloads = pn.Row(
            pn.widgets.FileDownload(callback=lambda: csv_buffer(shown), filename="catalogue.csv",
                                    label=tr("download_csv", lang), color="primary"),
            pn.widgets.FileDownload(callback=lambda: csv_buffer(issues), filename="build_issues.csv",
                                    label=tr("download_csv", lang) + " — " + tr("build_issues", lang)),
        )
        controls = [
            pn.widgets.RadioButtonGroup.from_param(
                self.state.param.metric, options={tr(m, lang): m for m in METRICS},
                name=tr("indicator", lang)),
            pn.widgets.Checkbox.from_param(self.state.param.paris_as_one,
                                           name=tr("paris_as_one", lang)),
        ]
        sync_url(self.state, ["metric", "paris_as_one"])
        main = [pn.pane.Markdown(f"## {tr('catalogue', lang)}"), table,
                pn.pane.Markdown(f"## {tr('build_issues', lang)}"), issues_table, downloads]
        if self._has_communes:
            main = [headline, self._headline_cards(), self._map, self._caption, *main]
        if not self._missing.empty:
            main.insert(0, missing_data_panel(self._missing, lang))
        return template("overview", main, sidebar=controls, lang=lang)


    def _headline_cards(self) -> pn.Row:
        """One card per theme: its headline figure, source and vintage, and a link."""
        lang = self.lang
        suffix = "?lang=en" if lang == "en" else ""
        cards = []
        for row in headlines.theme_headlines().itertuples():
            error = row.error if isinstance(row.error, str) else ""  # NaN when none
            if error.startswith(headlines.MISSING):
                body = f"*{tr('missing_short', lang)}* {error.removeprefix(headlines.MISSING)}"
            elif error:
                body = f"*{tr('no_data', lang)}*"
            else:
                digits = 1 if row.unit == "%" else 0
                value = fmt_number(row.value, lang, digits)
                unit = f" {row.unit}" if row.unit and row.unit != "%" else row.unit
                label = row.label_en if lang == "en" else row.label_fr
                body = (f"<span style='font-size:1.8em;font-weight:600'>{value}{unit}</span>"
                        f"<br>{label}<br><small>{tr('source', lang)} : {row.source} "
                        f"({row.vintage})</small>")
            cards.append(pn.pane.Markdown(
                f"#### [{tr(row.theme, lang)}](./{row.theme}{suffix})\n\n{body}",
                css_classes=["headline-card", f"headline-{row.theme}"], min_width=220,
                sizing_mode="stretch_width", styles={"border": "1px solid #d0d7e2",
                                                     "border-radius": "6px", "padding": "6px"}))
        return pn.Row(*cards, sizing_mode="stretch_width")


def build_page(lang: str):
    """The overview page in ``lang``."""
    return OverviewPage(lang=lang).__panel__()


def app():
    """The overview page, guarded (errors become a short message), for notebooks."""
    return guarded(build_page, "overview")
