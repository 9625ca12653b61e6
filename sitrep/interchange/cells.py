"""Spreadsheet formula injection: text that a spreadsheet would run is written inert.

A title like ``=HYPERLINK("http://…","click")`` or ``@SUM(…)`` from an imported file
becomes a live formula when a colleague opens our CSV in Excel or LibreOffice (OWASP
"CSV injection"). Text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return
gets a leading apostrophe, which spreadsheets show as text; numbers (``-12.5``) stay
numbers. Our own importer removes that apostrophe again, so a round trip is exact.
"""

from __future__ import annotations

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def guard(text: str) -> str:
    """``text`` as a spreadsheet shows it and never evaluates it."""
    if text.startswith(TRIGGERS) and not _is_number(text):
        return "'" + text
    return text


def unguard(text: str) -> str:
    """The text :func:`guard` was given (an apostrophe before a trigger is ours)."""
    if text.startswith("'") and text[1:].startswith(TRIGGERS) and not _is_number(text[1:]):
        return text[1:]
    return text
