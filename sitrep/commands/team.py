"""``sitrep team``: set up a team database on PostgreSQL and manage who is in it.

``init URL`` creates or upgrades the schema and puts the roles, grants and row-level
security policies in place (safe to run again); ``add-user NAME --role R --clearance C
URL`` creates or changes a person's login; ``list URL`` shows the team. Run them with
the database owner's URL. Passwords are typed at the terminal (or come from
``SITREP_NEW_PASSWORD`` for scripts), never as an argument other users could read in
the process list.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from sitrep.errors import SitrepError
from sitrep.store.team import LEVELS, ROLES

PASSWORD_VARIABLE = "SITREP_NEW_PASSWORD"


def register(sub: Any) -> None:
    p = sub.add_parser(
        "team",
        help="set up a team database on PostgreSQL and manage its members",
        description="Team databases: PostgreSQL enforces who sees and changes what.",
    )
    verbs = p.add_subparsers(dest="team_command", metavar="ACTION")
    verbs.required = True
    url_help = "the database as its owner: postgresql+psycopg://admin@host/database"

    init = verbs.add_parser(
        "init",
        help="create or upgrade the team database, its roles and access policies",
        description="Create (or upgrade) the project schema, the group roles (viewer, "
        "editor, reviewer, administrator) and the row-level security policies. Safe to "
        "run again, and to be run after installing a newer Sitrep.",
    )
    init.add_argument("url", metavar="URL", help=url_help)
    init.set_defaults(func=cmd_init)

    add = verbs.add_parser(
        "add-user",
        help="create a person's login (or change their role and clearance)",
        description="Create a login for a person, or change an existing one's role, "
        f"clearance and password. The password is asked at the terminal or read from "
        f"{PASSWORD_VARIABLE}.",
    )
    add.add_argument("name", metavar="NAME", help="login name (lower-case letters, digits, _)")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--clearance", required=True, choices=LEVELS)
    add.add_argument("url", metavar="URL", help=url_help)
    add.set_defaults(func=cmd_add_user)

    show = verbs.add_parser("list", help="list the team: login, role, clearance")
    show.add_argument("url", metavar="URL", help=url_help)
    show.set_defaults(func=cmd_list)


def cmd_init(args: argparse.Namespace) -> int:
    from sitrep.store.team import init_team

    setup = init_team(args.url)
    what = "created" if setup.created else "upgraded and checked"
    print(f"Team database {setup.database} {what} (schema {setup.revision}).")
    print("Group roles: " + ", ".join(setup.groups.values()))
    print("Row-level security and grants applied. Add people with 'sitrep team add-user'.")
    return 0


def ask_new_password(name: str) -> str:
    value = os.environ.get(PASSWORD_VARIABLE)
    if value:
        return value
    if not sys.stdin.isatty():
        raise SitrepError(
            f"No password for {name}: type it at a terminal or set {PASSWORD_VARIABLE}."
        )
    first = getpass.getpass(f"Password for {name}: ")
    if getpass.getpass("Type it again: ") != first:
        raise SitrepError("The two passwords differ; nothing was changed.")
    return first


def cmd_add_user(args: argparse.Namespace) -> int:
    from sitrep.store.team import add_user, check_login_name

    check_login_name(args.name)
    member = add_user(args.url, args.name, args.role, args.clearance, ask_new_password(args.name))
    print(f"{member.login} can now log in: {member.role}, clearance {args.clearance}.")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from sitrep.store.team import members

    people = members(args.url)
    if not people:
        print("No members yet; add them with 'sitrep team add-user'.")
        return 0
    width = max(len(m.login) for m in people)
    print(f"{'login':<{width}}  {'role':<13}  clearance")
    for m in people:
        level = m.clearance.value if m.clearance else "?"
        print(f"{m.login:<{width}}  {m.role:<13}  {level}")
    return 0
