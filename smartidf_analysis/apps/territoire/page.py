""""Mon territoire" page: one search box over communes, EPCIs, EPTs and departments, then
the territory's figures across fibre, commuting, telework and solar, each with the region's
value, the median of comparable territories, its source and vintage; top destinations and
origins (table and static map), a CSV of every table and the printable report.

The figures come from :mod:`smartidf_analysis.reporting.territory` (the notebook and the
report use the same), the HTML from :mod:`.document` (shared with the report). Text typed in
the search box or read from the URL is escaped wherever it is shown.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd
import panel as pn

from smartidf_analysis.apps.page import Page
from smartidf_analysis.apps.shell import missing_data_panel
from smartidf_analysis.apps.tables import csv_buffer
from smartidf_analysis.apps.territoire import report, texts
from smartidf_analysis.apps.territoire.document import esc
from smartidf_analysis.apps.territoire.state import TerritoireState
from smartidf_analysis.data import db
from smartidf_analysis.reporting import territory as terr

MATCHES = 12  # territories listed for a search


@dataclass(frozen=True)
class TerritoireData:
    """What every session shares for one build: the inputs (every level's figures warmed)
    and the datasets the build lacked.

    Parameters
    ----------
    inputs : TerritoryInputs
        The profile's inputs, after
        :func:`~smartidf_analysis.reporting.territory.figures.precompute`.
    missing : pandas.DataFrame
        The build's missing datasets (:func:`smartidf_analysis.data.db.missing_datasets`);
        empty when it has them all.
    """

    inputs: terr.TerritoryInputs
    missing: pd.DataFrame


class TerritoirePage(Page):
    """One territory's profile across the four themes."""

    page = "territoire"
    labels = texts.LABELS
    State = TerritoireState
    url_parameters = ("code", "level")

    @classmethod
    def load(cls, database: str) -> TerritoireData:
        """The inputs of every territory's figures and the build's missing datasets, loaded
        once per build (:meth:`smartidf_analysis.apps.page.Page.load`).

        Parameters
        ----------
        database : str
            Path of the DuckDB file (its missing datasets are read from it; the inputs are those
            of the configured database).

        Returns
        -------
        TerritoireData
            The warmed inputs and the missing datasets.
        """
        return TerritoireData(terr.precompute(), db.missing_datasets(path=database))

    def render(self, shared: TerritoireData) -> tuple[list, list]:
        """The page's ``(main, sidebar)``: the search box, its matches and the territory's
        figures.

        Parameters
        ----------
        shared : TerritoireData
            What :meth:`load` returned.

        Returns
        -------
        (list, list)
            Main area: the missing-data panel (when datasets are missing), the profile and the
            downloads; sidebar: the search box, its note and the matches.
        """
        self.shared = shared
        self._search = pn.widgets.TextInput(label=self.tr("territory_search"),
                                            placeholder="Melun, 77288, Plaine Commune…",
                                            sizing_mode="stretch_width", css_classes=["territory-search"])
        self._matches = pn.widgets.Select(label=self.tr("territory_matches"), options={},
                                          sizing_mode="stretch_width", size=8,
                                          css_classes=["territory-matches"])
        self._search_note = pn.pane.HTML("", sizing_mode="stretch_width",
                                         css_classes=["territory-search-note"])
        self._content = pn.pane.HTML("", sizing_mode="stretch_width", css_classes=["territory-profile"])
        self._downloads = pn.Row(sizing_mode="stretch_width")
        self._search.param.watch(self.guard(self._on_search), "value_input")
        self._matches.param.watch(self.guard(self._on_pick), "value")
        self.watch(self._show, ["code", "level"])
        self.first_update(self._show)
        main = [self._content, self._downloads]
        if not shared.missing.empty:
            main.insert(0, missing_data_panel(shared.missing, self.lang))
        return main, [self._search, self._search_note, self._matches]

    def _on_search(self, event) -> None:
        text = event.new or ""
        hits = terr.search(self.shared.inputs.table, text, limit=MATCHES)
        self._matches.options = {f"{r.name} — {self.tr('level_' + r.level)} {r.code}":
                                 f"{r.level}:{r.code}" for r in hits.itertuples()}
        if text.strip() and hits.empty:
            self._search_note.object = (f"<p>{esc(self.tr('territory_no_match'))} "
                                        f"« {esc(text)} ».</p>")
        else:
            self._search_note.object = ""

    def _on_pick(self, event) -> None:
        if event.new:
            level, code = event.new.split(":", 1)
            self.state.param.update(code=code, level=level)

    async def _show(self, *_) -> None:
        """The state's territory: its figures and HTML made off the loop
        (:func:`~smartidf_analysis.apps.territoire.report.report_parts`), the latest change's
        shown. A code that names no territory is answered in the content, with the closest
        names (the search's answer, not an error)."""
        code, level = self.state.code.strip(), self.state.level or None
        async with self.latest(self._content) as update:
            self._downloads[:] = []
            if not code:
                self._content.object = f"<p>{esc(self.tr('territory_pick'))}</p>"
                return
            try:
                parts = await update.run(report.report_parts, code, level, self.lang,
                                         inputs=self.shared.inputs)
            except terr.TerritoryNotFound as exc:
                close = "; ".join(f"{r.name} ({self.tr('level_' + r.level)} {r.code})"
                                  for r in exc.suggestions.itertuples())
                hint = f"<p>{esc(self.tr('territory_closest'))} : {esc(close)}</p>" if close else ""
                self._content.object = (
                    f"<div class='territory-unknown'><p>{esc(self.tr('territory_no_match'))} "
                    f"« {esc(code)} ».</p>{hint}</div>")
                return
            with pn.io.hold():
                self._show_parts(parts)

    def _show_parts(self, parts: dict) -> None:
        self._content.object = parts["body"]
        t = parts["profile"].attrs["territory"]
        stem = f"{t['level']}-{t['code']}"
        self._downloads[:] = [
            pn.widgets.FileDownload(callback=lambda p=parts: csv_buffer(p["profile"]),
                                    filename=f"{stem}-figures.csv", label=self.tr("download_csv")),
            pn.widgets.FileDownload(callback=lambda p=parts: csv_buffer(p["destinations"]),
                                    filename=f"{stem}-destinations.csv",
                                    label=f"{self.tr('download_csv')} — {self.tr('col_commune')} ↗"),
            pn.widgets.FileDownload(callback=lambda p=parts: csv_buffer(p["origins"]),
                                    filename=f"{stem}-origins.csv",
                                    label=f"{self.tr('download_csv')} — {self.tr('col_commune')} ↙"),
            *[pn.widgets.FileDownload(callback=lambda p=parts, k=key: csv_buffer(p[k]),
                                      filename=f"{stem}-{key}.csv", label=self.tr(f"download_{key}"))
              for key in ("trajectory", "sites", "pooling") if not parts[key].empty],
            pn.widgets.FileDownload(
                callback=lambda p=parts: io.StringIO(report.standalone_html(p, self.lang)),
                filename=f"{stem}.html", label=self.tr("download_pdf"), color="primary"),
        ]


build_page = TerritoirePage.build_page  # what the entry script serves (Page.build_page)
