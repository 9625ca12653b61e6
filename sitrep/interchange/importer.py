"""Importing a file into a project: read, check every row, then write in one go.

1. :mod:`~sitrep.interchange.import_read`: the file is read (encoding decided by
   :mod:`~sitrep.interchange.encoding`, dialect sniffed) and its format recognised;
   every row becomes an :class:`IncidentRecord` or a :class:`RowProblem` (row, column,
   reason).
2. :mod:`~sitrep.interchange.import_check`: every record is checked with the model's
   own validation.
3. Unless ``skip_invalid`` is set, one bad row refuses the whole file and nothing is
   written. Otherwise :mod:`~sitrep.interchange.import_write` writes the good rows in
   ONE transaction: a cancel (the progress callback returns False) or any error rolls
   everything back. Re-importing the same file adds nothing; ``dry_run`` reports what
   would be added/updated/unchanged and writes nothing.
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sitrep.errors import SitrepError
from sitrep.interchange import datasets
from sitrep.interchange.columns import ColumnMapping, layout_key, local_types, save_mapping
from sitrep.interchange.import_check import check_records
from sitrep.interchange.import_read import (
    ImportCancelled,
    Progress,
    default_mapping,
    load_table,
    parse_table,
)
from sitrep.interchange.import_write import apply_records
from sitrep.interchange.parsed_rows import RowProblem, write_report
from sitrep.interchange.readers import Table
from sitrep.store.incidents import known_sub_event_types
from sitrep.store.project import Project
from sitrep.store.targets import check_output_target

__all__ = ["DatasetCredit", "ImportCancelled", "ImportRejected", "ImportResult", "import_file"]


class ImportRejected(SitrepError):
    """The file has invalid rows and ``skip_invalid`` was not given; nothing was written."""

    def __init__(self, message: str, result: ImportResult) -> None:
        super().__init__(message)
        self.result = result


@dataclass
class ImportResult:
    format: str
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    areas_created: int = 0
    actors_created: int = 0
    dry_run: bool = False
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    report_path: Path | None = None
    incident_ids: list[uuid.UUID] = field(default_factory=list)

    @property
    def errors(self) -> list[RowProblem]:
        return [p for p in self.problems if p.severity == "error"]

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        text = (
            f"{self.rows} rows read ({self.format}): {self.added} incidents {verb} added, "
            f"{self.updated} updated, {self.unchanged} unchanged"
        )
        if self.invalid:
            text += f", {self.invalid} rows skipped as invalid"
        if self.areas_created:
            text += f"; {self.areas_created} admin areas {verb} added"
        return text + "."


# --------------------------------------------------------------------------- entry point


def import_file(
    project: Project,
    path: Path | str,
    *,
    fmt: str = "auto",
    mapping: ColumnMapping | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    report_path: Path | str | None = None,
    progress: Progress | None = None,
    remember_mapping: bool = True,
    credit: DatasetCredit | None = None,
    encoding: str | None = None,
    without_ids: bool = False,
    on_read: Callable[[str, Table], None] | None = None,
) -> ImportResult:
    """Import ``path`` into ``project`` (see the module docstring for the rules).

    ``credit`` names the dataset and its citation and licence as reports will credit
    them (UCDP GED and ACLED are known; another file is credited by its name).
    ``encoding`` overrides the detected text encoding; ``without_ids`` lets an ACLED
    export without its id column in (re-importing it will duplicate); ``on_read`` is
    called with the format and the table once the file is read, before anything is
    written (the CLI shows a guessed encoding there).
    """
    if not dry_run:
        project.require_writable()
    if report_path is not None:
        check_output_target(report_path, what="validation report")
    with _long_lived_frozen():
        return _import_file(
            project,
            Path(path),
            fmt=fmt,
            mapping=mapping,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            report_path=report_path,
            progress=progress,
            remember_mapping=remember_mapping,
            credit=credit or DatasetCredit(),
            encoding=encoding,
            without_ids=without_ids,
            on_read=on_read,
        )


@contextmanager
def _long_lived_frozen() -> Iterator[None]:
    """Lets the import move what it keeps to the end (the table, the records) out of
    the garbage collector's way with :func:`gc.freeze`, and gives it back afterwards.

    An import keeps a few hundred thousand objects alive; each full collection scanned
    them all again (measured in ``bench/interchange.py``: full collections took 3.6 s
    of an 8.8 s re-import of 28k ACLED rows, about 1 s with the freezes). Unlike the
    ``gc.disable()`` used before, the collector keeps running for everything else in
    the process (the GUI thread included); frozen objects are only exempt until the
    import ends.
    """
    try:
        yield
    finally:
        gc.unfreeze()


@dataclass(frozen=True)
class DatasetCredit:
    """What the user says about the dataset being imported (all optional)."""

    name: str = ""
    citation: str = ""
    licence: str = ""


def dataset_for(
    fmt: str, path: Path, mapping: ColumnMapping | None, credit: DatasetCredit
) -> datasets.DatasetInfo:
    known = datasets.KNOWN.get(fmt)
    if known is None:
        fields = [*mapping.columns, *mapping.constants] if mapping is not None else []
        known = datasets.for_file(path.name, fields, name=credit.name)
    return datasets.with_credit(
        known, name=credit.name, citation=credit.citation, licence=credit.licence
    )


def _import_file(
    project: Project,
    path: Path,
    *,
    fmt: str,
    mapping: ColumnMapping | None,
    dry_run: bool,
    skip_invalid: bool,
    report_path: Path | str | None,
    progress: Progress | None,
    remember_mapping: bool,
    credit: DatasetCredit,
    encoding: str | None,
    without_ids: bool,
    on_read: Callable[[str, Table], None] | None,
) -> ImportResult:
    fmt, table = load_table(path, fmt, encoding=encoding, without_ids=without_ids)
    if on_read is not None:
        on_read(fmt, table)
    gc.freeze()  # the table lives until the end: collections need not scan it
    with project.session() as session:
        if fmt not in {"acled", "ucdp"} and mapping is None:
            mapping = default_mapping(session, table)
        parsed = parse_table(fmt, table, mapping, local_types(session), progress)
        subs = known_sub_event_types(session)
    records, problems = check_records(parsed.records, subs, fmt, mapping)
    problems = sorted(parsed.problems + problems, key=lambda p: (p.row or 0, p.severity))
    result = ImportResult(
        format=fmt,
        rows=len(table.rows),
        dry_run=dry_run,
        problems=problems,
        notes=parsed.notes,
    )
    result.invalid = len({p.row for p in result.errors})
    if report_path is not None:
        result.report_path = Path(report_path)
    if result.errors and not skip_invalid:
        if result.report_path:
            write_report(result.report_path, _report_rows(result))
        first = result.errors[0]
        where = f" (see {result.report_path})" if result.report_path else ""
        raise ImportRejected(
            f"{result.invalid} of {result.rows} rows of {path.name} cannot be imported, "
            f"so nothing was imported{where}. First problem: row {first.row}, column "
            f"'{first.column}': {first.reason}. Fix the file, or import the other rows "
            "with --skip-invalid.",
            result,
        )
    gc.freeze()  # the checked records live until the end: collections need not scan them
    session = project.new_session()
    try:
        apply_records(
            session, records, result, progress, dry_run, dataset_for(fmt, path, mapping, credit)
        )
        if dry_run:
            session.rollback()
        else:
            if mapping is not None and remember_mapping and fmt not in {"acled", "ucdp"}:
                save_mapping(session, layout_key(table.columns), mapping)
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
    if not dry_run and result.incident_ids:
        from sitrep.places.admin_assign import assign_if_boundaries

        assigned = assign_if_boundaries(project, result.incident_ids)
        if assigned:
            result.notes.append(
                f"{assigned} incidents placed in admin areas by the project's boundaries"
            )
    if result.report_path:
        write_report(result.report_path, _report_rows(result))
    return result


def _report_rows(result: ImportResult) -> list[RowProblem]:
    notes = [RowProblem(None, "", note, "note") for note in result.notes]
    return notes + result.problems
