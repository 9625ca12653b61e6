"""The log-fail fixture of tests/conftest.py fails a test that makes the app log an error."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ("pytester",)

CONFTEST = Path(__file__).with_name("conftest.py")

TESTS = """
import logging

import pytest


def test_logs_an_error():
    logging.getLogger("sitrep.ui.counter").error("counting incidents failed")


@pytest.mark.allow_logged_errors
def test_allowed_to_log_an_error():
    logging.getLogger("sitrep.ui.crash").critical("unexpected exception")


def test_other_libraries_and_warnings_do_not_count():
    logging.getLogger("alembic").error("not ours")
    logging.getLogger("sitrep.store").warning("a warning is not an error")
"""


def test_a_logged_error_fails_the_test(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8"))
    pytester.makeini("[pytest]\nmarkers =\n    allow_logged_errors: expected errors\n")
    pytester.makepyfile(test_sample=TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:qt")
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["*the app logged 1 error(s)*", "*counting incidents failed*"])
