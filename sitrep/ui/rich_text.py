"""Rich text (bold, italic, bullets) edited in Qt and stored as Sitrep's light markup.

:func:`markup_to_document` and :func:`document_to_markup` convert between a
``QTextDocument`` and the markup of :mod:`sitrep.reporting.markup` (what a report
section stores); :class:`RichTextEditor` is the text box with its three format buttons.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QFont,
    QKeySequence,
    QShortcut,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextListFormat,
)
from PySide6.QtWidgets import QHBoxLayout, QTextEdit, QToolButton, QVBoxLayout, QWidget

from sitrep.reporting import markup


def markup_to_document(body: str, document: QTextDocument) -> None:
    document.clear()
    cursor = QTextCursor(document)
    first = True
    for block in markup.parse(body):
        if not first:
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        first = False
        if block.bullet:
            fmt = QTextListFormat()
            fmt.setStyle(QTextListFormat.Style.ListDisc)
            cursor.createList(fmt)
        for run in block.runs:
            char = QTextCharFormat()
            char.setFontWeight(QFont.Weight.Bold if run.bold else QFont.Weight.Normal)
            char.setFontItalic(run.italic)
            cursor.insertText(run.text, char)


def document_to_markup(document: QTextDocument) -> str:
    blocks: list[markup.Block] = []
    block = document.begin()
    while block.isValid():
        runs: list[markup.Run] = []
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.isValid():
                fmt = fragment.charFormat()
                runs.append(
                    markup.Run(
                        fragment.text().replace("\u2028", " "),
                        bold=fmt.fontWeight() >= QFont.Weight.DemiBold,
                        italic=fmt.fontItalic(),
                    )
                )
            it += 1
        text = "".join(r.text for r in runs)
        if text.strip():
            blocks.append(markup.Block(tuple(runs), bullet=block.textList() is not None))
        block = block.next()
    return markup.render(blocks)


def _tool(text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setCheckable(True)
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves the text focused
    return button


class RichTextEditor(QWidget):
    """A plain-looking text box whose bold, italic and bullets survive as markup."""

    formatted = Signal()  # a format changed that the text's own signal may not report

    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bold_button = _tool("B", "Bold (Ctrl+B)")
        self.italic_button = _tool("I", "Italic (Ctrl+I)")
        self.bullet_button = _tool("•", "Bulleted list")
        self.bold_button.setStyleSheet("font-weight: bold")
        self.italic_button.setStyleSheet("font-style: italic")
        self.bold_button.clicked.connect(self.toggle_bold)
        self.italic_button.clicked.connect(self.toggle_italic)
        self.bullet_button.clicked.connect(self.toggle_bullets)
        self.tools = QHBoxLayout()
        for w in (self.bold_button, self.italic_button, self.bullet_button):
            self.tools.addWidget(w)
        self.tools.addStretch(1)
        self.text = QTextEdit()
        self.text.setAcceptRichText(False)
        self.text.setPlaceholderText(placeholder)
        self.text.currentCharFormatChanged.connect(self._format_changed)
        # Shortcuts call the toggles at once: a button's own shortcut "animates" a click
        # that lands 100 ms later, after the next letters were already typed plain.
        for sequence, toggle in (
            (QKeySequence.StandardKey.Bold, self.toggle_bold),
            (QKeySequence.StandardKey.Italic, self.toggle_italic),
        ):
            shortcut = QShortcut(QKeySequence(sequence), self.text)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(toggle)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.tools)
        layout.addWidget(self.text)

    def controls(self) -> list[QWidget]:
        return [self.text, self.bold_button, self.italic_button, self.bullet_button]

    def markup(self) -> str:
        return document_to_markup(self.text.document())

    def set_markup(self, body: str) -> None:
        markup_to_document(body, self.text.document())

    def _format_changed(self, fmt: QTextCharFormat) -> None:
        self.bold_button.setChecked(fmt.fontWeight() >= QFont.Weight.DemiBold)
        self.italic_button.setChecked(fmt.fontItalic())
        self.bullet_button.setChecked(self.text.textCursor().currentList() is not None)

    def toggle_bold(self) -> None:
        fmt = QTextCharFormat()
        bold = self.text.fontWeight() < QFont.Weight.DemiBold
        fmt.setFontWeight(QFont.Weight.Bold if bold else QFont.Weight.Normal)
        self.text.mergeCurrentCharFormat(fmt)
        self.bold_button.setChecked(bold)

    def toggle_italic(self) -> None:
        fmt = QTextCharFormat()
        italic = not self.text.fontItalic()
        fmt.setFontItalic(italic)
        self.text.mergeCurrentCharFormat(fmt)
        self.italic_button.setChecked(italic)

    def toggle_bullets(self) -> None:
        cursor = self.text.textCursor()
        current = cursor.currentList()
        if current is not None:
            block = cursor.block()
            current.remove(block)
            fmt = cursor.blockFormat()
            fmt.setIndent(0)
            cursor.setBlockFormat(fmt)
        else:
            fmt = QTextListFormat()
            fmt.setStyle(QTextListFormat.Style.ListDisc)
            cursor.createList(fmt)
        self.bullet_button.setChecked(cursor.currentList() is not None)
        self.formatted.emit()
