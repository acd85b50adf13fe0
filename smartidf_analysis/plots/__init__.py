"""HoloViews/GeoViews builders shared by notebooks and dashboards (no Panel here).

``maps`` holds the commune choropleth and geometry projection shared by every theme; each
theme adds its own module (``plots.commuting``, ``plots.broadband``…).
"""

from .maps import choropleth, mercator_paths, polygons_frame, source_caption

__all__ = ["choropleth", "mercator_paths", "polygons_frame", "source_caption"]
