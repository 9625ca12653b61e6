"""``sitrep map PROJECT --output map.html [FILTERS]``: an offline HTML map to share."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sitrep.commands.common import (
    add_filter_arguments,
    add_project_argument,
    filter_from_args,
    open_for_cli,
)
from sitrep.errors import SitrepError
from sitrep.model.enums import Sensitivity


def register(sub: Any) -> None:
    p = sub.add_parser(
        "map",
        help="write a self-contained HTML map of incidents",
        description=(
            "Write one HTML file with the filtered incidents on a map. Everything the "
            "map needs is inside the file, so it opens in any browser without a network."
        ),
    )
    add_project_argument(p)
    p.add_argument("--output", "-o", required=True, metavar="OUT.html", type=Path)
    p.add_argument("--title", default="", help="title shown on the map")
    p.add_argument(
        "--online-tiles",
        action="store_true",
        help="show OpenStreetMap tiles under the outlines (needs a network when opened)",
    )
    p.add_argument(
        "--level",
        choices=[level.value for level in Sensitivity],
        default=Sensitivity.INTERNAL.value,
        help="highest confidentiality level on the map (default internal); below internal, "
        "what the redaction policy marks sensitive is withheld from the popups and points",
    )
    add_filter_arguments(p)
    p.set_defaults(func=cmd_map)


def cmd_map(args: argparse.Namespace) -> int:
    from sitrep.mapping.data import located_summary
    from sitrep.mapping.page import export_page
    from sitrep.places.basemaps import project_folder
    from sitrep.sharing.redaction import leaving_filter
    from sitrep.store.targets import atomic_write, check_output_target

    output: Path = args.output
    if output.suffix.lower() not in {".html", ".htm"}:
        raise SitrepError(f"The output must be an .html file, not '{output.name}'.")
    if not output.parent.exists():
        raise SitrepError(f"The folder '{output.parent}' does not exist.")
    check_output_target(output, what="map")
    project = open_for_cli(args.project)
    notes: list[str] = []
    try:
        level = Sensitivity(args.level)
        flt = leaving_filter(filter_from_args(project, args), level)
        with project.session() as s:
            title = args.title or project.setting("name") or ""
            page = export_page(
                s,
                flt,
                title=title,
                online_tiles=args.online_tiles,
                level=level,
                project_dir=project_folder(project),
                notes=notes,
            )
            summary = located_summary(s, flt)
    finally:
        project.close()
    check_output_target(output, what="map")  # the project is closed: check the file again
    with atomic_write(output) as tmp:
        tmp.write_text(page, encoding="utf-8")
    missing = summary.without_coordinates
    print(
        f"Wrote {output} ({summary.with_coordinates} incidents mapped"
        + (f", {missing} without coordinates" if missing else "")
        + f"; level {args.level}; {len(page) / 1e6:.1f} MB)"
    )
    for note in notes:  # what basemap went in, or why none did
        print(f"Note: {note[0].upper()}{note[1:]}" + ("" if note.endswith(".") else "."))
    return 0
