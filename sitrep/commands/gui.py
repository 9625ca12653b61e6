"""``sitrep [PROJECT]`` / ``sitrep gui [PROJECT]``: open the app."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("gui", help="open the app (the default when no command is given)")
    p.add_argument(
        "project",
        nargs="?",
        metavar="PROJECT",
        help="a .sitrep file or database URL (default: the last project, or a welcome page)",
    )
    p.set_defaults(func=cmd_gui)


def cmd_gui(args: argparse.Namespace) -> int:
    from sitrep.ui.app import run_gui  # Qt is loaded only when the app really starts

    return run_gui(args.project)
