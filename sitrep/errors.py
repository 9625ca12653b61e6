"""Errors a user can cause, each carrying a message a non-programmer understands.

The GUI shows ``str(error)`` in a dialog; the command line prints it on one line and
exits with status 1. Anything that is *not* a :class:`SitrepError` is a bug.
"""

from __future__ import annotations


class SitrepError(Exception):
    """Base of every error the user can cause and fix."""


class Cancelled(SitrepError):
    """The user cancelled a long job (report, import, export, merge); nothing was written.

    The one cancel signal of the core: jobs raise it (or a subclass) when their progress
    callback asks them to stop, so one background-task helper can catch them all.
    """


class ValidationError(SitrepError):
    """A value entered or imported is not acceptable.

    ``field`` names the offending field (as the user sees it) so forms can mark it.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ProjectError(SitrepError):
    """A project file cannot be opened, created or upgraded."""


class NotAProjectError(ProjectError):
    """The file exists but is not a Sitrep project."""


class EncryptedProjectError(ProjectError):
    """The file is an encrypted shared project: it must be decrypted (merged) first."""


class PassphraseError(ProjectError):
    """An encrypted project needs a passphrase, or the one given does not open it.

    ``missing`` is true when none was given (the app then asks instead of saying wrong).
    """

    def __init__(self, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


class NewerSchemaError(ProjectError):
    """The project was written by a newer version of Sitrep."""


class RegionError(SitrepError):
    """A region name is unknown or ambiguous."""


class ConflictError(SitrepError):
    """Someone else changed the record since it was read (optimistic locking)."""
