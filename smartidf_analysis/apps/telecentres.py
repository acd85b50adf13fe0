"""Telecentres page: sliders for p, radius, distance threshold, teleworkable share and days
per week; a map of the chosen sites sized by the demand they serve; KPI cards; the chosen
sites and a scenario comparison, both downloadable as CSV. State lives in the URL.

Server work per slider change (released, sliders are throttled): the demand model, the
greedy siting (or the MILP when chosen) and the savings on inputs loaded once per process
(:func:`_inputs`), cached per scenario (:func:`_result`); the commune outlines are drawn once
(Bokeh, :func:`~smartidf_analysis.plots.telecentres.site_map`), only the site points' data
source, the KPI cards and the tables change (120 ms of server CPU per change with a
HoloViews overlay, most of it recomputing the outlines' ranges).
"""

from __future__ import annotations

import logging
import time
from functools import lru_cache

import pandas as pd
import panel as pn
import param

from smartidf_analysis import config
from smartidf_analysis import telecentres as tc
from smartidf_analysis.data import db
from smartidf_analysis.plots import telecentres as tplots
from smartidf_analysis.siting import SitingSettingsError
from smartidf_analysis.telecentres import scenarios as ts

from . import telecentres_labels  # noqa: F401 - registers the page's labels
from .i18n import fmt_number, tr
from .shell import apply_changes, csv_buffer, guarded, sync_url, template

log = logging.getLogger("smartidf.apps.telecentres")

URL_PARAMETERS = ["n_sites", "radius_km", "distance_threshold_km", "teleworkable_factor",
                  "days_per_week", "model", "method"]
SITE_COLUMNS = ["rank", "station_name", "commune_code", "lines", "daily_users", "seats",
                "communes_served", "mean_distance_km", "coverage_rate"]
COMPARE_COLUMNS = ["scenario", "n_sites", "radius_km", "distance_threshold_km",
                   "teleworkable_factor", "days_per_week", "model", "method", "teleworkers",
                   "daily_users", "seats", "km_avoided_per_year", "co2_avoided_t_per_year",
                   "hours_saved_per_year", "demand_served_pct", "mip_gap", "status"]


@lru_cache(maxsize=2)
def _inputs(db_file: str) -> tc.TelecentreInputs:
    inputs = tc.load_inputs(db_file)
    _ = inputs.distances  # computed once, before the first slider move
    return inputs


@lru_cache(maxsize=64)
def _result(db_file: str, scenario: tc.Scenario) -> ts.ScenarioResult:
    return ts.run_scenario(_inputs(db_file), scenario)


def error_message(exc: Exception, lang: str) -> str:
    """A short translated message for an impossible setting (never a traceback)."""
    if isinstance(exc, SitingSettingsError) and f"tc_err_{exc.kind}" in telecentres_labels.LABELS:
        values = {k: fmt_number(v, lang, 1 if k == "radius" else 0)
                  for k, v in exc.values.items()}
        return tr(f"tc_err_{exc.kind}", lang).format(**values)
    return tr("tc_err_invalid", lang).format(message=str(exc))


class TelecentresState(param.Parameterized):
    """State of the telecentres page (synced to the URL)."""

    n_sites = param.Integer(default=tc.N_SITES, bounds=(1, 400))
    radius_km = param.Number(default=tc.RADIUS_KM, bounds=(0.0, 20.0), step=0.5)
    distance_threshold_km = param.Number(default=tc.DISTANCE_THRESHOLD_KM, bounds=(0.0, 40.0),
                                         step=1.0)
    teleworkable_factor = param.Number(default=1.0, bounds=(0.0, 2.0), step=0.1)
    days_per_week = param.Number(default=tc.DAYS_PER_WEEK, bounds=(0.0, 5.0), step=0.5)
    model = param.Selector(default="mclp", objects=list(ts.MODELS))
    method = param.Selector(default="greedy", objects=["greedy", "milp"])

    def scenario(self) -> tc.Scenario:
        return tc.DEFAULT.but(n_sites=self.n_sites, radius_km=float(self.radius_km),
                              distance_threshold_km=float(self.distance_threshold_km),
                              teleworkable_factor=float(self.teleworkable_factor),
                              days_per_week=float(self.days_per_week), model=self.model,
                              method=self.method)


class TelecentresPage(pn.viewable.Viewer):
    """Sliders → scenario → map of sites, KPI cards, sites table, scenario comparison."""

    state = param.ClassSelector(class_=TelecentresState)
    lang = param.String(default="fr")

    def __init__(self, **params):
        params.setdefault("state", TelecentresState())
        super().__init__(**params)
        self._db = str(config.db_path())
        self.inputs = _inputs(self._db)
        self._seams = tc.data_seams(self.inputs).set_index("seam")["count"]
        n_candidates = int(self.inputs.candidates(tc.DEFAULT)["candidate"].sum())
        # the reference scenario of the comparison table must be feasible too (a small,
        # synthetic region has fewer candidate stations than the default p)
        self._reference = tc.DEFAULT.but(n_sites=max(1, min(tc.DEFAULT.n_sites, n_candidates)))
        if 0 < n_candidates < self.state.n_sites:  # small (synthetic) region: a feasible start
            self.state.n_sites = n_candidates // 2 or 1
        self.result: ts.ScenarioResult | None = None
        self.last_update_s = float("nan")
        self._pinned: list[tuple[str, ts.ScenarioResult]] = []
        self._alert = pn.pane.Alert("", alert_type="warning", visible=False,
                                    sizing_mode="stretch_width", css_classes=["tc-alert"])
        self._kpis = pn.pane.HTML(sizing_mode="stretch_width", css_classes=["tc-kpis"])
        self._caption = pn.pane.Markdown(sizing_mode="stretch_width", css_classes=["tc-caption"])
        outlines, self._site_source = tplots.site_map(
            db.query("communes_map", paris_as_one=False),
            users_label=tr("tc_col_users", self.lang), name_label=tr("tc_col_station", self.lang))
        self._figure = outlines.figure
        self._map = pn.Column(pn.pane.Bokeh(self._figure, sizing_mode="stretch_width",
                                            min_height=560), sizing_mode="stretch_width",
                              min_height=560)
        self._sites = pn.widgets.Tabulator(
            self._site_display(None), disabled=True, show_index=False, pagination="local",
            page_size=15, sizing_mode="stretch_width", titles=self._titles(),
            formatters=self._formatters())
        self._compare = pn.widgets.Tabulator(
            pd.DataFrame(columns=COMPARE_COLUMNS), disabled=True, show_index=False,
            sizing_mode="stretch_width", formatters=self._formatters(), titles=self._titles())
        self.state.param.watch(self._update, URL_PARAMETERS)
        self._update()

    # ------------------------------------------------------------------ builders
    def _titles(self) -> dict[str, str]:
        t = lambda k: tr(k, self.lang)  # noqa: E731
        return {"rank": t("tc_col_rank"), "station_name": t("tc_col_station"),
                "commune_code": t("tc_col_commune"), "lines": t("tc_col_lines"),
                "daily_users": t("tc_col_users"), "seats": t("tc_col_seats"),
                "communes_served": t("tc_col_communes"),
                "mean_distance_km": t("tc_col_distance"), "coverage_rate": t("tc_col_fibre"),
                "scenario": t("tc_col_scenario"), "n_sites": "p", "radius_km": t("tc_col_radius"),
                "distance_threshold_km": t("tc_col_threshold"),
                "teleworkable_factor": t("tc_col_factor"), "days_per_week": t("tc_col_days"),
                "model": t("tc_model"), "method": t("tc_method"),
                "teleworkers": t("tc_col_teleworkers"), "km_avoided_per_year": t("tc_col_km"),
                "co2_avoided_t_per_year": t("tc_col_co2"),
                "hours_saved_per_year": t("tc_col_hours"),
                "demand_served_pct": t("tc_col_served"), "mip_gap": t("tc_col_gap"),
                "status": t("tc_col_status")}

    def _formatters(self) -> dict:
        sep = {"decimal": ",", "thousand": "\u202f"} if self.lang == "fr" else {
            "decimal": ".", "thousand": ","}
        whole = {"type": "money", "precision": 0, **sep}
        one = {"type": "money", "precision": 1, **sep}
        return {"daily_users": whole, "seats": whole, "teleworkers": whole,
                "km_avoided_per_year": whole, "co2_avoided_t_per_year": whole,
                "hours_saved_per_year": whole, "mean_distance_km": one, "coverage_rate": one,
                "demand_served_pct": one}

    def _site_display(self, result) -> pd.DataFrame:
        if result is None:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in SITE_COLUMNS})
        out = result.sites[SITE_COLUMNS].copy()
        out["coverage_rate"] = 100 * out["coverage_rate"]
        return out

    def _kpi_html(self, result) -> str:
        lang = self.lang
        if result is None:
            values = ["—"] * 7
        else:
            k = result.kpis
            values = [fmt_number(k["daily_users"], lang), fmt_number(k["teleworkers"], lang),
                      fmt_number(k["seats"], lang), fmt_number(k["km_avoided_per_year"], lang),
                      fmt_number(k["co2_avoided_t_per_year"], lang),
                      fmt_number(k["hours_saved_per_year"], lang),
                      fmt_number(k["demand_served_pct"], lang, 1) + " %"]
        keys = ["tc_kpi_users", "tc_kpi_teleworkers", "tc_kpi_seats", "tc_kpi_km",
                "tc_kpi_co2", "tc_kpi_hours", "tc_kpi_served"]
        cards = "".join(
            f'<div class="tc-kpi" style="flex:1 1 150px;border:1px solid #d0d7e2;'
            f'border-radius:6px;padding:8px 12px;background:#f7f9fc">'
            f'<div style="font-size:1.5em;font-weight:600;color:#1f5c99">{v}</div>'
            f'<div style="font-size:0.9em">{tr(key, lang)}</div></div>'
            for v, key in zip(values, keys, strict=True))
        return f'<div style="display:flex;flex-wrap:wrap;gap:8px">{cards}</div>'

    def _comparison(self) -> pd.DataFrame:
        rows = {tr("tc_reference", self.lang): _result(self._db, self._reference)}
        for name, res in self._pinned:
            rows[name] = res
        if self.result is not None:
            rows[tr("tc_current", self.lang)] = self.result
        table = ts.compare(rows)
        return table[COMPARE_COLUMNS]

    def _caption_text(self, result) -> str:
        lang, s = self.lang, self.state
        seams = self._seams
        text = f"**{tr('tc_map_title', lang)}**"
        if result is not None:
            k = result.kpis
            gap = (f"{tr('tc_gap', lang)} {fmt_number(100 * k['mip_gap'], lang, 2)} %"
                   if pd.notna(k["mip_gap"]) else tr("tc_heuristic", lang))
            text += (f" — {fmt_number(k['sites'], lang)} {tr('tc_sites_among', lang)} "
                     f"{fmt_number(k['candidates'], lang)} {tr('tc_candidates', lang)} "
                     f"({tr('tc_candidate_rule', lang)}) ; {tr('tc_' + s.model, lang)}, "
                     f"{tr('tc_' + s.method, lang)} ({gap}, "
                     f"{fmt_number(k['solve_time_s'], lang, 2)} s).")
        text += (f"\n\n{tr('source', lang)} : {self.inputs.source_caption()}. "
                 f"{tr('tc_vintages', lang)} {tr('tc_seams', lang)} : "
                 f"{fmt_number(seams['workers_without_distance'], lang)} "
                 f"{tr('tc_workers_no_distance', lang)} ; "
                 f"{fmt_number(seams['stations_outside_region'], lang)} "
                 f"{tr('tc_stations_outside', lang)}.")
        return text

    # ------------------------------------------------------------------ updates
    def _update(self, *_) -> None:
        started = time.perf_counter()
        try:
            with pn.param.set_values(self._map, loading=True):
                result = _result(self._db, self.state.scenario())
                self._show(result, None)
        except (SitingSettingsError, ValueError) as exc:
            log.info("telecentres: impossible setting: %s", exc)
            self._show(None, error_message(exc, self.lang))
        except Exception:  # noqa: BLE001 - never a traceback in the browser
            log.exception("telecentres page update failed")
            self._show(None, tr("error", self.lang))
        self.last_update_s = time.perf_counter() - started

    def _show(self, result, message: str | None) -> None:
        """Show ``result`` (or ``message``): computed here, applied in one message."""
        self.result = result
        points = tplots.site_points_frame(result.sites if result is not None else pd.DataFrame())
        data = tplots.site_layer_data(points, [fmt_number(u, self.lang)
                                               for u in points["daily_users"]])
        kpis, caption = self._kpi_html(result), self._caption_text(result)
        sites, comparison = self._site_display(result), self._comparison()

        def apply() -> None:
            self._alert.object = message or ""
            self._alert.visible = message is not None
            self._site_source.data = data  # raw Bokeh model: under the document lock
            self._kpis.object = kpis
            self._caption.object = caption
            self._sites.value = sites
            self._compare.value = comparison

        apply_changes(apply)

    def pin(self, *_) -> None:
        """Add the current scenario to the comparison table."""
        if self.result is not None:
            self._pinned.append((f"{tr('tc_saved', self.lang)} {len(self._pinned) + 1}",
                                 self.result))
            self._compare.value = self._comparison()

    # ------------------------------------------------------------------ layout
    def __panel__(self):
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
        add.on_click(self.pin)
        downloads = pn.Row(
            pn.widgets.FileDownload(
                callback=lambda: csv_buffer(self.result.sites if self.result else pd.DataFrame()),
                filename="telecentres_sites.csv", label=tr("tc_download_sites", lang),
                color="primary"),
            pn.widgets.FileDownload(callback=lambda: csv_buffer(self._comparison()),
                                    filename="telecentres_scenarios.csv",
                                    label=tr("tc_download_compare", lang)))
        sync_url(state, URL_PARAMETERS)
        main = [
            pn.Column(self._alert, self._kpis, self._map, self._caption,
                      pn.pane.Markdown(tr("tc_assumptions", lang), sizing_mode="stretch_width"),
                      sizing_mode="stretch_width"),
            pn.Column(pn.pane.Markdown(f"## {tr('tc_compare_title', lang)}"), add, self._compare,
                      pn.pane.Markdown(f"## {tr('tc_sites_title', lang)}"), self._sites,
                      downloads, sizing_mode="stretch_width"),
        ]
        return template("telecentres", main, sidebar=controls, lang=lang)


def build_page(lang: str):
    """The telecentres page in ``lang``."""
    return TelecentresPage(lang=lang).__panel__()


def app():
    """The telecentres page, guarded (errors become a short message), for notebooks."""
    return guarded(build_page, "telecentres")
