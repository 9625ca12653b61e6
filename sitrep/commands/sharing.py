"""``sitrep merge`` and ``sitrep conflicts``."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from sitrep.commands.common import add_project_argument, open_for_cli
from sitrep.errors import SitrepError


def register(sub: Any) -> None:
    p = sub.add_parser("merge", help="merge a colleague's project file into this project")
    add_project_argument(p)
    p.add_argument(
        "other", metavar="OTHER", nargs="?", help="their .sitrep file (may be encrypted)"
    )
    p.add_argument("--dry-run", action="store_true", help="say what would change, change nothing")
    p.add_argument(
        "--undo",
        action="store_true",
        help="undo the last merge (refused if an incident it changed was edited since)",
    )
    p.set_defaults(func=cmd_merge)

    p = sub.add_parser("conflicts", help="list or resolve merge conflicts")
    add_project_argument(p)
    p.add_argument("--resolve", type=int, metavar="ID", help="the conflict to resolve")
    p.add_argument("--keep", choices=["ours", "theirs"], help="which version to keep")
    p.set_defaults(func=cmd_conflicts)


def passphrase_for(path: Path, *, confirm: bool = False) -> str:
    """From SITREP_PASSPHRASE or a prompt on the terminal; never from an argument."""
    value = os.environ.get("SITREP_PASSPHRASE")
    if value:
        return value
    if not sys.stdin.isatty():
        raise SitrepError(
            f"{path.name} needs a passphrase: set SITREP_PASSPHRASE or run in a terminal."
        )
    value = getpass.getpass(f"Passphrase for {path.name}: ")
    if confirm and getpass.getpass("Repeat the passphrase: ") != value:
        raise SitrepError("The two passphrases differ.")
    return value


def cmd_merge(args: argparse.Namespace) -> int:
    from sitrep.sharing.crypto import is_encrypted
    from sitrep.sharing.merge import merge_project
    from sitrep.sharing.undo import undo_last_merge

    if args.undo:
        if args.other or args.dry_run:
            print("sitrep merge: error: --undo takes only the project", file=sys.stderr)
            return 2
        project = open_for_cli(args.project)
        try:
            undone = undo_last_merge(project)
        finally:
            project.close()
        print(
            f"Undid the merge of {undone.source} ({undone.at:%Y-%m-%d %H:%M} UTC): "
            f"{undone.reversed} changes reversed."
        )
        return 0
    if not args.other:
        print("sitrep merge: error: give their file (OTHER), or --undo", file=sys.stderr)
        return 2
    other = Path(args.other)
    secret = passphrase_for(other) if is_encrypted(other) else None
    project = open_for_cli(args.project)
    try:
        result = merge_project(project, other, passphrase=secret, dry_run=args.dry_run)
    finally:
        project.close()
    prefix = "Dry run, nothing changed: " if args.dry_run else ""
    print(prefix + result.summary())
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    from sitrep.sharing.conflicts import list_conflicts, resolve_conflict

    project = open_for_cli(args.project)
    try:
        if args.resolve is not None or args.keep:
            if args.resolve is None or not args.keep:
                raise SitrepError("To resolve, give both: --resolve ID --keep ours|theirs.")
            resolve_conflict(project, args.resolve, args.keep)
            print(f"Conflict {args.resolve} resolved: kept {args.keep}.")
            return 0
        conflicts = list_conflicts(project)
        if not conflicts:
            print("No unresolved merge conflicts.")
        for c in conflicts:
            print(
                f"{c.id:>4}  {c.label}  | theirs: {c.their_title!r} by {c.their_user or '?'} "
                f"from {c.their_source}"
            )
            for item in c.items:
                print(f"        {item}")
    finally:
        project.close()
    return 0
