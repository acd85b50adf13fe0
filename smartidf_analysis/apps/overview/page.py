"""Overview page: the data catalogue, build issues, one headline card per theme and a map of
communes by population (or density)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import panel as pn
import param
from bokeh.palettes import Viridis256

from smartidf_analysis import plots
from smartidf_analysis.data import db
from smartidf_analysis.plots.polygon_map import PolygonMap, decade_scale
from smartidf_analysis.reporting import headlines

from ..i18n import fmt_number, tr
from ..page import Page
from ..safe_text import escape_markdown
from ..shell import missing_data_panel
from ..tables import csv_buffer

METRICS = ("population", "density_per_km2")
#: the datasets cited under the map and under the regional totals
MAP_DATASETS = ("insee_population_2023", "ign_communes_2018", "paris_arrondissements")
TOTALS_DATASETS = ("insee_population_2023", "ign_communes_2018", "insee_cog_2026")


@dataclass(frozen=True)
class OverviewData:
    """What every session of the overview shares, for one database build.

    Parameters
    ----------
    missing : DataFrame
        Datasets the last build could not get (:func:`~smartidf_analysis.data.db.missing_datasets`).
    has_communes : bool
        The ``communes`` table exists (without it: no map nor headline, only the catalogue).
    catalogue : DataFrame
        The ``overview_catalogue`` query's rows.
    issues : DataFrame
        The ``build_issues`` query's rows.
    totals : Series or None
        Region totals (None without communes).
    communes : dict of bool to DataFrame
        Map frames, by "Paris as one commune".
    provenance : DataFrame
        Provenance rows of the ``communes`` table.
    headlines : DataFrame
        :func:`smartidf_analysis.reporting.headlines.theme_headlines`.
    """

    missing: pd.DataFrame  # datasets the last build could not get (db.missing_datasets)
    has_communes: bool  # without the communes table: no map nor headline, only the catalogue
    catalogue: pd.DataFrame
    issues: pd.DataFrame
    totals: pd.Series | None
    communes: dict[bool, pd.DataFrame]  # map frames, by Paris as one commune
    provenance: pd.DataFrame  # provenance rows of the communes table
    headlines: pd.DataFrame  # reporting.headlines.theme_headlines


class OverviewState(param.Parameterized):
    """State of the overview page (synced to the URL)."""

    metric = param.Selector(default="population", objects=list(METRICS), doc="""
        Map value: municipal population [inhabitants] or density [inhabitants per km²].""")
    paris_as_one = param.Boolean(default=False, doc="""
        Paris as one commune (75056) instead of its 20 arrondissements.""")


class OverviewPage(Page):
    """Catalogue (dataset, vintage, licence, rows, build issues) and a population map."""

    page = "overview"
    State = OverviewState
    url_parameters = ("metric", "paris_as_one")

    @classmethod
    def load(cls, database: str) -> OverviewData:
        """The headline figures every session shares, read from the database at ``database`` (cached per
        build).

        Parameters
        ----------
        database : str
            Path of the DuckDB file.

        Returns
        -------
        OverviewData
            The catalogue, issues, totals, maps, provenance and the themes' headlines.
        """
        missing = db.missing_datasets(page="overview", path=database)
        has_communes = not any("communes" in t for t in missing["tables"])
        communes, totals, provenance = {}, None, pd.DataFrame()
        if has_communes:
            communes = {one: db.query("communes_map", path=database, paris_as_one=one)
                        for one in (False, True)}
            totals = db.query("region_totals", path=database).iloc[0]
            provenance = db.query("provenance_for_tables", path=database, tables=["communes"])
        return OverviewData(missing, has_communes, db.query("overview_catalogue", path=database),
                            db.query("build_issues", path=database), totals, communes,
                            provenance, headlines.theme_headlines())

    def _source(self, datasets: tuple[str, ...]) -> str:
        rows = self.shared.provenance
        rows = rows[rows["dataset_id"].isin(datasets)]
        return escape_markdown(plots.source_caption(rows, self.lang))

    def render(self, shared: OverviewData) -> tuple[list, list]:
        """The page's ``(main, sidebar)`` objects made from ``shared``.

        Parameters
        ----------
        shared : OverviewData
            What :meth:`load` returned.

        Returns
        -------
        (list, list)
            Main objects and sidebar controls.
        """
        self.shared = shared
        self._maps: dict[bool, PolygonMap] = {}  # one Bokeh map per Paris geometry set
        self._map = pn.pane.Bokeh(sizing_mode="stretch_width", min_height=540)
        self._caption = pn.pane.Markdown(sizing_mode="stretch_width", css_classes=["map-caption"])
        if shared.has_communes:
            self.watch(self._redraw, ["metric", "paris_as_one"])
            self._redraw()
        return self._layout_objects()

    def _map_for(self, frame: pd.DataFrame, paris_as_one: bool) -> PolygonMap:
        if paris_as_one not in self._maps:
            self._maps[paris_as_one] = PolygonMap(frame, value_label=tr("population", self.lang))
        return self._maps[paris_as_one]

    def _redraw(self, *_):
        """Recolour the map in place (only values travel to the browser); a new geometry set
        (Paris as one commune or as arrondissements) swaps the figure."""
        lang, metric = self.lang, self.state.metric
        frame = self.shared.communes[self.state.paris_as_one]
        title = tr("population_map" if metric == "population" else "density_map", lang)
        cmap = self._map_for(frame, self.state.paris_as_one)
        values = cmap.values_for(frame, metric)
        display = [fmt_number(v, lang) for v in values]
        logs, scale = decade_scale(values, Viridis256, lambda v: fmt_number(v, lang))
        cmap.update(logs, display, scale, title=title, value_label=tr(metric, lang))
        if self._map.object is not cmap.figure:
            self._map.object = cmap.figure
        self._caption.object = (
            f"**{title}** — {fmt_number(len(frame), lang)} {tr('communes', lang)} "
            f"({tr('log_scale', lang)}). {self._source(MAP_DATASETS)}.")

    def _layout_objects(self) -> tuple[list, list]:
        lang, shared = self.lang, self.shared
        shown = shared.catalogue[["dataset_id", "table_name", "title", "producer", "vintage",
                                  "licence", "rows", "build_issues"]]
        issues = shared.issues
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
        main = [pn.pane.Markdown(f"## {tr('catalogue', lang)}"), table,
                pn.pane.Markdown(f"## {tr('build_issues', lang)}"), issues_table, downloads]
        if shared.has_communes:
            totals = shared.totals
            headline = pn.pane.Markdown(
                f"### Île-de-France : {fmt_number(totals['communes'], lang)} "
                f"{tr('communes', lang)}, {fmt_number(totals['population'], lang)} "
                f"{tr('inhabitants', lang)}, {tr('area', lang)} "
                f"{fmt_number(totals['area_km2'], lang)} km²\n\n{self._source(TOTALS_DATASETS)}.",
                sizing_mode="stretch_width")
            main = [headline, self._headline_cards(), self._map, self._caption, *main]
        if not shared.missing.empty:
            main.insert(0, missing_data_panel(shared.missing, lang))
        return main, controls

    def _headline_cards(self) -> pn.Row:
        """One card per theme: its headline figure, source and vintage, and a link."""
        lang = self.lang
        suffix = "?lang=en" if lang == "en" else ""
        cards = []
        for row in self.shared.headlines.itertuples():
            error = row.error if isinstance(row.error, str) else ""  # NaN when none
            if error.startswith(headlines.MISSING):
                body = (f"*{tr('missing_short', lang)}* "
                        f"{escape_markdown(error.removeprefix(headlines.MISSING))}")
            elif error:
                body = f"*{tr('no_data', lang)}*"
            else:
                digits = 1 if row.unit == "%" else 0
                value = fmt_number(row.value, lang, digits)
                unit = f" {row.unit}" if row.unit and row.unit != "%" else row.unit
                label = row.label_en if lang == "en" else row.label_fr
                body = (f"<span style='font-size:1.8em;font-weight:600'>{value}{unit}</span>"
                        f"<br>{label}<br><small>{tr('source', lang)} : "
                        f"{escape_markdown(row.source)} ({escape_markdown(row.vintage)})</small>")
            cards.append(pn.pane.Markdown(
                f"#### [{tr(row.theme, lang)}](./{row.theme}{suffix})\n\n{body}",
                css_classes=["headline-card", f"headline-{row.theme}"], min_width=220,
                sizing_mode="stretch_width", styles={"border": "1px solid #d0d7e2",
                                                     "border-radius": "6px", "padding": "6px"}))
        return pn.Row(*cards, sizing_mode="stretch_width")


build_page = OverviewPage.build_page  # what the entry script serves (Page.build_page)
