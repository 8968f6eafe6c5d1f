"""``python -m kpilab``: the same as the ``kpilab`` command."""

import sys

try:
    from .cli import main
except KeyboardInterrupt:  # Ctrl-C while the libraries load: nothing was started, nothing to clean up
    sys.stderr.write("kpilab: interrupted\n")
    sys.exit(130)

sys.exit(main())
