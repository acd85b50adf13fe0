""""Mon territoire": the figures of one commune, EPCI, EPT or department across fibre,
commuting, telework and solar (:func:`territory_profile`), its top flows
(:func:`top_flows`), its fibre trajectory (:func:`fibre_trajectory`), nearest telecentre
sites (:func:`nearest_sites`) and employers' pooling groups (:func:`pooling_opportunities`),
and the territories themselves (:mod:`.registry`). The page
``territoire``, the printable report (:mod:`smartidf_analysis.apps.territoire.report`) and
notebook 05 all draw from these.
"""

from smartidf_analysis.reporting.territory.figures import (  # noqa: F401 - the package's API
    FIGURES,
    PROFILE_COLUMNS,
    THEMES,
    level_figures,
    precompute,
    territory_profile,
)
from smartidf_analysis.reporting.territory.flows import top_flows  # noqa: F401
from smartidf_analysis.reporting.territory.inputs import (  # noqa: F401
    TerritoryInputs,
    load_inputs,
)
from smartidf_analysis.reporting.territory.registry import (  # noqa: F401
    LEVELS,
    TerritoryNotFound,
    resolve,
    search,
    territories,
)
from smartidf_analysis.reporting.territory.theme_fibre import fibre_trajectory  # noqa: F401
from smartidf_analysis.reporting.territory.theme_telework import (  # noqa: F401
    nearest_sites,
    pooling_opportunities,
)
