"""Buildings page: the 2.5D view of a real roof set (buildings extruded by height, coloured by
solar class) with ``pn.pane.DeckGL``, a click on a building showing its monthly production;
and the rasterised 2D map (Datashader) of the regional stock: the imported BD TOPO roofs when
there are some (``smartidf data import-buildings``), else the SYNTHETIC stock, labelled so.

The deck.gl specification is built by :func:`smartidf_analysis.plots.roofs3d.deck_spec`; the
production by :func:`smartidf_analysis.solar.io.real_set_production` (plain per-kWp estimate,
so the months of :func:`~smartidf_analysis.solar.roofs.monthly_roof_production` add up to the
annual figure shown). deck.gl's JavaScript is served by Panel itself; the view has no base map,
so nothing is fetched from the internet. A large imported set is shown one commune at a time
in 2.5D (:data:`.state.MAX_3D_BUILDINGS`).
"""

from __future__ import annotations

import logging

import pandas as pd
import panel as pn

from smartidf_analysis.plots import roofs3d
from smartidf_analysis.plots import solar as ps
from smartidf_analysis.solar import io as sd

from ..i18n import fmt_number
from ..page import Page
from ..safe_text import escape_html, escape_markdown
from ..tables import csv_buffer
from . import texts
from .state import (
    DECK_HEIGHT,
    MAX_3D_BUILDINGS,
    REAL_SETS,
    BuildingsPageData,
    BuildingsState,
    _production,
    monthly,
    raster_points,
    set_production,
)

log = logging.getLogger("smartidf.apps.buildings")


class BuildingsPage(Page):
    """The 2.5D buildings page."""

    page = "buildings"
    labels = texts.LABELS
    extensions = ("deckgl",)
    State = BuildingsState
    url_parameters = ("roof_set", "commune", "roof_id", "focus")

    @classmethod
    def load(cls, database: str) -> BuildingsPageData:
        """The roof sets and regional raster every session shares, read from the database at ``database``
        (cached per build).

        Parameters
        ----------
        database : str
            Path of the DuckDB file.

        Returns
        -------
        BuildingsPageData
            The sets, the imported set's communes, the raster's kind and provenance.
        """
        regional = sd.regional_roof_set()
        communes: dict[str, list[str]] = {}
        sets = REAL_SETS
        if regional == sd.IMPORTED_SET:
            sets = (sd.IMPORTED_SET, *REAL_SETS)
            points = sd.imported_roofs(["commune_code", "lon", "lat"])
            counts = points["commune_code"].dropna().value_counts()
            communes[sd.IMPORTED_SET] = counts.index.astype(str).tolist()
        return BuildingsPageData(sets, communes, regional != sd.IMPORTED_SET, sd.provenance())

    def prepare(self, data: BuildingsPageData) -> None:
        """Offer the roof sets of ``data``; the first one is shown.

        Parameters
        ----------
        data : BuildingsPageData
            What :meth:`load` returned.
        """
        self.state.param.roof_set.objects = list(data.sets)
        self.state.roof_set = data.sets[0]

    def render(self, data: BuildingsPageData) -> tuple[list, list]:
        """The page's ``(main, sidebar)`` objects made from ``data``.

        Parameters
        ----------
        data : BuildingsPageData
            What :meth:`load` returned.

        Returns
        -------
        (list, list)
            Main objects and sidebar controls.
        """
        self.shared = data
        # the deck.gl view, made with its first specification (an empty DeckGL pane is a
        # console error in the browser, "data is unset"), in its box meanwhile
        self.deck: pn.pane.DeckGL | None = None
        self.deck_box = pn.Column(sizing_mode="stretch_width", min_height=DECK_HEIGHT)
        self.inspector = pn.Column(sizing_mode="stretch_width", css_classes=["roof-inspector"])
        self.caption = pn.pane.Markdown(sizing_mode="stretch_width", css_classes=["deck-caption"])
        self.download = pn.widgets.FileDownload(callback=self._csv, filename="smartidf-buildings.csv",
                                                label=self.tr("bld_csv"), sizing_mode="stretch_width")
        set_select = pn.widgets.Select.from_param(
            self.state.param.roof_set, name=self.tr("bld_set"),
            options={self.tr(f"bld_set_{k}"): k for k in data.sets})
        self.commune_select = pn.widgets.Select(name=self.tr("bld_commune"), visible=False)
        self.commune_select.param.watch(self.guard(self._commune_picked), ["value"])
        self.roofs = pd.DataFrame(columns=["roof_id", "annual_kwh"])  # those drawn in 2.5D
        self._showing = False  # the deck's commune list is being set from the state
        self.watch(self._redraw_deck, ["roof_set", "commune"])
        self.watch(self._redraw_inspector, ["roof_id"])
        self.first_update(self._first_draw)
        notes = ([pn.pane.Alert(self.tr("bld_synthetic_stock"), alert_type="warning")]
                 if data.raster_synthetic else [])
        self.raster = pn.Column(pn.indicators.LoadingSpinner(value=True, size=40, name=self.tr("loading")),
                                sizing_mode="stretch_width", min_height=520)
        tabs = pn.Tabs((self.tr("bld_tab_3d"), pn.Column(self.caption, self.deck_box, self.inspector,
                                                          sizing_mode="stretch_width")),
                       (self.tr("bld_tab_2d"), pn.Column(*notes, self.raster, sizing_mode="stretch_width")),
                       sizing_mode="stretch_width", dynamic=True)
        tabs.param.watch(self.guard(self._show_raster), ["active"])
        main = [pn.pane.Markdown(f"## {self.tr('bld_title')}\n\n{self.tr('bld_intro')}"), tabs,
                pn.pane.Markdown(self._sources(), css_classes=["sources"])]
        return main, [set_select, self.commune_select, self.download]

    # ------------------------------------------------------------------ callbacks
    async def _show_raster(self, event) -> None:
        """The regional raster, made when its tab is first opened (2.5 M points)."""
        if event.new != 1 or getattr(self, "_raster_done", False):
            return
        self._raster_done = True
        synthetic = self.shared.raster_synthetic
        points = await self.in_thread(raster_points, synthetic)
        title = self.tr("bld_raster_synthetic" if synthetic else "bld_raster_imported")
        self.raster[:] = [pn.pane.HoloViews(ps.roof_points_raster(points, title=title),
                                            sizing_mode="stretch_width", min_height=520,
                                            css_classes=["roofs-raster"])]

    def _drawn(self, roof_set: str, commune: str, focus: str) -> tuple[str, pd.DataFrame, dict]:
        """(commune drawn or "", its roofs, their deck.gl specification) for the state's
        values (pure: a worker thread when served, the set's roofs read once per build)."""
        communes = self.shared.communes.get(roof_set, [])
        if communes and len(_production(roof_set)) > MAX_3D_BUILDINGS:
            commune = commune if commune in communes else communes[0]
        else:
            commune = ""
        roofs = set_production(roof_set, commune)
        # the deck.gl tooltip pastes the picked row's fields into its HTML as they are
        spec = roofs3d.deck_spec(roofs.assign(roof_id=roofs["roof_id"].astype(str).map(escape_html)))
        focused = roofs.index[roofs["roof_id"] == focus]
        if len(focused):
            roof = roofs.loc[focused[0]]
            spec["initialViewState"].update(longitude=float(roof["lon"]), latitude=float(roof["lat"]),
                                            zoom=17.0)
        return commune, roofs, spec

    def _commune_picked(self, event) -> None:
        if event.new and not self._showing:
            self.state.commune = event.new

    async def _first_draw(self) -> None:
        await self._redraw_deck()
        self._redraw_inspector()

    async def _redraw_deck(self, *_) -> None:
        """The 2.5D view of the state's roof set (one commune of a large set), read and
        specified off the loop; only the latest change is shown."""
        s = self.state
        async with self.latest(self.deck_box) as update:
            commune, roofs, spec = await update.run(self._drawn, s.roof_set, s.commune, s.focus)
            with pn.io.hold():
                self._showing = True
                try:
                    self.commune_select.options = self.shared.communes.get(s.roof_set, [])
                    self.commune_select.visible = bool(commune)
                    if commune:
                        self.commune_select.value = commune
                finally:
                    self._showing = False
                self.roofs = roofs
                if self.deck is None:
                    self.deck = pn.pane.DeckGL(spec, height=DECK_HEIGHT,
                                               sizing_mode="stretch_width",
                                               tooltips={"html": self.tr("bld_tooltip")},
                                               css_classes=["buildings-deck"])
                    self.deck.param.watch(self.guard(self._clicked), ["click_state"])
                    self.deck_box[:] = [self.deck]
                else:
                    self.deck.object = spec
                kwh = roofs["annual_kwh"].sum()
                self.caption.object = self.tr("bld_caption").format(
                    n=fmt_number(len(roofs), self.lang), gwh=fmt_number(kwh / 1e6, self.lang, 2))

    def _clicked(self, event) -> None:
        roof = roofs3d.picked_roof(event.new, self.roofs)
        if roof is not None:
            self.state.roof_id = str(roof["roof_id"])

    def _redraw_inspector(self, *_):
        hit = self.roofs[self.roofs["roof_id"] == self.state.roof_id]
        if hit.empty:
            self.inspector[:] = [pn.pane.Markdown(self.tr("bld_click"), css_classes=["roof-none"])]
            return
        roof = hit.iloc[0]
        months = monthly(roof)
        lines = [f"### {self.tr('bld_roof')} {escape_markdown(roof['roof_id'])}",
                 self.tr("bld_roof_line").format(
                     kwh=fmt_number(roof["annual_kwh"], self.lang),
                     cls=self.tr(f"bld_class_{roof['solar_class']}"),
                     height=fmt_number(float(roof.get("height_m", float("nan"))), self.lang, 1),
                     area=fmt_number(roof["usable_area_m2"], self.lang)),
                 "", f"| {self.tr('bld_month')} | kWh |", "|---|---:|"]
        names = ps.MONTHS_EN if self.lang == "en" else ps.MONTHS_FR
        lines += [f"| {names[m - 1]} | {fmt_number(v, self.lang)} |"
                  for m, v in zip(months["month"], months["production_kwh"], strict=True)]
        self.inspector[:] = [
            pn.Row(pn.pane.Markdown("\n".join(lines), css_classes=["roof-monthly"], width=320),
                   pn.pane.HoloViews(ps.monthly_bars(months, lang=self.lang), sizing_mode="stretch_width",
                                     height=300),
                   sizing_mode="stretch_width")]

    def _csv(self):
        columns = ["roof_id", "commune_code", "roof_shape", "height_m", "usable_area_m2", "tilt_deg",
                   "azimuth_deg", "irradiation_kwh_m2", "peak_power_kwp", "annual_kwh", "solar_class"]
        return csv_buffer(self.roofs[[c for c in columns if c in self.roofs]])

    def _sources(self) -> str:
        rows = self.shared.provenance
        lines = ["- " + escape_markdown(f"{r.producer}, {r.title} ({r.vintage}; {r.licence})")
                 for r in rows.itertuples()]
        return f"**{self.tr('bld_sources')}**\n\n" + "\n".join(dict.fromkeys(lines))


build_page = BuildingsPage.build_page  # what the entry script serves (Page.build_page)
