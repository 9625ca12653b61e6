"""Passphrase encryption of shared project files in the age format (``age-encryption.org/v1``).

age is a modern, audited, authenticated format with a standard CLI (``age -d``), so a
recipient without Sitrep can still decrypt; pyrage binds the reference implementation.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pyrage
from pyrage import passphrase as age_passphrase

from sitrep.errors import SitrepError

AGE_HEADER = b"age-encryption.org/v1"


class PassphraseError(SitrepError):
    """Wrong passphrase or damaged encrypted file."""


def is_encrypted(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(len(AGE_HEADER)) == AGE_HEADER
    except OSError:
        return False


def encrypt_file(source: Path, target: Path, passphrase: str) -> None:
    if len(passphrase) < 8:
        raise SitrepError("Choose a passphrase of at least 8 characters.")
    data = age_passphrase.encrypt(source.read_bytes(), passphrase)
    target.write_bytes(data)


def decrypt_to_temp(path: Path, passphrase: str) -> Path:
    """Decrypt into a private temporary file (caller deletes it)."""
    try:
        data = age_passphrase.decrypt(path.read_bytes(), passphrase)
    except pyrage.DecryptError:
        raise PassphraseError(
            f"Cannot decrypt {path.name}: the passphrase is wrong or the file is damaged."
        ) from None
    fd, name = tempfile.mkstemp(suffix=".sitrep", prefix="sitrep-decrypted-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return Path(name)
