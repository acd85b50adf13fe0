"""Solar potential: roofs by class, commune potential, roof inspector.

The page's entry script: `smartidf serve` (`panel serve`) runs it for each session."""

from smartidf_analysis.apps.shell import serve
from smartidf_analysis.apps.solar import build_page

serve(build_page, "solar")
