"""Telecentres: telework demand, sites near stations, savings and scenarios.

The page's entry script: `smartidf serve` (`panel serve`) runs it for each session."""

from smartidf_analysis.apps.shell import serve
from smartidf_analysis.apps.telecentres import build_page

serve(build_page, "telecentres")
