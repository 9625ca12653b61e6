"""When: dates written in a report, resolved against the report's own date.

Reports say "on 3 March", "June 3 and 6", "on Saturday", "yesterday", "last week",
"in late May". Each is turned into a period (first and last day) and the UCDP date
precision that period supports; a date without a year is the latest such date not
after the report. Rules rather than a date library: the phrases are few, and the
drafts must say exactly which words a date came from.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from sitrep.interchange.dates import MONTHS
from sitrep.model.enums import DatePrecision

# English names whatever the locale (calendar's names follow LC_TIME)
WEEKDAYS = {
    name: i
    for i, name in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}

_M = (
    r"(?P<m{n}>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_D = r"(?P<d{n}>[0-3]?\d)(?:st|nd|rd|th)?"
_Y = r"(?:,?\s+(?P<y{n}>(?:19|20)\d\d))?"


_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)\b")),
    # 3 and 6 June 2025 / 3-5 June / 3 June
    (
        "d_m",
        re.compile(
            r"\b"
            + _D.format(n=1)
            + r"(?:\s*(?P<sep>and|&|-|–|to)\s*"
            + _D.format(n=2)
            + r")?\s+(?:of\s+)?"
            + _M.format(n=1)
            + _Y.format(n=1)
            + r"\b",
            re.I,
        ),
    ),
    # June 3 and 6, 2025 / May 20 / June 3-5
    (
        "m_d",
        re.compile(
            r"\b"
            + _M.format(n=1)
            + r"\s+"
            + _D.format(n=1)
            + r"(?:\s*(?P<sep>and|&|-|–|to)\s*"
            + _D.format(n=2)
            + r")?"
            + _Y.format(n=1)
            + r"\b(?!\s*(?:km|kilometres|kilometers|miles|people|soldiers|civilians|troops))",
            re.I,
        ),
    ),
    # late May / early June 2024 / mid-April / end of May
    (
        "part",
        re.compile(
            r"\b(?P<part>early|mid|late|the end of|end of|the beginning of|beginning of)"
            r"[\s-]+" + _M.format(n=1) + _Y.format(n=1) + r"\b",
            re.I,
        ),
    ),
    # in May / during May 2024 / since December
    (
        "month",
        re.compile(
            r"\b(?P<prep>in|during|since|throughout|from)\s+"
            + _M.format(n=1)
            + _Y.format(n=1)
            + r"\b",
            re.I,
        ),
    ),
    (
        "weekday",
        re.compile(
            r"\b(?P<pre>on|last|this|early|late)?\s*(?P<wd>monday|tuesday|wednesday|thursday|"
            r"friday|saturday|sunday)\b",
            re.I,
        ),
    ),
    (
        "relative",
        re.compile(
            r"\b(?P<rel>the day before yesterday|yesterday|today|this morning|this afternoon|"
            r"this evening|tonight|last night|last week|this week|earlier this week|"
            r"last month|this month|earlier this month|"
            r"(?P<n>\d+|one|two|three|four|five|six|seven) days ago)\b",
            re.I,
        ),
    ),
]


@dataclass(frozen=True)
class DateFound:
    """A period the text names, the characters it came from, and how it was read."""

    start: dt.date
    end: dt.date
    start_char: int
    end_char: int
    note: str
    ongoing: bool = False  # "since December": the period runs up to the report

    @property
    def precision(self) -> DatePrecision:
        return precision_of(self.start, self.end)


def precision_of(start: dt.date, end: dt.date) -> DatePrecision:
    """The UCDP precision a period of these days supports."""
    days = (end - start).days + 1
    if days <= 1:
        return DatePrecision.DAY
    if days <= 6:
        return DatePrecision.DAYS_2_6
    if days <= 8:
        return DatePrecision.WEEK
    if days <= 31:
        return DatePrecision.MONTH
    return DatePrecision.YEAR


def find_dates(text: str, report: dt.date, offset: int = 0) -> list[DateFound]:
    """Every date in ``text`` (offsets shifted by ``offset``), in order; days named
    together ("June 3 and 6") give one entry each."""
    found: list[DateFound] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            items = _read(kind, m, report)
            if not items:
                continue
            taken.append((m.start(), m.end()))
            for start, end, note, ongoing in items:
                found.append(
                    DateFound(start, end, offset + m.start(), offset + m.end(), note, ongoing)
                )
    found.sort(key=lambda d: (d.start_char, d.start))
    return found


def report_week(report: dt.date) -> DateFound:
    """The default period of an event the text gives no date for: the week to the report."""
    return DateFound(
        report - dt.timedelta(days=7),
        report,
        -1,
        -1,
        "no date in the text: the week before the report",
        ongoing=True,
    )


Item = tuple[dt.date, dt.date, str, bool]


def _year_for(month: int, day: int, report: dt.date) -> int:
    """The latest year in which month/day is not after the report (plus a day's slack)."""
    year = report.year
    try:
        if dt.date(year, month, min(day, 28)) > report + dt.timedelta(days=1):
            year -= 1
    except ValueError:
        pass
    return year


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _read(kind: str, m: re.Match[str], report: dt.date) -> list[Item]:
    g = m.groupdict()
    if kind == "iso":
        try:
            day = dt.date.fromisoformat(g["iso"])
        except ValueError:
            return []
        return [(day, day, f"'{m.group(0)}'", False)]
    if kind in {"d_m", "m_d"}:
        return _days(m, report)
    month = MONTHS.get((g.get("m1") or "").lower().rstrip("."))
    if kind == "part" and month:
        year = int(g["y1"]) if g.get("y1") else _year_for(month, 1, report)
        last = calendar.monthrange(year, month)[1]
        part = g["part"].lower()
        first, final = (
            (1, 10)
            if "early" in part or "beginning" in part
            else (11, 20)
            if part == "mid"
            else (21, last)
        )
        return [
            (dt.date(year, month, first), dt.date(year, month, final), f"'{m.group(0)}'", False)
        ]
    if kind == "month" and month:
        if g["m1"].lower() == "may" and not g.get("y1") and g["prep"].lower() != "in":
            return []  # "from may": the verb, not the month
        year = int(g["y1"]) if g.get("y1") else _year_for(month, 1, report)
        month_end = dt.date(year, month, calendar.monthrange(year, month)[1])
        if g["prep"].lower() in {"since", "from"}:
            return [(dt.date(year, month, 1), report, f"'{m.group(0)}'", True)]
        return [
            (
                dt.date(year, month, 1),
                min(month_end, report),
                f"'{m.group(0)}'",
                False,
            )
        ]
    if kind == "weekday":
        want = WEEKDAYS[g["wd"].lower()]
        back = (report.weekday() - want) % 7
        if (g.get("pre") or "").lower() == "last" and back == 0:
            back = 7
        day = report - dt.timedelta(days=back)
        return [
            (
                day,
                day,
                f"'{m.group(0).strip()}': the {g['wd'].capitalize()} before the report",
                False,
            )
        ]
    if kind == "relative":
        return [_relative(g, m.group(0), report)]
    return []


def _days(m: re.Match[str], report: dt.date) -> list[Item]:
    g = m.groupdict()
    month = MONTHS.get(g["m1"].lower().rstrip("."))
    if not month:
        return []
    # "May 20" is a date, but "may 2 people" is not: require a capital M
    if g["m1"] == "may" and not g.get("y1"):
        return []
    d1 = int(g["d1"])
    d2 = int(g["d2"]) if g.get("d2") else None
    year = int(g["y1"]) if g.get("y1") else _year_for(month, d1, report)
    first = _day(year, month, d1)
    if first is None:
        return []
    words = f"'{m.group(0)}'"
    if d2 is None:
        return [(first, first, words, False)]
    second = _day(year, month, d2)
    if second is None or second < first:
        return [(first, first, words, False)]
    if (g.get("sep") or "").lower() in {"and", "&"}:
        return [(first, first, words, False), (second, second, words, False)]
    return [(first, second, words, False)]


def _relative(g: dict[str, str | None], words: str, report: dt.date) -> Item:
    rel = (g["rel"] or "").lower()
    note = f"'{words}' before the report of {report.isoformat()}"
    if g.get("n"):
        n_text = (g["n"] or "").lower()
        n = int(n_text) if n_text.isdigit() else _NUMBER_WORDS[n_text]
        day = report - dt.timedelta(days=n)
        return (day, day, note, False)
    if rel == "the day before yesterday":
        day = report - dt.timedelta(days=2)
        return (day, day, note, False)
    if rel in {"yesterday", "last night"}:
        day = report - dt.timedelta(days=1)
        return (day, day, note, False)
    if rel in {"today", "this morning", "this afternoon", "this evening", "tonight"}:
        return (report, report, note, False)
    monday = report - dt.timedelta(days=report.weekday())
    if rel == "last week":
        start = monday - dt.timedelta(days=7)
        return (start, start + dt.timedelta(days=6), note, False)
    if rel in {"this week", "earlier this week"}:
        return (monday, report, note, False)
    first = report.replace(day=1)
    if rel == "last month":
        prev_last = first - dt.timedelta(days=1)
        return (prev_last.replace(day=1), prev_last, note, False)
    return (first, report, note, False)  # this month, earlier this month
