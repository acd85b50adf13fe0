"""Location models: maximal covering (`mclp`) and p-median (`pmedian`), exact MILP or greedy.
"""


from smartidf_analysis.siting.mclp import (  # noqa: F401 - the package's API
    METHODS,
    MaximalCoveringLocation,
    SitingSettingsError,
)
from smartidf_analysis.siting.pmedian import (  # noqa: F401 - the package's API
    PMedian,
)
