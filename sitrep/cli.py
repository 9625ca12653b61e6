"""The command line: the same core as the GUI, for scripted use and tests.

Each verb lives in a module of :mod:`sitrep.commands` exposing ``register(subparsers)``
that adds its parser with ``func`` set to a handler ``(args) -> int``. Exit status:
0 success, 1 a user error (one clear line on stderr, no traceback), 2 bad usage.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from sitrep import __version__
from sitrep.errors import SitrepError

COMMAND_MODULES = (
    "sitrep.commands.project",  # new, demo, info, encrypt, decrypt
    "sitrep.commands.interchange",  # import, export, places, boundaries
    "sitrep.commands.sharing",  # merge, conflicts
    "sitrep.commands.duplicates",  # duplicates
    "sitrep.commands.report",  # report
    "sitrep.commands.settings",  # settings
    "sitrep.commands.map",  # map
    "sitrep.commands.basemap",  # basemap add|list|remove|move
    "sitrep.commands.backup",  # audit, backup, restore, copy
    "sitrep.commands.team",  # team init, add-user, list
    "sitrep.commands.draft",  # draft
    "sitrep.commands.gui",  # gui (the default)
)
# Each module imports only argparse-level code at the top; Qt and heavy libraries are
# imported inside the handlers, so `sitrep info` starts fast and needs no display.

VERBS = {
    "gui",
    "new",
    "demo",
    "info",
    "encrypt",
    "decrypt",
    "import",
    "export",
    "merge",
    "conflicts",
    "duplicates",
    "report",
    "settings",
    "map",
    "places",
    "boundaries",
    "basemap",
    "audit",
    "backup",
    "restore",
    "copy",
    "team",
    "draft",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitrep",
        description="Log conflict incidents, map them and write situation reports.",
    )
    parser.add_argument("--version", action="version", version=f"sitrep {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # `sitrep` and `sitrep PROJECT` open the app.
    if not args_list or (args_list[0] not in VERBS and not args_list[0].startswith("-")):
        args_list = ["gui", *args_list]
    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # argparse: 2 on bad usage, 0 for --help
        return int(exc.code or 0)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "func", None):
        parser.print_usage(sys.stderr)
        print(f"sitrep: error: the command '{args.command}' is not available", file=sys.stderr)
        return 2
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except BrokenPipeError:
        _quiet_closed_pipe()
        return 1
    except SitrepError as exc:
        print(f"sitrep: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("sitrep: interrupted; nothing was saved from the unfinished step.", file=sys.stderr)
        return 130


def _quiet_closed_pipe() -> None:
    """The reader of our output went away (``sitrep info X | head -1``): stop quietly.

    Python's documented way: point stdout at devnull so the flush at exit does not
    raise again (https://docs.python.org/3/library/signal.html#note-on-sigpipe).
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
