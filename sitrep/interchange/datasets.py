"""The datasets incidents are imported from, as reports credit them.

UCDP GED is published under CC BY 4.0 and asks to be cited; ACLED's terms require
attribution. Each import records its dataset on the incidents it writes
(``Incident.dataset_key``), and the report's coverage line, methodology and annex
credit every dataset it draws on instead of calling imported events the
organisation's own records. A dataset also says which harm figures it does not record
(UCDP: injuries and abductions; ACLED: the civilian share of deaths, injuries,
abductions), so reports say "not recorded" instead of 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from sitrep.model import Dataset
from sitrep.model.harm import Unrecorded


@dataclass(frozen=True)
class DatasetInfo:
    key: str
    name: str
    citation: str = ""
    licence: str = ""
    url: str = ""
    unrecorded: Unrecorded = Unrecorded.NONE


UCDP_GED = DatasetInfo(
    key="ucdp-ged",
    name="UCDP GED",
    citation=(
        "UCDP Georeferenced Event Dataset (GED). Sundberg, Ralph and Erik Melander (2013). "
        "Introducing the UCDP Georeferenced Event Dataset. Journal of Peace Research 50(4): "
        "523–532. Uppsala Conflict Data Program, ucdp.uu.se."
    ),
    licence="CC BY 4.0",
    url="https://ucdp.uu.se/downloads/",
    unrecorded=Unrecorded.INJURED | Unrecorded.ABDUCTED_DETAINED,
)

ACLED = DatasetInfo(
    key="acled",
    name="ACLED",
    citation=(
        "Armed Conflict Location & Event Data (ACLED), acleddata.com. Raleigh, Clionadh, "
        "Andrew Linke, Håvard Hegre and Joakim Karlsen (2010). Introducing ACLED: An Armed "
        "Conflict Location and Event Dataset. Journal of Peace Research 47(5): 651–660."
    ),
    licence="ACLED Terms of Use and Attribution Policy",
    url="https://acleddata.com/",
    unrecorded=Unrecorded.CIVILIANS | Unrecorded.INJURED | Unrecorded.ABDUCTED_DETAINED,
)

KNOWN = {"ucdp": UCDP_GED, "acled": ACLED}

# what a mapped file records, by the incident fields its mapping fills
_MAPPED_FLAGS = (
    ("killed", Unrecorded.KILLED),
    ("civilians_killed", Unrecorded.CIVILIANS),
    ("injured", Unrecorded.INJURED),
    ("abducted", Unrecorded.ABDUCTED_DETAINED),
)


def unrecorded_by_mapping(mapped_fields: Iterable[str]) -> Unrecorded:
    """The figures a CSV/XLSX/GeoJSON/HXL file does not record: the unmapped ones."""
    have = set(mapped_fields)
    flags = Unrecorded.NONE
    for name, flag in _MAPPED_FLAGS:
        if name not in have:
            flags |= flag
    return flags


def for_file(
    file_name: str,
    mapped_fields: Iterable[str],
    *,
    name: str = "",
    citation: str = "",
    licence: str = "",
) -> DatasetInfo:
    """Another organisation's file: credited by the name given, else the file's name."""
    return DatasetInfo(
        key=f"file:{name or file_name}"[:120],
        name=(name or file_name)[:200],
        citation=citation,
        licence=licence[:200],
        unrecorded=unrecorded_by_mapping(mapped_fields),
    )


def with_credit(
    info: DatasetInfo, *, name: str = "", citation: str = "", licence: str = ""
) -> DatasetInfo:
    """``info`` with what the user said about it (an import's --dataset options)."""
    return DatasetInfo(
        key=info.key,
        name=name or info.name,
        citation=citation or info.citation,
        licence=licence or info.licence,
        url=info.url,
        unrecorded=info.unrecorded,
    )


def ensure_dataset(session: Session, info: DatasetInfo) -> Dataset:
    """The project's record of ``info`` (added, or brought up to date by this import)."""
    row = session.get(Dataset, info.key)
    if row is None:
        row = Dataset(key=info.key, name=info.name)
        session.add(row)
    row.name = info.name
    row.citation = info.citation or row.citation or ""
    row.licence = info.licence or row.licence or ""
    row.url = info.url or row.url or ""
    row.unrecorded = int(info.unrecorded)
    session.flush()
    return row
