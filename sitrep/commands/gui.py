"""``sitrep [PROJECT]`` / ``sitrep gui [PROJECT]``: open the app."""

from __future__ import annotations

import argparse
from typing import Any

from sitrep.errors import SitrepError


def register(sub: Any) -> None:
    p = sub.add_parser("gui", help="open the app (the default when no command is given)")
    p.add_argument(
        "project",
        nargs="?",
        metavar="PROJECT",
        help="a .sitrep file or database URL (default: the last project, or a welcome page)",
    )
    p.add_argument(
        "--screenshot",
        metavar="PNG",
        help="render the main window on PROJECT to this image and exit (works offscreen)",
    )
    p.set_defaults(func=cmd_gui)


def cmd_gui(args: argparse.Namespace) -> int:
    from sitrep.ui import app  # Qt is loaded only when the app really starts

    if args.screenshot:
        if not args.project:
            raise SitrepError("--screenshot needs a PROJECT to show.")
        return app.render_screenshot(args.project, args.screenshot)
    return app.run_gui(args.project)
