"""Overview: data catalogue, build issues and communes by population.

The page's entry script: `smartidf serve` (`panel serve`) runs it for each session."""

from smartidf_analysis.apps.overview import build_page
from smartidf_analysis.apps.shell import serve

serve(build_page, "overview")
