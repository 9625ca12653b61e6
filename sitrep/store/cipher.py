"""Project files encrypted at rest with SQLCipher 4 (a passphrase, no home-made cipher).

An encrypted file is an ordinary SQLCipher 4 database: ``PRAGMA key = 'passphrase'`` opens
it in any SQLCipher tool. To pay the key derivation once per open rather than once per
pooled connection, Sitrep derives the key itself with SQLCipher 4's own defaults
(PBKDF2-HMAC-SHA512, 256,000 iterations, the 16-byte salt at the start of the file) and
hands SQLCipher the raw key with its salt (``x'<key><salt>'``), which SQLCipher then uses
without deriving again. ``tests/store/test_encryption.py`` checks both forms open the
same file.

Encrypting or decrypting rewrites the file with ``sqlcipher_export`` into a temporary
file beside it, which is flushed, checked (it opens, and every table holds as many rows)
and only then renamed over the project: a kill at any moment leaves the old file or the
new one, never half. When encrypting, the temporary file is encrypted from its first
page: no plaintext copy is ever made.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import sqlite3
from pathlib import Path
from typing import Any

from sitrep.errors import PassphraseError, ProjectError
from sitrep.store.engine import APPLICATION_ID, SQLITE_HEADER, connect_sqlite, quote_sql

KDF_ITERATIONS = 256_000  # SQLCipher 4's default; never lowered
KEY_BYTES = 32
SALT_BYTES = 16
PAGE_SIZE = 4096  # SQLCipher 4's default page size: an encrypted file is whole pages
TEMP_MARK = ".sitrep-rewrite-"


def db_errors() -> tuple[type[BaseException], ...]:
    """The DB-API errors of both drivers (sqlcipher3's do not derive from sqlite3's)."""
    from sqlcipher3 import dbapi2 as sqlcipher

    return (sqlite3.Error, sqlcipher.Error)


def check_new_passphrase(passphrase: str) -> None:
    if not passphrase:
        raise PassphraseError("The passphrase is empty; an empty passphrase would not encrypt.")
    if "\x00" in passphrase:
        raise PassphraseError("The passphrase cannot contain a NUL character.")


def derive_key(passphrase: str, salt: bytes) -> str:
    """SQLCipher's raw-key form of what ``PRAGMA key = passphrase`` derives for ``salt``."""
    key = hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, KDF_ITERATIONS)
    return f"x'{key[:KEY_BYTES].hex()}{salt.hex()}'"


def new_key(passphrase: str) -> str:
    """A key with a fresh random salt, for a file about to be created."""
    check_new_passphrase(passphrase)
    return derive_key(passphrase, secrets.token_bytes(SALT_BYTES))


def file_header(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise ProjectError(f"Cannot read {path}: {exc.strerror}.") from exc


def looks_encrypted(path: Path) -> bool:
    """No SQLite header, but whole pages: what a SQLCipher file looks like from outside."""
    size = path.stat().st_size
    header = file_header(path)
    return (
        size >= 512
        and size % 512 == 0
        and header != SQLITE_HEADER
        and not header.startswith(b"age-encryption")
    )


def is_encrypted_project(path: Path) -> bool:
    return path.is_file() and looks_encrypted(path)


def key_for_file(path: Path, passphrase: str | None) -> str:
    """The key that opens ``path``, checked; one clear error when it cannot be had."""
    if not passphrase:
        raise PassphraseError(f"{path} is encrypted and needs a passphrase.", missing=True)
    key = derive_key(passphrase, file_header(path)[:SALT_BYTES])
    conn = connect_sqlite(path, key=key, read_only=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except db_errors() as exc:
        raise PassphraseError(
            f"{path} is encrypted and the passphrase is wrong (or it is not a Sitrep project)."
        ) from exc
    finally:
        conn.close()
    return key


def plain_copy_warning(project_name: str, what: str) -> str:
    """What to tell the user who writes an unencrypted copy out of an encrypted project."""
    return (
        f"{project_name} is encrypted, but this {what} is not: keep it on an encrypted disk, "
        "or (for a shared project) export it with a passphrase."
    )


# --------------------------------------------------------------------------- rewriting


def encrypt_file(path: Path, passphrase: str) -> None:
    """Encrypt a plain project file in place, atomically."""
    check_new_passphrase(passphrase)
    if is_encrypted_project(path):
        raise ProjectError(f"{path} is already encrypted.")
    _rewrite(path, source_key=None, target_key=new_key(passphrase))


def project_backups(path: Path) -> list[Path]:
    """The copies :func:`sitrep.store.project.backup_file` made of ``path`` before upgrades."""
    prefix, suffix = f"{path.stem}.backup-", path.suffix
    with contextlib.suppress(OSError):
        return sorted(
            p
            for p in path.parent.iterdir()
            if p.name.startswith(prefix) and p.name.endswith(suffix) and p.is_file()
        )
    return []


def encrypt_with_backups(path: Path, passphrase: str) -> list[Path]:
    """Encrypt a project and the plain backups made of it (plaintext copies of its past);
    returns the backups encrypted."""
    encrypt_file(path, passphrase)
    done = []
    for backup in project_backups(path):
        if not is_encrypted_project(backup):
            encrypt_file(backup, passphrase)
            done.append(backup)
    return done


def decrypt_file(path: Path, passphrase: str | None) -> None:
    """Turn an encrypted project file back into a plain one, atomically."""
    if not is_encrypted_project(path):
        raise ProjectError(f"{path} is not encrypted.")
    _rewrite(path, source_key=key_for_file(path, passphrase), target_key=None)


def change_passphrase(path: Path, old: str | None, new: str) -> None:
    check_new_passphrase(new)
    _rewrite(path, source_key=key_for_file(path, old), target_key=new_key(new))


def sweep_rewrite_leftovers(path: Path) -> None:
    """Remove what a killed encrypt/decrypt left beside ``path`` (never the project)."""
    prefix = f".{path.name}{TEMP_MARK}"
    with contextlib.suppress(OSError):
        for leftover in path.parent.iterdir():
            if leftover.name.startswith(prefix):
                with contextlib.suppress(OSError):
                    leftover.unlink()


def _rewrite(path: Path, *, source_key: str | None, target_key: str | None) -> None:
    from sitrep.store.project import _check_revision, _inspect_file
    from sitrep.store.targets import is_open_here

    if is_open_here(path):
        raise ProjectError(f"{path} is open in another window; close it there first.")
    _check_revision(str(path), _inspect_file(path, key=source_key))  # ours, a known version
    sweep_rewrite_leftovers(path)
    temp = path.with_name(f".{path.name}{TEMP_MARK}{secrets.token_hex(4)}")
    # sqlcipher_export lives in SQLCipher: a plain source is opened through it too
    src = connect_sqlite(path, key=source_key) if source_key else _plain_through_sqlcipher(path)
    replaced = False
    try:
        counts = _release_wal(src, path)
        try:
            attach_key = quote_sql(target_key or "")  # '' attaches a plain database
            src.execute(f"ATTACH DATABASE {quote_sql(str(temp))} AS target KEY {attach_key}")
            src.execute("SELECT sqlcipher_export('target')")
            src.execute(f"PRAGMA target.application_id = {APPLICATION_ID}")
            (user_version,) = src.execute("PRAGMA main.user_version").fetchone()
            src.execute(f"PRAGMA target.user_version = {int(user_version)}")
            src.execute("DETACH DATABASE target")
        except db_errors() as exc:
            raise ProjectError(f"Cannot rewrite {path}: {exc}.") from exc
        _fsync(temp)
        _verify(temp, target_key, counts, path)
        os.replace(temp, path)
        replaced = True
    finally:
        if not replaced:
            temp.unlink(missing_ok=True)
            with contextlib.suppress(*db_errors()):  # the old file back as it was opened
                src.execute("PRAGMA journal_mode = WAL")
        src.close()
    Path(f"{path}-shm").unlink(missing_ok=True)
    _fsync_folder(path.parent)


def _plain_through_sqlcipher(path: Path) -> Any:
    from sqlcipher3 import dbapi2 as sqlcipher

    from sitrep.store.engine import sqlite_file_uri

    conn = sqlcipher.connect(sqlite_file_uri(path), uri=True)
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


def _release_wal(conn: Any, path: Path) -> dict[str, int]:
    """Fold the WAL into the file and leave rollback mode, so no ``-wal`` (which belongs
    to the old file) is left beside the new one; returns every table's row count."""
    try:
        conn.execute("PRAGMA busy_timeout = 2000")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (mode,) = conn.execute("PRAGMA journal_mode = DELETE").fetchone()
    except db_errors() as exc:
        raise ProjectError(
            f"{path} is open in another window or program; close it there first ({exc})."
        ) from exc
    if str(mode).lower() != "delete":
        raise ProjectError(f"{path} is open in another window or program; close it there first.")
    return _row_counts(conn)


def _row_counts(conn: Any) -> dict[str, int]:
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _verify(temp: Path, key: str | None, counts: dict[str, int], path: Path) -> None:
    conn = connect_sqlite(temp, key=key, read_only=True)
    try:
        (app_id,) = conn.execute("PRAGMA application_id").fetchone()
        ok = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        same = _row_counts(conn) == counts
    except db_errors() as exc:
        raise ProjectError(f"The rewritten copy of {path} does not open ({exc}).") from exc
    finally:
        conn.close()
    if app_id != APPLICATION_ID or not ok or not same:
        raise ProjectError(f"The rewritten copy of {path} differs; the project was not changed.")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        _fsync(folder)
