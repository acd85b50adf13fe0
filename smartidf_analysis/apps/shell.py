"""The shared page shell: template, navigation, language, synthetic banner, error guard."""

from __future__ import annotations

import logging

import panel as pn

from .. import db
from .i18n import LANGS, tr

log = logging.getLogger("smartidf.apps")

PAGES = ("overview", "broadband", "commuting", "telecentres", "solar")
_READY = False


def setup() -> None:
    """``pn.extension`` once, with nothing loaded from the internet (offline serving)."""
    global _READY
    if _READY:
        return
    from panel.theme.fast import Fast

    Fast._resources = {**Fast._resources, "font": {}}  # Google Fonts fail offline
    pn.extension("tabulator", notifications=True, loading_indicator=True,
                 defer_load=False, throttled=True)
    _READY = True


def current_lang() -> str:
    """Language of the current session from the ``lang`` URL argument (default French)."""
    args = pn.state.session_args or {}
    raw = args.get("lang", [b"fr"])[0]
    lang = raw.decode("ascii", "ignore") if isinstance(raw, bytes) else str(raw)
    return lang if lang in LANGS else "fr"


def is_synthetic() -> bool:
    """True when the database was built from the synthetic demo region."""
    frame = db.query("region_totals")
    return bool(frame["synthetic"].iloc[0])


def navigation(lang: str, active: str) -> pn.pane.Markdown:
    """Links to every page, keeping the language."""
    suffix = "?lang=en" if lang == "en" else ""
    items = []
    for page in PAGES:
        label = tr(page, lang)
        items.append(f"- **{label}**" if page == active else f"- [{label}](./{page}{suffix})")
    other = "fr" if lang == "en" else "en"
    items.append(f"\n[{tr('language', lang)}](./{active}?lang={other})")
    return pn.pane.Markdown("\n".join(items), sizing_mode="stretch_width")


def template(page: str, main: list, sidebar: list | None = None, lang: str = "fr"):
    """The page template with navigation, a banner when data are synthetic, and ``main``."""
    setup()
    banner = []
    try:
        if is_synthetic():
            banner = [pn.pane.Alert(tr("synthetic_banner", lang), alert_type="warning",
                                    sizing_mode="stretch_width", css_classes=["synthetic-banner"])]
    except Exception:  # noqa: BLE001 - a missing database is reported by the page itself
        log.exception("could not read provenance")
    tpl = pn.template.FastListTemplate(
        title=f"{tr('app_title', lang)} — {tr(page, lang)}",
        sidebar=[navigation(lang, page), *(sidebar or [])],
        main=[*banner, *main], font="sans-serif", accent="#1f5c99",
        header_background="#1f5c99", sidebar_width=300,
    )
    return tpl


def guarded(build, page: str):
    """Build a page; on any error show a short message and log the details (no traceback)."""
    lang = current_lang()
    try:
        return build(lang)
    except db.DatabaseMissingError:
        log.exception("database missing")
        return template(page, [pn.pane.Alert(tr("no_database", lang), alert_type="danger")],
                        lang=lang)
    except Exception:  # noqa: BLE001 - never a traceback in the browser
        log.exception("page %s failed", page)
        return template(page, [pn.pane.Alert(tr("error", lang), alert_type="danger")], lang=lang)
