"""Telecentres: telework demand (`demand`), candidate sites and the inputs bundle (`sites`),
scenarios, the observed telework signal, the database inputs (`io`).
"""


from smartidf_analysis.telecentres.demand import (  # noqa: F401 - the package's API
    CANDIDATE_MODES,
    COMMUTING_MODES,
    DAYS_PER_WEEK,
    DEFAULT,
    DISTANCE_THRESHOLD_KM,
    FIBRE_THRESHOLD,
    N_SITES,
    OCCUPANCY,
    PARAMETER_SOURCES,
    RADIUS_KM,
    SOURCES,
    STATION_MODES,
    TABLES,
    TELECENTRE_SHARE,
    TELEWORKABLE_SHARE,
    Scenario,
    check_demand_parameters,
    demand_by_commune,
    demand_totals,
    eligible_flows,
    lookup,
    parameters_table,
)
from smartidf_analysis.telecentres.io import (  # noqa: F401 - the package's API
    commune_outlines,
    load_daily,
    load_inputs,
    validation_gaps,
)
from smartidf_analysis.telecentres.sites import (  # noqa: F401 - the package's API
    TelecentreInputs,
    candidate_sites,
    data_seams,
    dedupe_stations,
    exclusion_summary,
    home_to_site_km,
)
