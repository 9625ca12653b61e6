"""A source row of the incident form: who reported it, when, and its Admiralty grading.

The name offers the sources used before; choosing one fills in its type and grading as
last used. Grading definitions are the rows' tooltips. See :mod:`sitrep.ui.form_rows`
for what every row offers (``value``/``set_value``, ``focus_chain``, marks).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCompleter,
    QFrame,
    QGridLayout,
    QLineEdit,
    QWidget,
)

from sitrep.editing.catalogue import Catalogue
from sitrep.editing.draft import SourceDraft
from sitrep.model.enums import (
    Credibility,
    Reliability,
    SourceType,
)
from sitrep.ui.date_field import DateField
from sitrep.ui.form_rows import RowWidget, enum_combo, set_combo
from sitrep.ui.widgets import (
    PickCombo,
    completer_popup,
)

RELIABILITY_TIPS = {r.value: r.definition for r in Reliability}
CREDIBILITY_TIPS = {str(int(c)): c.definition for c in Credibility}


class SourceRow(RowWidget):
    """One source with its Admiralty grading (definitions as tooltips).

    The name offers the sources used before; choosing one (Enter takes the first
    offered) fills in its type and grading as last used.
    """

    def __init__(self, catalogue: Catalogue | None = None) -> None:
        super().__init__()
        self._catalogue = catalogue or Catalogue()
        self.name = QLineEdit()
        self.name.setPlaceholderText("Source (e.g. The Irrawaddy, partner in Hpakant)")
        names = [src.name for src in self._catalogue.recent_sources]
        self.completer = QCompleter(names, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.name.setCompleter(self.completer)
        self.completer.activated[str].connect(self.use_known_source)  # type: ignore[index]
        self.name.installEventFilter(self)
        completer_popup(self.completer).installEventFilter(self)
        self.source_type = enum_combo([t.value for t in SourceType])
        self.published = DateField(optional=True, what="Published date")
        self.published.setPlaceholderText("published")
        self.url = QLineEdit()
        self.url.setPlaceholderText("link")
        self.excerpt = QLineEdit()
        self.excerpt.setPlaceholderText("excerpt: what the source said")
        self.reliability = PickCombo()
        for r in Reliability:
            self.reliability.addItem(f"{r.value} – {r.definition.split(':')[0]}", r.value)
            self.reliability.setItemData(
                self.reliability.count() - 1, r.definition, Qt.ItemDataRole.ToolTipRole
            )
        self.reliability.setToolTip("Reliability of the source (Admiralty grading A–F)")
        self.credibility = PickCombo()
        for c in Credibility:
            self.credibility.addItem(f"{int(c)} – {c.definition.split(':')[0]}", int(c))
            self.credibility.setItemData(
                self.credibility.count() - 1, c.definition, Qt.ItemDataRole.ToolTipRole
            )
        self.credibility.setToolTip("Credibility of the information (Admiralty grading 1–6)")
        set_combo(self.reliability, "F")
        set_combo(self.credibility, 6)
        self._setting = False  # set_value at work: not the user grading
        self.reliability.currentIndexChanged.connect(lambda _i: self._grade_changed())
        self.credibility.currentIndexChanged.connect(lambda _i: self._grade_changed())
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 2, 0, 6)
        grid.addWidget(self.name, 0, 0)
        grid.addWidget(self.source_type, 0, 1)
        grid.addWidget(self.published, 0, 2)
        grid.addWidget(self.remove_button, 0, 3)
        grid.addWidget(self.reliability, 1, 0)
        grid.addWidget(self.credibility, 1, 1, 1, 2)
        grid.addWidget(self.url, 2, 0)
        grid.addWidget(self.excerpt, 2, 1, 1, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.fields = {"source_name": self.name, "source_published": self.published}
        for edit in (self.name, self.published, self.url, self.excerpt):
            edit.textChanged.connect(self.changed)
        self.published.dateChanged.connect(lambda _d: self.changed.emit())
        for combo in (self.source_type, self.reliability, self.credibility):
            combo.currentIndexChanged.connect(self.changed)
        self._update_tips()

    def focus_chain(self) -> list[QWidget]:
        return [
            self.name,
            self.source_type,
            self.published,
            self.reliability,
            self.credibility,
            self.url,
            self.excerpt,
            self.remove_button,
        ]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)):
            return False
        if event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            completer_popup(self.completer).hide()  # Tab leaves the name, list or not
            return False
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            popup = completer_popup(self.completer)
            if popup.isVisible() and popup.currentIndex().isValid():
                return False  # the completer takes the highlighted source
            text = self.name.text().strip()
            if self._catalogue.recent_source(text) is not None:
                self.use_known_source(text)
                popup.hide()
                return watched is popup
            self.completer.setCompletionPrefix(text)
            if text and self.completer.completionCount() > 0:
                self.completer.setCurrentRow(0)
                self.use_known_source(self.completer.currentCompletion())
                popup.hide()
                return watched is popup
        return False

    def use_known_source(self, name: str) -> None:
        """A source used before: its name as written then, its type and grading."""
        known = self._catalogue.recent_source(name)
        if known is None:
            return
        self.name.setText(known.name)
        self._setting = True
        try:
            self._show_not_graded(False)
            set_combo(self.source_type, known.source_type)
            set_combo(self.reliability, known.reliability)
            set_combo(self.credibility, int(known.credibility))
        finally:
            self._setting = False
        self._update_tips()

    def _update_tips(self) -> None:
        ungraded = (
            "Came with an imported dataset: nobody here graded it. Choose a grade to grade it."
        )
        rel, cred = self.reliability.currentData(), self.credibility.currentData()
        self.reliability.setToolTip(Reliability(rel).definition if rel else ungraded)
        self.credibility.setToolTip(Credibility(cred).definition if cred else ungraded)

    def _grade_changed(self) -> None:
        if not self._setting:
            self._graded_by_user()
        self._update_tips()

    @property
    def graded(self) -> bool:
        """False while the source shows "not graded" (a dataset's source): saving keeps
        it so instead of turning it into an F6 nobody gave."""
        return self.reliability.currentData() is not None

    def _show_not_graded(self, not_graded: bool) -> None:
        for combo in (self.reliability, self.credibility):
            has = combo.count() and combo.itemData(0) is None
            if not_graded and not has:
                combo.insertItem(0, "not graded", None)
            elif not not_graded and has:
                combo.removeItem(0)
            if not_graded:
                combo.setCurrentIndex(0)

    def _graded_by_user(self) -> None:
        """A grade chosen for one of the two: the other leaves "not graded" too."""
        if self.reliability.currentData() is None and self.credibility.currentData() is None:
            return
        rel, cred = self.reliability.currentData() or "F", self.credibility.currentData() or 6
        self._setting = True
        try:
            self._show_not_graded(False)
            set_combo(self.reliability, rel)
            set_combo(self.credibility, int(cred))
        finally:
            self._setting = False

    def value(self) -> SourceDraft:
        graded = self.graded and self.credibility.currentData() is not None
        return SourceDraft(
            name=self.name.text().strip(),
            source_type=self.source_type.currentData(),
            published=self.published.draft_text(),
            url=self.url.text().strip(),
            excerpt=self.excerpt.text(),
            reliability=self.reliability.currentData() if graded else "F",
            credibility=int(self.credibility.currentData()) if graded else 6,
            graded=graded,
        )

    def set_value(self, value: SourceDraft) -> None:
        self.name.setText(value.name)
        set_combo(self.source_type, value.source_type)
        self.published.set_text_as_typed(value.published)
        self.url.setText(value.url)
        self.excerpt.setText(value.excerpt)
        self._setting = True
        try:
            self._show_not_graded(not value.graded)
            if value.graded:
                set_combo(self.reliability, value.reliability)
                set_combo(self.credibility, int(value.credibility))
        finally:
            self._setting = False
        self._update_tips()
