"""Segmentation: which sentences of a report tell of one event, and which of several.

A sentence that reads like something happened (see :func:`types.has_event_words`)
starts an event unless it continues the one before in the same paragraph (no date
or place of its own, or the same ones). One sentence naming several days ("on June 3
and 6"), several places ("in Hpakant, Indawgyi and Bhamo townships") or two one-sided
acts ("arresting civilians and burning machinery") gives one event for each. A
sentence without a date takes the date of its paragraph, else the week before the
report; one without a place takes the last place the text named.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sitrep.drafting.actors import ActorMention
from sitrep.drafting.claims import ClaimCue, claim_cue
from sitrep.drafting.dates import DateFound, find_dates, report_week
from sitrep.drafting.harm import HarmFound, find_harm
from sitrep.drafting.knowledge import Knowledge
from sitrep.drafting.places import Location, PlaceIndex, PlaceMention, find_places
from sitrep.drafting.text import Sentence, sentences
from sitrep.drafting.types import has_event_words, separable_acts
from sitrep.places.names import fold

_NOT_YET = re.compile(
    r"\b(plann(?:ing|ed) to|plans to|will|would|intends? to|threaten(?:ed|s)? to|"
    r"should prepare|warned that|is expected to|are expected to)\b",
    re.I,
)
# a sentence pointing back at the event before tells more of it, wherever it names
# ("Several shops in Banglabazar were also looted in the incident.")
_SAME_EVENT = re.compile(
    r"\b(?:in|during|after|at|of|from|by) the (?:same )?(?:incident|clash(?:es)?|attack|"
    r"protest|demonstration|fighting|violence|event|explosion|blast|ambush|raid|gunfight)\b",
    re.I,
)
# words before a date that make it the background of the event, not its day
_BACKGROUND = re.compile(
    r"\b(?:during|since|charges?|cases?|killings?|killed|murder(?:ed)?|deaths?|died|"
    r"succumbed|in connection with|anniversary|sentenced|earlier|previous(?:ly)?|"
    r"accused|arrested|injured|detained|filed|verdict|trial)\b",
    re.I,
)
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+|&\s*)\s*")


@dataclass
class EventText:
    """One event's sentences and what was read from them."""

    paragraph: int
    sentences: list[Sentence]
    date: DateFound
    date_note: str
    place: PlaceMention | None
    place_note: str
    harm: list[HarmFound] = field(default_factory=list)
    actors: list[ActorMention] = field(default_factory=list)
    claims: list[tuple[ClaimCue, str]] = field(default_factory=list)  # cue, sentence text
    forced_type: str = ""  # a separable act's sub-type
    forced_span: tuple[int, int] | None = None
    share_of: int = 1  # figures given for several days together are split between them
    unverifiable: bool = False

    @property
    def start(self) -> int:
        return self.sentences[0].start

    @property
    def end(self) -> int:
        return self.sentences[-1].end

    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


def split_events(text: str, report: dt.date, know: Knowledge) -> list[EventText]:
    events: list[EventText] = []
    last_place: PlaceMention | None = None
    para_date: tuple[int, DateFound] | None = None
    for sentence in sentences(text):
        rel = sentence.text
        off = sentence.start
        dates = find_dates(rel, report, off)
        actors = know.actors.find(rel, off)
        masked_rel = [(a.start - off, a.end - off) for a in actors] + [
            (d.start_char - off, d.end_char - off) for d in dates
        ]
        places = find_places(rel, know.places, off, masked_rel)
        harm = find_harm(rel, off, [(d.start_char, d.end_char) for d in dates])
        cue = claim_cue(rel, off)
        own_dates = _event_dates(rel, off, [d for d in dates if not d.ongoing])
        previous = events[-1] if events else None
        same_para = previous is not None and previous.paragraph == sentence.paragraph
        if not has_event_words(rel) or (_NOT_YET.search(rel) and not harm):
            if same_para and previous is not None:
                if harm:
                    previous.harm.extend(harm)
                    previous.sentences.append(sentence)
                if cue is not None:
                    previous.claims.append((cue, rel))
                    previous.unverifiable |= cue.unverifiable
            elif previous is not None and cue is not None and cue.unverifiable:
                previous.unverifiable = True  # "X could not independently verify that claim."
                previous.claims.append((cue, rel))
            if places:
                last_place = _best_place(places)
            if own_dates:
                para_date = (sentence.paragraph, own_dates[0])
            continue
        place_list = _listed_places(rel, off, places, know.places)
        acts = separable_acts(rel)
        back = bool(_SAME_EVENT.search(rel))
        continues = (
            same_para
            and previous is not None
            and (not own_dates or back)
            and (not places or back or _same_place(previous.place, place_list[0]))
            and len(acts) < 2
        )
        if continues and previous is not None:
            previous.sentences.append(sentence)
            previous.harm.extend(harm)
            previous.actors.extend(actors)
            if cue is not None:
                previous.claims.append((cue, rel))
                previous.unverifiable |= cue.unverifiable
            if places:
                last_place = place_list[0]
            continue
        if own_dates:
            date_choices = own_dates
            date_notes = [d.note for d in own_dates]
            para_date = (sentence.paragraph, own_dates[0])
        elif para_date is not None and para_date[0] == sentence.paragraph:
            date_choices = [para_date[1]]
            date_notes = [f"{para_date[1].note}, from the sentence before"]
        else:
            ongoing = next((d for d in dates if d.ongoing), None)
            date_choices = [report_week(report)]
            date_notes = [
                f"{ongoing.note}: still going on; dated the week before the report"
                if ongoing
                else "no date in the text: the week before the report"
            ]
        if place_list:
            place_choices: list[PlaceMention | None] = list(place_list)
            place_note = ""
        else:
            place_choices = [last_place]
            place_note = "no place in the sentence: the place the text named last"
        days = {d.start for d in date_choices}
        for d, dnote in zip(date_choices, date_notes, strict=True):
            for p in place_choices:
                for act in acts if len(acts) >= 2 else [None]:
                    event = EventText(
                        sentence.paragraph, [sentence], d, dnote, p, place_note,
                        harm=list(harm), actors=list(actors),
                        share_of=len(days),
                    )  # fmt: skip
                    if act is not None:
                        event.forced_type = act[0]
                        event.forced_span = (off + act[1], off + act[2])
                    if cue is not None:
                        event.claims.append((cue, rel))
                        event.unverifiable = cue.unverifiable
                    events.append(event)
        if place_list:
            last_place = place_list[0]
    if not events and para_date is not None:
        return [_whole_text(text, report, know, para_date[1], last_place)]
    return events


def _event_dates(text: str, off: int, dates: list[DateFound]) -> list[DateFound]:
    """The days a sentence's events happened on: its first date with the days listed
    with it ("on June 3 and 6"), and later dates of the same precision unless they tell
    the background ("the killing of a student on 16 July", "during the movement in
    July")."""
    if not dates:
        return []
    first = dates[0]
    kept = [first]
    for d in dates[1:]:
        if d.start_char == first.start_char:
            kept.append(d)
            continue
        before = text[max(0, d.start_char - off - 60) : d.start_char - off]
        if d.precision == first.precision and not _BACKGROUND.search(before):
            kept.append(d)
    return kept


def _whole_text(
    text: str, report: dt.date, know: Knowledge, date: DateFound, place: PlaceMention | None
) -> EventText:
    """A short text with a date and no words of any known kind of event: one event, for
    the officer to type."""
    found = sentences(text)
    event = EventText(found[0].paragraph, found, date, date.note, place, "")
    for s in found:
        dates = find_dates(s.text, report, s.start)
        event.harm.extend(find_harm(s.text, s.start, [(d.start_char, d.end_char) for d in dates]))
        event.actors.extend(know.actors.find(s.text, s.start))
    return event


def _best_place(places: list[PlaceMention]) -> PlaceMention:
    points = [p for p in places if p.location.level is None or p.kind_level == -1]
    located = [p for p in points if p.located]
    if located:
        return located[0]
    if points:
        return points[0]
    return max(places, key=lambda p: (p.location.level or 0, -p.start))


def _listed_places(
    text: str, off: int, places: list[PlaceMention], index: PlaceIndex
) -> list[PlaceMention]:
    """The places an event is at: several when the text lists them ("in A, B and C
    townships"), else the most precise one."""
    if not places:
        return []
    best = _best_place(places)
    i = places.index(best)
    run = [best]
    for nxt in places[i + 1 :]:
        gap = text[run[-1].end - off : nxt.start - off]
        if not _LIST_GAP.fullmatch(gap) or _within(run[-1].location, nxt.location, index):
            break
        run.append(nxt)
    if len(run) > 1:
        kind = run[-1].kind_level
        return [
            PlaceMention(p.start, p.end, p.location, p.kind_level or kind, p.near, p.located)
            for p in run
        ]
    return [best]


def _within(inner: Location, outer: Location, index: PlaceIndex) -> bool:
    """Whether ``outer`` names an area holding ``inner`` ("Jamalpur, Mymensingh" names
    the district and its division: one place, not a list of two), even when the name
    was read as the town of the same name."""
    areas = [outer] if outer.level is not None else []
    areas += [loc for loc in index.by_key.get(fold(outer.name), []) if loc.level is not None]
    return any(area.area_id is not None and area.area_id in inner.area_ids for area in areas)


def _same_place(a: PlaceMention | None, b: PlaceMention) -> bool:
    return a is not None and a.location.name == b.location.name
