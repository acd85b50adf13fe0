"""Overview: data catalogue, build issues and communes by population.

The page's entry script: `smartidf serve` (`panel serve`) runs it for each session."""

from smartidf_analysis.apps.overview.page import OverviewPage
from smartidf_analysis.apps.shell import serve

serve(OverviewPage.build_page, OverviewPage.page)
