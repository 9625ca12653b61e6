"""``sitrep duplicates``: list likely duplicates, review a pair, merge or dismiss it."""

from __future__ import annotations

import argparse
from typing import Any

from sitrep.commands.common import add_project_argument, open_for_cli


def register(sub: Any) -> None:
    p = sub.add_parser(
        "duplicates",
        help="find incidents entered twice; review, merge or dismiss a pair",
        description=(
            "List likely duplicates (near in space and time, same type, shared actors or "
            "sources). --merge A B keeps A and moves every source, casualty row, actor and "
            "attachment of B onto it (audited; --undo reverses the last one)."
        ),
    )
    add_project_argument(p)
    p.add_argument("--km", type=float, default=10.0, help="at most this far apart (default 10)")
    p.add_argument("--days", type=int, default=1, help="at most this many days apart (default 1)")
    p.add_argument("--min-score", type=float, default=0.5, help="0 to 1: how alike (default 0.5)")
    p.add_argument("--any-type", action="store_true", help="also pairs of different types")
    action = p.add_mutually_exclusive_group()
    action.add_argument("--show", nargs=2, metavar=("A", "B"), help="the two side by side")
    action.add_argument("--merge", nargs=2, metavar=("A", "B"), help="merge B into A")
    action.add_argument(
        "--not-duplicate", nargs=2, metavar=("A", "B"), help="never propose this pair again"
    )
    action.add_argument("--undo", action="store_true", help="undo the last merge of duplicates")
    p.set_defaults(func=cmd_duplicates)


def cmd_duplicates(args: argparse.Namespace) -> int:
    from sitrep.sharing.duplicates import (
        Thresholds,
        find_duplicates,
        mark_not_duplicate,
        merge_incidents,
        resolve_incident,
        side_by_side,
        undo_last_duplicate_merge,
    )

    project = open_for_cli(args.project)
    try:
        if args.merge:
            done = merge_incidents(project, *args.merge)
            print(
                f"Merged {done.absorbed} into {done.kept}: {done.moved} sources, casualty "
                f"rows, actors and ids moved; {done.absorbed} is kept as an external id."
            )
            return 0
        if args.undo:
            print(f"Undid the merge of {undo_last_duplicate_merge(project)}.")
            return 0
        if args.not_duplicate:
            mark_not_duplicate(project, *args.not_duplicate)
            print(f"{' and '.join(args.not_duplicate)} will not be proposed again.")
            return 0
        with project.engine.connect() as conn:
            if args.show:
                a, b = (resolve_incident(conn, x) for x in args.show)
                view = side_by_side(conn, a, b)
                width = max(len(f) for f, _, _ in view.rows)
                for name, first, second in view.rows:
                    print(f"{name:<{width}}  {first[:45]:<45}  | {second[:45]}")
                for warning in view.warnings:
                    print(f"note: {warning}")
                return 0
            found = find_duplicates(
                conn,
                Thresholds(args.km, args.days, not args.any_type, args.min_score),
            )
        if not found:
            print("No likely duplicates with these thresholds.")
        for c in found:
            print(
                f"{c.score:.2f}  {c.a_ref} {c.a_title[:40]!r}  ~  {c.b_ref} {c.b_title[:40]!r}"
                f"  ({', '.join(c.reasons)})"
            )
        return 0
    finally:
        project.close()
