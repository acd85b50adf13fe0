"""Overview: data catalogue, build issues and communes by population (`smartidf serve`)."""

from smartidf_analysis.apps.overview import build_page
from smartidf_analysis.apps.shell import serve

serve(build_page, "overview")
