"""Home-to-work commuting: OD matrices and distances (`matrices`), commune indicators, flow
selections, the database inputs (`io`).
"""


# `indicators` below is io's function: it replaces the name of the submodule `indicators`
from smartidf_analysis.commuting.distances import (  # noqa: F401 - the package's API
    INTRA_DISTANCE_FACTOR,
    add_distances,
    intra_commune_distance_km,
)
from smartidf_analysis.commuting.io import (  # noqa: F401 - the package's API
    flows_with_distance,
    indicators,
    load_build_issues,
    load_communes,
    load_pairs,
    od_matrix,
)
from smartidf_analysis.commuting.matrices import (  # noqa: F401 - the package's API
    BREAKDOWNS,
    CSP_NAMES,
    CSPS,
    INDICATORS,
    MODE_NAMES,
    MODES,
    SOURCE,
    VINTAGE,
    WORKERS_SCALE,
    EmptySelectionError,
    aggregate_od,
    check_breakdowns,
    check_selection,
    collapse_paris,
    commune_indicators,
    distance_distribution,
    mode_shares,
    region_summary,
    sum_workers,
    weighted_median,
)
from smartidf_analysis.commuting.units import (  # noqa: F401 - the package's API
    LEVELS,
    MGP_DEPARTMENTS,
    PARIS_CODE,
    communes_at,
    is_arrondissement,
    relabel_paris,
    unit_table,
)
