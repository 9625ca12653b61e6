"""``sitrep new``, ``sitrep demo`` and ``sitrep info``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from sitrep.commands.common import add_project_argument, ask_passphrase, open_for_cli
from sitrep.model import AdminArea, Incident
from sitrep.store import Project, create_project
from sitrep.store.queries import IncidentFilter, counts_by_type, date_range


def register(sub: Any) -> None:
    p = sub.add_parser("new", help="create an empty project")
    add_project_argument(p)
    p.add_argument("--name", default="", help="project name shown in the app and reports")
    p.add_argument("--prefix", default="", help="incident reference prefix, e.g. KCN")
    p.add_argument(
        "--encrypt",
        action="store_true",
        help="encrypt the file with a passphrase (asked, or SITREP_PASSPHRASE)",
    )
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("encrypt", help="encrypt a project file with a passphrase, in place")
    add_project_argument(p)
    p.set_defaults(func=cmd_encrypt)

    p = sub.add_parser("decrypt", help="remove a project file's encryption, in place")
    add_project_argument(p)
    p.set_defaults(func=cmd_decrypt)

    p = sub.add_parser("demo", help="create the demo project (Kachin State scenario)")
    add_project_argument(p)
    p.add_argument(
        "--synthetic",
        type=int,
        default=300,
        metavar="N",
        help="number of synthetic background incidents (default 300)",
    )
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("info", help="schema version, date range, counts by area and type")
    add_project_argument(p)
    p.set_defaults(func=cmd_info)


def cmd_new(args: argparse.Namespace) -> int:
    passphrase = ask_passphrase(Path(args.project), new=True) if args.encrypt else None
    project = create_project(args.project, name=args.name, passphrase=passphrase)
    if args.prefix:
        from sitrep.store.incidents import PREFIX_PATTERN

        prefix = args.prefix.upper()
        if not PREFIX_PATTERN.match(prefix):
            project.close()
            from sitrep.errors import ValidationError

            raise ValidationError("The reference prefix must be 2–8 letters or digits.")
        project.set_setting("reference_prefix", prefix)
    print(f"Created {args.project}" + (" (encrypted)" if args.encrypt else ""))
    project.close()
    return 0


def _project_file(target: str) -> Path:
    from sitrep.errors import ProjectError
    from sitrep.store.engine import is_database_url

    path = Path(target)
    if is_database_url(target):
        raise ProjectError("Only project files can be encrypted, not database servers.")
    if not path.is_file():
        raise ProjectError(f"There is no project file at {path}.")
    return path


def cmd_encrypt(args: argparse.Namespace) -> int:
    from sitrep.errors import ProjectError
    from sitrep.store.cipher import encrypt_with_backups, is_encrypted_project

    path = _project_file(args.project)
    if is_encrypted_project(path):
        raise ProjectError(f"{path} is already encrypted.")
    backups = encrypt_with_backups(path, ask_passphrase(path, new=True))
    print(f"Encrypted {path}")
    for backup in backups:
        print(f"Encrypted its backup {backup}")
    return 0


def cmd_decrypt(args: argparse.Namespace) -> int:
    from sitrep.errors import ProjectError
    from sitrep.store.cipher import decrypt_file, is_encrypted_project

    path = _project_file(args.project)
    if not is_encrypted_project(path):
        raise ProjectError(f"{path} is not encrypted.")
    decrypt_file(path, ask_passphrase(path))
    print(f"Decrypted {path}; it is no longer protected by a passphrase")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from sitrep.demo import build_demo

    project = build_demo(args.project, synthetic=args.synthetic)
    print_info(project)
    project.close()
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    project = open_for_cli(args.project)
    try:
        print_info(project)
    finally:
        project.close()
    return 0


def print_info(project: Project) -> None:
    with project.session() as s:
        total = s.scalar(select(func.count()).select_from(Incident)) or 0
        synthetic = (
            s.scalar(select(func.count()).select_from(Incident).where(Incident.is_synthetic)) or 0
        )
        span = date_range(s)
        by_type = counts_by_type(s, IncidentFilter())
        by_admin1 = s.execute(
            select(func.coalesce(AdminArea.name, "(no state/region)"), func.count())
            .select_from(Incident)
            .outerjoin(AdminArea, AdminArea.id == Incident.admin1_id)
            .group_by(AdminArea.name)
            .order_by(func.count().desc())
        ).all()
    print(f"Project:   {project.setting('name') or project.name}")
    print(f"Location:  {project.location}")
    print(f"Schema:    {project.schema_revision()}")
    print(f"Incidents: {total}" + (f" ({synthetic} synthetic)" if synthetic else ""))
    if span:
        print(f"Dates:     {span[0].isoformat()} to {span[1].isoformat()}")
    if by_admin1:
        print("By state/region:")
        for name, n in by_admin1:
            print(f"  {name:<32} {n:>8}")
    if by_type:
        print("By event type:")
        for row in by_type:
            print(f"  {row.event_type:<32} {row.incidents:>8}")
