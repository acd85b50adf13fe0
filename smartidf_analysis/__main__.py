"""``python -m smartidf_analysis`` = the ``smartidf`` command."""

import sys

from smartidf_analysis.cli import main

sys.exit(main())
