"""Buildings: 2.5D view of real roofs by solar class, regional raster map.

The page's entry script: `smartidf serve` (`panel serve`) runs it for each session."""

from smartidf_analysis.apps.buildings import build_page
from smartidf_analysis.apps.shell import serve

serve(build_page, "buildings")
