"""What a filter or a report is about: one or more admin areas under one name.

Plain values, no session: the query layer (``sitrep.store.queries``) filters by them and
``sitrep.places.regions`` makes them from what the user typed. They live in the model so
that the store never imports the places package (layers: model ← store ← places).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class AreaRef:
    id: uuid.UUID
    level: int
    name: str
    pcode: str | None = None
    country_iso: str = ""


@dataclass(frozen=True)
class Region:
    """A region to filter or report on: one or more admin areas under one name.

    ``heading`` is how a report title names it, with the country ("Myanmar: Kachin
    State"); empty when the region was made without a session (then ``name`` serves).
    """

    name: str
    areas: tuple[AreaRef, ...]
    heading: str = ""

    @property
    def key(self) -> str:
        """Stable identity for report numbering: the sorted area ids."""
        return ",".join(sorted(str(a.id) for a in self.areas))

    @property
    def level(self) -> int:
        return min(a.level for a in self.areas)

    @property
    def countries(self) -> tuple[str, ...]:
        return tuple(sorted({a.country_iso for a in self.areas if a.country_iso}))

    @property
    def title(self) -> str:
        return self.heading or self.name

    @property
    def place(self) -> str:
        """The heading without the country: how the text names the region ("Sagaing
        District", never a bare "Sagaing" that is also a region)."""
        return self.title.split(": ", 1)[-1]
