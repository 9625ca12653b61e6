"""Cancel on every long job: nothing is written, and the window shows the truth after.

Each test lets the job start, stops its worker at the first progress report (see
:mod:`tests.ui.cancel_gate`), clicks Cancel on the progress dialog as a user would,
and then reads back the project and the disk.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QLabel, QWizard
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from sitrep.errors import SitrepError
from sitrep.interchange.importer import import_file
from sitrep.model import ReportFile
from sitrep.sharing import exchanges
from sitrep.sharing.export import export_project
from sitrep.store import Project
from sitrep.ui import export_dialog, import_wizard, report_editor, share_dialogs
from sitrep.ui.export_dialog import FlatExportDialog
from sitrep.ui.import_wizard import PAGE_CHECK, ImportWizard
from sitrep.ui.long_task import CANCELLED, run_task
from sitrep.ui.main_window import MainWindow
from sitrep.ui.report_editor import ReportEditor
from sitrep.ui.settings import AppSettings
from tests.interchange.fixtures import ACLED_CURRENT_ROWS, write_acled
from tests.interchange.helpers import incident_count
from tests.reporting import scenario
from tests.ui.cancel_gate import SAFETY_NET_S, CancelGate
from tests.ui.conftest import raise_error
from tests.ui.sharing.test_share_dialogs import Scripted


def _wrap_progress(
    monkeypatch: pytest.MonkeyPatch,
    module: Any,
    name: str,
    gate: CancelGate,
    only: Any = lambda kw: True,
) -> None:
    """Replace ``module.name`` by the same core function whose progress goes through ``gate``."""
    real = getattr(module, name)

    def wrapped(*args: Any, **kw: Any) -> Any:
        if only(kw):
            kw["progress"] = gate.gated(kw["progress"])
        return real(*args, **kw)

    monkeypatch.setattr(module, name, wrapped)


def _window(qtbot: QtBot, project: Project, tmp_path: Path, prompts: Scripted) -> MainWindow:
    settings = AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(project, settings, share_prompts=prompts, report_error=raise_error)
    qtbot.addWidget(window)
    window.show()
    return window


def _label(parent: Any, name: str) -> str:
    label = parent.findChild(QLabel, name)
    assert label is not None
    return str(label.text())


def _exchanges(project: Project) -> int:
    """Exchanges recorded (every merge and shared export records one)."""
    with project.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(exchanges.EXCHANGES)) or 0)


def _all_rows(window: MainWindow) -> int:
    while window.model.canFetchMore():
        window.model.fetchMore()
    return window.model.rowCount()


def test_cancelled_merge_changes_nothing_and_a_merge_fills_the_table(
    qtbot: QtBot,
    project: Project,
    demo_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prompts = Scripted(open_=str(demo_file))
    window = _window(qtbot, project, tmp_path, prompts)
    gate = CancelGate()
    # the preview (a dry run) runs to its end; the real merge is cancelled
    _wrap_progress(
        monkeypatch, share_dialogs, "merge_project", gate, lambda kw: not kw.get("dry_run")
    )
    gate.arm()
    window.share_merge_action.trigger()
    assert gate.clicked and gate.label.startswith("Merging")
    assert "316 incidents added" in prompts.asked[0]  # the preview was shown
    assert prompts.informed == []  # no "Merge finished"
    assert incident_count(project) == 0
    assert _exchanges(project) == 0
    assert _all_rows(window) == 0
    assert window.statusBar().currentMessage() == "Merge cancelled; the project is unchanged."

    monkeypatch.undo()
    window.share_merge_action.trigger()
    assert "316 incidents added" in prompts.informed[0]
    assert incident_count(project) == 316
    assert _all_rows(window) == 316  # the table was reloaded, not left empty
    qtbot.waitUntil(lambda: window.count_label.text() == "316 incidents")


def test_cancelled_shared_export_writes_no_file(
    qtbot: QtBot, demo_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "for-partner.sitrep"
    prompts = Scripted(save=str(out))
    window = _window(qtbot, demo_project, tmp_path, prompts)
    sent_before = _exchanges(demo_project)
    gate = CancelGate()
    _wrap_progress(monkeypatch, share_dialogs, "export_project", gate)
    dialog = share_dialogs.SharedProjectExportDialog(window.current_filter(), window)
    QTimer.singleShot(0, dialog.ok_button.click)
    gate.arm()
    with pytest.raises(CANCELLED):
        share_dialogs.export_shared(window, demo_project, window.current_filter(), prompts, dialog)
    assert gate.clicked and gate.label.startswith("Exporting")
    assert list(tmp_path.glob("*for-partner*")) == []  # no file, no .part left behind
    assert prompts.informed == []
    assert _exchanges(demo_project) == sent_before


def test_shared_export_cancel_from_the_menu_says_so(
    qtbot: QtBot, demo_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "for-partner.sitrep"
    window = _window(qtbot, demo_project, tmp_path, Scripted(save=str(out)))
    gate = CancelGate()
    _wrap_progress(monkeypatch, share_dialogs, "export_project", gate)

    def accept_dialog() -> None:
        dialog = window.findChild(share_dialogs.SharedProjectExportDialog)
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(5, accept_dialog)
            return
        dialog.ok_button.click()

    QTimer.singleShot(0, accept_dialog)
    gate.arm()
    window.share_export_action.trigger()
    assert gate.clicked
    assert not out.exists()
    assert window.statusBar().currentMessage() == "Export cancelled; no file was written."


def test_cancelled_import_adds_no_incident(
    qtbot: QtBot, project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [dict(ACLED_CURRENT_ROWS[0], event_id_cnty=f"X{i}") for i in range(50)]
    path = write_acled(tmp_path / "acled.csv", rows)
    wizard = ImportWizard(project, choose_file=lambda _p: str(path))
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path_edit.setText(str(path))
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    assert wizard.currentId() == PAGE_CHECK
    assert "50 incidents would be added" in _label(wizard, "checkSummary")
    gate = CancelGate()
    _wrap_progress(monkeypatch, import_wizard, "import_file", gate, lambda kw: not kw["dry_run"])
    gate.arm()
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)  # "Import"
    assert gate.clicked and gate.label.startswith("Importing")
    assert wizard.currentId() == PAGE_CHECK  # still there, to try again
    assert _label(wizard, "checkSummary") == "Import cancelled; nothing was saved."
    assert incident_count(project) == 0
    monkeypatch.undo()
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    assert incident_count(project) == 50


def test_cancelled_flat_export_writes_no_file(
    qtbot: QtBot, project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [dict(ACLED_CURRENT_ROWS[0], event_id_cnty=f"X{i}") for i in range(450)]
    import_file(project, write_acled(tmp_path / "a.csv", rows))
    out = tmp_path / "out.csv"
    dialog = FlatExportDialog(project, choose_output=lambda _p, _s: str(out))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path.setText(str(out))
    gate = CancelGate()  # the exporter reports every 200 rows: stop at the first report
    _wrap_progress(monkeypatch, export_dialog, "export_incidents", gate)
    gate.arm()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert gate.clicked and gate.label.startswith("Exporting")
    assert list(tmp_path.glob("*out.csv*")) == []  # neither the file nor its .part
    assert dialog.isVisible() and dialog.written is None
    monkeypatch.undo()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.written == 450
    assert len(out.read_text(encoding="utf-8").splitlines()) == 451


def test_cancelled_report_generation_writes_nothing(
    qtbot: QtBot, project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario.build(project)
    opened: list[Path] = []
    editor = ReportEditor(
        project,
        today=dt.date(2025, 6, 11),
        ask_path=lambda _parent, _suggested: str(tmp_path / "weekly.docx"),
        open_file=opened.append,
    )
    qtbot.addWidget(editor)
    editor.show()
    editor.region.setCurrentIndex(editor.region.findText("Kachin (state/region)"))
    qtbot.mouseClick(editor.create_button, Qt.MouseButton.LeftButton)
    gate = CancelGate()
    _wrap_progress(monkeypatch, report_editor, "generate", gate)
    gate.arm()
    qtbot.mouseClick(editor.generate_button, Qt.MouseButton.LeftButton)
    assert gate.clicked and gate.label.startswith("Generating the report")
    assert editor.last_error == "cancelled" and editor.last_result is None
    assert editor.message.text() == "Generation cancelled; nothing was written."
    assert list(tmp_path.glob("*.docx*")) == [] and opened == []
    with project.session() as s:
        assert s.scalar(select(func.count()).select_from(ReportFile)) == 0
    assert editor.generate_button.isEnabled()


def test_errors_in_the_work_are_raised_in_the_ui_thread(qtbot: QtBot) -> None:
    def fail(progress: Any) -> None:
        progress(1, 2, "reading")
        raise SitrepError("bad file")

    with pytest.raises(SitrepError, match="bad file"):
        run_task(None, "Working", fail)


def test_a_task_the_core_cannot_stop_has_no_cancel_button(qtbot: QtBot) -> None:
    dialogs: list[Any] = []
    assert (
        run_task(None, "Working", lambda _p: 42, cancellable=False, on_dialog=dialogs.append) == 42
    )
    from PySide6.QtWidgets import QPushButton

    assert dialogs[0].findChildren(QPushButton) == []


def test_shared_export_progress_reaches_the_dialog(
    qtbot: QtBot, demo_project: Project, tmp_path: Path
) -> None:
    """The progress the sharing core reports is what the bar shows (316 of 316)."""
    dialogs: list[Any] = []
    seen: list[tuple[int, int]] = []

    def work(progress: Any) -> Any:
        def spy(done: int, total: int) -> bool:
            seen.append((done, total))
            return bool(progress(done, total))

        return export_project(demo_project, tmp_path / "x.sitrep", progress=spy)

    result = run_task(None, "Exporting…", work, on_dialog=dialogs.append)
    assert result.incidents == 316 and seen[-1] == (316, 316)
    assert (tmp_path / "x.sitrep").exists()


def test_a_background_query_announces_only_the_latest_answer(qtbot: QtBot) -> None:
    """The status-bar count and the map's missing count: older answers never show."""
    from sitrep.ui.long_task import LatestQuery

    query = LatestQuery()
    first_running, release_first = threading.Event(), threading.Event()
    ran: list[str] = []
    answers: list[object] = []
    query.answered.connect(answers.append)

    def first() -> str:
        first_running.set()
        release_first.wait(SAFETY_NET_S)
        ran.append("first")
        return "first"

    def later(name: str) -> Callable[[], str]:
        return lambda: ran.append(name) or name  # type: ignore[func-returns-value]

    query.request(first)
    assert first_running.wait(SAFETY_NET_S)
    query.request(later("second"))  # queued behind the first...
    query.request(later("third"))  # ...and dropped for this one
    release_first.set()
    qtbot.waitUntil(lambda: answers == ["third"])
    assert query.wait()
    assert ran == ["first", "third"] and answers == ["third"]


@pytest.mark.allow_logged_errors  # the failed query is logged, as it must be
def test_a_failed_background_query_is_logged_not_raised(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    from sitrep.ui.long_task import LatestQuery

    query = LatestQuery()
    answers: list[object] = []
    query.answered.connect(answers.append)

    def fail() -> int:
        raise RuntimeError("database is closed")

    query.request(fail)
    assert query.wait()
    query.request(lambda: 7)
    qtbot.waitUntil(lambda: answers == [7])
    assert "a background query failed" in caplog.text


@pytest.mark.qt_no_exception_capture
@pytest.mark.allow_logged_errors  # the crash handler logs the crash, as it must
def test_a_bug_in_a_merge_reaches_the_crash_dialog_and_changes_nothing(
    qtbot: QtBot,
    project: Project,
    demo_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sitrep.ui.crash import CrashHandler

    real = share_dialogs.merge_project

    def broken(*args: Any, **kw: Any) -> Any:
        if kw.get("dry_run"):
            return real(*args, **kw)

        def progress(done: int, total: int) -> bool:
            raise KeyError("a bug halfway through the merge")

        return real(*args, **{**kw, "progress": progress})

    monkeypatch.setattr(share_dialogs, "merge_project", broken)
    shown: list[tuple[str, str]] = []
    handler = CrashHandler(None, show=lambda message, details: shown.append((message, details)))
    handler.install()
    try:
        window = _window(qtbot, project, tmp_path, Scripted(open_=str(demo_file)))
        QTimer.singleShot(0, window.share_merge_action.trigger)  # from the event loop
        qtbot.waitUntil(lambda: len(shown) == 1)
    finally:
        handler.uninstall()
    message, details = shown[0]
    assert message.startswith("Sitrep ran into an unexpected problem.")
    assert "KeyError: 'a bug halfway through the merge'" in details
    assert incident_count(project) == 0 and _exchanges(project) == 0


def test_a_cancel_after_the_last_batch_still_stops_the_merge(
    qtbot: QtBot,
    project: Project,
    demo_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cancel pressed while the merge finishes its last batch: the core looks at the
    callback once more before it commits, so nothing is kept."""
    prompts = Scripted(open_=str(demo_file))
    window = _window(qtbot, project, tmp_path, prompts)
    complete: list[tuple[int, int]] = []

    def last_look(done: int, total: int) -> bool:
        if done == total:
            complete.append((done, total))
        return len(complete) == 2  # the batch report of 316/316 was the first

    gate = CancelGate(when=last_look)
    _wrap_progress(
        monkeypatch, share_dialogs, "merge_project", gate, lambda kw: not kw.get("dry_run")
    )
    gate.arm()
    window.share_merge_action.trigger()
    assert gate.clicked and complete == [(316, 316), (316, 316)]
    assert prompts.informed == [] and incident_count(project) == 0 and _exchanges(project) == 0
