"""Telecentres page: sliders for p, radius, distance threshold, teleworkable share and days
per week; a map of the chosen sites sized by the demand they serve; KPI cards; the chosen
sites and a scenario comparison, both downloadable as CSV. State lives in the URL
(:class:`~.page.Page`).

The inputs (flows, stations, fibre, home-to-site distances), the commune outlines and the
reference scenario are loaded once per database build (:meth:`TelecentresPage.load`). Per
slider change (sliders are throttled) the scenario is solved off the event loop when served
(the demand model, the greedy siting or the exact MILP, the savings:
:func:`~smartidf_analysis.telecentres.scenarios.run_scenario`), cached per build and scenario
(:data:`.state.SCENARIOS`); the commune outlines are drawn once per session (Bokeh,
:func:`~smartidf_analysis.plots.telecentres.site_map`), only the site points' data source,
the KPI cards and the tables change.
"""

from __future__ import annotations

import logging

import pandas as pd
import panel as pn

from smartidf_analysis import telecentres as tc
from smartidf_analysis.plots import telecentres as tplots
from smartidf_analysis.siting import SitingSettingsError
from smartidf_analysis.telecentres import networks
from smartidf_analysis.telecentres import scenarios as ts

from ..i18n import fmt_number, tr
from ..page import Page
from ..tables import csv_buffer
from . import display as show
from . import texts
from .display import COMPARE_COLUMNS, error_message
from .state import (
    GPE_COMPARISONS,
    SCENARIOS,
    URL_PARAMETERS,
    TelecentresPageData,
    TelecentresState,
    solve,
)

log = logging.getLogger("smartidf.apps.telecentres")

class TelecentresPage(Page):
    """Sliders → scenario → map of sites, KPI cards, sites table, scenario comparison."""

    page = "telecentres"
    labels = texts.LABELS
    user_errors = (SitingSettingsError,)
    input_alert_classes = ("tc-alert",)
    State = TelecentresState
    url_parameters = URL_PARAMETERS

    @classmethod
    def load(cls, database: str) -> TelecentresPageData:
        """The scenario inputs every session shares, read from the database at ``database`` (cached per
        build).

        Parameters
        ----------
        database : str
            Path of the DuckDB file.

        Returns
        -------
        TelecentresPageData
            Inputs, seams, outlines, candidates and the solved reference scenario.
        """
        inputs = tc.load_inputs(database)
        _ = inputs.distances  # computed once, before the first slider move
        n_candidates = int(inputs.candidates(tc.DEFAULT)["candidate"].sum())
        # the reference scenario must be feasible too (a small, synthetic region has fewer
        # candidate stations than the default p)
        reference = tc.DEFAULT.but(n_sites=max(1, min(tc.DEFAULT.n_sites, n_candidates)))
        try:
            reference_result = solve(inputs, reference)
        except SitingSettingsError as exc:  # no reference row in the comparison table
            log.warning("telecentres: the reference scenario is impossible: %s", exc)
            reference_result = None
        return TelecentresPageData(inputs, tc.data_seams(inputs).set_index("seam")["count"],
                                   tc.commune_outlines(database), n_candidates, reference,
                                   reference_result, inputs.source_rows())

    def prepare(self, shared: TelecentresPageData) -> None:
        """On a region with fewer candidate sites than the default count (the synthetic one), start at half of
        them.

        Parameters
        ----------
        shared : TelecentresPageData
            What :meth:`load` returned.
        """
        if 0 < shared.n_candidates < self.state.n_sites:  # small (synthetic) region
            self.state.n_sites = shared.n_candidates // 2 or 1
        self._default_n_sites = self.state.n_sites  # before the URL's value

    def _clamped_text(self) -> str:
        """Said when the region has fewer candidate stations than the default p."""
        lang = self.lang
        return tr("tc_clamped", lang).format(
            candidates=fmt_number(self.shared.n_candidates, lang),
            asked=fmt_number(tc.DEFAULT.n_sites, lang),
            p=fmt_number(self._default_n_sites, lang))

    def render(self, shared: TelecentresPageData) -> tuple[list, list]:
        """The page's ``(main, sidebar)`` objects made from ``shared``.

        Parameters
        ----------
        shared : TelecentresPageData
            What :meth:`load` returned.

        Returns
        -------
        (list, list)
            Main objects and sidebar controls.
        """
        self.shared = shared
        self.result: ts.ScenarioResult | None = None
        self._pinned: list[tuple[str, ts.ScenarioResult]] = []
        lang, md = self.lang, dict(sizing_mode="stretch_width")
        self._kpis = pn.pane.HTML(css_classes=["tc-kpis"], **md)
        self._clamped = pn.pane.Alert(self._clamped_text(), alert_type="info",
                                      visible=0 < shared.n_candidates < tc.DEFAULT.n_sites,
                                      css_classes=["tc-clamped"], **md)
        self._caption = pn.pane.Markdown(css_classes=["tc-caption"], **md)
        outlines, self._site_source = tplots.site_map(
            shared.outlines, users_label=tr("tc_col_users", lang),
            name_label=tr("tc_col_station", lang))
        self._map = pn.Column(pn.pane.Bokeh(outlines.figure, min_height=560, **md),
                              min_height=560, **md)
        table = dict(disabled=True, show_index=False, titles=show.titles(lang),
                     formatters=show.formatters(lang), **md)
        self._sites = pn.widgets.Tabulator(show.sites_shown(None), pagination="local",
                                           page_size=15, **table)
        self._compare = pn.widgets.Tabulator(pd.DataFrame(columns=COMPARE_COLUMNS), **table)
        # the with / without Grand Paris Express table: made at the first comparison asked
        # (an empty table was about a fifth of the page's Bokeh models at every opening)
        self._gpe: pn.widgets.Tabulator | None = None
        self._gpe_box = pn.Column(**md)
        self._gpe_caption = pn.pane.Markdown(css_classes=["tc-gpe-caption"], **md)
        self.watch(self._update, list(URL_PARAMETERS))
        self.first_update(self._update)
        return self._layout_objects()

    # ------------------------------------------------------------------ updates
    def _solve(self, scenario: tc.Scenario):
        """:func:`solve` cached per build and scenario (pure: a worker thread when served)."""
        return SCENARIOS.get(self.fingerprint, scenario,
                             lambda: solve(self.shared.inputs, scenario))

    async def _update(self, *_) -> None:
        """Solve the state's scenario off the loop, then show it (only the latest change's
        result is shown; an impossible setting blanks the figures and says why)."""
        async with self.latest(self._map, blank=lambda: self._show(None)) as update:
            result = await update.run(self._solve, self.state.scenario())
            with pn.io.hold():
                self._show(result)

    def explain(self, exc: SitingSettingsError) -> str:
        """Why the setting is impossible, in the page's language (a zero radius, p above the
        candidate stations, no demand...).

        Parameters
        ----------
        exc : SitingSettingsError
            The siting model's error.

        Returns
        -------
        str
            :func:`~smartidf_analysis.apps.telecentres.display.error_message`.
        """
        return error_message(exc, self.lang)

    def _comparison(self) -> pd.DataFrame:
        rows = {}
        if self.shared.reference_result is not None:
            rows[tr("tc_reference", self.lang)] = self.shared.reference_result
        rows.update(self._pinned)
        if self.result is not None:
            rows[tr("tc_current", self.lang)] = self.result
        return ts.compare(rows).reindex(columns=COMPARE_COLUMNS)

    def _show(self, result: ts.ScenarioResult | None) -> None:
        """Show ``result`` (None: KPIs blank, no sites): on the loop, every change in one
        message."""
        lang, s = self.lang, self.state
        self.result = result
        tplots.show_sites(self._site_source, result.sites if result is not None else pd.DataFrame(),
                          lambda u: fmt_number(u, lang))
        self._kpis.object = show.kpi_html(result, lang)
        self._caption.object = show.caption(result, s.model, s.method, self.shared.sources,
                                            self.shared.seams, lang)
        self._sites.value = show.sites_shown(result)
        self._compare.value = self._comparison()

    def _gpe_comparison(self, scenario: tc.Scenario) -> pd.DataFrame:
        """:func:`networks.gpe_comparison` cached per build and scenario (pure)."""
        return GPE_COMPARISONS.get(self.fingerprint, scenario,
                                   lambda: networks.gpe_comparison(self.shared.inputs, scenario))

    async def compare_gpe(self, *_) -> None:
        """The current scenario with and without the Grand Paris Express stations (two
        solves, off the loop).

        Parameters
        ----------
        *_ : object
            The button event (ignored).
        """
        scenario, lang = self.state.scenario(), self.lang
        self._gpe_box.loading = True
        try:
            table = await self.in_thread(self._gpe_comparison, scenario)
            shown = show.gpe_shown(table, lang)
            if self._gpe is None:
                self._gpe = pn.widgets.Tabulator(
                    shown, disabled=True, show_index=False, titles=show.gpe_titles(lang),
                    formatters=show.gpe_formatters(lang), css_classes=["tc-gpe"],
                    sizing_mode="stretch_width")
                self._gpe_box[:] = [self._gpe]
            else:
                self._gpe.value = shown
            self._gpe_caption.object = show.gpe_caption(table, scenario, lang)
        finally:
            self._gpe_box.loading = False

    def pin(self, *_) -> None:
        """Add the current scenario to the comparison table.

        Parameters
        ----------
        *_ : object
            The button event (ignored).
        """
        if self.result is not None:
            self._pinned.append((f"{tr('tc_saved', self.lang)} {len(self._pinned) + 1}",
                                 self.result))
            self._compare.value = self._comparison()

    # ------------------------------------------------------------------ layout
    def _layout_objects(self) -> tuple[list, list]:
        lang, state = self.lang, self.state
        controls = [
            pn.widgets.IntSlider.from_param(state.param.n_sites, name=tr("tc_n_sites", lang)),
            pn.widgets.FloatSlider.from_param(state.param.radius_km, name=tr("tc_radius", lang)),
            pn.widgets.FloatSlider.from_param(state.param.distance_threshold_km,
                                              name=tr("tc_threshold", lang)),
            pn.widgets.FloatSlider.from_param(state.param.teleworkable_factor,
                                              name=tr("tc_factor", lang)),
            pn.widgets.FloatSlider.from_param(state.param.days_per_week, name=tr("tc_days", lang)),
            pn.widgets.RadioButtonGroup.from_param(
                state.param.model, name=tr("tc_model", lang),
                options={tr(f"tc_{m}", lang): m for m in ts.MODELS}),
            pn.widgets.Select.from_param(
                state.param.method, name=tr("tc_method", lang),
                options={tr(f"tc_{m}", lang): m for m in ("greedy", "milp")}),
        ]
        add = pn.widgets.Button(label=tr("tc_add", lang), color="default")
        add.on_click(self.guard(self.pin))
        gpe = pn.widgets.Button(label=tr("tc_gpe_button", lang), color="default")
        gpe.on_click(self.guard(self.compare_gpe))

        def sites():
            return csv_buffer(self.result.sites if self.result else pd.DataFrame())

        downloads = pn.Row(
            pn.widgets.FileDownload(callback=sites, filename="telecentres_sites.csv",
                                    label=tr("tc_download_sites", lang), color="primary"),
            pn.widgets.FileDownload(callback=lambda: csv_buffer(self._comparison()),
                                    filename="telecentres_scenarios.csv",
                                    label=tr("tc_download_compare", lang)))
        md = dict(sizing_mode="stretch_width")
        main = [
            pn.Column(self._clamped, self._kpis, self._map, self._caption,
                      pn.pane.Markdown(tr("tc_assumptions", lang), **md), **md),
            pn.Column(pn.pane.Markdown(f"## {tr('tc_compare_title', lang)}"), add, self._compare,
                      pn.pane.Markdown(f"## {tr('tc_sites_title', lang)}"), self._sites,
                      downloads, **md),
            pn.Column(pn.pane.Markdown(f"## {tr('tc_gpe_title', lang)}\n\n"
                                       f"{tr('tc_gpe_intro', lang)}"), gpe, self._gpe_box,
                      self._gpe_caption, **md),
        ]
        return main, controls


build_page = TelecentresPage.build_page  # what the entry script serves (Page.build_page)
