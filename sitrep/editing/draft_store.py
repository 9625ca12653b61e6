"""Autosaved drafts on disk, offered back after a crash or a killed process.

Each open incident form writes its draft to one JSON file in the user's data folder
(written to a temporary file and renamed, so a kill mid-write leaves the previous
draft intact). Saving or cancelling the form removes the file; a file still there
when a project is opened means the form never finished, and the app offers it back.

Drafts of an encrypted project are encrypted too (``<key>.age``, age format, nothing in
clear, not even the project's path). Each encrypted project holds an age X25519 identity
in its own (encrypted) settings: a draft is encrypted to its public half, which is fast
(no passphrase stretching on every autosave), and only someone who opened the project
with its passphrase holds the secret half that reads drafts back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyrage

from sitrep.editing.draft import IncidentDraft, draft_from_dict, draft_from_json, draft_to_json

if TYPE_CHECKING:
    from sitrep.store import Project

log = logging.getLogger(__name__)
DRAFT_IDENTITY_SETTING = "draft_identity"


def draft_identity(project: Project) -> str | None:
    """The encrypted project's draft identity (made on first use); None for a plain one.

    A project decrypted since keeps its identity, so drafts written while it was
    encrypted are still offered back (and new ones stay encrypted).
    """
    identity = project.setting(DRAFT_IDENTITY_SETTING)
    if not identity and project.encrypted:
        identity = str(pyrage.x25519.Identity.generate())
        project.set_setting(DRAFT_IDENTITY_SETTING, identity)
    return identity or None


@dataclass(frozen=True)
class StoredDraft:
    key: str
    path: Path
    project: str
    saved_at: dt.datetime
    draft: IncidentDraft
    # the incident as the user opened it, for the three-way view if someone else saved
    # it meanwhile (None: a new incident, or a draft from before this was kept)
    base: IncidentDraft | None = None


def project_key(location: str) -> str:
    """How a project is named in drafts: its absolute path, or its database URL."""
    if "://" in location:
        return location
    return str(Path(location).expanduser().resolve())


class DraftStore:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._identities: dict[str, pyrage.x25519.Identity] = {}

    def protect(self, project: str, identity: str) -> None:
        """From now on, drafts of ``project`` are written encrypted for ``identity``."""
        self._identities[project_key(project)] = pyrage.x25519.Identity.from_str(identity)

    def forget(self, project: str) -> None:
        """Drop the project's identity from memory (the app locked or closed it)."""
        self._identities.pop(project_key(project), None)

    def is_protected(self, project: str) -> bool:
        return project_key(project) in self._identities

    @staticmethod
    def new_key() -> str:
        return uuid.uuid4().hex

    def _path(self, key: str, suffix: str = ".json") -> Path:
        if not key.isalnum():
            raise ValueError(f"bad draft key {key!r}")
        return self.folder / f"{key}{suffix}"

    def save(
        self, key: str, draft: IncidentDraft, project: str, base: IncidentDraft | None = None
    ) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        identity = self._identities.get(project_key(project))
        path = self._path(key, ".age" if identity else ".json")
        tmp = path.with_suffix(".tmp")
        text = draft_to_json(
            draft,
            project=project_key(project),
            saved_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            **({"base": asdict(base)} if base is not None else {}),
        )
        data = text.encode("utf-8")
        if identity is not None:
            data = pyrage.encrypt(data, [identity.to_public()])
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        if identity is not None:  # a clear copy from before the project was encrypted
            with contextlib.suppress(FileNotFoundError):
                self._path(key).unlink()
        return path

    def discard(self, key: str) -> None:
        for suffix in (".json", ".age"):
            with contextlib.suppress(FileNotFoundError):
                self._path(key, suffix).unlink()

    def reseal(self, project: str) -> int:
        """Encrypt the clear drafts left for ``project`` (it was just encrypted)."""
        if not self.is_protected(project):
            return 0
        found = [d for d in self.drafts_for(project) if d.path.suffix == ".json"]
        for stored in found:
            self.save(stored.key, stored.draft, project, stored.base)
        return len(found)

    def drafts_for(self, project: str) -> list[StoredDraft]:
        """Drafts left for this project, newest first. Unreadable files are skipped."""
        wanted = project_key(project)
        found: list[StoredDraft] = []
        if not self.folder.is_dir():
            return found
        identity = self._identities.get(wanted)
        paths = list(self.folder.glob("*.json"))
        if identity is not None:
            paths += self.folder.glob("*.age")
        for path in paths:
            try:
                data = path.read_bytes()
                if path.suffix == ".age":
                    try:
                        data = pyrage.decrypt(data, [identity])
                    except pyrage.DecryptError:
                        continue  # another project's draft
                draft, meta = draft_from_json(data.decode("utf-8"))
                saved = dt.datetime.fromisoformat(str(meta.get("saved_at")))
                base = (
                    draft_from_dict(meta["base"]) if isinstance(meta.get("base"), dict) else None
                )
            except (OSError, ValueError, TypeError, KeyError) as exc:
                log.warning("skipping unreadable draft %s: %s", path, exc)
                continue
            if meta.get("project") == wanted:
                found.append(StoredDraft(path.stem, path, wanted, saved, draft, base))
        found.sort(key=lambda d: d.saved_at, reverse=True)
        return found
