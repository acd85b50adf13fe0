"""Fibre (FttH) broadband: coverage per commune (`coverage`), aggregates, zoning and reconciliation
(`aggregates`), indicators, projections, the database inputs (`io`).
"""


from smartidf_analysis.broadband.aggregates import (  # noqa: F401 - the package's API
    aggregate_coverage,
    gap_list,
    no_data_communes,
    reconcile_departments,
    reconciliation_differences,
    regional_status,
    zone_of,
    zoning_breakdown,
)
from smartidf_analysis.broadband.coverage import (  # noqa: F401 - the package's API
    ARCEP_CLASSES,
    LEVELS,
    NO_DATA_REASONS,
    NOT_ON_MAP_REASON,
    OPERATORS_GOAL,
    TABLES,
    ZONES,
    BroadbandData,
    arcep_class_of,
    class_consistency,
    class_disagreements,
    commune_coverage,
    latest_coverage_by_commune,
    unit_quarters,
)
from smartidf_analysis.broadband.io import load  # noqa: F401 - the package's API
