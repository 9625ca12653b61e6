from __future__ import annotations

from sitrep.editing.draft import (
    ActorDraft,
    CasualtyDraft,
    IncidentDraft,
    SourceDraft,
    check_draft,
    draft_from_json,
    draft_to_json,
    duplicate_draft,
)


def good_draft() -> IncidentDraft:
    return IncidentDraft(
        title="Blast at Lone Khin mining site",
        date_start="2025-06-03",
        place_name="Lone Khin",
        lat="25.66",
        lon="96.28",
        event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack",
        local_type="Mine-site blast",
        casualties=[
            CasualtyDraft(outcome="killed", affiliation="civilian", low=5, best=6, high=8)
        ],
        sources=[SourceDraft(name="The Irrawaddy", reliability="B", credibility=3)],
        actors=[ActorDraft(name="Military of Myanmar", role="side A")],
    )


def test_a_good_draft_has_no_problems() -> None:
    assert check_draft(good_draft()) == []


def test_json_round_trip_keeps_everything_including_half_typed_values() -> None:
    draft = good_draft()
    draft.lat = "25.6"  # still being typed
    draft.narrative = "Burmese: ကချင်"
    text = draft_to_json(draft, project="/x/p.sitrep")
    back, meta = draft_from_json(text)
    assert back == draft
    assert meta["project"] == "/x/p.sitrep"


def test_problems_name_field_and_row() -> None:
    draft = good_draft()
    draft.lat = "north"
    draft.lon = "200"
    draft.date_start = "2025-06-03"
    draft.date_end = "2025-06-01"
    draft.casualties.append(CasualtyDraft(low=5, best=2, high=9))
    draft.sources.append(SourceDraft(name=""))
    problems = check_draft(draft)
    by_field = {(p.field, p.row): p.message for p in problems}
    assert "not a number" in by_field[("latitude", None)]
    assert "between -180 and 180" in by_field[("longitude", None)]
    assert "before the start date" in by_field[("date_end", None)]
    assert "between the low (5) and high (9)" in by_field[("casualty_best", 1)]
    assert ("source_name", 1) in by_field


def test_one_coordinate_alone_is_a_problem() -> None:
    draft = good_draft()
    draft.lon = ""
    assert [p.field for p in check_draft(draft)] == ["longitude"]


def test_missing_type_and_title() -> None:
    draft = IncidentDraft(date_start="2025-06-03")
    fields = {p.field for p in check_draft(draft)}
    assert fields == {"event_type", "title"}


def test_duplicate_starts_a_new_incident() -> None:
    draft = good_draft()
    draft.incident_id = "0190c0de-0000-7000-8000-000000000001"
    draft.reference = "TST-2025-0001"
    draft.review_status = "approved"
    draft.verification = "confirmed"
    draft.victim_names = "Ma Hla"
    draft.narrative = "What the sources said of the first blast."
    copy = duplicate_draft(draft)
    assert copy.incident_id is None and copy.reference == "" and copy.review_status == "draft"
    # what repeats stays
    assert (copy.place_name, copy.lat, copy.lon) == ("Lone Khin", "25.66", "96.28")
    assert copy.local_type == "Mine-site blast" and copy.sub_event_type == draft.sub_event_type
    assert copy.actors == draft.actors and copy.actors is not draft.actors
    assert copy.sources == draft.sources and copy.sources is not draft.sources
    # what belongs to the first event does not: its dead are never counted twice
    assert copy.casualties == [] and draft.casualties != []
    assert (copy.title, copy.narrative, copy.victim_names) == ("", "", "")
    assert copy.verification == "unverified"
