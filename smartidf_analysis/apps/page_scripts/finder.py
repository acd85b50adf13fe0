""""Mon télécentre": nearest telecentres from home and employer pooling.

The page's entry script: `smartidf serve` (`panel serve`) runs it for each session."""

from smartidf_analysis.apps.finder import build_page
from smartidf_analysis.apps.shell import serve

serve(build_page, "finder")
