"""Sharing project files: slices, redaction, encryption, and merges that lose nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from pyrage import passphrase as age
from sqlalchemy import func, select

from sitrep.errors import EncryptedProjectError, NotAProjectError, SitrepError
from sitrep.model import AuditEntry, ExternalId, Incident, Source
from sitrep.model.enums import Sensitivity, SourceType
from sitrep.sharing.conflicts import list_conflicts, resolve_conflict
from sitrep.sharing.crypto import PassphraseError
from sitrep.sharing.export import export_project
from sitrep.sharing.merge import merge_project
from sitrep.store import Project, create_project, open_project
from tests.conftest import make_area, make_incident


@pytest.fixture
def project(project_db: Project) -> Project:
    """Every test here runs on a project file and on PostgreSQL (tests/conftest.py)."""
    return project_db


def titles(project: Project) -> dict[str, str]:
    with project.session() as s:
        return {str(i.id): i.title for i in s.scalars(select(Incident))}


def count(project: Project) -> int:
    with project.session() as s:
        return int(s.scalar(select(func.count()).select_from(Incident)) or 0)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_full_export_opens_with_same_uuids_and_merges_back_as_unchanged(
    demo_project: Project, tmp_path: Path
) -> None:
    out = tmp_path / "copy.sitrep"
    result = export_project(demo_project, out)
    assert result.incidents == count(demo_project) == 316
    assert not Path(str(out) + "-wal").exists()
    copy = open_project(out)
    assert titles(copy) == titles(demo_project)
    copy.close()
    merged = merge_project(demo_project, out)
    assert (merged.added, merged.updated, merged.conflicts) == (0, 0, [])
    assert merged.unchanged == 316
    assert count(demo_project) == 316


def test_public_and_partner_slices_are_redacted(demo_project: Project, tmp_path: Path) -> None:
    with demo_project.session() as s:
        by_level = dict(
            s.execute(
                select(Incident.sensitivity, func.count()).group_by(Incident.sensitivity)
            ).all()
        )
    public = tmp_path / "public.sitrep"
    assert (
        export_project(demo_project, public, level=Sensitivity.PUBLIC).incidents
        == by_level[Sensitivity.PUBLIC]
    )
    partner = tmp_path / "partner.sitrep"
    export_project(demo_project, partner, level=Sensitivity.PARTNER)
    shared = open_project(partner)
    with shared.session() as s:
        levels = set(s.scalars(select(Incident.sensitivity)))
        assert levels <= {Sensitivity.PUBLIC, Sensitivity.PARTNER}
        arrest = s.scalar(select(Incident).where(Incident.title.like("Arrests of civilians%")))
        assert arrest is not None
        assert arrest.narrative.startswith("[withheld]")
        assert all(
            src.name.startswith("[withheld]") and src.excerpt == "[withheld]"
            for src in arrest.sources
        )
        assert not any("Battalion 33" in t for t in s.scalars(select(Incident.title)))
        assert set(s.scalars(select(Incident.author))) == {""}
    assert shared.setting("export_level") == "partner"
    assert shared.setting("export_redacted") == "yes"
    shared.close()


def test_encrypted_export_needs_the_passphrase(demo_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "enc.sitrep"
    export_project(demo_project, out, level=Sensitivity.INTERNAL, passphrase="kachin-2025")
    assert out.read_bytes().startswith(b"age-encryption.org/v1")
    # readable by any age implementation
    assert age.decrypt(out.read_bytes(), "kachin-2025").startswith(b"SQLite format 3")
    with pytest.raises(EncryptedProjectError, match="encrypted shared project"):
        open_project(out)
    before = titles(demo_project)
    with pytest.raises(PassphraseError, match="passphrase is wrong"):
        merge_project(demo_project, out, passphrase="wrong guess")
    with pytest.raises(SitrepError, match="give its passphrase"):
        merge_project(demo_project, out)
    assert titles(demo_project) == before
    result = merge_project(demo_project, out, passphrase="kachin-2025")
    assert result.added == 0 and result.unchanged > 0
    with pytest.raises(SitrepError, match="at least 8"):
        export_project(demo_project, tmp_path / "weak.sitrep", passphrase="short")
    assert not (tmp_path / "weak.sitrep").exists()


def _pair(demo_project: Project, tmp_path: Path) -> tuple[Project, Path, list[str]]:
    theirs_path = tmp_path / "theirs.sitrep"
    export_project(demo_project, theirs_path)
    with demo_project.session() as s:
        ids = [
            str(i)
            for i in s.scalars(
                select(Incident.id)
                .where(Incident.is_synthetic.is_(False))
                .order_by(Incident.reference)
            )
        ]
    return open_project(theirs_path, user="colleague"), theirs_path, ids


def _retitle(project: Project, incident_id: str, title: str) -> None:
    import uuid

    with project.session() as s:
        inc = s.get(Incident, uuid.UUID(incident_id))
        assert inc is not None
        inc.title = title


def test_merge_rules_theirs_ours_and_conflicts(demo_project: Project, tmp_path: Path) -> None:
    theirs, theirs_path, ids = _pair(demo_project, tmp_path)
    _retitle(theirs, ids[0], "only they changed this")
    _retitle(theirs, ids[1], "both changed: theirs")
    _retitle(demo_project, ids[1], "both changed: ours")
    _retitle(demo_project, ids[2], "only we changed this")
    import uuid

    with theirs.session() as s:  # they also change a casualty estimate
        inc = s.get(Incident, uuid.UUID(ids[3]))
        assert inc is not None
        inc.sources.append(Source(name="Second witness", source_type=SourceType.OWN_STAFF))
    theirs.close()

    result = merge_project(demo_project, theirs_path)
    assert result.updated == 2 and result.kept_ours == 1 and len(result.conflicts) == 1
    got = titles(demo_project)
    assert got[ids[0]] == "only they changed this"
    assert got[ids[1]] == "both changed: ours"  # ours kept ...
    assert got[ids[2]] == "only we changed this"
    with demo_project.session() as s:
        inc = s.get(Incident, uuid.UUID(ids[3]))
        assert inc is not None and [src.name for src in inc.sources][-1] == "Second witness"
    (conflict,) = list_conflicts(demo_project)  # ... and theirs stored
    assert conflict.their_title == "both changed: theirs"

    again = merge_project(demo_project, theirs_path)
    assert again.updated == 0 and again.added == 0
    assert len(list_conflicts(demo_project)) == 1  # not stored twice

    resolve_conflict(demo_project, conflict.id, "theirs")
    assert titles(demo_project)[ids[1]] == "both changed: theirs"
    with demo_project.session() as s:
        audit = s.scalar(
            select(AuditEntry).where(
                AuditEntry.action == "conflict update", AuditEntry.table_name == "incident"
            )
        )
        assert audit is not None
        assert audit.changes["before"]["title"] == "both changed: ours"
        assert audit.changes["after"]["title"] == "both changed: theirs"
    assert list_conflicts(demo_project) == []
    final = merge_project(demo_project, theirs_path)
    assert final.conflicts == [] and final.updated == 0


def test_merge_adds_new_renumbers_clashes_and_never_deletes(
    demo_project: Project, tmp_path: Path
) -> None:
    theirs, theirs_path, ids = _pair(demo_project, tmp_path)
    # both sides enter a new incident after the exchange: both get the next reference
    ours_new = make_incident(demo_project, title="Ours, entered meanwhile")
    clash = make_incident(theirs, title="Clashing reference")
    assert clash.reference == ours_new.reference
    new = make_incident(theirs, title="New from colleague", reference="KCN-2025-9000")
    with theirs.session() as s:  # they delete one of ours
        import uuid

        s.delete(s.get(Incident, uuid.UUID(ids[0])))
    theirs.close()
    before = count(demo_project)
    clashing_ref = clash.reference
    preview = merge_project(demo_project, theirs_path, dry_run=True)
    assert preview.added == 2
    assert count(demo_project) == before  # dry run changed nothing
    result = merge_project(demo_project, theirs_path)
    assert result.added == 2
    assert count(demo_project) == before + 2  # the deleted one is still here
    assert ids[0] in titles(demo_project)
    with demo_project.session() as s:
        assert s.get(Incident, new.id).reference == "KCN-2025-9000"  # type: ignore[union-attr]
        renumbered = s.get(Incident, clash.id)
        assert renumbered is not None and renumbered.reference != clashing_ref
        ext = s.scalar(select(ExternalId.value).where(ExternalId.incident_id == clash.id))
        assert ext == f"theirs.sitrep:{clashing_ref}"
    assert result.renumbered == [(clashing_ref, renumbered.reference)]
    assert merge_project(demo_project, theirs_path).added == 0  # idempotent


def test_independent_imports_of_the_same_event_do_not_duplicate(tmp_path: Path) -> None:
    def side(name: str) -> Project:
        project = create_project(tmp_path / f"{name}.sitrep", user=name)
        kachin = make_area(project, "Kachin", 1, "MMR001")  # own UUIDs on each side
        with project.session() as s:
            pass
        make_incident(
            project,
            title="Air strike on Hpakant",
            admin1_id=kachin.id,
            date_start=dt.date(2021, 3, 2),
        )
        with project.session() as s:
            inc = s.scalar(select(Incident))
            assert inc is not None
            inc.external_ids.append(ExternalId(scheme="acled", value="MMR12345"))
        return project

    ours, theirs = side("ours"), side("theirs")
    theirs.close()
    result = merge_project(ours, tmp_path / "theirs.sitrep")
    assert result.added == 0 and result.unchanged == 1
    assert count(ours) == 1
    ours.close()


def test_merge_refuses_bad_files_and_leaves_project_unchanged(
    project: Project, tmp_path: Path
) -> None:
    make_incident(project)
    junk = tmp_path / "junk.sitrep"
    junk.write_text("not a project")
    before = digest(junk)
    with pytest.raises(NotAProjectError):
        merge_project(project, junk)
    assert digest(junk) == before
    with pytest.raises(SitrepError, match="no file"):
        merge_project(project, tmp_path / "missing.sitrep")
    if project.is_file:
        with pytest.raises(SitrepError, match="into itself"):
            merge_project(project, Path(project.location))
    assert count(project) == 1


def test_export_to_missing_folder_leaves_nothing(project: Project, tmp_path: Path) -> None:
    with pytest.raises(SitrepError, match="does not exist"):
        export_project(project, tmp_path / "nope" / "x.sitrep")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("test.")) == []


def test_cli_merge_and_conflicts(
    demo_project: Project,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sitrep.cli import main

    out = tmp_path / "enc.sitrep"
    export_project(demo_project, out, passphrase="kachin-2025")
    location = demo_project.location
    demo_project.close()
    monkeypatch.setenv("SITREP_PASSPHRASE", "kachin-2025")
    assert main(["merge", location, str(out), "--dry-run"]) == 0
    assert "Dry run" in capsys.readouterr().out
    monkeypatch.setenv("SITREP_PASSPHRASE", "wrong passphrase")
    assert main(["merge", location, str(out)]) == 1
    assert "passphrase is wrong" in capsys.readouterr().err
    assert main(["conflicts", location]) == 0
    assert "No unresolved" in capsys.readouterr().out
    assert main(["conflicts", location, "--keep", "ours"]) == 1


def test_cli_export_sitrep_format_with_level_and_encryption(
    demo_project: Project,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sitrep.cli import main

    location = demo_project.location
    demo_project.close()
    out = tmp_path / "partner.sitrep"
    assert main(["export", location, str(out), "--level", "partner", "--region", "Hpakant"]) == 0
    said = capsys.readouterr().out
    assert "level partner" in said and "withheld" in said
    shared = open_project(out)
    with shared.session() as s:
        assert set(s.scalars(select(Incident.sensitivity))) <= {
            Sensitivity.PUBLIC,
            Sensitivity.PARTNER,
        }
    shared.close()
    monkeypatch.setenv("SITREP_PASSPHRASE", "kachin-2025")
    enc = tmp_path / "enc.sitrep"
    assert main(["export", location, str(enc), "--encrypt"]) == 0
    assert enc.read_bytes().startswith(b"age-encryption.org/v1")
    assert main(["export", location, str(tmp_path / "x.csv"), "--encrypt"]) == 1
    assert "--format sitrep" in capsys.readouterr().err


def test_encrypted_export_and_merge_write_no_plaintext_anywhere(
    demo_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built and read in memory: the output folder and the temporary folder stay clean."""
    temp = tmp_path / "tmp"
    out_dir = tmp_path / "usb"
    temp.mkdir()
    out_dir.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    (temp / "sitrep-decrypted-old.sitrep").write_bytes(b"SQLite format 3\x00 left by 1.0")
    out = out_dir / "enc.sitrep"
    export_project(demo_project, out, level=Sensitivity.INTERNAL, passphrase="kachin-2025")
    merge_project(demo_project, out, passphrase="kachin-2025")
    assert [p.name for p in out_dir.iterdir()] == ["enc.sitrep"]
    assert list(temp.iterdir()) == []  # and the old version's leftover is gone
    assert out.read_bytes().startswith(b"age-encryption.org/v1")
