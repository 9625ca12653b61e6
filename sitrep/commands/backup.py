"""``sitrep audit verify``, ``sitrep backup``, ``sitrep restore`` and ``sitrep copy``:
history you can check, copies you can go back to, and a project moved between a file
and a team server."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sitrep.commands.common import add_project_argument, open_for_cli


def register(sub: Any) -> None:
    audit = sub.add_parser(
        "audit",
        help="check the project's audit log",
        description="verify: walk the hash-chained audit log and report every entry that "
        "was changed, removed or written around the chain (exit 1 if any).",
    )
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = audit_sub.add_parser("verify", help="check the audit log's hash chain")
    add_project_argument(verify)
    verify.set_defaults(func=cmd_audit_verify)

    backup = sub.add_parser(
        "backup",
        help="write a backup of a project (a file: SQLite's online backup; a server: pg_dump)",
        description="Write a backup of PROJECT at OUT, a new file. A project file is copied "
        "while it may be open (an encrypted one stays encrypted with the same passphrase); "
        "a team database is dumped with pg_dump (custom format).",
    )
    add_project_argument(backup)
    backup.add_argument("out", metavar="OUT", help="the backup file to write (must be new)")
    backup.set_defaults(func=cmd_backup)

    restore = sub.add_parser(
        "restore",
        help="restore a backup as a new project (never over an existing one)",
        description="Restore BACKUP (from sitrep backup, or a rolling backup in a project's "
        "backups folder) as a new project at TARGET: a new .sitrep file for a file backup, "
        "an empty PostgreSQL database for a pg_dump backup.",
    )
    restore.add_argument("backup", metavar="BACKUP", help="the backup file")
    restore.add_argument(
        "target", metavar="TARGET", help="a new .sitrep file or an empty database URL"
    )
    restore.set_defaults(func=cmd_restore)

    copy = sub.add_parser(
        "copy",
        help="copy a project between a file and a team server, keeping UUIDs and history",
        description="Copy every record of SRC into a new project at DST (a new .sitrep file "
        "or an empty postgresql+psycopg:// database): the same UUIDs, the audit log with "
        "its hash chain, attachments, reports and sharing history.",
    )
    copy.add_argument("source", metavar="SRC", help="a .sitrep file or a database URL")
    copy.add_argument("target", metavar="DST", help="a new .sitrep file or an empty database URL")
    copy.set_defaults(func=cmd_copy)


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from sitrep.store.audit_chain import verify

    project = open_for_cli(args.project)
    try:
        with project.engine.connect() as conn:
            result = verify(conn)
    finally:
        project.close()
    if result.ok:
        print(f"OK: {result.entries} audit entries, the chain is unbroken.")
        return 0
    for item in result.breaks:
        print(item)
    n = len(result.breaks)
    print(
        f"sitrep: error: the audit log of {args.project} has {n} break{'s' if n != 1 else ''} "
        f"in {result.entries} entries: it was changed outside Sitrep.",
        file=sys.stderr,
    )
    return 1


def cmd_backup(args: argparse.Namespace) -> int:
    from sitrep.store.backups import backup_project

    project = open_for_cli(args.project)
    try:
        out = backup_project(project, args.out)
        encrypted = " (encrypted with the project's passphrase)" if project.encrypted else ""
    finally:
        project.close()
    print(f"Backup of {args.project} written to {out}{encrypted}.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sitrep.commands.common import ask_passphrase
    from sitrep.store.backups import restore_backup
    from sitrep.store.cipher import is_encrypted_project

    backup = Path(args.backup)
    passphrase = None
    if backup.is_file() and is_encrypted_project(backup):
        passphrase = ask_passphrase(backup)
    target = restore_backup(backup, args.target, passphrase=passphrase)
    print(f"Restored {backup} as a new project at {target}.")
    return 0


def cmd_copy(args: argparse.Namespace) -> int:
    from sitrep.store.audit_chain import verify
    from sitrep.store.transfer import copy_project

    source = open_for_cli(args.source)
    try:
        copy = copy_project(source, args.target)
    finally:
        source.close()
    try:
        with copy.engine.connect() as conn:
            result = verify(conn)
            from sqlalchemy import func, select

            from sitrep.model import Incident

            incidents = conn.scalar(select(func.count()).select_from(Incident))
    finally:
        copy.close()
    chain = "unbroken" if result.ok else f"with {len(result.breaks)} breaks, as in the source"
    print(
        f"Copied {args.source} to {args.target}: {incidents} incidents, "
        f"{result.entries} audit entries (chain {chain})."
    )
    return 0
