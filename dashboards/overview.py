"""Overview: data catalogue, build issues and communes by population (`smartidf serve`)."""

from smartidf_analysis.apps.overview import app

app().servable()
