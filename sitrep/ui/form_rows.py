"""Repeated rows of the incident form: actors and casualty estimates (sources, the
largest, are in :mod:`sitrep.ui.source_row`).

Each row is a small widget with ``value()``/``set_value()`` over its draft dataclass;
:class:`RowList` adds, removes and reads them and announces every change. Each row
lists its widgets in Tab order (``focus_chain``) so the form can keep the Tab order
right as rows come and go. Rows carry no Alt mnemonics: repeated, they would clash.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sitrep.editing.catalogue import Catalogue
from sitrep.editing.draft import ActorDraft, CasualtyDraft
from sitrep.model.enums import (
    ActorRole,
    Affiliation,
    AgeGroup,
    Outcome,
    Sex,
)
from sitrep.ui.marks import mark_invalid, mark_warning
from sitrep.ui.widgets import (
    ImmediateButton,
    PickCombo,
    as_slot,
    combo_line_edit,
    searchable_combo,
)

D = TypeVar("D")


def enum_combo(
    values: Sequence[str],
    tips: dict[str, str] | None = None,
    texts: dict[str, str] | None = None,
) -> QComboBox:
    """A list of coded values; each item's text starts with its value (or is ``texts[v]``),
    so typing the first letters of a value picks it."""
    combo = PickCombo()
    for value in values:
        combo.addItem((texts or {}).get(value, value), value)
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
        self.remove_button.setAccessibleName("Remove this row")
        self.remove_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # reachable, never by click
        self.remove_button.clicked.connect(lambda: self.removeRequested.emit(self))
        self.fields: dict[str, QWidget] = {}

    def focus_chain(self) -> list[QWidget]:
        """The row's widgets in Tab order."""
        raise NotImplementedError

    def mark(self, field: str, message: str | None) -> None:
        widget = self.fields.get(field)
        if widget is not None:
            mark_invalid(widget, message)

    def warn(self, field: str, message: str | None) -> None:
        widget = self.fields.get(field)
        if widget is not None:
            mark_warning(widget, message)

    def clear_marks(self) -> None:
        for widget in self.fields.values():
            mark_invalid(widget, None)
            mark_warning(widget, None)


ACTOR_ROLE_TIPS = {
    ActorRole.PERPETRATOR.value: "Established as the one who did it",
    ActorRole.ALLEGED_PERPETRATOR.value: (
        "Said by a source or party to have done it, not established: reports say 'allegedly'"
    ),
    ActorRole.CLAIMANT.value: "Claimed the incident (its statement is a claim, not a fact)",
}


class ActorRow(RowWidget):
    """An actor, its role and whether it denies involvement.

    Choosing a known actor sets the role it had in its most recent incident (the user
    can change it); Enter after a few letters takes the first actor offered.
    """

    def __init__(self, catalogue: Catalogue | Sequence[str]) -> None:
        super().__init__()
        if isinstance(catalogue, Catalogue):
            names, self._last_roles = list(catalogue.actors), dict(catalogue.actor_roles)
        else:
            names, self._last_roles = list(catalogue), {}
        self._known = {n.casefold() for n in names}
        self._role_chosen = False
        self.name = searchable_combo(min_chars=22)
        self.name.addItems(names)
        self.name.setCurrentIndex(-1)
        combo_line_edit(self.name).setPlaceholderText("Actor (type a new name to add one)")
        self.role = enum_combo([r.value for r in ActorRole], ACTOR_ROLE_TIPS)
        self.role.setToolTip("Role of this actor in the incident")
        self.denies = QCheckBox("denies")
        self.denies.setToolTip(
            "This actor denies involvement: reports mention the denial and do not state "
            "as fact that it did it"
        )
        self.new_hint = QLabel("new actor")
        self.new_hint.setStyleSheet("color:#2a6f2a")
        self.new_hint.setVisible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.name, 3)
        layout.addWidget(self.role, 1)
        layout.addWidget(self.denies)
        layout.addWidget(self.new_hint)
        layout.addWidget(self.remove_button)
        self.fields = {"actor_name": self.name, "actor_role": self.role}
        self.name.editTextChanged.connect(self._name_changed)
        self.name.currentIndexChanged.connect(lambda _i: self._remembered_role())
        combo_line_edit(self.name).editingFinished.connect(self._remembered_role)
        self.role.activated.connect(self._role_activated)
        self.role.currentIndexChanged.connect(self.changed)
        self.denies.toggled.connect(self.changed)

    def focus_chain(self) -> list[QWidget]:
        return [self.name, self.role, self.denies, self.remove_button]

    def _role_activated(self, _index: int) -> None:
        self._role_chosen = True

    def _name_changed(self, text: str) -> None:
        clean = text.strip()
        self.new_hint.setVisible(bool(clean) and clean.casefold() not in self._known)
        self.changed.emit()

    def _remembered_role(self) -> None:
        role = self._last_roles.get(self.name.currentText().strip().casefold())
        if role is not None and not self._role_chosen:
            set_combo(self.role, role)

    def value(self) -> ActorDraft:
        return ActorDraft(
            self.name.currentText().strip(), self.role.currentData(), self.denies.isChecked()
        )

    def set_value(self, value: ActorDraft) -> None:
        self.name.setEditText(value.name)
        set_combo(self.role, value.role)
        self._role_chosen = True
        self.denies.setChecked(value.denies_involvement)


class CasualtyRow(RowWidget):
    """Outcome × affiliation with low / best / high; low and high follow best until edited."""

    def __init__(self) -> None:
        super().__init__()
        self.outcome = enum_combo([o.value for o in Outcome])
        self.affiliation = enum_combo([a.value for a in Affiliation])
        # Items read as their values ("male", "adult") so typing m or a picks them; only
        # "unknown" says of what, which still starts with u.
        self.sex = enum_combo([s.value for s in Sex], texts={Sex.UNKNOWN.value: "unknown sex"})
        self.sex.setToolTip("Sex, where known")
        self.sex.setAccessibleName("Sex")
        self.age_group = enum_combo(
            [a.value for a in AgeGroup], texts={AgeGroup.UNKNOWN.value: "unknown age"}
        )
        self.age_group.setToolTip("Age group, where known")
        self.age_group.setAccessibleName("Age group")
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
        self.at_least = QCheckBox("at least")
        self.at_least.setToolTip(
            'The figure is a lower bound ("at least 10"): reports keep the "at least"'
        )
        self._following = True
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.outcome)
        layout.addWidget(self.affiliation)
        for box in (self.best, self.low, self.high):  # the best estimate first: low and
            layout.addWidget(box)  # high follow it until edited
        layout.addWidget(self.sex)
        layout.addWidget(self.age_group)
        layout.addWidget(self.party_claim)
        layout.addWidget(self.at_least)
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
        self.at_least.toggled.connect(self.changed)
        self.best.valueChanged.connect(self._best_changed)
        self.low.valueChanged.connect(self._bound_edited)
        self.high.valueChanged.connect(self._bound_edited)

    def focus_chain(self) -> list[QWidget]:
        return [
            self.outcome,
            self.affiliation,
            self.best,
            self.low,
            self.high,
            self.sex,
            self.age_group,
            self.party_claim,
            self.at_least,
            self.remove_button,
        ]

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
            at_least=self.at_least.isChecked(),
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
        self.at_least.setChecked(value.at_least)
        set_combo(self.sex, value.sex)
        set_combo(self.age_group, value.age_group)
        self._note = value.note

    _note = ""  # kept from imports; the form does not edit it


class RowList(QWidget, Generic[D]):
    """A growing list of row widgets with an "Add" button below them."""

    changed = Signal()
    rowsChanged = Signal()  # a row was added or removed (the Tab order must follow)

    def __init__(self, make_row: Callable[[], Any], add_label: str) -> None:
        super().__init__()
        self._make_row = make_row
        self.rows: list[Any] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._rows_box = QVBoxLayout()
        self._layout.addLayout(self._rows_box)
        self.add_button = ImmediateButton(add_label)
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
        row.show()  # now, not when the event loop next runs: Tab must reach it at once
        self.rowsChanged.emit()
        self.changed.emit()
        if value is None:  # added by the user: type into it
            first = next(iter(row.fields.values()), None)
            if first is not None:
                first.setFocus()
        return row

    def remove_row(self, row: Any) -> None:
        if row in self.rows:
            index = self.rows.index(row)
            had_focus = row.isAncestorOf(QApplication.focusWidget())
            self.rows.remove(row)
            row.setParent(None)
            row.deleteLater()
            self.rowsChanged.emit()
            self.changed.emit()
            if had_focus:  # removed from the keyboard: go on in the next row, or Add
                rest = self.rows[index:] or self.rows[-1:]
                target = rest[0].focus_chain()[0] if rest else self.add_button
                target.setFocus(Qt.FocusReason.OtherFocusReason)

    def values(self) -> list[D]:
        return [row.value() for row in self.rows]

    def set_values(self, values: Sequence[D]) -> None:
        for row in list(self.rows):
            self.rows.remove(row)
            row.setParent(None)
            row.deleteLater()
        for value in values:
            self.add_row(value)
        self.rowsChanged.emit()
