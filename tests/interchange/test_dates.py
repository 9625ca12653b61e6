"""Dates as files write them, read the same on any computer (issue 13: month names were
read with the locale-dependent ``%B``/``%b``)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sitrep.interchange.dates import DateFormatError, parse_date

FORMS = {
    "2020-11-13": dt.date(2020, 11, 13),
    "2020-11-13T00:00:00Z": dt.date(2020, 11, 13),
    "13 November 2020": dt.date(2020, 11, 13),
    "13 march 2020": dt.date(2020, 3, 13),
    "01-January-2015": dt.date(2015, 1, 1),
    "13 Nov 2020": dt.date(2020, 11, 13),
    "13-Sep-98": dt.date(1998, 9, 13),
    "November 13, 2020": dt.date(2020, 11, 13),
    "02/01/2021": dt.date(2021, 1, 2),
    "02.01.2021": dt.date(2021, 1, 2),
    "2021/01/02": dt.date(2021, 1, 2),
    "44000": dt.date(2020, 6, 18),
}


@pytest.mark.parametrize(("text", "expected"), FORMS.items())
def test_a_date_written_in_a_known_form_is_read(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


def test_month_first_swaps_only_slashed_dates() -> None:
    assert parse_date("02/01/2021", month_first=True) == dt.date(2021, 2, 1)
    assert parse_date("02.01.2021", month_first=True) == dt.date(2021, 1, 2)


@pytest.mark.parametrize("text", ["31 Febtober 2020", "30 February 2020", "13 Novembre 2020", ""])
def test_a_date_that_is_not_one_is_refused_in_words(text: str) -> None:
    with pytest.raises(DateFormatError):
        parse_date(text)


def _french_locale(tmp_path: Path) -> dict[str, str]:
    """An environment whose locale is French, compiled here when the machine lacks one
    (``localedef`` comes with glibc; CI installs the ``locales`` sources)."""
    env = dict(os.environ, LC_ALL="fr_FR.UTF-8", LANG="fr_FR.UTF-8")
    probe = [sys.executable, "-c", "import locale; locale.setlocale(locale.LC_ALL, '')"]
    if subprocess.run(probe, env=env, capture_output=True).returncode != 0:
        localedef = shutil.which("localedef")
        assert localedef, "glibc's localedef is needed to make a French locale"
        target = tmp_path / "locales"
        target.mkdir()
        subprocess.run(
            [localedef, "-i", "fr_FR", "-f", "UTF-8", str(target / "fr_FR.UTF-8")],
            check=True,
            capture_output=True,
        )
        env["LOCPATH"] = str(target)
    return env


def test_english_month_names_are_read_on_a_french_computer(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import datetime as dt, locale
        locale.setlocale(locale.LC_ALL, "")
        # the locale is really French: strptime refuses the English month name
        try:
            dt.datetime.strptime("13 November 2020", "%d %B %Y")
        except ValueError:
            pass
        else:
            raise SystemExit("the French locale is not in effect")
        from sitrep.interchange.dates import parse_date
        print(parse_date("13 November 2020"), parse_date("01-January-2015"),
              parse_date("Feb 3, 2021"), parse_date("13-Aug-19"))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=_french_locale(tmp_path),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    assert done.stdout.split() == ["2020-11-13", "2015-01-01", "2021-02-03", "2019-08-13"]
