"""``sitrep settings``: read and change a project's settings (those reports use too).

``sitrep settings PROJECT`` lists them, ``… KEY`` prints one, ``… KEY VALUE`` sets it
(an empty VALUE clears it). Values are checked where a wrong one would only show up
later, when a report is generated.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from sqlalchemy import select

from sitrep.commands.common import add_project_argument, open_for_cli
from sitrep.errors import SitrepError

# key -> what it is for (shown by `sitrep settings PROJECT`)
KNOWN = {
    "name": "project name shown in the app and reports",
    "organisation": "organisation named in report headers",
    "logo": "PNG or JPEG shown in the reports' header band",
    "reference_prefix": "incident reference prefix, e.g. KCN",
    "report_contact": "contact block of reports, one line each (\\n between lines)",
    "next_report": "when the next report is due: weekly, fortnightly, monthly, N days, or a date",
    "report_template.periodic": "your own template for periodic reports (.docx)",
    "report_template.flash": "your own template for flash updates (.docx)",
    "admin_levels.ISO3": "names of admin levels 1-4 for a country, e.g. division|district|upazila",
    "report_count_withheld": "yes (default) or no: count incidents above a report's "
    "classification in its key figures, without their details",
    "backups_keep": "rolling backups the app keeps in the backups folder beside the "
    "project (default 5; 0: none)",
}


def register(sub: Any) -> None:
    p = sub.add_parser(
        "settings",
        help="list, show or change project settings (organisation, report contact, …)",
        description="List the project's settings, show one (KEY) or set one (KEY VALUE; an "
        "empty VALUE clears it). Known keys: " + "; ".join(f"{k}: {v}" for k, v in KNOWN.items()),
    )
    add_project_argument(p)
    p.add_argument("key", nargs="?", help="the setting to show or change")
    p.add_argument("value", nargs="?", help="its new value")
    p.set_defaults(func=cmd_settings)


def _check(key: str, value: str) -> str:
    from sitrep.reporting.schedule import NEXT_REPORT, next_report_date

    if key == NEXT_REPORT:
        next_report_date(value, dt.date.today())  # raises with a plain sentence
    if key.startswith("admin_levels.") and (len(key) != len("admin_levels.") + 3):
        raise SitrepError("Give the country as its three-letter code: admin_levels.BGD.")
    if key == "report_count_withheld" and value.strip().lower() not in {"", "yes", "no"}:
        raise SitrepError(f"report_count_withheld is yes or no, not '{value}'.")
    if key == "backups_keep":
        from sitrep.store.backups import check_keep

        check_keep(value)
    return value.strip()


def cmd_settings(args: argparse.Namespace) -> int:
    from sitrep.model import ProjectSetting

    project = open_for_cli(args.project)
    try:
        if args.key is None:
            with project.session() as s:
                for each in s.scalars(select(ProjectSetting).order_by(ProjectSetting.key)):
                    print(f"{each.key} = {each.value}")
            return 0
        key = args.key.strip()
        if args.value is None:
            with project.session() as s:
                row = s.get(ProjectSetting, key)
                if row is None:
                    raise SitrepError(f"The project has no setting '{key}'.")
                print(row.value)
            return 0
        value = _check(key, args.value)
        with project.session() as s:
            row = s.get(ProjectSetting, key)
            if not value:
                if row is not None:
                    s.delete(row)
                print(f"Cleared {key}.")
            else:
                s.merge(ProjectSetting(key=key, value=value))
                print(f"Set {key}.")
    finally:
        project.close()
    return 0
