"""Asking for a project's passphrase, and the screen shown while the app is locked.

The passphrase is typed into password fields and handed straight to the core, which
keeps only the derived key; nothing here stores it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

MIN_NEW_LENGTH = 8
ERROR_STYLE = "color: #b00020"


def _password_field(name: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setPlaceholderText(placeholder)
    return edit


class PassphraseDialog(QDialog):
    """One passphrase (to open), or a new one typed twice (to encrypt).

    ``optional``: for a new project, a tick box "Encrypt with a passphrase" that leaves
    the project plain when not ticked.
    """

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        text: str,
        *,
        new: bool = False,
        optional: bool = False,
        error: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("passphraseDialog")
        self.setWindowTitle(title)
        self.new = new
        label = QLabel(text)
        label.setWordWrap(True)
        form = QFormLayout()
        self.encrypt: QCheckBox | None = None
        if optional:
            self.encrypt = QCheckBox("Encrypt with a passphrase")
            self.encrypt.setObjectName("encryptProject")
            form.addRow("", self.encrypt)
        self.secret = _password_field(
            "passphrase", f"at least {MIN_NEW_LENGTH} characters" if new else ""
        )
        form.addRow("Passphrase", self.secret)
        self.repeat: QLineEdit | None = None
        if new:
            self.repeat = _password_field("passphraseRepeat", "the same again")
            form.addRow("Repeat", self.repeat)
        if self.encrypt is not None:
            for edit in (self.secret, self.repeat):
                if edit is not None:
                    edit.setEnabled(False)
                    self.encrypt.toggled.connect(edit.setEnabled)
        self.error = QLabel(error)
        self.error.setObjectName("passphraseError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        (self.encrypt or self.secret).setFocus()

    def encrypting(self) -> bool:
        return self.encrypt is None or self.encrypt.isChecked()

    def passphrase(self) -> str | None:
        return self.secret.text() if self.encrypting() else None

    def _accept(self) -> None:
        if self.encrypting():
            text = self.secret.text()
            if not text:
                self.error.setText("Type the passphrase.")
                self.secret.setFocus()
                return
            if self.new and len(text) < MIN_NEW_LENGTH:
                self.error.setText(f"Choose a passphrase of at least {MIN_NEW_LENGTH} characters.")
                self.secret.setFocus()
                return
            if self.repeat is not None and self.repeat.text() != text:
                self.error.setText("The two passphrases differ.")
                self.repeat.setFocus()
                return
        self.accept()


class LockScreen(QWidget):
    """Shown instead of the project while the app is locked: only the passphrase opens it."""

    unlockRequested = Signal(str)
    closeRequested = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.setWindowTitle(f"Sitrep – {name} (locked)")
        title = QLabel(f"<h2>{_escape(name)} is locked</h2>")
        title.setTextFormat(Qt.TextFormat.RichText)
        note = QLabel(
            "Sitrep locked this encrypted project (idle time, or Lock now). Unsaved "
            "incident forms were kept (encrypted) and are offered back when you unlock."
        )
        note.setWordWrap(True)
        self.secret = _password_field("unlockPassphrase")
        self.secret.returnPressed.connect(self._unlock)
        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.clicked.connect(self._unlock)
        self.close_button = QPushButton("&Close project")
        self.close_button.clicked.connect(self.closeRequested.emit)
        self.error = QLabel()
        self.error.setObjectName("unlockError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addWidget(note)
        form = QFormLayout()
        form.addRow("Passphrase", self.secret)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.unlock_button)
        layout.addWidget(self.close_button)
        layout.addStretch(2)
        self.resize(520, 360)

    def _unlock(self) -> None:
        text = self.secret.text()
        self.secret.clear()
        self.unlockRequested.emit(text)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.secret.setFocus()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class IdleWatch(QObject):
    """Calls ``on_idle`` once the user has not typed or clicked for ``minutes``.

    Installed on the application as an event filter, so input anywhere counts; ``clock``
    is injectable so tests need not wait.
    """

    ACTIVITY = frozenset(
        {
            QEvent.Type.KeyPress,
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseMove,
            QEvent.Type.Wheel,
        }
    )

    def __init__(
        self,
        on_idle: Callable[[], None],
        *,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.on_idle = on_idle
        self.clock = clock
        self.minutes = 0
        self.last_input = clock()
        self.timer = QTimer(self)
        self.timer.setInterval(15_000)
        self.timer.timeout.connect(self.check)

    def set_minutes(self, minutes: int) -> None:
        """0 turns locking off (and stops watching input at all)."""
        self.minutes = max(0, minutes)
        self.last_input = self.clock()
        app = QCoreApplication.instance()
        if self.minutes:
            if app is not None and not self.timer.isActive():
                app.installEventFilter(self)
            self.timer.start()
        else:
            if app is not None:
                app.removeEventFilter(self)
            self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self.ACTIVITY:
            self.last_input = self.clock()
        return False

    def check(self) -> None:
        if self.minutes and self.clock() - self.last_input >= self.minutes * 60:
            self.last_input = self.clock()
            self.on_idle()
