"""Keeping proposals: each saved as a draft incident through the one write path."""

from __future__ import annotations

from sitrep.drafting.proposal import Proposal
from sitrep.editing.save import save_draft
from sitrep.errors import SitrepError, ValidationError
from sitrep.model.enums import ReviewStatus
from sitrep.store import Project


def save_proposals(project: Project, proposals: list[Proposal]) -> list[str]:
    """Save every proposal with review status "draft"; all or nothing."""
    refs: list[str] = []
    with project.session() as s:
        for number, proposal in enumerate(proposals, 1):
            proposal.draft.review_status = ReviewStatus.DRAFT.value
            try:
                incident = save_draft(s, proposal.draft)
            except ValidationError as exc:
                raise SitrepError(
                    f"Proposed incident {number} ({proposal.draft.describe()}) cannot be "
                    f"saved as it stands: {exc} Nothing was saved."
                ) from None
            s.flush()
            refs.append(incident.reference)
    return refs
