""""Mon télécentre" page: a worker types a home and a work commune (search boxes), picks a
mode and the days per week at a telecentre, and sees the nearest existing and proposed sites
on a map with the weekly km, hours and CO2 saved and the share of the commute replaced
(:func:`smartidf_analysis.telecentres.finder.find_sites`, the same numbers as the API). A
second section pools a job hub's staff around shared sites
(:func:`smartidf_analysis.telecentres.pooling.pooling_table`), with the seed's Melun example.
State lives in the URL: a shared link reopens the same answer.

Server work per answer: one ``find_sites`` call (about 20 ms) on the loaded data
(:meth:`FinderPage.load`: inputs, the default scenario's proposed sites, computed once per
database build), and one pooling table per hub or headcount change, each in a worker thread
with the latest change's result shown (:meth:`~.updates.LatestUpdates.latest`), then the
panes' updates. A home or work code that is not in the data is said in a warning
(:meth:`FinderPage.explain`).
"""

from __future__ import annotations

import logging

import pandas as pd
import panel as pn

from smartidf_analysis import telecentres as tc
from smartidf_analysis.data import db
from smartidf_analysis.errors import UnknownCodeError
from smartidf_analysis.plots import finder as fplots
from smartidf_analysis.telecentres import finder, pooling
from smartidf_analysis.telecentres.travel import TRAVEL_SOURCE

from ..i18n import fmt_number, tr
from ..page import Page
from ..safe_text import escape_markdown
from ..tables import csv_buffer, number_formatters
from . import texts
from .state import HUBS, URL_PARAMETERS, FinderData, FinderState

log = logging.getLogger("smartidf.apps.finder")

SITE_DISPLAY = ["kind", "station_name", "commune_code", "lines", "distance_km", "time_min",
                "km_saved_per_week", "hours_saved_per_week", "co2_saved_kg_per_week",
                "share_pct"]
POOL_DISPLAY = ["cluster", "station_name", "commune_code", "lines", "origins", "teleworkers",
                "seats", "share_pct"]


class FinderPage(Page):
    """Search boxes → nearest sites, savings, map; pooling section below."""

    page = "finder"
    labels = texts.LABELS
    user_errors = (UnknownCodeError,)
    input_alert_classes = ("finder-alert",)
    State = FinderState
    url_parameters = URL_PARAMETERS

    @classmethod
    def load(cls, database: str) -> FinderData:
        """The candidate sites and flows every session shares, read from the database at ``database`` (cached
        per build).

        Parameters
        ----------
        database : str
            Path of the DuckDB file.

        Returns
        -------
        FinderData
            Inputs, site sets, choices, outlines, the Melun case and the hubs.
        """
        inputs = tc.load_inputs(database)
        existing, proposed = finder.site_sets(inputs)
        choices = finder.commune_choices(inputs.communes)
        labels = {code: label for label, code in choices.items()}
        defaults = (FinderState.param.home.default, FinderState.param.work.default)
        example = (None if all(code in labels for code in defaults)
                   else finder.example_pair(inputs.flows, choices))
        known = set(inputs.communes["commune_code"])
        hubs = tuple(hub for hub, codes in HUBS.items() if known.issuperset(codes))
        melun = (pooling.origin_case(inputs) if pooling.MELUN in known and "la_defense" in hubs
                 else None)
        return FinderData(inputs, existing, proposed, choices, labels,
                          db.query("communes_map", path=database, paris_as_one=False),
                          melun, hubs, finder.proposal_scenario(inputs), example)

    def prepare(self, data: FinderData) -> None:
        """Before the first render: on a region without the default home/work pair or hub,
        start from the example pair and the first hub the data have.

        Parameters
        ----------
        data : FinderData
            What :meth:`load` returned.
        """
        if data.example:  # a region without the default pair
            self.state.home, self.state.work = data.example
        if data.hubs and self.state.hub not in data.hubs:
            self.state.hub = data.hubs[0]

    # ------------------------------------------------------------------ render
    def render(self, data: FinderData) -> tuple[list, list]:
        """The page's ``(main, sidebar)`` objects made from ``data``.

        Parameters
        ----------
        data : FinderData
            What :meth:`load` returned.

        Returns
        -------
        (list, list)
            Main objects and sidebar controls.
        """
        self._data = data
        self.answer: finder.FinderAnswer | None = None
        self.clusters = pd.DataFrame(columns=pooling.POOLING_COLUMNS)
        t = self.tr
        self._cards = pn.pane.HTML(sizing_mode="stretch_width", css_classes=["finder-cards"])
        self._answer_text = pn.pane.Markdown(sizing_mode="stretch_width",
                                             css_classes=["finder-answer"])
        outlines, self._sites_source, self._places_source = fplots.finder_map(
            data.outlines, site_label=t("fd_site"), distance_label=t("fd_distance"))
        self._map = pn.pane.Bokeh(outlines.figure, sizing_mode="stretch_width", min_height=520)
        self._sites = pn.widgets.Tabulator(
            pd.DataFrame(columns=SITE_DISPLAY), disabled=True, show_index=False,
            sizing_mode="stretch_width", titles=self._titles(), formatters=number_formatters(
                None, self.lang, {"distance_km": 1, "time_min": 0, "km_saved_per_week": 0,
                                  "hours_saved_per_week": 1, "co2_saved_kg_per_week": 1,
                                  "share_pct": 0}))
        self._pool = pn.widgets.Tabulator(
            pd.DataFrame(columns=POOL_DISPLAY), disabled=True, show_index=False,
            sizing_mode="stretch_width", titles=self._titles(), pagination="local",
            page_size=10, formatters=number_formatters(
                None, self.lang, {"teleworkers": 0, "seats": 0, "share_pct": 1}))
        self._clamped = pn.pane.Alert(self._clamped_text(), alert_type="info",
                                      visible=data.proposal.n_sites < tc.DEFAULT.n_sites,
                                      sizing_mode="stretch_width", css_classes=["finder-clamped"])
        self._melun = pn.pane.Markdown(self._melun_text(), sizing_mode="stretch_width",
                                       css_classes=["finder-melun"])
        self._home_box = self._search_box("fd_home", self.state.home)
        self._work_box = self._search_box("fd_work", self.state.work)
        self._home_box.param.watch(self.guard(lambda e: self._picked("home", e.new)), "value")
        self._work_box.param.watch(self.guard(lambda e: self._picked("work", e.new)), "value")
        self.watch(self._on_request, ["home", "work", "mode", "days"])
        self.watch(self._on_pooling, ["hub", "min_headcount"])
        self.first_update(self._on_request)
        self.first_update(self._on_pooling)
        return self._layout_objects()

    def _search_box(self, key: str, code: str) -> pn.widgets.AutocompleteInput:
        return pn.widgets.AutocompleteInput(
            name=self.tr(key), options=list(self._data.choices), value=self._data.labels.get(code, ""),
            placeholder=self.tr("fd_search"), search_strategy="includes", case_sensitive=False,
            min_characters=2, restrict=True, sizing_mode="stretch_width",
            css_classes=[f"finder-{key[3:]}"])

    def _titles(self) -> dict[str, str]:
        t = self.tr
        return {"kind": t("fd_kind"), "station_name": t("fd_site"), "commune_code": "Code",
                "lines": t("fd_lines"), "distance_km": t("fd_distance"),
                "time_min": t("fd_time"), "km_saved_per_week": t("fd_km_week"),
                "hours_saved_per_week": t("fd_hours_week"),
                "co2_saved_kg_per_week": t("fd_co2_week"), "share_pct": t("fd_share"),
                "cluster": t("fd_cluster"), "origins": t("fd_origins"),
                "teleworkers": t("fd_teleworkers"), "seats": t("fd_seats")}

    # ------------------------------------------------------------------ finder
    def _picked(self, which: str, label: str) -> None:
        code = self._data.choices.get(label)
        if code and code != getattr(self.state, which):
            setattr(self.state, which, code)

    def _find(self, home: str, work: str, mode: str, days: float) -> finder.FinderAnswer:
        """The worker's answer (pure: a worker thread when served)."""
        return finder.find_sites(self._data.inputs.communes, home, work, mode, days,
                                 self._data.existing, self._data.proposed)

    async def _on_request(self, *_) -> None:
        s = self.state
        async with self.latest(blank=lambda: self._show(None)) as update:
            answer = await update.run(self._find, s.home, s.work, s.mode, s.days)
            with pn.io.hold():
                self._show(answer)

    def explain(self, exc: UnknownCodeError) -> str:
        """A home or work code that is not a commune of the data (a hand-edited URL).

        Parameters
        ----------
        exc : UnknownCodeError
            The finder's error (it names the code).

        Returns
        -------
        str
            The message, the error's text escaped.
        """
        return f"{self.tr('fd_unknown')} : {escape_markdown(exc)}"

    def _show(self, answer: finder.FinderAnswer | None) -> None:
        self.answer = answer
        self._cards.object = self._cards_html(answer)
        self._answer_text.object = self._answer_markdown(answer)
        kinds = {"existing": self.tr("fd_existing"), "proposed": self.tr("fd_proposed")}
        sites = answer.sites if answer is not None else pd.DataFrame()
        self._sites_source.data = fplots.finder_layer_data(
            sites, kinds, [f"{fmt_number(d, self.lang, 1)} km" for d in sites.get(
                "distance_km", [])] or None)
        places = []
        if answer is not None:
            com = self._data.inputs.communes.drop_duplicates("commune_code").set_index(
                "commune_code")
            places = [(com.at[c, "centroid_lon"], com.at[c, "centroid_lat"])
                      for c in (answer.summary["home_code"], answer.summary["work_code"])]
        self._places_source.data = fplots.places_layer_data(places)
        self._sites.value = self._site_display(sites)
        for box, code in ((self._home_box, self.state.home), (self._work_box, self.state.work)):
            label = self._data.labels.get(code, "")
            if label and box.value != label:
                box.value = label

    def _site_display(self, sites: pd.DataFrame) -> pd.DataFrame:
        if sites.empty:
            return pd.DataFrame(columns=SITE_DISPLAY)
        out = sites.assign(kind=sites["kind"].map(lambda k: self.tr(f"fd_{k}")),
                           share_pct=100 * sites["share_of_commute_replaced"].astype(float))
        return out[SITE_DISPLAY]

    def _cards_html(self, answer) -> str:
        lang = self.lang
        if answer is None:
            values = ["—"] * 5
        else:
            s = answer.summary
            values = [fmt_number(s["km_saved_per_week"], lang),
                      fmt_number(s["hours_saved_per_week"], lang, 1),
                      fmt_number(s["hours_saved_per_year"], lang),
                      fmt_number(s["co2_saved_kg_per_week"], lang, 1),
                      fmt_number(100 * s["share_of_commute_replaced"], lang) + " %"]
        keys = ["fd_kpi_km", "fd_kpi_hours", "fd_kpi_hours_year", "fd_kpi_co2", "fd_kpi_share"]
        cards = "".join(
            f'<div class="finder-kpi" style="flex:1 1 150px;border:1px solid #d0d7e2;'
            f'border-radius:6px;padding:8px 12px;background:#f7f9fc">'
            f'<div style="font-size:1.5em;font-weight:600;color:#1f5c99">{v}</div>'
            f'<div style="font-size:0.9em">{tr(k, lang)}</div></div>'
            for v, k in zip(values, keys, strict=True))
        return f'<div style="display:flex;flex-wrap:wrap;gap:8px">{cards}</div>'

    def _answer_markdown(self, answer) -> str:
        if answer is None:
            return ""
        s, lang, t = answer.summary, self.lang, self.tr
        text = (f"**{t('fd_nearest')} : {escape_markdown(s['nearest_site'])}** "
                f"({t('fd_' + s['nearest_kind'])}), "
                f"{fmt_number(s['nearest_distance_km'], lang, 1)} km, "
                f"{fmt_number(s['nearest_time_min'], lang)} min ({t('fd_one_way')}). "
                f"{t('fd_commute')} {escape_markdown(s['home_name'])} → "
                f"{escape_markdown(s['work_name'])} : "
                f"{fmt_number(s['commute_km'], lang, 1)} km, "
                f"{fmt_number(s['commute_min'], lang)} min ({t('fd_one_way')}, "
                f"{t('fd_mode_' + s['mode']).lower()}).")
        if not s["worth_it"]:
            text += f"\n\n{t('fd_not_worth')}"
        return text + "\n\n" + t("fd_method").format(
            n_sites=fmt_number(self._data.proposal.n_sites, lang))

    def _clamped_text(self) -> str:
        """Said when the region has fewer candidate stations than the default scenario's p."""
        n, lang = self._data.proposal.n_sites, self.lang
        return self.tr("fd_clamped").format(asked=fmt_number(tc.DEFAULT.n_sites, lang),
                                            placed=fmt_number(n, lang))

    # ------------------------------------------------------------------ pooling
    def _pooling_table(self, hub: str, min_headcount: int) -> pd.DataFrame:
        """The hub's pooled groups (pure: a worker thread when served)."""
        if hub not in self._data.hubs:  # a hub the data has not (synthetic)
            return pd.DataFrame(columns=pooling.POOLING_COLUMNS)
        return pooling.pooling_table(self._data.inputs, HUBS[hub], float(min_headcount))

    async def _on_pooling(self, *_) -> None:
        async with self.latest(self._pool, channel="pooling") as update:
            table = await update.run(self._pooling_table, self.state.hub,
                                     self.state.min_headcount)
            with pn.io.hold():
                self._show_pooling(table)

    def _show_pooling(self, table: pd.DataFrame) -> None:
        self.clusters = table
        shown = table.assign(share_pct=100 * table["share_of_hub"].astype(float))
        self._pool.value = shown[POOL_DISPLAY]
        self._melun.visible = self._data.melun is not None and self.state.hub == "la_defense"

    def _melun_text(self) -> str:
        m, lang = self._data.melun, self.lang
        if m is None:
            return ""
        return tr("fd_melun", lang).format(
            workers=fmt_number(m["hub_workers_from_origin"], lang),
            users=fmt_number(m["telecentre_users"], lang), site=escape_markdown(m["cluster_site"]),
            cluster=fmt_number(m["cluster_teleworkers"], lang),
            origins=fmt_number(m["cluster_origins"], lang),
            days=fmt_number(m["days_per_week"], lang), seats=fmt_number(m["seats_for_staff"], lang))

    # ------------------------------------------------------------------ layout
    def _layout_objects(self) -> tuple[list, list]:
        t, st = self.tr, self.state
        controls = [
            self._home_box, self._work_box,
            pn.widgets.RadioButtonGroup.from_param(
                st.param.mode, name=t("fd_mode"),
                options={t(f"fd_mode_{m}"): m for m in finder.FINDER_MODES}),
            pn.widgets.FloatSlider.from_param(st.param.days, name=t("fd_days")),
            pn.pane.Markdown(f"**{t('fd_pool_title')}**"),
            pn.widgets.Select.from_param(st.param.hub, name=t("fd_hub"),
                                         options={t(f"fd_hub_{h}"): h for h in self._data.hubs}),
            pn.widgets.IntSlider.from_param(st.param.min_headcount, name=t("fd_min_headcount")),
        ]
        download = pn.widgets.FileDownload(
            callback=lambda: csv_buffer(self.answer.as_frame() if self.answer is not None
                                        else pd.DataFrame(columns=finder.SITE_COLUMNS)),
            filename="finder_sites.csv", label=t("fd_download"), color="primary")
        pool_download = pn.widgets.FileDownload(
            callback=lambda: csv_buffer(self.clusters), filename="pooling_clusters.csv",
            label=t("fd_pool_download"))
        source = (f"{t('source')} : {escape_markdown(self._data.inputs.source_caption())} ; "
                  f"{TRAVEL_SOURCE}.")
        main = [
            pn.Column(self._clamped, self._cards, self._answer_text, self._map,
                      pn.pane.Markdown(f"*{t('fd_map_title')}*", sizing_mode="stretch_width"),
                      sizing_mode="stretch_width"),
            pn.Column(pn.pane.Markdown(f"## {t('fd_sites_title')}"), self._sites, download,
                      pn.pane.Markdown(source, sizing_mode="stretch_width",
                                       css_classes=["finder-source"]),
                      sizing_mode="stretch_width"),
            pn.Column(pn.pane.Markdown(f"## {t('fd_pool_title')}"),
                      pn.pane.Markdown(t("fd_pool_caption"), sizing_mode="stretch_width"),
                      self._melun, self._pool, pool_download, sizing_mode="stretch_width"),
        ]
        return main, controls


build_page = FinderPage.build_page  # what the entry script serves (Page.build_page)
