"""Commuting: commune indicators, a commune's main home-to-work flows.

The page's entry script: `smartidf serve` (`panel serve`) runs it for each session."""

from smartidf_analysis.apps.commuting import build_page
from smartidf_analysis.apps.shell import serve

serve(build_page, "commuting")
