"""Command-line verbs, one module each (see :mod:`sitrep.cli`)."""
