"""An incident being typed survives a killed process and is offered back."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sitrep.editing.draft_store import DraftStore
from sitrep.model import Incident
from sitrep.store import Project
from tests.ui.incidents.conftest import ScriptedPrompts

ROOT = Path(__file__).resolve().parents[3]


def test_draft_recovered_after_the_process_is_killed(
    qtbot: Any,
    project: Project,
    make_window: Any,
    prompts: ScriptedPrompts,
    drafts: DraftStore,
    tmp_path: Path,
) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.ui.incidents.draft_child",
            project.location,
            str(drafts.folder),
            str(tmp_path / "child-settings.ini"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "READY", child.stderr.read() if child.stderr else ""
    finally:
        child.kill()  # SIGKILL: no cleanup, no closeEvent
        child.communicate(timeout=10)
    assert child.returncode != 0

    left = drafts.drafts_for(project.location)
    assert len(left) == 1

    prompts.answers = [True]
    window = make_window(project)
    forms = window.offer_drafts()
    assert len(forms) == 1
    title, text = prompts.asked[0]
    assert title == "Recover unsaved incident?"
    assert "Blast at Lone Khin (not saved yet)" in text
    form = forms[0]
    assert form.title.text() == "Blast at Lone Khin (not saved yet)"
    assert form.local_type.currentData() == "Mine-site blast"
    assert form.lat.text() == "25.66"
    assert [r.value().best for r in form.casualties.rows] == [12]
    assert form.narrative.toPlainText() == "Typed before the power cut."

    form.lon.setText("96.28")
    with qtbot.waitSignal(form.saved) as saved:
        form.save()
    assert drafts.drafts_for(project.location) == []
    with project.session() as s:
        inc = s.get(Incident, saved.args[0])
        assert inc is not None and inc.killed == 12


def test_declined_draft_is_discarded(
    qtbot: Any, project: Project, make_window: Any, prompts: ScriptedPrompts, drafts: DraftStore
) -> None:
    from sitrep.editing.draft import IncidentDraft

    drafts.save(drafts.new_key(), IncidentDraft(title="Old"), project.location)
    prompts.answers = [False]
    window = make_window(project)
    assert window.offer_drafts() == []
    assert drafts.drafts_for(project.location) == []


def test_cancelling_a_form_removes_its_draft_after_asking(
    qtbot: Any, project: Project, make_window: Any, prompts: ScriptedPrompts, drafts: DraftStore
) -> None:
    window = make_window(project)
    form = window.new_incident()
    qtbot.keyClicks(form.title, "Half typed")
    qtbot.waitUntil(lambda: len(drafts.drafts_for(project.location)) == 1)
    prompts.answers = [False]
    form.cancel_button.click()
    assert form.isVisible()  # the user said no to discarding
    assert len(drafts.drafts_for(project.location)) == 1
    prompts.answers = [True]
    form.cancel_button.click()
    assert not form.isVisible()
    assert drafts.drafts_for(project.location) == []
