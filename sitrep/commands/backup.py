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
