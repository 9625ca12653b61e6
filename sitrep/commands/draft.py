"""``sitrep draft``: propose incidents from a report's text (a file or standard input),
or from many short texts (``--batch`` JSON lines); nothing is saved unless ``--save``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from sitrep.commands.common import add_project_argument, open_for_cli, parse_date
from sitrep.errors import SitrepError


def register(sub: Any) -> None:
    p = sub.add_parser(
        "draft",
        help="propose incidents from a report's text, for review",
        description=(
            "Read a report (a text file, or - for standard input) and propose one incident "
            "per event it tells of, each field with the words it was drawn from. Nothing is "
            "saved unless --save (then as drafts, review status 'draft')."
        ),
    )
    add_project_argument(p)
    p.add_argument("file", nargs="?", metavar="FILE", help="the report (text), or - for stdin")
    p.add_argument("--report-date", type=parse_date, metavar="DATE", help="when it was written")
    p.add_argument("--json", dest="json_out", metavar="OUT", help="write the proposals here")
    p.add_argument("--save", action="store_true", help="save the proposals as draft incidents")
    p.add_argument("--batch", metavar="IN.jsonl", help='one {"id", "text", "date"} per line')
    p.add_argument("--output", metavar="OUT.jsonl", help="with --batch: one line per input")
    p.set_defaults(func=cmd_draft)


def cmd_draft(args: argparse.Namespace) -> int:
    if args.batch:
        if args.file or args.save:
            raise SitrepError("--batch reads its texts from IN.jsonl: give no FILE or --save.")
        if not args.output:
            raise SitrepError("--batch needs --output OUT.jsonl.")
        return _batch(args)
    if not args.file:
        raise SitrepError("Name the report to read (a text file, or - for standard input).")
    if not args.json_out and not args.save:
        raise SitrepError("Say what to do with the proposals: --json OUT, --save, or both.")
    from sitrep.drafting.cli_io import plain_document, proposal_record
    from sitrep.drafting.extract import draft_incidents

    if args.file == "-":
        document = plain_document(sys.stdin.read())
    else:  # .txt, .docx, .pdf or .eml, each with its own date when it gives one
        from sitrep.drafting.documents import read_document

        document = read_document(Path(args.file))
    project = open_for_cli(args.project)
    try:
        with project.session() as s:
            proposals = draft_incidents(s, document, args.report_date)
            records = [proposal_record(p) for p in proposals]
        if args.json_out:
            report = args.report_date or document.report_date
            out = {
                "report_date": report.isoformat() if report else None,
                "incidents": records,
            }
            _write(args.json_out, json.dumps(out, ensure_ascii=False, indent=1) + "\n")
        if args.save:
            from sitrep.drafting.saving import save_proposals

            project.require_writable()
            refs = save_proposals(project, proposals)
            print(f"Saved {len(refs)} draft incidents: {', '.join(refs) or 'none'}.")
        else:
            print(f"{len(records)} incidents proposed; nothing saved (use --save to keep them).")
        return 0
    finally:
        project.close()


def _batch(args: argparse.Namespace) -> int:
    from sitrep.drafting.cli_io import plain_document, proposal_record
    from sitrep.drafting.extract import draft_incidents

    lines = _read_text(args.batch).splitlines()
    project = open_for_cli(args.project)
    out: list[str] = []
    try:
        with project.session() as s:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                    text, ident = str(item["text"]), item.get("id", number)
                    date = _line_date(item.get("date"), args.report_date)
                except (ValueError, KeyError, TypeError) as exc:
                    raise SitrepError(
                        f"{args.batch} line {number} is not a JSON object with 'text' "
                        f"(and 'id', 'date'): {exc}."
                    ) from None
                try:
                    proposals = draft_incidents(s, plain_document(text), date)
                except SitrepError as exc:
                    raise SitrepError(f"{args.batch} line {number}: {exc}") from None
                record = {"id": ident, "incidents": [proposal_record(p) for p in proposals]}
                out.append(json.dumps(record, ensure_ascii=False))
        _write(args.output, "\n".join(out) + ("\n" if out else ""))
        print(f"{len(out)} texts read; proposals written to {args.output}.")
        return 0
    finally:
        project.close()


def _line_date(value: Any, default: dt.date | None) -> dt.date | None:
    if value in (None, ""):
        return default
    return dt.date.fromisoformat(str(value)[:10])


def _read_text(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    path = Path(name)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SitrepError(f"There is no file {name}.") from None
    except UnicodeDecodeError:
        raise SitrepError(f"{name} is not UTF-8 text; save it as plain text first.") from None
    except OSError as exc:
        raise SitrepError(f"{name} cannot be read: {exc.strerror}.") from None


def _write(name: str, content: str) -> None:
    from sitrep.store.targets import check_output_target

    check_output_target(name, what="output")
    try:
        Path(name).write_text(content, encoding="utf-8")
    except OSError as exc:
        raise SitrepError(f"{name} cannot be written: {exc.strerror}.") from None
