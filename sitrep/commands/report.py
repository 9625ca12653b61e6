"""``sitrep report``: build a situation report (DOCX) for a region and period."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from sitrep.commands.common import add_project_argument, open_for_cli, parse_date
from sitrep.errors import SitrepError
from sitrep.model.enums import ReportKind, Sensitivity
from sitrep.places.regions import resolve_region


def register(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="write a situation report (.docx) for a region and period",
        description="Write a situation report for a region and period. The report gets "
        "the next number for its region unless --number is given; --number N of an "
        "existing report rebuilds it with its narrative.",
    )
    add_project_argument(p)
    p.add_argument("--region", required=True, metavar="NAME", help="admin area or custom region")
    p.add_argument(
        "--from",
        dest="date_from",
        required=True,
        type=parse_date,
        metavar="DATE",
        help="first day of the period (YYYY-MM-DD)",
    )
    p.add_argument(
        "--to",
        dest="date_to",
        required=True,
        type=parse_date,
        metavar="DATE",
        help="last day of the period, included",
    )
    p.add_argument("--output", "-o", required=True, metavar="OUT.docx", type=Path)
    p.add_argument(
        "--kind",
        choices=[k.value for k in ReportKind],
        default="periodic",
        help="periodic update (default) or a short flash update",
    )
    p.add_argument("--number", type=int, metavar="N", help="report number (default: next)")
    p.add_argument(
        "--classification",
        "--level",
        dest="classification",
        type=str.lower,
        choices=[s.value for s in Sensitivity],
        help="the report's marking: incidents more sensitive are not described (they are "
        "counted in the key figures unless the project setting report_count_withheld is no); "
        "default internal, or the stored report's own",
    )
    p.add_argument(
        "--json", type=Path, metavar="FIGURES.json", help="also write the key figures as JSON"
    )
    p.add_argument(
        "--template",
        type=Path,
        metavar="TEMPLATE.docx",
        help="reference template (default: the project's, else the shipped one)",
    )
    p.set_defaults(func=cmd_report)


def _progress(percent: int, message: str) -> None:
    if sys.stderr.isatty():
        print(f"\r{percent:3d}% {message:<40}", end="", file=sys.stderr, flush=True)


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    if not path.parent.is_dir():
        raise SitrepError(f"The folder {path.parent} does not exist.")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=2)
            fh.write("\n")
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def cmd_report(args: argparse.Namespace) -> int:
    from sitrep.reporting.build import generate, spec_for_cli

    out: Path = args.output
    if out.suffix.lower() != ".docx":
        raise SitrepError(f"The output {out} must end in .docx.")
    if args.json is not None and args.json.resolve() == out.resolve():
        raise SitrepError("--json and --output must be different files.")
    if args.date_from > args.date_to:
        raise SitrepError(
            f"The period is empty: --from {args.date_from} is after --to {args.date_to}."
        )
    project = open_for_cli(args.project)
    try:
        with project.session() as s:
            region = resolve_region(s, args.region)
            spec = spec_for_cli(
                s, region, args.date_from, args.date_to, ReportKind(args.kind), args.number
            )
            if args.classification:
                spec.classification = args.classification.upper()
        if args.json is not None and not args.json.parent.is_dir():
            raise SitrepError(f"The folder {args.json.parent} does not exist.")
        result = generate(project, spec, out, template=args.template, progress=_progress)
        if sys.stderr.isatty():
            print(file=sys.stderr)
        if args.json is not None:
            write_json_atomic(args.json, result.data.figures_json())
    finally:
        project.close()
    print(f"Wrote {out}: {result.title}, {summary_line(result.data)}.")
    return 0


def summary_line(data: Any) -> str:
    """ "12 incidents, 30 killed (4 civilians)", saying what is not recorded or withheld."""
    f = data.figures
    killed, civilians = f.value("killed"), f.value("civilians_killed")
    text = f"{f.incidents} incidents, "
    text += "killed not recorded" if killed is None else f"{killed} killed"
    if killed:
        text += " (civilians not recorded)" if civilians is None else f" ({civilians} civilians)"
    if data.withheld.incidents:
        how = "counted" if data.withheld_counted else "not counted"
        level = str(data.filter.max_sensitivity).upper()
        text += f"; {data.withheld.incidents} withheld above {level} ({how})"
    return text
