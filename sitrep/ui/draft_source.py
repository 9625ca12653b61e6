"""Where a draft starts: the report's text (pasted, or read from a file) and its date.

The report's date is what "on Tuesday" and "last week" are resolved against, so it is
always shown for the officer to confirm before anything is drafted: taken from the
document when it gives one (and saying where from), otherwise today's date, marked as
a guess to check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sitrep.drafting.documents import read_document, text_document
from sitrep.drafting.proposal import SourceDocument
from sitrep.errors import SitrepError
from sitrep.ui.date_field import DateField

ChooseFile = Callable[[QWidget | None], str | None]


class ReportSourceDialog(QDialog):
    """Paste a report or open one; confirm its date. ``choose_file`` is the file
    chooser (tests pass one answering a path)."""

    def __init__(
        self,
        choose_file: ChooseFile,
        *,
        today: Callable[[], dt.date] = dt.date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reportSourceDialog")
        self.setWindowTitle("Draft incidents from a report")
        self._choose_file = choose_file
        self._today = today
        self._file_doc: SourceDocument | None = None  # what was read, while unedited
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(
            "Paste a news article or field report here, or open a file (.txt, .docx, .pdf, .eml)."
        )
        self.text.setTabChangesFocus(True)
        self.open_button = QPushButton("Open file…")
        self.file_label = QLabel("")
        self.file_label.setWordWrap(True)
        self.report_date = DateField(what="Report date")
        self.date_source = QLabel("")
        self.date_source.setWordWrap(True)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Draft incidents")
        top = QHBoxLayout()
        top.addWidget(self.open_button)
        top.addWidget(self.file_label, 1)
        form = QFormLayout()
        form.addRow("Report date", self.report_date)
        form.addRow("", self.date_source)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.text, 1)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(720, 520)
        self.open_button.clicked.connect(self.open_file)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self.text.textChanged.connect(self._text_changed)
        self.report_date.textEdited.connect(self._date_typed)
        for label in (self.file_label, self.date_source, self.error):
            label.setTextFormat(Qt.TextFormat.PlainText)  # a file's title is not markup
        self._loading = False
        self._date_by_user = False
        self._set_date(None, "")
        self.result_document: SourceDocument | None = None
        self.result_date: dt.date | None = None

    def _set_date(self, date: dt.date | None, source: str) -> None:
        if date is not None:
            self.report_date.setDate(date)
            self.date_source.setText(f"From {source}. Check it: relative dates count from it.")
        else:
            self.report_date.setDate(self._today())
            self.date_source.setText(
                "The report gives no date of its own: today's is filled in. Type the date "
                "the report was written; “on Tuesday” counts from it."
            )

    def open_file(self) -> None:
        path = self._choose_file(self)
        if not path:
            return
        try:
            doc = read_document(Path(path))
        except SitrepError as exc:
            self.error.setText(str(exc))
            return
        self.error.setText("")
        self._loading = True
        try:
            self.text.setPlainText(doc.text)
        finally:
            self._loading = False
        self._file_doc = doc
        self._date_by_user = False
        about = doc.name + (f" — {doc.title}" if doc.title else "")
        self.file_label.setText(" ".join([about, *doc.notes]))
        self._set_date(doc.report_date, doc.report_date_source)
        self.report_date.setFocus()

    def _date_typed(self, _text: str) -> None:
        self._date_by_user = True
        self.date_source.setText("Typed by you.")

    def _text_changed(self) -> None:
        if self._loading:
            return
        if self._file_doc is not None:  # edited: it is pasted text now
            self._file_doc = None
            self.file_label.setText("")
        if not self._date_by_user:  # the text's own date, until the officer types one
            doc = text_document(self.text.toPlainText())
            self._set_date(doc.report_date, doc.report_date_source)

    def document(self) -> SourceDocument:
        """The report as read (a file's title, author and notes kept while unedited)."""
        if self._file_doc is not None:
            return self._file_doc
        return text_document(self.text.toPlainText())

    def _accept(self) -> None:
        self.report_date.commit()
        if not self.text.toPlainText().strip():
            self.error.setText("Paste the report's text or open a file first.")
            self.text.setFocus()
            return
        if not self.report_date.is_valid() or self.report_date.date() is None:
            self.error.setText(self.report_date.error() or "Type the report's date.")
            self.report_date.setFocus()
            return
        self.result_document = self.document()
        self.result_date = self.report_date.date()
        self.accept()
