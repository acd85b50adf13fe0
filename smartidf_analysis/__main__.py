"""``python -m smartidf_analysis`` = the ``smartidf`` command."""

import sys

from .cli import main

sys.exit(main())
