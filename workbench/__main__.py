"""``python -m workbench``: the ``workbench`` command, for when the script is not on PATH."""

import sys

from workbench.cli import main

sys.exit(main())
