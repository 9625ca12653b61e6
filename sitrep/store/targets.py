"""Where an output may be written: never over a project.

``sitrep export a.sitrep a.sitrep`` once left 177 of 316 incidents in a damaged file,
and ``--format csv`` replaced the project with a spreadsheet. Every command and dialog
that writes a file a user named calls :func:`check_output_target` first. It refuses:

- a project open in this process (the one being read, or the one open in the app), and
  the ``-wal``/``-shm``/``-journal`` files beside it, compared by the file itself
  (``os.path.samefile``: device and inode), not by how its name is spelled, so a
  symbolic link, ``./a.sitrep`` or another letter case cannot slip through;
- the side files of any project on disk (writing a ``-journal`` makes SQLite "roll
  back" garbage into the project the next time it is opened);
- any existing file that is a Sitrep project (open elsewhere or not): a SQLite file
  marked with our application id, an age-encrypted shared project, or any non-empty
  ``.sitrep`` file (an encrypted project has no readable header). Only a deliberate
  project export (``sitrep export --force``) may replace such a file, and never one
  that is open (its ``-wal``/``-shm`` are there).

The module also keeps the list of project files open in this process (``Project``
registers itself) and offers :func:`atomic_write` for outputs that replace a file.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from sitrep.errors import SitrepError
from sitrep.store.engine import APPLICATION_ID, SQLITE_HEADER, make_engine, project_url

SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
PROJECT_SUFFIX = ".sitrep"
AGE_HEADERS = (b"age-encryption.org/", b"-----BEGIN AGE ENCRYPTED FILE-----")

_open_files: dict[int, Path] = {}


class OverwriteRefused(SitrepError):
    """An output was about to be written over a project or one of its files."""


# --------------------------------------------------------------------------- open projects


def register_open(key: int, path: str | Path) -> None:
    """Remember that the project file ``path`` is open (``key``: the project's ``id``)."""
    _open_files[key] = Path(os.path.abspath(path))


def forget_open(key: int) -> None:
    _open_files.pop(key, None)


def open_project_files() -> list[Path]:
    return list(dict.fromkeys(_open_files.values()))


def is_open_here(path: str | Path) -> bool:
    """Whether this process has ``path`` open as a project (SQLite's file locks keep other
    processes from rewriting a project in use, but not a second SQLite library in this one)."""
    resolved = Path(os.path.realpath(path))
    return any(_same(resolved, project) for project in open_project_files())


# --------------------------------------------------------------------------- recognising


def is_project_file(path: Path) -> bool:
    """Whether ``path`` is (or may be) a Sitrep project; ``False`` if it does not exist."""
    try:
        with path.open("rb") as fh:
            head = fh.read(100)
    except OSError:
        return False
    marked = len(head) >= 72 and int.from_bytes(head[68:72], "big") == APPLICATION_ID
    if head.startswith(SQLITE_HEADER) and marked:
        return True
    if head.startswith(AGE_HEADERS):
        return True
    return path.suffix.lower() == PROJECT_SUFFIX and len(head) > 0


def _same(a: Path, b: Path) -> bool:
    """The same file: by device and inode when both exist, else by folder and name.

    A name that does not exist yet is compared case-insensitively inside the same
    folder: refusing ``A.sitrep-wal`` beside ``a.sitrep`` on a case-sensitive disk costs
    nothing, writing it on a case-insensitive one would be a disaster.
    """
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.name.casefold() == b.name.casefold() and os.path.samefile(a.parent, b.parent)
    except OSError:
        return False


def _side_of(path: Path) -> tuple[Path, str] | None:
    """The project and suffix when ``path`` is named like a project's side file."""
    name = path.name
    for suffix in SIDE_SUFFIXES:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return path.with_name(name[: -len(suffix)]), suffix
    return None


# --------------------------------------------------------------------------- the check


def check_output_target(
    target: str | Path,
    *,
    what: str = "file",
    replace_project: bool = False,
    force_option: str = "",
) -> Path:
    """Refuse to write ``what`` at ``target`` over a project or a project's files.

    ``replace_project`` (a project export with ``--force``) allows replacing a Sitrep
    project that is not open; ``force_option`` names that option in the refusal of a
    writer that has one. Returns ``target`` as a ``Path``.
    """
    path = Path(target)
    resolved = Path(os.path.realpath(path))
    for project in open_project_files():
        if _same(resolved, project):
            raise OverwriteRefused(
                f"{path} is the open project {project.name}; choose another file name "
                f"for the {what} (nothing was written)."
            )
        for suffix in SIDE_SUFFIXES:
            if _same(resolved, project.with_name(project.name + suffix)):
                raise OverwriteRefused(
                    f"{path} is the {suffix} file of the open project {project.name}; "
                    f"choose another file name for the {what} (nothing was written)."
                )
    side = _side_of(resolved)
    if side is not None and is_project_file(side[0]):
        raise OverwriteRefused(
            f"{path} is the {side[1]} file of the Sitrep project {side[0].name}; "
            f"choose another file name for the {what} (nothing was written)."
        )
    if is_project_file(resolved):
        in_use = any(Path(f"{resolved}{s}").exists() for s in SIDE_SUFFIXES)
        if replace_project and not in_use:
            return path
        if replace_project:
            raise OverwriteRefused(
                f"{path} is a Sitrep project open elsewhere; close it before replacing it "
                "(nothing was written)."
            )
        force = f", or add {force_option} to replace it" if force_option else ""
        raise OverwriteRefused(
            f"{path} is a Sitrep project; choose another file name for the {what}{force} "
            "(nothing was written)."
        )
    return path


# --------------------------------------------------------------------------- writing


@contextlib.contextmanager
def atomic_write(target: str | Path) -> Iterator[Path]:
    """A temporary path beside ``target``, moved over it only if the block succeeds.

    A failed or interrupted write leaves what was at ``target`` before, untouched.
    """
    path = Path(target)
    temp = path.with_name(f".{path.name}.part-{os.getpid()}")
    try:
        yield temp
        with open(temp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(temp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def check_empty_database(url: str, doing: str) -> None:
    """Refuse to write a project into a database that already holds tables (a team's
    database is never written over); ``doing`` names the act: "restore", "copy"."""
    from sqlalchemy import inspect

    engine = make_engine(project_url(url))
    try:
        with engine.connect() as conn:
            if inspect(conn).get_table_names():
                raise SitrepError(
                    f"{url} is not empty; {doing} into a new, empty database "
                    "(nothing was written)."
                )
    except SitrepError:
        raise
    except Exception as exc:  # any failure to connect: one sentence
        raise SitrepError(f"Cannot connect to {url}: {exc}.") from exc
    finally:
        engine.dispose()
