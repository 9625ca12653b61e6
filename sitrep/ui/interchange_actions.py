"""What File > Import… and File > Export… do, for the main window to call.

``run_import`` shows the import wizard and returns what was imported (the window then
reloads its views with ``result.incident_ids``); ``run_export`` shows the export
dialog starting from the window's current filter.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget

from sitrep.interchange.importer import ImportResult
from sitrep.store import Project
from sitrep.store.queries import IncidentFilter
from sitrep.ui.export_dialog import FlatExportDialog
from sitrep.ui.import_wizard import ImportWizard


def run_import(parent: QWidget | None, project: Project, **kw: object) -> ImportResult | None:
    wizard = ImportWizard(project, parent, **kw)  # type: ignore[arg-type]
    try:
        if wizard.exec() != QDialog.DialogCode.Accepted:
            return None
        return wizard.import_result
    finally:
        wizard.deleteLater()


def run_export(
    parent: QWidget | None, project: Project, flt: IncidentFilter | None = None, **kw: object
) -> int | None:
    dialog = FlatExportDialog(project, parent, base_filter=flt, **kw)  # type: ignore[arg-type]
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.written
    finally:
        dialog.deleteLater()
