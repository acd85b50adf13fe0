"""Solar potential: roofs by class, commune potential, roof inspector (`smartidf serve`)."""

from smartidf_analysis.apps.shell import serve
from smartidf_analysis.apps.solar import build_page

serve(build_page, "solar")
