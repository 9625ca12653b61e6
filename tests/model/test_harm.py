"""The harm rules: claims, figures not recorded, and the few words that describe them."""

from __future__ import annotations

from types import SimpleNamespace

from sitrep.model.enums import Affiliation, Outcome, Verification
from sitrep.model.harm import (
    Unrecorded,
    harm_text,
    harm_totals,
    recorded_by_rows,
    records_figure,
)


def _row(outcome: Outcome, best: int, **kw: object) -> SimpleNamespace:
    return SimpleNamespace(
        outcome=outcome,
        affiliation=kw.get("affiliation", Affiliation.UNKNOWN),
        best=best,
        is_party_claim=kw.get("is_party_claim", False),
    )


def _incident(**kw: int) -> SimpleNamespace:
    base = dict(
        killed=0, civilians_killed=0, injured=0, abducted_detained=0, killed_claimed=0,
        harm_unrecorded=0,
    )  # fmt: skip
    base.update(kw)
    return SimpleNamespace(**base)


def test_party_claim_rows_and_claim_incidents_are_claims() -> None:
    rows = [_row(Outcome.KILLED, 3), _row(Outcome.KILLED, 10, is_party_claim=True)]
    assert harm_totals(rows).killed == 3 and harm_totals(rows).killed_claimed == 10
    claim = harm_totals(rows, Verification.CLAIM_UNVERIFIABLE)
    assert (claim.killed, claim.killed_claimed) == (0, 13)


def test_rows_record_what_the_dataset_did_not_but_claims_do_not() -> None:
    ucdp = Unrecorded.INJURED | Unrecorded.ABDUCTED_DETAINED
    assert recorded_by_rows([_row(Outcome.INJURED, 2)], ucdp) == Unrecorded.ABDUCTED_DETAINED
    claimed = [_row(Outcome.INJURED, 2, is_party_claim=True)]
    assert recorded_by_rows(claimed, ucdp) == ucdp
    acled = Unrecorded.CIVILIANS
    known = [_row(Outcome.KILLED, 2, affiliation=Affiliation.SIDE_A)]
    assert recorded_by_rows([_row(Outcome.KILLED, 2)], acled) == acled
    assert recorded_by_rows(known, acled) == Unrecorded.NONE


def test_no_deaths_means_no_civilian_deaths_whatever_the_dataset() -> None:
    assert records_figure(int(Unrecorded.CIVILIANS), "civilians_killed", killed=0)
    assert not records_figure(int(Unrecorded.CIVILIANS), "civilians_killed", killed=3)
    no_deaths_column = int(Unrecorded.KILLED | Unrecorded.CIVILIANS)
    assert not records_figure(no_deaths_column, "civilians_killed", killed=0)
    # civilian deaths mapped without a total: the civilian count is recorded
    assert records_figure(int(Unrecorded.KILLED), "civilians_killed", killed=0)


def test_harm_text_never_shows_an_unrecorded_figure_as_zero() -> None:
    acled = _incident(killed=3, harm_unrecorded=int(Unrecorded.CIVILIANS | Unrecorded.INJURED))
    assert harm_text(acled) == "3 killed (civilians not recorded); injuries not recorded"
    ucdp = _incident(
        killed=5,
        civilians_killed=1,
        harm_unrecorded=int(Unrecorded.INJURED | Unrecorded.ABDUCTED_DETAINED),
    )
    assert harm_text(ucdp) == "5 killed (1 civilian); injuries and abductions not recorded"
    own = _incident(killed=2, injured=4, killed_claimed=10)
    assert harm_text(own) == "2 killed; 4 injured; 10 killed according to a party's claim"
    assert harm_text(_incident()) == "none reported"


def test_harm_text_says_civilians_killed_when_every_death_is_a_civilian() -> None:
    assert harm_text(_incident(killed=7, civilians_killed=7)) == "7 civilians killed"
    assert harm_text(_incident(killed=1, civilians_killed=1)) == "1 civilian killed"
    assert harm_text(_incident(killed=7, civilians_killed=6)) == "7 killed (6 civilians)"
    lower = harm_text(_incident(killed=7, civilians_killed=7), at_least=["killed"])
    assert lower == "at least 7 civilians killed"
