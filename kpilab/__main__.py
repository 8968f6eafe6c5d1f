"""``python -m kpilab``: the same as the ``kpilab`` command.

Only light modules load before :func:`kpilab.cli.main` has taken Ctrl-C and SIGTERM in hand
(``import kpilab`` defers pandas and numpy), so an interruption at any moment is one line and
exit 130 (143 for SIGTERM), never a traceback.
"""

import sys

from .cli import main

sys.exit(main())
