""""Mon télécentre": nearest telecentres from home and employer pooling (`smartidf serve`)."""

from smartidf_analysis.apps.finder import build_page
from smartidf_analysis.apps.shell import serve

serve(build_page, "finder")
