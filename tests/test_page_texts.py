"""Each page declares its labels (``Page.labels``): a fresh process that imports one page and
nothing else can translate every label of that page (no side-effect import needed)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: what a fresh process imports, and the page class whose labels it must then know
PAGES = {
    "broadband": ("smartidf_analysis.apps.broadband", "BroadbandPage"),
    "buildings": ("smartidf_analysis.apps.buildings", "BuildingsPage"),
    "commuting": ("smartidf_analysis.apps.commuting", "CommutingPage"),
    "finder": ("smartidf_analysis.apps.finder", "FinderPage"),
    "solar": ("smartidf_analysis.apps.solar", "SolarPage"),
    "telecentres": ("smartidf_analysis.apps.telecentres", "TelecentresPage"),
    "territoire": ("smartidf_analysis.apps.territoire.page", "TerritoirePage"),
}

CHILD = """
import importlib, json, sys
from smartidf_analysis.apps.i18n import LABELS, tr
labels = json.loads(sys.argv[1])
own = [k for k in labels if k not in LABELS]  # not among the common labels
if len(own) < 20:
    raise SystemExit(f"only {len(own)} labels of its own")
try:
    tr(own[0])
except KeyError:
    pass
else:
    raise SystemExit(f"{own[0]} known before the page is imported")
importlib.import_module(sys.argv[2])
wrong = {k: (tr(k, "fr"), tr(k, "en")) for k, v in labels.items()
         if (tr(k, "fr"), tr(k, "en")) != tuple(v)}
print(json.dumps({"checked": len(labels), "wrong": wrong}))
"""


def _labels(module: str, page_class: str) -> dict[str, tuple[str, str]]:
    import importlib

    return dict(getattr(importlib.import_module(module), page_class).labels)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_page_declares_its_labels(name):
    module, page_class = PAGES[name]
    labels = _labels(module, page_class)
    assert len(labels) > 20
    done = subprocess.run([sys.executable, "-c", CHILD, json.dumps(labels), module],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"checked": len(labels), "wrong": {}}


def test_the_territory_report_knows_its_labels_without_the_page():
    """`smartidf report territory` imports the report, not the page (nor Panel)."""
    labels = _labels(*PAGES["territoire"])
    done = subprocess.run([sys.executable, "-c", CHILD + "\nassert 'panel' not in sys.modules\n",
                           json.dumps(labels), "smartidf_analysis.apps.territoire.report"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1])["wrong"] == {}
