"""``python -m kpilab``: the same as the ``kpilab`` command."""

import sys

from .cli import main

sys.exit(main())
