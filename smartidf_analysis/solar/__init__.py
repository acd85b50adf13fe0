"""Rooftop solar: irradiance and yield (`irradiance`), the modelled regional field (`clearsky`),
roofs, stock, shading, cadastre comparison, weights, the study tables and the database inputs
(`io`).
"""


from smartidf_analysis.solar.cadastre import (  # noqa: F401 - the package's API
    compare_with_cadastre,
)
from smartidf_analysis.solar.classes import (  # noqa: F401 - the package's API
    class_totals,
    production_totals,
    solar_class,
)
from smartidf_analysis.solar.clearsky import (  # noqa: F401 - the package's API
    IDF_LATITUDES,
    IDF_LONGITUDES,
    irradiance_field,
    spatial_factor_grid,
)
from smartidf_analysis.solar.irradiance import (  # noqa: F401 - the package's API
    DEFAULT_AZIMUTHS,
    DEFAULT_TILTS,
    PARIS_ALTITUDE_M,
    PARIS_LATITUDE,
    PARIS_LONGITUDE,
    REFERENCE_YEAR,
    cube_from_plane,
    plane_arrays,
    reference_year_times,
    solar_position,
    yield_cube,
)
from smartidf_analysis.solar.roof_validation import (  # noqa: F401 - the package's API
    validate_roofs,
)
from smartidf_analysis.solar.roofs import (  # noqa: F401 - the package's API
    estimate_roof_production,
    monthly_roof_production,
)
from smartidf_analysis.solar.stock import (  # noqa: F401 - the package's API
    roofs_from_buildings,
    roofs_from_cadastre,
)
from smartidf_analysis.solar.synthetic_stock import (  # noqa: F401 - the package's API
    StockAssumptions,
    synthetic_roof_stock,
    synthetic_roof_stock_dask,
)
