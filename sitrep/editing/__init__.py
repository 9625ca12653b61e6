"""Editing incidents as a user does: drafts, saving, duplicating, deleting, undoing.

The incident form edits an :class:`~sitrep.editing.draft.IncidentDraft` (plain text and
numbers as typed); this package checks it, writes it to the project, serialises it
for crash recovery and keeps snapshots for undo. No Qt here: the GUI only shows it.
"""
