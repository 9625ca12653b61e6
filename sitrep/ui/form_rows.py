"""Repeated rows of the incident form: actors, casualty estimates, sources.

Each row is a small widget with ``value()``/``set_value()`` over its draft dataclass;
:class:`RowList` adds, removes and reads them and announces every change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sitrep.editing.draft import ActorDraft, CasualtyDraft, SourceDraft
from sitrep.model.enums import (
    ActorRole,
    Affiliation,
    AgeGroup,
    Credibility,
    Outcome,
    Reliability,
    Sex,
    SourceType,
)
from sitrep.ui.marks import mark_invalid
from sitrep.ui.widgets import as_slot, combo_line_edit, searchable_combo

D = TypeVar("D")


def enum_combo(values: Sequence[str], tips: dict[str, str] | None = None) -> QComboBox:
    combo = QComboBox()
    for value in values:
        combo.addItem(value, value)
        if tips and value in tips:
            combo.setItemData(combo.count() - 1, tips[value], Qt.ItemDataRole.ToolTipRole)
    return combo


def set_combo(combo: QComboBox, value: Any) -> None:
    index = combo.findData(value)
    if index < 0 and combo.isEditable():
        combo.setEditText(str(value))
        return
    combo.setCurrentIndex(max(index, 0))


class RowWidget(QFrame):
    changed = Signal()
    removeRequested = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.remove_button = QToolButton()
        self.remove_button.setText("✕")
        self.remove_button.setToolTip("Remove this row")
        self.remove_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.remove_button.clicked.connect(lambda: self.removeRequested.emit(self))
        self.fields: dict[str, QWidget] = {}

    def mark(self, field: str, message: str | None) -> None:
        widget = self.fields.get(field)
        if widget is not None:
            mark_invalid(widget, message)

    def clear_marks(self) -> None:
        for widget in self.fields.values():
            mark_invalid(widget, None)


class ActorRow(RowWidget):
    def __init__(self, actor_names: Sequence[str]) -> None:
        super().__init__()
        self._known = {n.casefold() for n in actor_names}
        self.name = searchable_combo(min_chars=22)
        self.name.addItems(list(actor_names))
        self.name.setCurrentIndex(-1)
        combo_line_edit(self.name).setPlaceholderText("Actor (type a new name to add one)")
        self.role = enum_combo([r.value for r in ActorRole])
        self.new_hint = QLabel("new actor")
        self.new_hint.setStyleSheet("color:#2a6f2a")
        self.new_hint.setVisible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.name, 3)
        layout.addWidget(self.role, 1)
        layout.addWidget(self.new_hint)
        layout.addWidget(self.remove_button)
        self.fields = {"actor_name": self.name, "actor_role": self.role}
        self.name.editTextChanged.connect(self._name_changed)
        self.role.currentIndexChanged.connect(self.changed)

    def _name_changed(self, text: str) -> None:
        clean = text.strip()
        self.new_hint.setVisible(bool(clean) and clean.casefold() not in self._known)
        self.changed.emit()

    def value(self) -> ActorDraft:
        return ActorDraft(self.name.currentText().strip(), self.role.currentData())

    def set_value(self, value: ActorDraft) -> None:
        self.name.setEditText(value.name)
        set_combo(self.role, value.role)


class CasualtyRow(RowWidget):
    """Outcome × affiliation with low / best / high; low and high follow best until edited."""

    def __init__(self) -> None:
        super().__init__()
        self.outcome = enum_combo([o.value for o in Outcome])
        self.affiliation = enum_combo([a.value for a in Affiliation])
        self.sex = enum_combo([s.value for s in Sex])
        self.sex.setToolTip("Sex, where known")
        self.age_group = enum_combo([a.value for a in AgeGroup])
        self.age_group.setToolTip("Age group, where known")
        for combo, label in ((self.sex, "sex"), (self.age_group, "age")):
            for i in range(combo.count()):  # the value stays the data; the text says what
                combo.setItemText(i, f"{label}: {combo.itemData(i)}")
        set_combo(self.sex, Sex.UNKNOWN.value)
        set_combo(self.age_group, AgeGroup.UNKNOWN.value)
        self.low, self.best, self.high = QSpinBox(), QSpinBox(), QSpinBox()
        for box, prefix, tip in (
            (self.low, "low ", "Lowest credible number"),
            (self.best, "best ", "Best estimate (used in totals)"),
            (self.high, "high ", "Highest credible number"),
        ):
            box.setRange(0, 1_000_000)
            box.setPrefix(prefix)
            box.setToolTip(tip)
            box.setAccelerated(True)
            box.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons)
            box.setMinimumWidth(72)
        self.party_claim = QCheckBox("claim")
        self.party_claim.setToolTip(
            "A party's own claim (e.g. a KIA statement): left out of report totals"
        )
        self._following = True
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.outcome)
        layout.addWidget(self.affiliation)
        layout.addWidget(self.sex)
        layout.addWidget(self.age_group)
        for box in (self.low, self.best, self.high):
            layout.addWidget(box)
        layout.addWidget(self.party_claim)
        layout.addWidget(self.remove_button)
        self.fields = {
            "casualty_outcome": self.outcome,
            "casualty_low": self.low,
            "casualty_best": self.best,
            "casualty_high": self.high,
        }
        for combo in (self.outcome, self.affiliation, self.sex, self.age_group):
            combo.currentIndexChanged.connect(self.changed)
        self.party_claim.toggled.connect(self.changed)
        self.best.valueChanged.connect(self._best_changed)
        self.low.valueChanged.connect(self._bound_edited)
        self.high.valueChanged.connect(self._bound_edited)

    def _best_changed(self, value: int) -> None:
        if self._following:
            for box in (self.low, self.high):
                box.blockSignals(True)
                box.setValue(value)
                box.blockSignals(False)
        self.changed.emit()

    def _bound_edited(self) -> None:
        self._following = False
        self.changed.emit()

    def value(self) -> CasualtyDraft:
        return CasualtyDraft(
            outcome=self.outcome.currentData(),
            affiliation=self.affiliation.currentData(),
            low=self.low.value(),
            best=self.best.value(),
            high=self.high.value(),
            is_party_claim=self.party_claim.isChecked(),
            sex=self.sex.currentData(),
            age_group=self.age_group.currentData(),
            note=self._note,
        )

    def set_value(self, value: CasualtyDraft) -> None:
        set_combo(self.outcome, value.outcome)
        set_combo(self.affiliation, value.affiliation)
        self._following = False
        self.best.setValue(value.best)
        self.low.setValue(value.low)
        self.high.setValue(value.high)
        self._following = value.low == value.best == value.high
        self.party_claim.setChecked(value.is_party_claim)
        set_combo(self.sex, value.sex)
        set_combo(self.age_group, value.age_group)
        self._note = value.note

    _note = ""  # kept from imports; the form does not edit it


RELIABILITY_TIPS = {r.value: r.definition for r in Reliability}
CREDIBILITY_TIPS = {str(int(c)): c.definition for c in Credibility}


class SourceRow(RowWidget):
    """One source with its Admiralty grading (definitions as tooltips)."""

    def __init__(self) -> None:
        super().__init__()
        self.name = QLineEdit()
        self.name.setPlaceholderText("Source (e.g. The Irrawaddy, partner in Hpakant)")
        self.source_type = enum_combo([t.value for t in SourceType])
        self.published = QLineEdit()
        self.published.setPlaceholderText("date YYYY-MM-DD")
        self.published.setMaximumWidth(110)
        self.url = QLineEdit()
        self.url.setPlaceholderText("link")
        self.excerpt = QLineEdit()
        self.excerpt.setPlaceholderText("excerpt: what the source said")
        self.reliability = QComboBox()
        for r in Reliability:
            self.reliability.addItem(f"{r.value} – {r.definition.split(':')[0]}", r.value)
            self.reliability.setItemData(
                self.reliability.count() - 1, r.definition, Qt.ItemDataRole.ToolTipRole
            )
        self.reliability.setToolTip("Reliability of the source (Admiralty grading A–F)")
        self.credibility = QComboBox()
        for c in Credibility:
            self.credibility.addItem(f"{int(c)} – {c.definition.split(':')[0]}", int(c))
            self.credibility.setItemData(
                self.credibility.count() - 1, c.definition, Qt.ItemDataRole.ToolTipRole
            )
        self.credibility.setToolTip("Credibility of the information (Admiralty grading 1–6)")
        set_combo(self.reliability, "F")
        set_combo(self.credibility, 6)
        self.reliability.currentIndexChanged.connect(self._update_tips)
        self.credibility.currentIndexChanged.connect(self._update_tips)
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
        for combo in (self.source_type, self.reliability, self.credibility):
            combo.currentIndexChanged.connect(self.changed)
        self._update_tips()

    def _update_tips(self) -> None:
        self.reliability.setToolTip(Reliability(self.reliability.currentData()).definition)
        self.credibility.setToolTip(Credibility(self.credibility.currentData()).definition)

    def value(self) -> SourceDraft:
        return SourceDraft(
            name=self.name.text().strip(),
            source_type=self.source_type.currentData(),
            published=self.published.text().strip(),
            url=self.url.text().strip(),
            excerpt=self.excerpt.text(),
            reliability=self.reliability.currentData(),
            credibility=int(self.credibility.currentData()),
        )

    def set_value(self, value: SourceDraft) -> None:
        self.name.setText(value.name)
        set_combo(self.source_type, value.source_type)
        self.published.setText(value.published)
        self.url.setText(value.url)
        self.excerpt.setText(value.excerpt)
        set_combo(self.reliability, value.reliability)
        set_combo(self.credibility, int(value.credibility))


class RowList(QWidget, Generic[D]):
    """A growing list of row widgets with an "Add" button below them."""

    changed = Signal()

    def __init__(self, make_row: Callable[[], Any], add_label: str) -> None:
        super().__init__()
        self._make_row = make_row
        self.rows: list[Any] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._rows_box = QVBoxLayout()
        self._layout.addLayout(self._rows_box)
        self.add_button = QPushButton(add_label)
        self.add_button.clicked.connect(as_slot(self.add_row))
        bar = QHBoxLayout()
        bar.addWidget(self.add_button)
        bar.addStretch(1)
        self._layout.addLayout(bar)

    def add_row(self, value: D | None = None) -> Any:
        row = self._make_row()
        if value is not None:
            row.set_value(value)
        row.changed.connect(self.changed)
        row.removeRequested.connect(self.remove_row)
        self.rows.append(row)
        self._rows_box.addWidget(row)
        self.changed.emit()
        if value is None:  # added by the user: type into it
            first = next(iter(row.fields.values()), None)
            if first is not None:
                first.setFocus()
        return row

    def remove_row(self, row: Any) -> None:
        if row in self.rows:
            self.rows.remove(row)
            row.setParent(None)
            row.deleteLater()
            self.changed.emit()

    def values(self) -> list[D]:
        return [row.value() for row in self.rows]

    def set_values(self, values: Sequence[D]) -> None:
        for row in list(self.rows):
            self.rows.remove(row)
            row.setParent(None)
            row.deleteLater()
        for value in values:
            self.add_row(value)
