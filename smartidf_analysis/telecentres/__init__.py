"""Telecentres: telework demand (`demand`, its parameters in `parameters`), candidate sites
(`candidates`) and the inputs bundle (`sites`), scenarios, the observed telework signal, the
database inputs (`io`).
"""


from smartidf_analysis.telecentres.candidates import (  # noqa: F401 - the package's API
    candidate_sites,
    dedupe_stations,
    exclusion_summary,
)
from smartidf_analysis.telecentres.demand import (  # noqa: F401 - the package's API
    SOURCES,
    TABLES,
    demand_by_commune,
    demand_totals,
    eligible_flows,
    lookup,
)
from smartidf_analysis.telecentres.io import (  # noqa: F401 - the package's API
    commune_outlines,
    load_daily,
    load_inputs,
    validation_gaps,
)
from smartidf_analysis.telecentres.parameters import (  # noqa: F401 - the package's API
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
    STATION_MODES,
    TELECENTRE_SHARE,
    TELEWORKABLE_SHARE,
    Scenario,
    check_demand_parameters,
    parameters_table,
)
from smartidf_analysis.telecentres.sites import (  # noqa: F401 - the package's API
    TelecentreInputs,
    data_seams,
    home_to_site_km,
)
