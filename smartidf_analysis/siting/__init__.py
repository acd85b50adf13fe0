"""Location models: maximal covering (`mclp`) and p-median (`pmedian`), exact MILP or greedy, on a
shared base class (`base`).
"""


from smartidf_analysis.siting.base import (  # noqa: F401 - the package's API
    METHODS,
    LocationModel,
    SitingSettingsError,
)
from smartidf_analysis.siting.mclp import (  # noqa: F401 - the package's API
    MaximalCoveringLocation,
)
from smartidf_analysis.siting.pmedian import (  # noqa: F401 - the package's API
    PMedian,
)
