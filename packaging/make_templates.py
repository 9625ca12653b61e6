"""Regenerate the shipped report templates (resources/templates/*.docx).

Run from the repository root: ``python packaging/make_templates.py``. The output is
byte-identical on every run; a test checks the shipped files are up to date.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sitrep.reporting.templates import main

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
