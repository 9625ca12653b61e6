"""Writing a report's files so that a failure leaves nothing behind.

The document and its JSON figures are first written in full to temporary files beside
their targets, then moved into place together; if the second move fails the first is
undone (a file that was there before comes back). The report is recorded in the
project inside the same step, so a report is stored only when both files exist, and a
file is left in place only when the report was stored. Every way this can fail that a
user can cause (a folder given as the output, a folder that does not exist or cannot
be written, a full disk) ends in one plain sentence.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sitrep.errors import SitrepError
from sitrep.store.targets import check_output_target


def check_target(path: Path, what: str = "report") -> None:
    """Refuse, before any work, outputs that cannot be written (or would destroy a project)."""
    if path.is_dir():
        raise SitrepError(f"{path} is a folder; give the {what} a file name instead.")
    check_output_target(path, what=what)
    folder = path.parent
    if not folder.is_dir():
        raise SitrepError(f"The folder {folder} does not exist.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SitrepError(f"The folder {folder} cannot be written to (permission denied).")


def os_problem(exc: OSError, path: Path) -> SitrepError:
    """One sentence for an operating-system error while writing ``path``."""
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        text = f"The disk is full: {path} could not be written."
    elif code in (errno.EACCES, errno.EPERM):
        text = f"The folder {path.parent} cannot be written to (permission denied)."
    elif code == errno.EROFS:
        text = f"The folder {path.parent} is on a read-only disk."
    elif code == errno.EISDIR:
        text = f"{path} is a folder; give a file name instead."
    elif code == errno.ENOENT:
        text = f"The folder {path.parent} does not exist."
    else:
        reason = exc.strerror or str(exc)
        text = f"{path} could not be written: {reason[:1].lower()}{reason[1:]}."
    return SitrepError(text + " Nothing was saved.")


@dataclass
class _File:
    target: Path
    temp: Path
    backup: Path | None = None
    placed: bool = False


@dataclass
class StagedFiles:
    """Files written beside their targets, placed together by :meth:`place`."""

    files: list[_File] = field(default_factory=list)

    def write(self, target: Path, data: bytes) -> None:
        temp: Path | None = None
        try:
            fd, name = tempfile.mkstemp(
                prefix=f".{target.stem}-", suffix=".part", dir=target.parent
            )
            temp = Path(name)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            if temp is not None:
                with contextlib.suppress(OSError):
                    temp.unlink()
            raise os_problem(exc, target) from exc
        self.files.append(_File(target, temp))

    def place(self) -> None:
        """Move every file into place, or none: on failure the targets are as before."""
        current: _File | None = None
        try:
            for f in self.files:
                current = f
                if f.target.exists():
                    f.backup = f.target.with_name(f".{f.target.name}.{os.getpid()}.bak")
                    try:
                        os.link(f.target, f.backup)
                    except OSError:
                        shutil.copy2(f.target, f.backup)
                os.replace(f.temp, f.target)
                f.placed = True
        except OSError as exc:
            self.undo()
            raise os_problem(exc, current.target if current else Path(".")) from exc

    def undo(self) -> None:
        """Put back what was there before (after a failed move or a failed record)."""
        for f in self.files:
            with contextlib.suppress(OSError):
                if f.placed:
                    if f.backup is not None:
                        os.replace(f.backup, f.target)
                        f.backup = None
                    else:
                        f.target.unlink()
                    f.placed = False
        self.cleanup()

    def cleanup(self) -> None:
        """Remove temporary and backup files (after success or failure alike)."""
        for f in self.files:
            for leftover in (f.temp, f.backup):
                if leftover is not None:
                    with contextlib.suppress(FileNotFoundError):
                        leftover.unlink()
