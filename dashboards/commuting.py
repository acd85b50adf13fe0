"""Commuting: commune indicators, a commune's main home-to-work flows (`smartidf serve`)."""

from smartidf_analysis.apps.commuting import app

app().servable()
