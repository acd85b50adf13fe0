"""Broadband: FttH coverage by commune and quarter, department series to 2024.

The page's entry script: `smartidf serve` (`panel serve`) runs it for each session."""

from smartidf_analysis.apps.broadband import build_page
from smartidf_analysis.apps.shell import serve

serve(build_page, "broadband")
