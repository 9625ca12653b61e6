"""``sitrep report``: build a situation report (DOCX) for a region and period.

A periodic report needs ``--region``, ``--from`` and ``--to``; a flash update is built
from chosen incidents (``--incident REF``, repeatable), its region and period following
from them. Generating the same region, kind and period again makes a new revision of
that report. ``--final`` issues the report as final, so the next report can say what
changed since it (the app's Final status does the same).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sitrep.commands.common import add_project_argument, open_for_cli, parse_date
from sitrep.errors import SitrepError
from sitrep.model.enums import ReportKind, Sensitivity


def register(sub: Any) -> None:
    from sitrep.reporting.docx_writer import DEFAULT_ANNEX_LIMIT
    from sitrep.reporting.periods import COMPARISONS

    p = sub.add_parser(
        "report",
        help="write a situation report (.docx) for a region and period",
        description="Write a situation report for a region and period, or a flash update "
        "about chosen incidents (--incident). A report gets the next number for its region "
        "and kind; the same region, kind and period again makes a new revision of that "
        "report; --number N of an existing report rebuilds it with its narrative.",
    )
    add_project_argument(p)
    p.add_argument(
        "--region",
        metavar="NAME",
        help="admin area or custom region ('Kachin', 'Sagaing District', 'admin2:Sagaing', "
        "a P-code); a flash update defaults to the area its incidents share",
    )
    p.add_argument(
        "--from",
        dest="date_from",
        type=parse_date,
        metavar="DATE",
        help="first day of the period (YYYY-MM-DD)",
    )
    p.add_argument(
        "--to",
        dest="date_to",
        type=parse_date,
        metavar="DATE",
        help="last day of the period, included",
    )
    p.add_argument("--output", "-o", required=True, metavar="OUT.docx", type=Path)
    p.add_argument(
        "--kind",
        choices=[k.value for k in ReportKind],
        default=None,
        help="periodic update (default), or a flash update about the --incident given",
    )
    p.add_argument(
        "--incident",
        action="append",
        default=[],
        metavar="REF",
        help="an incident of the flash update (repeatable), e.g. KCN-2025-0290",
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
        "--final",
        action="store_true",
        help="issue the report as final (no DRAFT mark; later reports compare with it)",
    )
    p.add_argument(
        "--compare",
        choices=COMPARISONS,
        default=None,
        help="previous period: auto (calendar for whole weeks and months, else equal "
        "length; the default), calendar, or equal (length)",
    )
    p.add_argument(
        "--annex-limit",
        type=int,
        default=DEFAULT_ANNEX_LIMIT,
        metavar="N",
        help=f"incidents listed one by one in the annex, the rest summarised by area "
        f"(default {DEFAULT_ANNEX_LIMIT}; 0 lists all)",
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


def cmd_report(args: argparse.Namespace) -> int:
    from sitrep.places.regions import resolve_region
    from sitrep.reporting.build import generate, spec_for_cli
    from sitrep.reporting.flash import find_incidents, flash_period, flash_region

    out: Path = args.output
    if out.suffix.lower() != ".docx":
        raise SitrepError(f"The output {out} must end in .docx.")
    if args.json is not None and args.json.resolve() == out.resolve():
        raise SitrepError("--json and --output must be different files.")
    if args.annex_limit < 0:
        raise SitrepError("--annex-limit must be 0 (list all) or more.")
    kind = ReportKind(args.kind) if args.kind else None
    if args.incident and kind is ReportKind.PERIODIC:
        raise SitrepError(
            "--incident chooses the incidents of a flash update, not --kind periodic."
        )
    if kind is ReportKind.FLASH and not args.incident:
        raise SitrepError(
            "A flash update is about chosen incidents: give them with --incident REF (repeatable)."
        )
    flash = bool(args.incident)
    if not flash and (args.region is None or args.date_from is None or args.date_to is None):
        raise SitrepError("A periodic report needs --region, --from and --to.")
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise SitrepError(
            f"The period is empty: --from {args.date_from} is after --to {args.date_to}."
        )
    project = open_for_cli(args.project)
    try:
        with project.session() as s:
            incident_ids: tuple[Any, ...] = ()
            if flash:
                incidents = find_incidents(s, args.incident)
                incident_ids = tuple(i.id for i in incidents)
                first, last = flash_period(incidents)
                region = (
                    resolve_region(s, args.region) if args.region else flash_region(s, incidents)
                )
                date_from, date_to = args.date_from or first, args.date_to or last
            else:
                region = resolve_region(s, args.region)
                date_from, date_to = args.date_from, args.date_to
            spec = spec_for_cli(
                s,
                region,
                date_from,
                date_to,
                ReportKind.FLASH if flash else ReportKind.PERIODIC,
                args.number,
                comparison=args.compare,
                final=args.final,
                incident_ids=incident_ids,
            )
            if args.classification:
                spec.classification = args.classification.upper()
            spec.annex_limit = args.annex_limit
        result = generate(
            project,
            spec,
            out,
            json_output=args.json,
            template=args.template,
            progress=_progress,
        )
        if sys.stderr.isatty():
            print(file=sys.stderr)
    finally:
        project.close()
    revision = f" (revision {result.revision})" if result.revision > 1 else ""
    status = "final" if args.final else "draft"
    print(f"Wrote {out}: {result.title}{revision}, {status}; {summary_line(result.data)}.")
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
