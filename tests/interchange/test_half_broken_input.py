"""Files as they arrive half broken (issue 12, items 4 and 5): each is refused with the
row and column named (or its bad rows skipped with ``--skip-invalid``), never garbled,
never a traceback, and nothing already saved is lost or half written."""

from __future__ import annotations

import codecs
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sitrep.cli import main
from sitrep.interchange.import_write import ActorRegistry
from sitrep.interchange.importer import ImportRejected, import_file
from sitrep.model import Actor
from sitrep.store import Project, open_project
from tests.interchange.fixtures import ACLED_CURRENT_ROWS, write_acled, write_csv
from tests.interchange.helpers import by_external, incident_count

NAMES = ["Sông Cầu", "မြစ်ကြီးနား", "Lone Khin"]


def acled_rows(prefix: str, count: int = 3) -> list[dict[str, str]]:
    """``count`` valid ACLED rows with non-Latin place names and ids PREFIX1…"""
    rows = []
    for i in range(count):
        base = ACLED_CURRENT_ROWS[i % len(ACLED_CURRENT_ROWS)]
        rows.append(dict(base, event_id_cnty=f"{prefix}{i + 1}", location=NAMES[i % 3]))
    return rows


def saved_first(project: Project, tmp_path: Path) -> int:
    """Something the user already saved, which no refused import may touch."""
    import_file(project, write_acled(tmp_path / "saved.csv", acled_rows("OLD", 2)))
    return incident_count(project)


def mostly_utf8_with_a_bad_byte(tmp_path: Path) -> tuple[Path, int]:
    """Valid UTF-8 (Burmese, Vietnamese) where one cell of row 3 holds a cp1252 'é'."""
    path = write_acled(tmp_path / "mostly.csv", acled_rows("NEW", 3))
    data = path.read_bytes()
    at = data.index(b"Lone Khin")
    bad = data[:at] + b"Lone Kh\xefn" + data[at + len(b"Lone Khin") :]
    path.write_bytes(bad)
    return path, bad.index(b"\xef")


# ----------------------------------------------------------------------------- encoding


def test_importing_a_mostly_utf8_file_with_a_bad_byte_is_refused_naming_row_column_offset(
    project: Project, tmp_path: Path
) -> None:
    before = saved_first(project, tmp_path)
    path, offset = mostly_utf8_with_a_bad_byte(tmp_path)
    with pytest.raises(ImportRejected) as caught:
        import_file(project, path)
    message = str(caught.value)
    assert "row 4" in message and "'location'" in message
    assert f"byte 0xEF at byte offset {offset} is not valid UTF-8" in message
    assert incident_count(project) == before


def test_skipping_invalid_rows_of_a_mostly_utf8_file_keeps_every_other_name_intact(
    project: Project, tmp_path: Path
) -> None:
    before = saved_first(project, tmp_path)
    path, offset = mostly_utf8_with_a_bad_byte(tmp_path)
    result = import_file(project, path, skip_invalid=True)
    assert (result.added, result.invalid) == (2, 1)
    assert [(p.row, p.column) for p in result.errors] == [(4, "location")]
    assert str(offset) in result.errors[0].reason
    assert by_external(project, "acled", "NEW1").place_name == "Sông Cầu"
    assert by_external(project, "acled", "NEW2").place_name == "မြစ်ကြီးနား"
    assert incident_count(project) == before + 2


def test_cli_import_of_a_mostly_utf8_file_exits_1_with_the_bad_place_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project_file = tmp_path / "p.sitrep"
    assert main(["new", str(project_file)]) == 0
    path, offset = mostly_utf8_with_a_bad_byte(tmp_path)
    assert main(["import", str(project_file), str(path)]) == 1
    err = capsys.readouterr().err
    assert f"row 4, location: byte 0xEF at byte offset {offset}" in err
    assert "Traceback" not in err
    project = open_project(project_file)
    try:
        assert incident_count(project) == 0
    finally:
        project.close()


def test_a_clearly_cp1252_file_is_read_as_cp1252_and_the_cli_says_so_before_saving(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project_file = tmp_path / "p.sitrep"
    assert main(["new", str(project_file)]) == 0
    capsys.readouterr()
    rows = [
        dict(r, location=name)
        for r, name in zip(ACLED_CURRENT_ROWS, ["Côte’s", "Bamako", "Ségou"], strict=False)
    ]
    path = write_acled(tmp_path / "excel.csv", rows, encoding="cp1252")
    assert main(["import", str(project_file), str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Reading excel.csv as cp1252 (a guess: the file is not UTF-8)."
    assert out[1].startswith("  names read like: Côte’s; Ségou")
    assert "3 incidents were added" in out[2]
    project = open_project(project_file)
    try:
        assert by_external(project, "acled", "MMR1003").place_name == "Ségou"
    finally:
        project.close()


def test_choosing_the_encoding_on_the_command_line_reads_cyrillic_right(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project_file = tmp_path / "p.sitrep"
    assert main(["new", str(project_file)]) == 0
    capsys.readouterr()
    rows = [dict(ACLED_CURRENT_ROWS[0], location="Київ", notes="Обстріл")]
    path = write_acled(tmp_path / "kyiv.csv", rows, encoding="cp1251")
    code = main(["import", str(project_file), str(path), "--encoding", "cp1251"])
    assert code == 0
    assert capsys.readouterr().out.startswith("Reading kyiv.csv as cp1251 (chosen).")
    project = open_project(project_file)
    try:
        assert by_external(project, "acled", "MMR1001").place_name == "Київ"
    finally:
        project.close()


def test_an_unknown_encoding_name_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project_file = tmp_path / "p.sitrep"
    assert main(["new", str(project_file)]) == 0
    path = write_acled(tmp_path / "a.csv")
    assert main(["import", str(project_file), str(path), "--encoding", "klingon"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'klingon' is not a text encoding" in err


def test_utf16_with_bom_and_a_broken_tail_names_the_offset(
    project: Project, tmp_path: Path
) -> None:
    path = write_acled(tmp_path / "u16.csv", acled_rows("U", 2), encoding="utf-16")
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF16_LE)
    path.write_bytes(data[:-2] + b"\x00\xd8")  # a lone high surrogate in the last cell
    with pytest.raises(ImportRejected) as caught:
        import_file(project, path)
    assert f"byte offset {len(data) - 2}" in str(caught.value)
    assert incident_count(project) == 0


# ----------------------------------------------------------------------------- numbers, cells


def test_a_huge_fatality_count_refuses_the_row_naming_the_column(
    project: Project, tmp_path: Path
) -> None:
    before = saved_first(project, tmp_path)
    rows = acled_rows("BIG")
    rows[1]["fatalities"] = "99999999999999999999999"
    path = write_acled(tmp_path / "big.csv", rows)
    with pytest.raises(ImportRejected) as caught:
        import_file(project, path)
    assert "row 3, column 'fatalities'" in str(caught.value)
    assert "larger than any real count" in str(caught.value)
    assert incident_count(project) == before
    result = import_file(project, path, skip_invalid=True)
    assert result.added == 2 and [p.row for p in result.errors] == [3]
    assert incident_count(project) == before + 2


def test_a_huge_count_through_the_cli_is_one_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project_file = tmp_path / "p.sitrep"
    assert main(["new", str(project_file)]) == 0
    rows = acled_rows("BIG")
    rows[0]["fatalities"] = "99999999999999999999999"
    path = write_acled(tmp_path / "big.csv", rows)
    assert main(["import", str(project_file), str(path)]) == 1
    err = capsys.readouterr().err
    assert "row 2, fatalities: the number of fatalities" in err and "Traceback" not in err
    assert main(["import", str(project_file), str(path), "--skip-invalid"]) == 0
    assert "skipped row 2, fatalities" in capsys.readouterr().out


def test_a_10_mb_cell_refuses_its_row_naming_the_column(project: Project, tmp_path: Path) -> None:
    before = saved_first(project, tmp_path)
    rows = acled_rows("HUGE")
    rows[2]["notes"] = "x" * 10_000_000
    path = write_acled(tmp_path / "huge.csv", rows)
    with pytest.raises(ImportRejected) as caught:
        import_file(project, path)
    assert "row 4, column 'notes'" in str(caught.value)
    assert "10,000,000 characters long" in str(caught.value)
    assert incident_count(project) == before
    result = import_file(project, path, skip_invalid=True)
    assert result.added == 2 and [(p.row, p.column) for p in result.errors] == [(4, "notes")]


# ----------------------------------------------------------------------------- ACLED without ids


def acled_without_ids(tmp_path: Path) -> Path:
    header = [c for c in ("event_date", "event_type", "sub_event_type", "actor1", "inter1",
                          "interaction", "country", "location", "latitude", "longitude",
                          "geo_precision", "source", "source_scale", "notes", "fatalities")]  # fmt: skip
    rows = [[r[c] for c in header] for r in ACLED_CURRENT_ROWS]
    return write_csv(tmp_path / "no-ids.csv", header, rows)


def test_an_acled_file_without_its_id_column_is_refused_not_imported_as_generic(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = saved_first(project, tmp_path)
    path = acled_without_ids(tmp_path)
    project_file = Path(project.location)
    assert main(["import", str(project_file), str(path)]) == 1
    err = capsys.readouterr().err
    assert "ACLED export without its event_id_cnty column" in err
    assert "--without-ids" in err
    assert incident_count(project) == before


def test_importing_acled_without_ids_on_purpose_warns_that_reimport_duplicates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project_file = tmp_path / "p.sitrep"
    assert main(["new", str(project_file)]) == 0
    path = acled_without_ids(tmp_path)
    assert main(["import", str(project_file), str(path), "--without-ids"]) == 0
    captured = capsys.readouterr()
    assert "importing it again will add every event again" in captured.err
    assert "3 rows read (acled): 3 incidents were added" in captured.out
    assert main(["import", str(project_file), str(path), "--without-ids"]) == 0
    project = open_project(project_file)
    try:
        assert incident_count(project) == 6  # what the warning said
    finally:
        project.close()


# ----------------------------------------------------------------------------- concurrency


def test_two_processes_importing_the_same_file_at_once_add_it_once(tmp_path: Path) -> None:
    project_file = tmp_path / "p.sitrep"
    assert main(["new", str(project_file)]) == 0
    path = write_acled(tmp_path / "same.csv", acled_rows("SAME", 30))
    command = [sys.executable, "-m", "sitrep", "import", str(project_file), str(path)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]  # fmt: skip
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert all("Traceback" not in err for _, err in outputs)
    added = sorted(out.split("incidents were added")[0].split()[-1] for out, _ in outputs)
    assert added == ["0", "30"]
    project = open_project(project_file)
    try:
        assert incident_count(project) == 30
        with project.session() as s:
            names = s.scalars(select(Actor.name)).all()
        assert len(names) == len(set(names))
    finally:
        project.close()


def test_two_imports_in_threads_with_their_own_connections_add_the_file_once(
    tmp_path: Path,
) -> None:
    project_file = tmp_path / "p.sitrep"
    assert main(["new", str(project_file)]) == 0
    path = write_acled(tmp_path / "same.csv", acled_rows("T", 20))
    barrier = threading.Barrier(2)
    results: list[object] = []

    def run() -> None:
        project = open_project(project_file)
        try:
            # both have read and checked the file before either starts writing
            def progress(done: int, total: int, phase: str) -> bool:
                if phase == "reading" and done == 0:
                    barrier.wait(timeout=30)
                return True

            results.append(import_file(project, path, progress=progress).added)
        except Exception as exc:  # noqa: BLE001 - the test reports what went wrong
            results.append(exc)
        finally:
            project.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(results, key=str) == [0, 20]


def test_an_actor_created_by_another_writer_meanwhile_is_reused_not_a_crash(
    project: Project,
) -> None:
    first, second = project.new_session(), project.new_session()
    try:
        late = ActorRegistry(second)  # read the actors before the other writer added one
        early = ActorRegistry(first)
        early.ensure({"KIA: Kachin Independence Army": (2, "MMR")})
        first.commit()
        late.ensure({"KIA: Kachin Independence Army": (2, "MMR"), "New militia": (3, "MMR")})
        second.commit()
        assert late.id_for("KIA: Kachin Independence Army") == early.id_for(
            "KIA: Kachin Independence Army"
        )
        assert (early.created, late.created) == (1, 1)
    finally:
        first.close()
        second.close()
    with project.session() as s:
        assert s.scalar(select(func.count()).select_from(Actor)) == 2


# ----------------------------------------------------------------------------- closed pipe


def test_sitrep_info_into_a_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    project_file = tmp_path / "p.sitrep"
    assert main(["new", str(project_file)]) == 0
    run = subprocess.Popen(
        [sys.executable, "-m", "sitrep", "info", str(project_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert run.stdout is not None and run.stderr is not None
    run.stdout.close()  # like `| head -0`: the reader is gone before anything is written
    err = run.stderr.read().decode()
    run.stderr.close()
    run.wait(timeout=60)
    assert err == ""
    assert run.returncode == 1
