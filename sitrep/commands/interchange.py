"""``sitrep import``, ``sitrep export``, ``sitrep places import``, ``sitrep boundaries import``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitrep.commands.common import (
    add_filter_arguments,
    add_project_argument,
    filter_from_args,
    open_for_cli,
)
from sitrep.errors import SitrepError
from sitrep.model.enums import Sensitivity

if TYPE_CHECKING:
    from sitrep.store import Project


def register(sub: Any) -> None:
    from sitrep.interchange.exporters import EXPORT_FORMATS
    from sitrep.interchange.import_read import FORMATS

    p = sub.add_parser(
        "import",
        help="import incidents from ACLED, UCDP GED, CSV/XLSX, HXL or GeoJSON",
        description=(
            "Import incidents. By default the whole file is refused if any row is invalid "
            "(nothing is saved); re-importing updates incidents by their ACLED/UCDP ids."
        ),
    )
    add_project_argument(p)
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument("--format", default="auto", choices=FORMATS)
    p.add_argument(
        "--dry-run", action="store_true", help="say what would be added/updated; save nothing"
    )
    p.add_argument(
        "--skip-invalid", action="store_true", help="import the valid rows, report the others"
    )
    p.add_argument(
        "--report", type=Path, metavar="REPORT.csv", help="write the validation report here"
    )
    p.add_argument(
        "--encoding",
        metavar="NAME",
        help="the text encoding of a CSV file (e.g. utf-8, cp1252, cp1251); default: "
        "UTF-8 or its byte-order mark, a legacy code page only when the file is clearly "
        "not UTF-8 (the guess is shown before anything is saved)",
    )
    p.add_argument(
        "--without-ids",
        action="store_true",
        help="import an ACLED export that lacks its event_id_cnty column (importing it "
        "again will add every event again)",
    )
    p.add_argument(
        "--mapping",
        metavar="NAME",
        help="a column mapping saved in the project (CSV/XLSX/GeoJSON); default: the saved "
        "mapping of this file layout, else a guess from column names and HXL hashtags",
    )
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="take FIELD from COLUMN (repeatable), e.g. --map date_start=displacement_date",
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="give FIELD the same VALUE on every row (repeatable), e.g. "
        "--set 'sub_event_type=Other'",
    )
    p.add_argument("--scheme", help="name of the id scheme for re-imports (default: import)")
    p.add_argument(
        "--dataset",
        default="",
        metavar="NAME",
        help="how reports credit the data (default: UCDP GED, ACLED, else the file name)",
    )
    p.add_argument("--citation", default="", metavar="TEXT", help="the dataset's citation")
    p.add_argument("--licence", default="", metavar="TEXT", help="the dataset's licence")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "export",
        help="export a shared project file, or incidents as CSV, XLSX, GeoJSON, HXL, ACLED CSV",
    )
    add_project_argument(p)
    p.add_argument("out", metavar="OUT", type=Path)
    p.add_argument(
        "--format",
        choices=("sitrep", *EXPORT_FORMATS),
        help="default: from the file extension (.sitrep, .xlsx, .geojson, else csv)",
    )
    p.add_argument(
        "--level",
        choices=[level.value for level in Sensitivity],
        help="highest confidentiality level that leaves (default internal: restricted "
        "incidents never leave by accident); below internal, what the redaction policy "
        "marks sensitive is withheld",
    )
    p.add_argument(
        "--encrypt",
        action="store_true",
        help="sitrep format: encrypt with a passphrase (SITREP_PASSPHRASE or a prompt)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="sitrep format: replace OUT even if it is a Sitrep project (never the project "
        "being exported, nor a project that is open)",
    )
    add_filter_arguments(p)
    p.set_defaults(func=cmd_export)

    places = sub.add_parser("places", help="the project's places (gazetteer packs)")
    psub = places.add_subparsers(dest="places_command", metavar="ACTION", required=True)
    p = psub.add_parser("import", help="import a gazetteer pack (CSV/XLSX with names, lat/lon)")
    add_project_argument(p)
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument("--country", default="", metavar="ISO3", help="country of rows that lack one")
    p.set_defaults(func=cmd_places_import)

    bounds = sub.add_parser("boundaries", help="admin boundaries (boundary packs)")
    bsub = bounds.add_subparsers(dest="boundaries_command", metavar="ACTION", required=True)
    p = bsub.add_parser("import", help="import a boundary pack (GeoJSON or shapefile, P-codes)")
    add_project_argument(p)
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument("--level", type=int, choices=(1, 2, 3, 4), help="default: detected")
    p.add_argument("--country", default="", metavar="ISO3")
    p.set_defaults(func=cmd_boundaries_import)
    p = bsub.add_parser(
        "assign", help="place all incidents with coordinates in the admin areas (again)"
    )
    add_project_argument(p)
    p.set_defaults(func=cmd_boundaries_assign)


def _terminal_progress(label: str) -> Any:
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int, phase: str = "") -> bool:
        print(f"\r{label} {phase}: {done}/{total}   ", end="", file=sys.stderr, flush=True)
        if done >= total and phase == "done":
            print(file=sys.stderr)
        return True

    return show


def cmd_import(args: argparse.Namespace) -> int:
    from sitrep.interchange.columns import saved_mappings
    from sitrep.interchange.importer import DatasetCredit, ImportRejected, import_file

    project = open_for_cli(args.project)
    try:
        mapping = None
        if args.mapping:
            with project.session() as s:
                saved = saved_mappings(s)
            if args.mapping not in saved:
                names = ", ".join(sorted(n for n in saved if not n.startswith("layout-")))
                raise SitrepError(
                    f"No saved column mapping called '{args.mapping}'"
                    + (f"; saved mappings: {names}." if names else ".")
                )
            mapping = saved[args.mapping]
        if args.map or args.set or args.scheme:
            mapping = _adjusted_mapping(project, args, mapping)
        try:
            result = import_file(
                project,
                args.file,
                fmt=args.format,
                mapping=mapping,
                dry_run=args.dry_run,
                skip_invalid=args.skip_invalid,
                report_path=args.report,
                progress=_terminal_progress("import"),
                credit=DatasetCredit(args.dataset, args.citation, args.licence),
                encoding=args.encoding,
                without_ids=args.without_ids,
                on_read=_announce_read,
            )
        except ImportRejected as exc:
            for p in exc.result.errors[:10]:
                print(f"  row {p.row}, {p.column}: {p.reason}", file=sys.stderr)
            if len(exc.result.errors) > 10:
                print(f"  … and {len(exc.result.errors) - 10} more", file=sys.stderr)
            raise
        print(("Dry run: " if args.dry_run else "") + result.summary())
        for note in result.notes:
            print(f"  note: {note}")
        if result.report_path:
            print(f"Validation report: {result.report_path}")
        elif result.errors:
            for p in result.errors[:10]:
                print(f"  skipped row {p.row}, {p.column}: {p.reason}")
        return 0
    finally:
        project.close()


def _announce_read(fmt: str, table: Any) -> None:
    """Before anything is written: say how the file's text was decoded when it was
    not plain UTF-8, and warn when re-importing it would duplicate."""
    if table.encoding_note:
        print(f"Reading {Path(table.source).name} as {table.encoding_note}.", flush=True)
        sample = table.non_ascii_sample()
        if sample and not table.encoding.lower().startswith("utf"):
            print(f"  names read like: {sample} (if wrong, import again with --encoding)")
    if fmt == "acled" and "event_id_cnty" not in {c.strip().lower() for c in table.columns}:
        print(
            "Warning: the file has no event_id_cnty column; importing it again will add "
            "every event again.",
            file=sys.stderr,
        )


def _pairs(items: list[str], option: str) -> dict[str, str]:
    from sitrep.interchange.columns import FIELDS

    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or key not in FIELDS:
            raise SitrepError(
                f"{option} {item!r}: write FIELD=..., FIELD being one of {', '.join(FIELDS)}."
            )
        out[key] = value.strip()
    return out


def _adjusted_mapping(project: Any, args: argparse.Namespace, mapping: Any) -> Any:
    from sitrep.interchange.import_read import default_mapping, load_table

    if mapping is None:
        fmt, table = load_table(
            args.file, args.format, encoding=args.encoding, without_ids=args.without_ids
        )
        if fmt in {"acled", "ucdp"}:
            raise SitrepError("--map/--set/--scheme apply to CSV, XLSX and GeoJSON imports only.")
        with project.session() as s:
            mapping = default_mapping(s, table)
    mapping.columns.update(_pairs(args.map, "--map"))
    for key, value in _pairs(args.set, "--set").items():
        mapping.columns.pop(key, None)
        mapping.constants[key] = value
    if args.scheme:
        mapping.scheme = args.scheme
    return mapping


def cmd_export(args: argparse.Namespace) -> int:
    from sitrep.interchange.exporters import export_incidents

    fmt = args.format
    if fmt is None:
        suffix = args.out.suffix.lower()
        fmt = {
            ".xlsx": "xlsx",
            ".geojson": "geojson",
            ".json": "geojson",
            ".sitrep": "sitrep",
        }.get(suffix, "csv")
    if fmt != "sitrep" and args.encrypt:
        raise SitrepError("--encrypt applies to --format sitrep (shared projects).")
    if fmt != "sitrep" and args.force:
        raise SitrepError("--force applies to --format sitrep (shared projects) only.")
    if fmt == "sitrep":
        return _export_shared(args)
    level = Sensitivity(args.level or Sensitivity.INTERNAL.value)
    project = open_for_cli(args.project)
    try:
        flt = filter_from_args(project, args)
        n = export_incidents(project, args.out, fmt, flt, level=level)
        print(f"Exported {n} incidents to {args.out} ({fmt}, level {level.value})")
        _warn_if_plain_copy(project, f"{fmt.upper()} file", encrypted=False)
        return 0
    finally:
        project.close()


def _warn_if_plain_copy(project: Project, what: str, *, encrypted: bool) -> None:
    if project.encrypted and not encrypted:
        from sitrep.store.cipher import plain_copy_warning

        print(f"sitrep: warning: {plain_copy_warning(project.name, what)}", file=sys.stderr)


def _export_shared(args: argparse.Namespace) -> int:
    from sitrep.commands.sharing import passphrase_for
    from sitrep.sharing.export import export_project
    from sitrep.store.targets import check_output_target

    level = Sensitivity(args.level or Sensitivity.INTERNAL.value)
    project = open_for_cli(args.project)
    try:
        # before asking for a passphrase; the project is open, so it is recognised
        check_output_target(
            args.out, what="export", replace_project=args.force, force_option="--force"
        )
        secret = passphrase_for(args.out, confirm=True) if args.encrypt else None
        flt = filter_from_args(project, args)
        result = export_project(
            project, args.out, flt=flt, level=level, passphrase=secret, replace_project=args.force
        )
        _warn_if_plain_copy(project, "shared project", encrypted=result.encrypted)
    finally:
        project.close()
    notes = [f"level {level.value}"]
    if result.redacted:
        notes.append(f"sensitive fields withheld in {result.redacted}")
    if result.encrypted:
        notes.append("encrypted")
    print(f"Exported {result.incidents} incidents to {args.out} ({', '.join(notes)})")
    return 0


def cmd_places_import(args: argparse.Namespace) -> int:
    from sitrep.interchange.place_packs import import_gazetteer_pack

    project = open_for_cli(args.project)
    try:
        result = import_gazetteer_pack(project, args.file, country_iso=args.country.upper())
        print(result.summary("places"))
        for p in result.problems[:20]:
            print(f"  skipped row {p.row}, {p.column}: {p.reason}")
        return 0
    finally:
        project.close()


def cmd_boundaries_import(args: argparse.Namespace) -> int:
    from sitrep.interchange.place_packs import import_boundary_pack

    project = open_for_cli(args.project)
    try:
        result = import_boundary_pack(
            project, args.file, level=args.level, country_iso=args.country.upper()
        )
        print(result.summary("boundaries"))
        for p in result.problems[:20]:
            print(f"  skipped feature {p.row}, {p.column}: {p.reason}")
        return 0
    finally:
        project.close()


def cmd_boundaries_assign(args: argparse.Namespace) -> int:
    from sitrep.places.admin_assign import assign_admin_areas, has_boundaries

    project = open_for_cli(args.project)
    try:
        with project.session() as s:
            if not has_boundaries(s):
                raise SitrepError(
                    "This project has no admin boundaries yet; import a boundary pack first "
                    "(sitrep boundaries import PROJECT FILE)."
                )
            n = assign_admin_areas(s)
        print(f"{n} incidents placed in other admin areas.")
        return 0
    finally:
        project.close()
