"""What every page does with a state change (apps/updates.py, apps/guard.py): only the latest
change's result is shown, the first update runs at once outside a server, and one error path
tells a visitor's mistake (a warning explaining it) from a failure (the generic message, the
traceback in the log only)."""

from __future__ import annotations

import logging

import panel as pn
import param
import pytest

from smartidf_analysis.apps.page import Page
from smartidf_analysis.apps.updates import run_at_once
from smartidf_analysis.errors import UnknownCodeError


class ProbeState(param.Parameterized):
    value = param.Integer(default=0, doc="A number the probe page shows [count].")
    other = param.Integer(default=0, doc="A number no update reads [count].")


class ProbePage(Page):
    """A page showing ``state.value`` after an update computed off the loop."""

    page = "overview"
    State = ProbeState
    labels = {"probe_unknown": ("Code inconnu", "Unknown code")}
    user_errors = (UnknownCodeError,)

    def render(self, data):
        self.shown = pn.pane.Markdown("", css_classes=["probe"])
        self.box = pn.Column(self.shown)
        self.blanked = 0
        self.watch(self.refresh, ["value"])
        self.first_update(self.refresh)
        return [self.box], []

    def explain(self, exc):
        return f"{self.tr('probe_unknown')} : {exc}"

    def compute(self, value: int) -> str:
        if value < 0:
            raise UnknownCodeError(f"code {value}")
        if value == 13:
            raise RuntimeError("boom 13")
        return f"value {value}"

    def blank(self) -> None:
        self.blanked += 1
        self.shown.object = ""

    async def refresh(self, *_):
        async with self.latest(self.box, blank=self.blank) as update:
            text = await update.run(self.compute, self.state.value)
            self.shown.object = text


@pytest.fixture
def probe(synthetic_db):
    page = ProbePage(lang="en")
    page.__panel__()  # outside a server: the first update is done when this returns
    return page


def test_the_first_update_runs_at_once_outside_a_server(probe):
    assert probe.shown.object == "value 0" and not probe.box.loading
    probe.state.value = 4
    assert probe.shown.object == "value 4"


def test_only_the_latest_update_is_shown(probe):
    """An update that is superseded while it computes (here: a newer one started from its
    worker function) shows nothing, and never clears what the newer one showed."""
    probe.state.value = 1
    newer_shown = []

    def slow(value: int) -> str:
        probe.state.value = 2  # a newer change arrives while this one computes
        newer_shown.append(probe.shown.object)
        return f"value {value}"

    async def older():
        async with probe.latest(probe.box) as update:
            probe.shown.object = await update.run(slow, 99)

    run_at_once(probe.guard(older)())
    assert newer_shown == ["value 2"]
    assert probe.shown.object == "value 2"  # not "value 99"
    assert not probe.box.loading


def test_a_visitor_error_is_explained_and_the_page_stays_usable(probe, caplog):
    with caplog.at_level(logging.INFO, logger="smartidf.apps.page"):
        probe.state.value = -7
    assert probe.input_alert.visible and probe.input_alert.object == "Unknown code : code -7"
    assert not probe.error_alert.visible
    assert probe.blanked == 1 and probe.shown.object == ""  # no stale result under it
    assert "Traceback" not in caplog.text and not any(r.levelno >= logging.ERROR
                                                      for r in caplog.records)
    probe.state.value = 5  # a good value: the warning goes
    assert probe.shown.object == "value 5" and not probe.input_alert.visible


def test_a_failure_shows_the_generic_message_never_its_text(probe, caplog):
    with caplog.at_level(logging.ERROR, logger="smartidf.apps.page"):
        probe.state.value = 13
    assert probe.error_alert.visible and not probe.input_alert.visible
    assert "boom" not in probe.error_alert.object
    assert probe.error_alert.object == probe.tr("error")
    assert "boom 13" in caplog.text and "Traceback" in caplog.text
    assert probe.blanked == 1


def test_a_bare_value_error_is_not_a_visitor_error(probe, caplog):
    """A ValueError raised deep in a library reads as a bug, not as a bad setting."""
    def broken(*_):
        raise ValueError("could not convert string to float: 'x'")

    probe.watch(broken, ["other"])
    with caplog.at_level(logging.ERROR, logger="smartidf.apps.page"):
        probe.state.other = 3
    assert probe.error_alert.visible and "float" not in probe.error_alert.object
    assert not probe.input_alert.visible


def test_an_update_that_waits_outside_a_server_is_refused():
    import asyncio

    async def waits():
        await asyncio.sleep(0)

    with pytest.raises(RuntimeError, match="waited outside a server"):
        run_at_once(waits())
