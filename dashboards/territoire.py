"""The territoire page for `panel serve dashboards/` from a checkout: runs the package's entry
script smartidf_analysis/apps/page_scripts/territoire.py (what `smartidf serve` serves)."""

from smartidf_analysis.apps.serve import run_page_script

run_page_script("territoire")
