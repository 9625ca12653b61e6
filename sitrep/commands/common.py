"""Helpers shared by command-line verbs: project arguments, filters, dates, progress."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
from pathlib import Path

from sitrep.errors import SitrepError
from sitrep.places.regions import resolve_region
from sitrep.store import Project, open_project
from sitrep.store.cipher import is_encrypted_project
from sitrep.store.engine import is_database_url
from sitrep.store.queries import IncidentFilter

PASSPHRASE_VARIABLE = "SITREP_PASSPHRASE"


def add_project_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "project", metavar="PROJECT", help="a .sitrep file or a postgresql+psycopg:// URL"
    )


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("filters")
    group.add_argument(
        "--region", metavar="NAME", help="admin area of any level, or custom region"
    )
    group.add_argument("--from", dest="date_from", metavar="DATE", type=parse_date)
    group.add_argument("--to", dest="date_to", metavar="DATE", type=parse_date)
    group.add_argument(
        "--type",
        dest="types",
        action="append",
        default=[],
        metavar="TYPE",
        help="event type, sub-event type or local type (repeatable)",
    )


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date; write it as YYYY-MM-DD, e.g. 2025-06-03"
        ) from None


def ask_passphrase(path: Path, *, new: bool = False) -> str:
    """A project's passphrase: from ``SITREP_PASSPHRASE`` or typed at the terminal (a new
    one twice); never from an argument, which other users could read in the process list."""
    value = os.environ.get(PASSPHRASE_VARIABLE)
    if value:
        return value
    if not sys.stdin.isatty():
        raise SitrepError(
            f"{path.name} needs a passphrase: set {PASSPHRASE_VARIABLE} or run in a terminal."
        )
    prompt = "New passphrase" if new else "Passphrase"
    value = getpass.getpass(f"{prompt} for {path.name}: ")
    if new and getpass.getpass("Repeat the passphrase: ") != value:
        raise SitrepError("The two passphrases differ; nothing was changed.")
    return value


def open_for_cli(target: str) -> Project:
    """Open a project named on the command line, asking for its passphrase if encrypted."""
    passphrase = None
    if not is_database_url(target) and is_encrypted_project(Path(target)):
        passphrase = ask_passphrase(Path(target))
    return open_project(target, passphrase=passphrase)


def filter_from_args(project: Project, args: argparse.Namespace) -> IncidentFilter:
    from sqlalchemy import select

    from sitrep.model import EventType, LocalType, SubEventType

    date_from, date_to = getattr(args, "date_from", None), getattr(args, "date_to", None)
    if date_from and date_to and date_from > date_to:
        raise SitrepError(f"The period is empty: --from {date_from} is after --to {date_to}.")
    with project.session() as s:
        region = resolve_region(s, args.region) if getattr(args, "region", None) else None
        event_types: list[str] = []
        sub_types: list[str] = []
        types = set(s.scalars(select(EventType.name)))
        subs = set(s.scalars(select(SubEventType.name)))
        local = {lt.name: lt.sub_event_type for lt in s.scalars(select(LocalType))}
        for wanted in getattr(args, "types", []) or []:
            match = _match_name(wanted, types) or None
            if match:
                event_types.append(match)
                continue
            match = _match_name(wanted, subs) or _match_name(wanted, set(local))
            if match:
                sub_types.append(local.get(match, match))
                continue
            raise SitrepError(
                f"Unknown type '{wanted}'. Event types are: {', '.join(sorted(types))}."
            )
    return IncidentFilter(
        region=region,
        date_from=date_from,
        date_to=date_to,
        event_types=tuple(event_types),
        sub_event_types=tuple(sub_types),
    )


def _match_name(wanted: str, names: set[str]) -> str | None:
    folded = wanted.strip().casefold()
    for name in names:
        if name.casefold() == folded:
            return name
    return None
