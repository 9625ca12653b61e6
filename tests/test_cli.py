from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sitrep.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sitrep", *args], cwd=ROOT, capture_output=True, text=True
    )


def test_new_then_info(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "kachin.sitrep"
    assert main(["new", str(path), "--name", "Kachin", "--prefix", "kcn"]) == 0
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Project:   Kachin" in out
    assert "Incidents: 0" in out


def test_user_errors_exit_1_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "notes.sitrep"
    bad.write_text("not a project")
    result = run("info", str(bad))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "is not a Sitrep project" in result.stderr
    assert "Traceback" not in result.stderr
    existing = tmp_path / "exists.sitrep"
    existing.write_text("x")
    result = run("new", str(existing))
    assert result.returncode == 1 and "already exists" in result.stderr


def test_bad_usage_exits_2() -> None:
    assert run("info").returncode == 2
    assert run("new", "--no-such-option", "x").returncode == 2


def test_bad_prefix_is_a_user_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", str(tmp_path / "p.sitrep"), "--prefix", "no spaces!"]) == 1
    assert "prefix" in capsys.readouterr().err
