"""``python -m sitrep`` runs the command line (which opens the app by default)."""

import sys

from sitrep.cli import main

sys.exit(main())
