"""Home-to-work commuting: OD matrices and distances (`matrices`), commune indicators, flow
selections, the database inputs (`io`).
"""


# `indicators` below is io's function: it replaces the name of the submodule `indicators`
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
    INTRA_DISTANCE_FACTOR,
    LEVELS,
    MGP_DEPARTMENTS,
    MODE_NAMES,
    MODES,
    PARIS_CODE,
    SOURCE,
    VINTAGE,
    WORKERS_SCALE,
    EmptySelectionError,
    add_distances,
    aggregate_od,
    check_breakdowns,
    check_selection,
    collapse_paris,
    commune_indicators,
    communes_at,
    distance_distribution,
    intra_commune_distance_km,
    is_arrondissement,
    mode_shares,
    region_summary,
    relabel_paris,
    sum_workers,
    unit_table,
    weighted_median,
)
