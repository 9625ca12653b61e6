"""``sitrep new --encrypt``, ``sitrep encrypt``, ``sitrep decrypt`` and the passphrase on
every command, as an officer would type them (the passphrase from SITREP_PASSPHRASE)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sitrep.cli import main
from sitrep.store.engine import SQLITE_HEADER

ROOT = Path(__file__).resolve().parents[1]
SECRET = "Kachin 2026 passphrase"


def run(*args: str, passphrase: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SITREP_PASSPHRASE"}
    if passphrase is not None:
        env["SITREP_PASSPHRASE"] = passphrase
    return subprocess.run(
        [sys.executable, "-m", "sitrep", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def test_new_encrypted_project_then_info_with_the_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "My #1 project.sitrep"
    monkeypatch.setenv("SITREP_PASSPHRASE", SECRET)
    assert main(["new", str(path), "--encrypt", "--name", "Kachin office"]) == 0
    assert "(encrypted)" in capsys.readouterr().out
    data = path.read_bytes()
    assert not data.startswith(SQLITE_HEADER) and b"Kachin office" not in data
    assert main(["info", str(path)]) == 0
    assert "Project:   Kachin office" in capsys.readouterr().out


def test_info_with_a_wrong_passphrase_is_one_line_and_the_file_is_unchanged(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p.sitrep"
    assert run("new", str(path), "--encrypt", passphrase=SECRET).returncode == 0
    before = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    result = run("info", str(path), passphrase="not it")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
    assert "is encrypted and the passphrase is wrong" in result.stderr
    result = run("info", str(path))  # no terminal to ask on, no variable
    assert result.returncode == 1 and "needs a passphrase" in result.stderr
    assert (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.sitrep"]


def test_encrypt_then_decrypt_an_existing_project(tmp_path: Path) -> None:
    path = tmp_path / "p.sitrep"
    assert run("new", str(path), "--name", "Office notes").returncode == 0
    result = run("encrypt", str(path), passphrase=SECRET)
    assert result.returncode == 0, result.stderr
    assert b"Office notes" not in path.read_bytes()
    assert (
        run("encrypt", str(path), passphrase=SECRET)
        .stderr.strip()
        .endswith("is already encrypted.")
    )
    assert "Office notes" in run("info", str(path), passphrase=SECRET).stdout
    assert run("decrypt", str(path), passphrase="wrong").returncode == 1
    result = run("decrypt", str(path), passphrase=SECRET)
    assert result.returncode == 0, result.stderr
    assert path.read_bytes().startswith(SQLITE_HEADER)
    assert "Office notes" in run("info", str(path)).stdout


def test_unencrypted_copies_of_an_encrypted_project_are_warned_about(tmp_path: Path) -> None:
    path = tmp_path / "p.sitrep"
    assert run("new", str(path), "--encrypt", passphrase=SECRET).returncode == 0
    result = run("export", str(path), str(tmp_path / "out.csv"), passphrase=SECRET)
    assert result.returncode == 0, result.stderr
    assert "p is encrypted, but this CSV file is not" in result.stderr
    shared = run("export", str(path), str(tmp_path / "s.sitrep"), passphrase=SECRET)
    assert "this shared project is not" in shared.stderr
    plain = tmp_path / "plain.sitrep"
    assert run("new", str(plain)).returncode == 0
    assert run("export", str(plain), str(tmp_path / "o2.csv")).stderr == ""
