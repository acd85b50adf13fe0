"""Solar inputs from the database, cached, and the study's result tables.

The only solar package that touches the database, through :mod:`smartidf_analysis.data.db`
(named queries ``sql/solar_*.sql`` and whitelisted reads), one module per concept:
:mod:`~smartidf_analysis.solar.io.sky` (the typical year, the yield cube, the regional field),
:mod:`~smartidf_analysis.solar.io.tables` (building extracts, cadastre, map units, imported
roofs, provenance) and :mod:`~smartidf_analysis.solar.io.production` (the result tables).
Every public name is importable from here (``solar.io.stock_summary``).

Expensive objects - the yield cube (about 1 s), the regional field, the 2.5-million-roof
synthetic stock summaries - are cached per database build and parameters
(:func:`~smartidf_analysis.data.build_cache.per_build`, keyed by
:func:`~smartidf_analysis.data.db.build_key`, the pinned build of a served session), so a
rebuilt database, an import or another parameter gives a fresh result. Cached objects are
shared: treat them as read-only.

Result tables the notebook quotes (:func:`paris_reference_yield`, :func:`stock_summary`...) are
package functions so that they can be written as CSV and compared between runs.
"""

from __future__ import annotations

from smartidf_analysis.solar.io.production import (  # noqa: F401 - the package's API
    SYNTHETIC_ROOFS,
    StockSummary,
    commune_irradiation,
    commune_reference_yield,
    real_set_production,
    roofs_for_set,
    set_totals,
    stock_points,
    stock_summary,
)
from smartidf_analysis.solar.io.sky import (  # noqa: F401 - the package's API
    FIELD_KINDS,
    PVGIS_DATASET,
    fit_field_file,
    irradiance_table,
    paris_yield_cube,
    pvgis_points,
    regional_field,
    shipped_field_grid,
)
from smartidf_analysis.solar.io.tables import (  # noqa: F401 - the package's API
    BUILDING_SOURCES,
    IMPORTED_SET,
    ROOF_SETS,
    SOLAR_TABLES,
    buildings,
    cadastre,
    commune_geometries,
    imported_roofs,
    provenance,
    regional_roof_set,
    stock_communes,
    unplaced_dwellings,
    write_imported_roofs,
)

