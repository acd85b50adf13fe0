"""Commuting page: a choropleth of a commune indicator; selecting a commune (map tap or
list) draws its top inbound and outbound flows as lines with a table; mode and CSP filters,
Paris switch, CSV downloads, source and vintage. State lives in the URL.

Server work per newly selected commune: the flows of one commune from a cached pair table
(:func:`commuting_flows.commune_flows`), a small line overlay pushed through a
``hv.streams.Pipe`` (the choropleth is not redrawn) and the table.
"""

from __future__ import annotations

import io
import logging

import holoviews as hv
import pandas as pd
import panel as pn
import param

from .. import commuting as cm
from .. import db
from ..commuting_flows import commune_flows
from ..errors import SmartidfError, UnknownCodeError
from ..plots import commuting as cplots
from .i18n import fmt_number, register, tr
from .shell import guarded, template

log = logging.getLogger("smartidf.apps.commuting")

PAGE_INDICATORS = ("leaving_share", "self_containment", "self_sufficiency", "relative_balance",
                   "balance", "resident_workers", "jobs", "mean_distance_residents_km",
                   "median_distance_residents_km", "mean_distance_workers_km",
                   "median_distance_workers_km", "share_tc", "share_vp", "share_nm",
                   "share_domicile")

URL_PARAMETERS = ("indicator", "modes", "csps", "paris_as_one", "commune", "n_flows")
FLOW_COLUMNS = ["direction", "rank", "home_code", "home_name", "work_code", "work_name",
                "workers", "share", "distance_km"]

register({
    "cm_leaving_share": ("Part des actifs travaillant hors de leur commune",
                         "Share of workers working outside their commune"),
    "cm_self_containment": ("Actifs travaillant dans leur commune (part)",
                            "Residents working in their commune (share)"),
    "cm_self_sufficiency": ("Emplois occupés par des résidents (part)",
                            "Jobs held by residents (share)"),
    "cm_relative_balance": ("Solde relatif emplois − actifs", "Relative balance jobs − workers"),
    "cm_balance": ("Solde emplois − actifs résidents", "Balance jobs − resident workers"),
    "cm_resident_workers": ("Actifs occupés résidents", "Resident workers"),
    "cm_jobs": ("Emplois occupés (lieu de travail)", "Jobs held (place of work)"),
    "cm_mean_distance_residents_km": ("Distance moyenne des résidents (km)",
                                      "Mean distance of residents (km)"),
    "cm_median_distance_residents_km": ("Distance médiane des résidents (km)",
                                        "Median distance of residents (km)"),
    "cm_mean_distance_workers_km": ("Distance moyenne des travailleurs (km)",
                                    "Mean distance of workers (km)"),
    "cm_median_distance_workers_km": ("Distance médiane des travailleurs (km)",
                                      "Median distance of workers (km)"),
    "cm_share_tc": ("Part des transports en commun", "Public transport share"),
    "cm_share_vp": ("Part des véhicules motorisés individuels", "Private motor vehicle share"),
    "cm_share_nm": ("Part de la marche et du vélo", "Walking and cycling share"),
    "cm_share_domicile": ("Part du travail à domicile", "Working at home share"),
    "cm_mode_DOMICILE": ("Travail à domicile", "Works at home"),
    "cm_mode_NM": ("Marche, vélo", "Walking, cycling"),
    "cm_mode_TC": ("Transports en commun", "Public transport"),
    "cm_mode_VP": ("Voiture, deux-roues motorisé", "Car, motorbike"),
    "cm_csp_1": ("Agriculteurs exploitants", "Farmers"),
    "cm_csp_2": ("Artisans, commerçants, chefs d'entreprise",
                 "Craftsmen, shopkeepers, company heads"),
    "cm_csp_3": ("Cadres, professions intellectuelles sup.", "Managers, professionals"),
    "cm_csp_4": ("Professions intermédiaires", "Intermediate professions"),
    "cm_csp_5": ("Employés", "Employees"),
    "cm_csp_6": ("Ouvriers", "Blue-collar workers"),
    "cm_modes": ("Modes de transport", "Transport modes"),
    "cm_csps": ("Catégories socioprofessionnelles", "Socio-professional groups"),
    "cm_commune": ("Commune (ou cliquer sur la carte)", "Commune (or click on the map)"),
    "cm_n_flows": ("Nombre de flux affichés", "Flows shown"),
    "cm_none": ("— aucune —", "— none —"),
    "cm_pick": ("Choisissez une commune dans la liste ou cliquez sur la carte.",
                "Choose a commune in the list or click on the map."),
    "cm_flows_title": ("Principaux flux domicile-travail", "Main home-to-work flows"),
    "cm_residents": ("actifs résidents", "resident workers"),
    "cm_jobs_short": ("emplois", "jobs"),
    "cm_top": ("premiers flux sortants (rouge) et entrants (bleu)",
               "largest outbound (red) and inbound (blue) flows"),
    "cm_workers": ("actifs", "workers"),
    "cm_workers_col": ("Actifs", "Workers"),
    "cm_unknown": ("Commune inconnue", "Unknown commune"),
    "cm_empty": ("Sélection vide", "Empty selection"),
    "cm_empty_modes": ("Choisissez au moins un mode et une catégorie socioprofessionnelle.",
                       "Choose at least one mode and one socio-professional group."),
    "cm_paris_arr": ("Paris en arrondissements", "Paris as arrondissements"),
    "cm_direction": ("Sens", "Direction"),
    "cm_rank": ("Rang", "Rank"),
    "cm_home": ("Résidence", "Home"),
    "cm_work": ("Travail", "Work"),
    "cm_share": ("Part", "Share"),
    "cm_distance": ("Distance (km)", "Distance (km)"),
    "cm_out": ("sortant", "outbound"), "cm_in": ("entrant", "inbound"),
    "cm_intra": ("interne", "within"),
    "cm_download_flows": ("Flux (CSV)", "Flows (CSV)"),
    "cm_download_indicators": ("Indicateurs communaux (CSV)", "Commune indicators (CSV)"),
    "cm_distance_note": ("distances à vol d'oiseau entre centroïdes (Lambert-93)",
                         "crow-fly distances between centroids (Lambert-93)"),
    "cm_all": ("tous", "all"),
    "cm_bad_url": ("Paramètre d'adresse ignoré", "URL parameter ignored"),
    "cm_codes_note": ("codes 2014 sans équivalent dans le COG actuel gardés tels quels",
                      "2014 codes with no current COG code kept as they are"),
})


@pn.cache(max_items=2)
def _communes() -> pd.DataFrame:
    return cm.load_communes()


@pn.cache(max_items=4)
def _map_frame(paris_as_one: bool) -> pd.DataFrame:
    frame = db.query("communes_map", paris_as_one=paris_as_one)
    return frame[frame["geometry_wkb"].notna()].reset_index(drop=True)


@pn.cache(max_items=8)
def _pairs(modes: tuple, csps: tuple, paris_as_one: bool) -> pd.DataFrame:
    flows = cm.add_distances(cm.load_pairs((), modes, csps), _communes())
    return cm.collapse_paris(flows) if paris_as_one else flows


@pn.cache(max_items=8)
def _indicators(modes: tuple, csps: tuple, paris_as_one: bool) -> pd.DataFrame:
    return cm.indicators(modes, csps, paris_as_one=paris_as_one)


@pn.cache(max_items=1)
def _source() -> str:
    rows = db.query("provenance_for_tables", tables=["commuting_flows"])
    return "; ".join(f"{r.producer}, {r.title} ({r.vintage})" for r in rows.itertuples())


def _csv(frame: pd.DataFrame) -> io.StringIO:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    buffer.seek(0)
    return buffer


class CommutingState(param.Parameterized):
    """State of the commuting page (synced to the URL)."""

    indicator = param.Selector(default="leaving_share", objects=list(PAGE_INDICATORS))
    modes = param.ListSelector(default=list(cm.MODES), objects=list(cm.MODES))
    csps = param.ListSelector(default=list(cm.CSPS), objects=list(cm.CSPS))
    paris_as_one = param.Boolean(default=False)
    commune = param.String(default="")
    n_flows = param.Integer(default=10, bounds=(1, 30))

    def selection(self) -> tuple[tuple, tuple]:
        modes, csps = cm.check_selection(self.modes, self.csps)
        return tuple(sorted(modes)), tuple(sorted(csps))

    def indicator_table(self) -> pd.DataFrame:
        return _indicators(*self.selection(), self.paris_as_one)

    def pairs(self) -> pd.DataFrame:
        return _pairs(*self.selection(), self.paris_as_one)

    def commune_table(self) -> pd.DataFrame:
        """Top flows of the selected commune (UnknownCodeError for a code not on the map)."""
        pairs = self.pairs()  # raises EmptySelectionError first
        known = _map_frame(self.paris_as_one)["commune_code"]
        if self.commune and self.commune not in set(known):
            raise UnknownCodeError(f"unknown commune code(s): {self.commune}")
        return commune_flows(pairs, self.commune, self.n_flows, known_codes=known)


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
            sizing_mode="stretch_width", name="flows", titles=self._titles(),
            formatters=self._formatters(), pagination=None, height=420)
        self._flows = pd.DataFrame()
        self._indicator_frame = pd.DataFrame()
        self._map_codes: list[str] = []
        self._map_pipe = hv.streams.Pipe(data=self._map_data())
        self._lines_pipe = hv.streams.Pipe(data=cplots.segment_frame(
            pd.DataFrame(columns=["home_code", "work_code", "workers"]), _communes()))
        choropleth = hv.DynamicMap(self._choropleth, streams=[self._map_pipe])
        lines = hv.DynamicMap(self._lines, streams=[self._lines_pipe])
        self._tap = hv.streams.Selection1D(source=choropleth)
        self._tap.param.watch(self._on_tap, "index")
        self._map = pn.pane.HoloViews(choropleth * lines, sizing_mode="stretch_width",
                                      min_height=540, linked_axes=False)
        self._commune_select = pn.widgets.Select(name=tr("cm_commune", lang),
                                                 options=self._commune_options())
        self._commune_select.param.watch(self._on_select, "value")
        self.state.param.watch(self._on_filters, ["indicator", "modes", "csps", "paris_as_one"])
        self.state.param.watch(self._on_commune, ["commune", "n_flows"])
        self._update_flows()

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
        frame = _map_frame(self.state.paris_as_one).sort_values("commune_name")
        return {tr("cm_none", self.lang): "",
                **{f"{n} ({c})": c for n, c in zip(frame["commune_name"], frame["commune_code"],
                                                   strict=True)}}

    def _map_data(self):
        """(frame, indicator, label, title) for the choropleth, or None on a bad selection."""
        label = tr(f"cm_{self.state.indicator}", self.lang)
        try:
            table = self.state.indicator_table()
        except SmartidfError as exc:
            self._show_error(exc)
            return None
        frame = _map_frame(self.state.paris_as_one).merge(
            table.drop(columns=["commune_name", "department_code"]), on="commune_code",
            how="left")
        self._map_codes = frame["commune_code"].tolist()
        self._indicator_frame = table
        self._update_map_caption(frame, label)
        return frame, self.state.indicator, label

    def _choropleth(self, data):
        if data is None:
            data = (_map_frame(self.state.paris_as_one).assign(value=float("nan")), "value", "")
        frame, indicator, label = data
        return cplots.indicator_map(frame, indicator, label=label, title=label).opts(
            framewise=True)

    def _lines(self, data):
        return cplots.flow_lines(data, workers_label=tr("cm_workers", self.lang))

    def _export(self, flows: pd.DataFrame) -> pd.DataFrame:
        """The flows table with commune names (CSV: shares 0–1, distances in km)."""
        if flows.empty:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in FLOW_COLUMNS})
        names = _communes().set_index("commune_code")["commune_name"]
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
    def _show_error(self, exc: Exception | None) -> None:
        if exc is None:
            self._alert.visible = False
            return
        if isinstance(exc, UnknownCodeError):
            text = f"{tr('cm_unknown', self.lang)} : {self.state.commune}"
        elif isinstance(exc, cm.EmptySelectionError):
            text = f"{tr('cm_empty', self.lang)} — {tr('cm_empty_modes', self.lang)}"
        else:
            log.exception("commuting page update failed", exc_info=exc)
            text = tr("error", self.lang)
        self._alert.object = text
        self._alert.visible = True

    def _update_map_caption(self, frame: pd.DataFrame, label: str) -> None:
        lang = self.lang
        modes = ", ".join(tr(f"cm_mode_{m}", lang) for m in self.state.modes)
        csps = (tr("cm_all", lang) if len(self.state.csps) == len(cm.CSPS)
                else ", ".join(str(c) for c in sorted(self.state.csps)))
        paris = tr("paris_as_one" if self.state.paris_as_one else "cm_paris_arr", lang)
        total = self._indicator_frame["resident_workers"].sum()
        self._map_caption.object = (
            f"**{label}** — {fmt_number(len(frame), lang)} {tr('communes', lang)}, "
            f"{fmt_number(total, lang)} {tr('cm_workers', lang)} ; {tr('cm_modes', lang)} : "
            f"{modes} ; CSP : {csps} ; {paris}. {tr('source', lang)} : {_source()} ; "
            f"{tr('cm_distance_note', lang)} ; {tr('cm_codes_note', lang)}.")

    def _update_flows(self) -> None:
        lang, code = self.lang, self.state.commune
        empty_lines = self._lines_pipe.data.iloc[0:0]
        try:
            table = self.state.commune_table() if code else pd.DataFrame()
        except SmartidfError as exc:
            self._show_error(exc)
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
        self._lines_pipe.send(cplots.segment_frame(table, _communes()))
        name = self._commune_select.labels[self._commune_select.values.index(code)] \
            if code in self._commune_select.values else code
        self._flows_caption.object = (
            f"### {tr('cm_flows_title', lang)} — {name}\n"
            f"{fmt_number(table.attrs['resident_workers'], lang)} {tr('cm_residents', lang)}, "
            f"{fmt_number(table.attrs['jobs'], lang)} {tr('cm_jobs_short', lang)} ; "
            f"{self.state.n_flows} {tr('cm_top', lang)}. {tr('source', lang)} : {_source()}.")

    def _on_filters(self, *events) -> None:
        try:
            names = {e.name for e in events}
            if "paris_as_one" in names:
                self._commune_select.options = self._commune_options()
                code = self.state.commune
                if self.state.paris_as_one and cm.is_arrondissement(pd.Series([code])).iloc[0]:
                    self.state.commune = cm.PARIS_CODE
                elif not self.state.paris_as_one and code == cm.PARIS_CODE:
                    self.state.commune = ""
            with pn.param.set_values(self._map, loading=True):
                data = self._map_data()
                if data is not None:
                    self._show_error(None)
                    self._map_pipe.send(data)
            self._update_flows()
        except Exception as exc:  # noqa: BLE001 - never a traceback in the browser
            self._show_error(exc)

    def _on_commune(self, *_) -> None:
        try:
            with pn.param.set_values(self._table, loading=True):
                self._update_flows()
        except Exception as exc:  # noqa: BLE001
            self._show_error(exc)

    def _on_select(self, event) -> None:
        if event.new != self.state.commune and (event.new or self.state.commune in
                                                self._commune_select.values):
            self.state.commune = event.new

    def _from_url(self, values: dict) -> None:
        """URL values Panel could not set at once: a commune code parsed as a number
        (``?commune=77288``) or a bad value; set them one by one, report the bad ones."""
        for name, value in values.items():
            try:
                self.state.param.update(**{name: str(value) if name == "commune" else value})
            except Exception:  # noqa: BLE001 - a hand-edited URL must not break the page
                log.warning("ignored URL parameter %s=%r", name, value)
                self._alert.object = f"{tr('cm_bad_url', self.lang)} : {name}={value}"
                self._alert.visible = True

    def _on_tap(self, event) -> None:
        if event.new and event.new[0] < len(self._map_codes):
            self.state.commune = self._map_codes[event.new[0]]

    # ---------------------------------------------------------------- layout
    def __panel__(self):
        lang = self.lang
        state = self.state
        controls = [
            pn.widgets.Select.from_param(
                state.param.indicator, name=tr("indicator", lang),
                options={tr(f"cm_{k}", lang): k for k in PAGE_INDICATORS}),
            self._commune_select,
            pn.widgets.IntSlider.from_param(state.param.n_flows, name=tr("cm_n_flows", lang)),
            pn.widgets.Checkbox.from_param(state.param.paris_as_one, name=tr("paris_as_one", lang)),
            pn.pane.Markdown(f"**{tr('cm_modes', lang)}**"),
            pn.widgets.CheckBoxGroup.from_param(
                state.param.modes, name=tr("cm_modes", lang),
                options={tr(f"cm_mode_{m}", lang): m for m in cm.MODES}),
            pn.pane.Markdown(f"**{tr('cm_csps', lang)}**"),
            pn.widgets.CheckBoxGroup.from_param(
                state.param.csps, name=tr("cm_csps", lang),
                options={f"{c} — {tr(f'cm_csp_{c}', lang)}": c for c in cm.CSPS}),
        ]
        downloads = pn.Row(
            pn.widgets.FileDownload(callback=lambda: _csv(self._export(self._flows)),
                                    filename="commuting_flows.csv",
                                    label=tr("cm_download_flows", lang), button_type="primary"),
            pn.widgets.FileDownload(callback=lambda: _csv(self._indicator_frame),
                                    filename="commuting_indicators.csv",
                                    label=tr("cm_download_indicators", lang)))
        if pn.state.location is not None:
            pn.state.location.sync(state, list(URL_PARAMETERS), on_error=self._from_url)
        main = [pn.Column(self._alert, self._map, self._map_caption, sizing_mode="stretch_width"),
                pn.Column(self._flows_caption, self._table, downloads,
                          sizing_mode="stretch_width")]
        return template("commuting", main, sidebar=controls, lang=lang)


def app():
    """The served commuting page (guarded: errors become a short message)."""
    return guarded(lambda lang: CommutingPage(lang=lang).__panel__(), "commuting")
