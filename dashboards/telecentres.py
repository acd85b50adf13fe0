"""Telecentres: telework demand, sites near stations, savings and scenarios (`smartidf serve`)."""

from smartidf_analysis.apps.shell import serve
from smartidf_analysis.apps.telecentres import build_page

serve(build_page, "telecentres")
