"""Autosaved drafts on disk, offered back after a crash or a killed process.

Each open incident form writes its draft to one JSON file in the user's data folder
(written to a temporary file and renamed, so a kill mid-write leaves the previous
draft intact). Saving or cancelling the form removes the file; a file still there
when a project is opened means the form never finished, and the app offers it back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from sitrep.editing.draft import IncidentDraft, draft_from_json, draft_to_json

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredDraft:
    key: str
    path: Path
    project: str
    saved_at: dt.datetime
    draft: IncidentDraft


def project_key(location: str) -> str:
    """How a project is named in drafts: its absolute path, or its database URL."""
    if "://" in location:
        return location
    return str(Path(location).expanduser().resolve())


class DraftStore:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    @staticmethod
    def new_key() -> str:
        return uuid.uuid4().hex

    def _path(self, key: str) -> Path:
        if not key.isalnum():
            raise ValueError(f"bad draft key {key!r}")
        return self.folder / f"{key}.json"

    def save(self, key: str, draft: IncidentDraft, project: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(key)
        tmp = path.with_suffix(".tmp")
        text = draft_to_json(
            draft,
            project=project_key(project),
            saved_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        return path

    def discard(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path(key).unlink()

    def drafts_for(self, project: str) -> list[StoredDraft]:
        """Drafts left for this project, newest first. Unreadable files are skipped."""
        wanted = project_key(project)
        found: list[StoredDraft] = []
        if not self.folder.is_dir():
            return found
        for path in self.folder.glob("*.json"):
            try:
                draft, meta = draft_from_json(path.read_text(encoding="utf-8"))
                saved = dt.datetime.fromisoformat(str(meta.get("saved_at")))
            except (OSError, ValueError, TypeError, KeyError) as exc:
                log.warning("skipping unreadable draft %s: %s", path, exc)
                continue
            if meta.get("project") == wanted:
                found.append(StoredDraft(path.stem, path, wanted, saved, draft))
        found.sort(key=lambda d: d.saved_at, reverse=True)
        return found
