""""Mon territoire": one commune, EPCI, EPT or department across the four themes.

The page's entry script: `smartidf serve` (`panel serve`) runs it for each session."""

from smartidf_analysis.apps.shell import serve
from smartidf_analysis.apps.territoire.page import build_page

serve(build_page, "territoire")
