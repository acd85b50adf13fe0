"""Figure builders shared by the pages and the notebooks (no Panel here).

Every map is a Bokeh :class:`~smartidf_analysis.plots.polygon_map.PolygonMap` built by its
theme's module (``plots.broadband.coverage_map``, ``plots.commuting.commuting_map``,
``plots.telecentres.site_map``, ``plots.solar.commune_map``…) and recoloured there; charts are
HoloViews. ``maps`` holds the geometry projection and the source caption of every figure.
"""

from .maps import mercator_paths, source_caption

__all__ = ["mercator_paths", "source_caption"]
