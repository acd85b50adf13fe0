"""Commuting: commune indicators, a commune's main home-to-work flows (`smartidf serve`)."""

from smartidf_analysis.apps.commuting import build_page
from smartidf_analysis.apps.shell import serve

serve(build_page, "commuting")
