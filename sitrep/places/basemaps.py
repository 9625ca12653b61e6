"""The offline basemaps a project uses: an ordered list kept in the project's settings.

Files are **referenced, not copied** into the project. A basemap is often hundreds of
megabytes to gigabytes and is shared by several projects; copied in, it would swell every
project file, every automatic backup and every migration copy, and a shared export would
have to leave it out anyway. What is stored per basemap is its display name, the path as
added (absolute), the path relative to the project's folder, and a content fingerprint.

Field use moves projects between machines on USB sticks, so a basemap is looked for, in
order: relative to the project's folder (a stick with ``project.sitrep`` and ``maps/``
works on any drive letter), at its absolute path, then by file name beside the project.
The fingerprint (size plus SHA-256 of the first and last MiB: cheap enough to check on
every open, where hashing a 4 GB file whole takes many seconds) makes sure a file found
that way is the same basemap, not another file with the same name.

The list lives in the ``basemaps`` project setting (JSON): no schema change, and the
setting is not in ``SHARED_SETTINGS``, so paths on this machine never travel in exports.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from sitrep.errors import SitrepError
from sitrep.model import ProjectSetting
from sitrep.places.tiles import BasemapError, Tileset, TilesetInfo, open_tileset, read_info

log = logging.getLogger(__name__)

SETTING = "basemaps"
_TAG = re.compile(r"<[^>]*>")
_CHUNK = 1 << 20
CONTAINER_NAMES = {"mbtiles": "MBTiles", "pmtiles": "PMTiles"}


@dataclass(frozen=True)
class Basemap:
    """One registered basemap, as stored in the project."""

    name: str
    path: str  # absolute, as added
    relative: str | None  # to the project's folder (None: other drive, or a database)
    fingerprint: str
    container: str
    format: str
    attribution: str
    bounds: tuple[float, float, float, float]
    minzoom: int
    maxzoom: int

    @property
    def is_vector(self) -> bool:
        return self.format == "pbf"

    @property
    def kind(self) -> str:
        what = "vector" if self.is_vector else self.format.upper()
        return f"{CONTAINER_NAMES.get(self.container, self.container)} {what}"


def fingerprint(path: Path) -> str:
    """``size:sha256`` of the first and last MiB (the same file, found on another machine)."""
    size = path.stat().st_size
    digest = hashlib.sha256(str(size).encode())
    with path.open("rb") as f:
        digest.update(f.read(_CHUNK))
        if size > _CHUNK:
            f.seek(max(_CHUNK, size - _CHUNK))
            digest.update(f.read(_CHUNK))
    return f"{size}:{digest.hexdigest()[:32]}"


def project_folder(project: Any) -> Path | None:
    """The folder relative paths are taken from (None for a database on a server)."""
    return Path(project.location).resolve().parent if project.is_file else None


def registered(session: Session) -> list[Basemap]:
    """The project's basemaps in the user's order (first: shown when the map opens)."""
    row = session.get(ProjectSetting, SETTING)
    if row is None or not row.value:
        return []
    try:
        items = json.loads(row.value)
    except ValueError:
        return []
    out = []
    for item in items if isinstance(items, list) else []:
        try:
            item["bounds"] = tuple(item["bounds"])
            out.append(Basemap(**item))
        except (TypeError, KeyError):
            continue  # written by a newer Sitrep with other fields: left out, not fatal
    return out


def _save(session: Session, basemaps: list[Basemap]) -> None:
    value = json.dumps([asdict(b) for b in basemaps], ensure_ascii=False)
    session.merge(ProjectSetting(key=SETTING, value=value))


def _relative(path: Path, project_dir: Path | None) -> str | None:
    if project_dir is None:
        return None
    try:
        return Path(os.path.relpath(path, project_dir)).as_posix()
    except ValueError:  # another drive on Windows
        return None


def add(session: Session, file: Path, project_dir: Path | None, name: str = "") -> Basemap:
    """Check ``file`` and add it at the end of the list; refuses a duplicate."""
    file = Path(file).resolve()
    info = read_info(file)
    print_ = fingerprint(file)
    existing = registered(session)
    name = (name or info.name or file.stem).strip()
    for b in existing:
        if b.fingerprint == print_:
            raise BasemapError(f"{file.name} is already a basemap of this project ('{b.name}').")
        if b.name.casefold() == name.casefold():
            name = f"{name} ({file.name})"
    basemap = _from_info(info, name, file, project_dir, print_)
    _save(session, [*existing, basemap])
    return basemap


def _from_info(
    info: TilesetInfo, name: str, file: Path, project_dir: Path | None, print_: str
) -> Basemap:
    return Basemap(
        name=name,
        path=str(file),
        relative=_relative(file, project_dir),
        fingerprint=print_,
        container=info.container,
        format=info.format,
        attribution=info.attribution,
        bounds=info.bounds,
        minzoom=info.minzoom,
        maxzoom=info.maxzoom,
    )


def _find(basemaps: list[Basemap], name: str) -> int:
    wanted = name.strip().casefold()
    for i, b in enumerate(basemaps):
        if b.name.casefold() == wanted:
            return i
    names = ", ".join(f"'{b.name}'" for b in basemaps) or "none"
    raise BasemapError(f"This project has no basemap named '{name}' (it has: {names}).")


def remove(session: Session, name: str) -> Basemap:
    """Forget a basemap (the file itself is left alone)."""
    basemaps = registered(session)
    gone = basemaps.pop(_find(basemaps, name))
    _save(session, basemaps)
    return gone


def move(session: Session, name: str, position: int) -> list[Basemap]:
    """Put a basemap at ``position`` (1 = first, the one shown when the map opens)."""
    basemaps = registered(session)
    if not 1 <= position <= len(basemaps):
        raise BasemapError(f"Position {position} is outside 1 to {len(basemaps)}.")
    item = basemaps.pop(_find(basemaps, name))
    basemaps.insert(position - 1, item)
    _save(session, basemaps)
    return basemaps


def candidates(basemap: Basemap, project_dir: Path | None) -> list[Path]:
    """Where to look for the file, in order (see the module's docstring)."""
    found: list[Path] = []
    if basemap.relative and project_dir is not None:
        found.append(project_dir / basemap.relative)
    found.append(Path(basemap.path))
    if project_dir is not None:
        found.append(project_dir / Path(basemap.path).name)
    return found


def locate(basemap: Basemap, project_dir: Path | None) -> Path:
    """The basemap's file on this machine, checked by fingerprint."""
    mismatched: Path | None = None
    for path in candidates(basemap, project_dir):
        if not path.is_file():
            continue
        try:
            if fingerprint(path) == basemap.fingerprint:
                return path
        except OSError:
            continue
        mismatched = path
    if mismatched is not None:
        raise BasemapError(
            f"The basemap '{basemap.name}' at {mismatched} is not the file that was added "
            "(its content differs); add it again if it was updated on purpose."
        )
    raise BasemapError(
        f"The basemap file of '{basemap.name}' is missing (looked for "
        f"{Path(basemap.path).name} beside the project and at {basemap.path})."
    )


def as_json(basemap: Basemap) -> dict[str, Any]:
    return asdict(basemap)


def plain_text(text: str) -> str:
    """Text from a file without its markup (attributions often carry links)."""
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def plain_html(text: str) -> str:
    """Text from a file, safe to hand to Leaflet as HTML: tags dropped, the rest escaped."""
    return html.escape(plain_text(text))


@dataclass
class OpenBasemap:
    basemap: Basemap
    tileset: Tileset


def open_basemaps(
    session: Session, project_dir: Path | None
) -> tuple[list[OpenBasemap], list[str]]:
    """The project's basemaps that can be opened here, and why the others cannot."""
    opened: list[OpenBasemap] = []
    problems: list[str] = []
    for b in registered(session):
        try:
            opened.append(OpenBasemap(b, open_tileset(locate(b, project_dir))))
        except SitrepError as exc:
            log.warning("basemap not shown: %s", exc)
            problems.append(str(exc))
    return opened, problems


def close_all(opened: list[OpenBasemap]) -> None:
    for o in opened:
        o.tileset.close()
