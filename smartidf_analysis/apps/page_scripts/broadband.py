"""Broadband: FttH coverage by commune and quarter, department series to 2024.

The page's entry script: `smartidf serve` (`panel serve`) runs it for each session."""

from smartidf_analysis.apps.broadband.page import BroadbandPage
from smartidf_analysis.apps.shell import serve

serve(BroadbandPage.build_page, BroadbandPage.page)
