"""Each reading rule on sentences written for these tests."""

from __future__ import annotations

import datetime as dt

from sitrep.drafting.claims import claim_cue
from sitrep.drafting.classifier import calibrate, train
from sitrep.drafting.cli_io import plain_document
from sitrep.drafting.dates import find_dates
from sitrep.drafting.harm import find_harm
from sitrep.drafting.text import sentences
from sitrep.drafting.types import guess_by_rules
from sitrep.model.enums import Affiliation, DatePrecision, Outcome

REPORT = dt.date(2025, 6, 11)  # a Wednesday


def _dates(text: str) -> list[tuple[dt.date, dt.date, DatePrecision]]:
    return [(d.start, d.end, d.precision) for d in find_dates(text, REPORT)]


def test_relative_dates_resolved_against_the_report_date() -> None:
    assert _dates("Shots were heard on Tuesday night.") == [
        (dt.date(2025, 6, 10), dt.date(2025, 6, 10), DatePrecision.DAY)
    ]
    assert _dates("Villagers fled yesterday.")[0][0] == dt.date(2025, 6, 10)
    assert _dates("Troops moved in last week.") == [
        (dt.date(2025, 6, 2), dt.date(2025, 6, 8), DatePrecision.WEEK)
    ]
    assert _dates("It started 3 days ago.")[0][0] == dt.date(2025, 6, 8)


def test_day_month_without_year_is_the_latest_not_after_the_report() -> None:
    assert _dates("on 3 March")[0][0] == dt.date(2025, 3, 3)
    assert _dates("on 30 December")[0][0] == dt.date(2024, 12, 30)
    assert _dates("On 14 February 2019, a bridge")[0][0] == dt.date(2019, 2, 14)


def test_two_days_in_one_phrase_are_two_dates_and_parts_of_month_a_range() -> None:
    assert [d[0] for d in _dates("raids on April 8 and 10 left")] == [
        dt.date(2025, 4, 8),
        dt.date(2025, 4, 10),
    ]
    assert _dates("in early May") == [
        (dt.date(2025, 5, 1), dt.date(2025, 5, 10), DatePrecision.MONTH)
    ]
    assert _dates("between 4-6 June")[0][:2] == (dt.date(2025, 6, 4), dt.date(2025, 6, 6))


def _harm(text: str) -> list[tuple[Outcome, Affiliation, int, int, int, bool]]:
    return [(h.outcome, h.affiliation, h.low, h.best, h.high, h.at_least) for h in find_harm(text)]


def test_harm_figures_from_words() -> None:
    assert _harm("The raid left about a dozen farmers killed.") == [
        (Outcome.KILLED, Affiliation.CIVILIAN, 10, 12, 14, False)
    ]
    assert _harm("gunmen killed at least 10 soldiers near the bridge") == [
        (Outcome.KILLED, Affiliation.SIDE_A, 10, 10, 10, True)
    ]
    assert _harm("Three villagers were wounded and 7-9 people went missing.")[0] == (
        Outcome.INJURED, Affiliation.CIVILIAN, 3, 3, 3, False,
    )  # fmt: skip
    assert _harm("a teacher was shot dead outside the school") == [
        (Outcome.KILLED, Affiliation.UNKNOWN, 1, 1, 1, False)
    ]
    assert _harm("Fire destroyed 40 houses.") == []


def test_claim_cues() -> None:
    for text in (
        "The group claimed 5 soldiers died.",
        "According to the militia, 5 soldiers died.",
        "The outlet could not independently verify the figure.",
    ):
        assert claim_cue(text) is not None, text
    cue = claim_cue("The figure could not be independently verified.")
    assert cue is not None and cue.unverifiable
    assert claim_cue("Five soldiers died in the fighting.") is None


def test_keyword_rules_pick_the_sub_type() -> None:
    cases = {
        "Jets carried out an airstrike on the market.": "Air/drone strike",
        "Mortar shells landed in the camp.": "Shelling/artillery/missile attack",
        "A roadside bomb hit the bus.": "Remote explosive/landmine/IED",
        "Police detained four students.": "Arrests",
        "Teachers held a rally demanding pay.": "Peaceful protest",
        "Police fired tear gas at the rally.": "Protest with intervention",
        "Two armed groups clashed for hours.": "Armed clash",
    }
    for text, sub in cases.items():
        guess = guess_by_rules(text)
        assert guess is not None and guess.sub_event_type == sub, text


def test_sentences_keep_offsets_and_paragraphs() -> None:
    text = "Col. Aung spoke. Fighting resumed.\nNext day, calm."
    found = sentences(text)
    assert [s.text for s in found] == ["Col. Aung spoke.", "Fighting resumed.", "Next day, calm."]
    assert [s.paragraph for s in found] == [0, 0, 1]
    assert all(text[s.start : s.end] == s.text for s in found)


def test_report_date_taken_from_a_dateline() -> None:
    doc = plain_document("11 June 2025\nShelling hit the town.")
    assert doc.report_date == dt.date(2025, 6, 11)
    assert doc.report_date_evidence is not None
    assert plain_document("Shelling hit the town on 3 June.").report_date is None


def test_classifier_learns_only_with_enough_coded_incidents() -> None:
    texts = ["soldiers shelled the village with mortars"] * 60 + ["crowd marched peacefully"] * 60
    labels = ["Shelling/artillery/missile attack"] * 60 + ["Peaceful protest"] * 60
    model = train(texts, labels)
    assert model is not None
    assert model.predict("mortars shelled a village")[0] == "Shelling/artillery/missile attack"
    assert model.predict("a crowd marched")[0] == "Peaceful protest"
    assert train(texts[:30], labels[:30]) is None


def test_classifier_trust_over_keyword_rules_is_learnt_from_the_latest_incidents() -> None:
    texts = ["soldiers shelled the village with mortars"] * 100 + ["crowd marched"] * 100
    labels = ["Shelling/artillery/missile attack"] * 100 + ["Peaceful protest"] * 100
    order = [i // 2 + (i % 2) * 100 for i in range(200)]  # both kinds all along
    texts, labels = [texts[i] for i in order], [labels[i] for i in order]
    # a rule that calls everything an arrest is overruled by the model from low confidence
    model = calibrate(texts, labels, lambda _t: ("Arrests", 5.0), 3.0)
    assert model is not None and model.trust <= 0.5
    # a rule that reads what the model cannot (numbers are no feature) keeps its say
    texts = [f"an event numbered {i % 2}" for i in range(200)]
    labels = ["Attack" if i % 2 else "Armed clash" for i in range(200)]
    model = calibrate(
        texts, labels, lambda t: ("Attack" if t.endswith("1") else "Armed clash", 5.0), 3.0
    )
    assert model is not None
    assert model.trust > max(model.predict(t)[1] for t in texts[:2])
