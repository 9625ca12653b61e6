"""The user's app settings (window layout, recent projects) over an injected QSettings.

Tests pass a QSettings on a temporary INI file; the app uses the per-user default.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 8


def default_qsettings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "Sitrep", "Sitrep")


class AppSettings:
    def __init__(self, qsettings: QSettings) -> None:
        self.q = qsettings

    # ------------------------------------------------------------ projects
    def recent_projects(self) -> list[str]:
        value = self.q.value("projects/recent", [])
        if isinstance(value, str):  # QSettings returns one-item lists as a string
            return [value] if value else []
        if isinstance(value, list):
            return [str(v) for v in value if v]
        return []

    def add_recent(self, location: str) -> None:
        loc = _normal(location)
        items = [loc, *(p for p in self.recent_projects() if p != loc)]
        self.q.setValue("projects/recent", items[:MAX_RECENT])
        self.q.setValue("projects/last", loc)
        self.q.sync()

    def last_project(self) -> str | None:
        value = self.q.value("projects/last", "")
        return str(value) if value else None

    def forget_last_project(self) -> None:
        self.q.remove("projects/last")
        self.q.sync()

    # ------------------------------------------------------------ map
    def online_tiles(self) -> bool:
        """Online OpenStreetMap tiles: off unless the user turns them on (offline first)."""
        return str(self.q.value("map/online_tiles", "false")).lower() == "true"

    def set_online_tiles(self, on: bool) -> None:
        self.q.setValue("map/online_tiles", "true" if on else "false")
        self.q.sync()

    # ------------------------------------------------------------ locking
    def lock_minutes(self) -> int:
        """Idle minutes after which an encrypted project is locked; 0 = never."""
        try:
            return max(0, int(str(self.q.value("security/lock_minutes", "0"))))
        except ValueError:
            return 0

    def set_lock_minutes(self, minutes: int) -> None:
        self.q.setValue("security/lock_minutes", str(max(0, minutes)))
        self.q.sync()

    # ------------------------------------------------------------ layout
    def state(self, key: str) -> QByteArray | None:
        value = self.q.value(f"layout/{key}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_state(self, key: str, value: QByteArray) -> None:
        self.q.setValue(f"layout/{key}", value)

    def sync(self) -> None:
        self.q.sync()


def _normal(location: str) -> str:
    if "://" in location:
        return location
    return str(Path(location).expanduser().resolve())
