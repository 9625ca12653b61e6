"""Passphrase encryption of shared project files in the age format (``age-encryption.org/v1``).

age is a modern, audited, authenticated format with a standard CLI (``age -d``), so a
recipient without Sitrep can still decrypt; pyrage binds the reference implementation.
Encryption and decryption work on bytes in memory: the plaintext project never touches
the disk (:mod:`sitrep.store.memory` builds and reads it there).
"""

from __future__ import annotations

from pathlib import Path

import pyrage
from pyrage import passphrase as age_passphrase

from sitrep.errors import SitrepError

AGE_HEADER = b"age-encryption.org/v1"
MIN_PASSPHRASE = 8


class PassphraseError(SitrepError):
    """Wrong passphrase or damaged encrypted file."""


def is_encrypted(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(len(AGE_HEADER)) == AGE_HEADER
    except OSError:
        return False


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise SitrepError(f"Choose a passphrase of at least {MIN_PASSPHRASE} characters.")


def encrypt_bytes(data: bytes, passphrase: str) -> bytes:
    check_passphrase(passphrase)
    return bytes(age_passphrase.encrypt(data, passphrase))


def decrypt_bytes(data: bytes, passphrase: str, name: str) -> bytes:
    try:
        return bytes(age_passphrase.decrypt(data, passphrase))
    except pyrage.DecryptError:
        raise PassphraseError(
            f"Cannot decrypt {name}: the passphrase is wrong or the file is damaged."
        ) from None
