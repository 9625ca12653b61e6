"""The Kachin State scenario of the seed report, entered as an information officer would.

Every incident is written in our own words from the seed news report, with the
precision codes, sources, gradings and verification statuses a careful officer would
give them: what a party claims is recorded as a claim, "reportedly" stays unverified,
and an arrest naming a detainee is not public.

Why one long module: it is data (the scenario's incidents, written out one by one),
not logic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sitrep.model.enums import (
    ActorRole,
    Affiliation,
    Credibility,
    DatePrecision,
    LocationPrecision,
    Outcome,
    Reliability,
    ReviewStatus,
    Sensitivity,
    SourceType,
    Verification,
)

D = DatePrecision
L = LocationPrecision


@dataclass(frozen=True)
class ActorSpec:
    name: str
    inter_code: int
    aliases: tuple[str, ...] = ()
    parent: str | None = None


ACTORS: tuple[ActorSpec, ...] = (
    ActorSpec(
        "Military Forces of Myanmar (2021-)",
        1,
        ("Tatmadaw", "junta", "regime forces", "SAC", "Myanmar military"),
    ),
    ActorSpec(
        "Military Forces of Myanmar: 21st Military Operation Command",
        1,
        ("MOC-21",),
        parent="Military Forces of Myanmar (2021-)",
    ),
    ActorSpec(
        "Military Forces of Myanmar: Light Infantry Battalion 33 (Hpakant)",
        1,
        ("Battalion 33",),
        parent="Military Forces of Myanmar (2021-)",
    ),
    ActorSpec("KIA: Kachin Independence Army", 2, ("KIA", "KIO/KIA")),
    ActorSpec("PDF: People's Defense Force", 2, ("PDF", "resistance forces")),
    ActorSpec("NDA-K: New Democratic Army-Kachin", 3, ("NDA-K", "NDAK")),
    ActorSpec("Khaunglanhpu militia (pro-military)", 3, ("Khaunglanphu militia",)),
    ActorSpec("Civilians (Myanmar)", 7, ("civilians",)),
    ActorSpec("Mining workers (Myanmar)", 7, ("jade miners",)),
)

MIL = "Military Forces of Myanmar (2021-)"
KIA = "KIA: Kachin Independence Army"
PDF = "PDF: People's Defense Force"
CIV = "Civilians (Myanmar)"
MINERS = "Mining workers (Myanmar)"


@dataclass(frozen=True)
class SourceSpec:
    name: str
    source_type: SourceType
    reliability: Reliability
    credibility: Credibility
    published: dt.date | None = None
    excerpt: str = ""
    url: str = ""


@dataclass(frozen=True)
class CasualtySpec:
    outcome: Outcome
    affiliation: Affiliation
    low: int
    best: int
    high: int
    party_claim: bool = False
    source_index: int | None = 0
    note: str = ""
    at_least: bool = False  # a lower bound ("at least 10 soldiers")


@dataclass(frozen=True)
class IncidentSpec:
    title: str
    date: dt.date
    date_precision: DatePrecision
    place: str  # a township or extra place name from geography.py
    location_precision: LocationPrecision
    local_type: str
    actors: tuple[tuple[str, ActorRole], ...]
    narrative: str
    verification: Verification
    sensitivity: Sensitivity = Sensitivity.PUBLIC
    casualties: tuple[CasualtySpec, ...] = ()
    sources: tuple[SourceSpec, ...] = ()
    impacts: tuple[str, ...] = ()
    weapons: tuple[str, ...] = ()
    sensitive_fields: tuple[str, ...] = ()
    civilian_targeting: bool = False
    review: ReviewStatus = ReviewStatus.APPROVED
    date_end: dt.date | None = None
    admin4: bool = False  # located in the Lone Khin village tract
    links_to_previous: bool = False


REPORTED = dt.date(2025, 6, 9)  # publication date of the media report used as a source

IRRAWADDY = SourceSpec(
    "The Irrawaddy",
    SourceType.NATIONAL_MEDIA,
    Reliability.B,
    Credibility.POSSIBLY_TRUE,
    REPORTED,
)
KIA_SPOKESMAN = SourceSpec(
    "KIA spokesperson (statement to media)",
    SourceType.PARTY_STATEMENT,
    Reliability.D,
    Credibility.CANNOT_BE_JUDGED,
    REPORTED,
)
HPAKANT_CONTACT = SourceSpec(
    "Community contact, Hpakant",
    SourceType.COMMUNITY_CONTACT,
    Reliability.C,
    Credibility.PROBABLY_TRUE,
)
PARTNER_BHAMO = SourceSpec(
    "Partner field team, Bhamo", SourceType.PARTNER, Reliability.B, Credibility.PROBABLY_TRUE
)


def _src(base: SourceSpec, excerpt: str, credibility: Credibility | None = None) -> SourceSpec:
    return SourceSpec(
        base.name,
        base.source_type,
        base.reliability,
        credibility or base.credibility,
        base.published,
        excerpt,
        base.url,
    )


INCIDENTS: tuple[IncidentSpec, ...] = (
    IncidentSpec(
        "Military counteroffensive begins: two columns advance on Hpakant",
        dt.date(2025, 4, 25),
        D.WEEK,
        "Kamaing",
        L.NEAR,
        "Troop movement",
        ((MIL, ActorRole.SIDE_A),),
        "In the last week of April two military columns, together about 1,000 soldiers, "
        "set out towards Hpakant, one from Kamaing and one from Mohnyin, opening the "
        "counteroffensive against KIA-held jade areas. Exact start date not known.",
        Verification.SINGLE_SOURCE,
        sources=(
            _src(
                IRRAWADDY,
                "Columns of about 1,000 troops advancing from Kamaing and "
                "Mohnyin since late April (paraphrased).",
            ),
        ),
    ),
    IncidentSpec(
        "Mohnyin column trapped by resistance forces at Nam Mun",
        dt.date(2025, 5, 10),
        D.MONTH,
        "Nam Mun",
        L.NEAR,
        "Siege / encirclement",
        ((PDF, ActorRole.SIDE_A), (KIA, ActorRole.ASSOCIATED_A), (MIL, ActorRole.SIDE_B)),
        "The column coming from Mohnyin was stopped and surrounded near Nam Mun, close to "
        "Indawgyi Lake, about 100 km south of Hpakant town. Date within May; losses unknown.",
        Verification.SINGLE_SOURCE,
        sources=(
            _src(
                IRRAWADDY,
                "Troops from Mohnyin trapped at Nam Mun near Indawgyi Lake (paraphrased).",
            ),
        ),
    ),
    IncidentSpec(
        "Kamaing column seizes KIA positions on the road to Lone Khin",
        dt.date(2025, 5, 24),
        D.WEEK,
        "Lone Khin",
        L.NEAR,
        "Ground attack",
        ((MIL, ActorRole.SIDE_A), (KIA, ActorRole.SIDE_B)),
        "The Kamaing column, around 600 troops, took KIA positions along the road and "
        "reached Lone Khin, 12 km from Hpakant, in late May.",
        Verification.SINGLE_SOURCE,
        sources=(
            _src(
                IRRAWADDY,
                "Kamaing column of ~600 arrived in Lone Khin in late May "
                "after seizing KIA positions (paraphrased).",
            ),
        ),
        admin4=True,
    ),
    IncidentSpec(
        "KIA attack on three military helicopters near Bhamo; two destroyed",
        dt.date(2025, 5, 20),
        D.DAY,
        "Bhamo",
        L.NEAR,
        "Aircraft shot down",
        ((KIA, ActorRole.SIDE_A), (MIL, ActorRole.SIDE_B)),
        "KIA fighters fired on three helicopters bringing reinforcements and supplies to "
        "the besieged garrison at Bhamo; two helicopters were destroyed. Crew casualties "
        "not reported.",
        Verification.CORROBORATED,
        sources=(
            _src(
                IRRAWADDY,
                "Three helicopters airlifting reinforcements attacked on 20 May, "
                "two destroyed (paraphrased).",
                Credibility.PROBABLY_TRUE,
            ),
            _src(
                PARTNER_BHAMO,
                "Team heard heavy fire near the airfield and saw smoke; two "
                "aircraft reported down by residents.",
            ),
        ),
        impacts=("military aircraft destroyed",),
        weapons=("small arms", "heavy machine guns"),
    ),
    IncidentSpec(
        "Arrests of civilians by the Kamaing column in Lone Khin",
        dt.date(2025, 5, 28),
        D.WEEK,
        "Lone Khin",
        L.NEAR,
        "Arrest",
        ((MIL, ActorRole.PERPETRATOR), (CIV, ActorRole.TARGET)),
        "Since arriving in Lone Khin, soldiers of the Kamaing column have been detaining "
        "residents. Number of people detained and their whereabouts unknown.",
        Verification.UNVERIFIED,
        sensitivity=Sensitivity.PARTNER,
        sources=(
            _src(IRRAWADDY, "Troops arresting civilians in Lone Khin (paraphrased)."),
            _src(HPAKANT_CONTACT, "Several neighbours taken by soldiers; names withheld."),
        ),
        sensitive_fields=("source_names", "victim_names"),
        civilian_targeting=True,
        admin4=True,
        review=ReviewStatus.IN_REVIEW,
    ),
    IncidentSpec(
        "Soldiers burn heavy machinery at jade mining sites in Lone Khin",
        dt.date(2025, 5, 30),
        D.WEEK,
        "Lone Khin",
        L.NEAR,
        "Burning / destruction of property",
        ((MIL, ActorRole.PERPETRATOR), (MINERS, ActorRole.TARGET)),
        "Excavators and trucks at mining sites were set on fire. The KIA says the aim is to "
        "cut its revenue and deter mining companies from working with it.",
        Verification.SINGLE_SOURCE,
        sources=(_src(IRRAWADDY, "Heavy machinery at mining sites burned (paraphrased)."),),
        impacts=("mine sites", "livelihoods"),
        admin4=True,
    ),
    IncidentSpec(
        "Military assault triggers blast at mining site in Lone Khin; civilians killed",
        dt.date(2025, 6, 3),
        D.DAY,
        "Lone Khin",
        L.NEAR,
        "Mine-site blast",
        ((MIL, ActorRole.SIDE_A), (KIA, ActorRole.SIDE_B), (MINERS, ActorRole.TARGET)),
        "An attack by military troops on a KIA-held jade mine set off an explosion at the "
        "mining site. Civilians at the site were killed and nearby houses destroyed. The "
        "source gives about a dozen civilian deaths for this and the 6 June blast together; "
        "the split between the two days is our estimate.",
        Verification.SINGLE_SOURCE,
        casualties=(
            CasualtySpec(
                Outcome.KILLED,
                Affiliation.CIVILIAN,
                4,
                6,
                8,
                note="about a dozen across 3 and 6 June",
            ),
        ),
        sources=(
            _src(
                IRRAWADDY,
                "Assaults on June 3 and 6 triggered blasts at two mining sites, "
                "killing around a dozen civilians (paraphrased).",
                Credibility.PROBABLY_TRUE,
            ),
        ),
        impacts=("houses", "mine sites"),
        weapons=("artillery", "explosives"),
        civilian_targeting=False,
        admin4=True,
    ),
    IncidentSpec(
        "Second blast at a Lone Khin mining site during military assault",
        dt.date(2025, 6, 6),
        D.DAY,
        "Lone Khin",
        L.NEAR,
        "Mine-site blast",
        ((MIL, ActorRole.SIDE_A), (KIA, ActorRole.SIDE_B), (MINERS, ActorRole.TARGET)),
        "Three days after the first blast, renewed assault on another mining site in Lone "
        "Khin caused a second explosion. Civilians killed and homes destroyed.",
        Verification.SINGLE_SOURCE,
        casualties=(
            CasualtySpec(
                Outcome.KILLED,
                Affiliation.CIVILIAN,
                4,
                6,
                8,
                note="about a dozen across 3 and 6 June",
            ),
        ),
        sources=(
            _src(
                IRRAWADDY,
                "Second of two blasts at mining sites (paraphrased).",
                Credibility.PROBABLY_TRUE,
            ),
        ),
        impacts=("houses", "mine sites"),
        weapons=("artillery", "explosives"),
        admin4=True,
        links_to_previous=True,
    ),
    IncidentSpec(
        "KIA claims ambush killing at least 10 soldiers",
        dt.date(2025, 6, 7),
        D.DAY,
        "Hpakant",
        L.ADMIN2,
        "Ambush",
        ((KIA, ActorRole.SIDE_A), (MIL, ActorRole.SIDE_B), (KIA, ActorRole.CLAIMANT)),
        "A KIA spokesperson said KIA fighters ambushed a military unit on Saturday 7 June, "
        "killing at least 10 soldiers. The location was not given; the media outlet "
        "reporting it could not independently verify the claim.",
        Verification.CLAIM_UNVERIFIABLE,
        casualties=(
            CasualtySpec(
                Outcome.KILLED,
                Affiliation.SIDE_B,
                10,
                10,
                10,
                party_claim=True,
                note="'at least 10', KIA claim",
                at_least=True,
            ),
        ),
        sources=(
            _src(
                KIA_SPOKESMAN,
                "At least 10 junta soldiers killed in an ambush (claim, paraphrased).",
            ),
            _src(
                IRRAWADDY,
                "Outlet could not independently verify the claim.",
                Credibility.CANNOT_BE_JUDGED,
            ),
        ),
    ),
    IncidentSpec(
        "Air and artillery strikes on Hpakant township",
        dt.date(2025, 6, 4),
        D.WEEK,
        "Hpakant",
        L.ADMIN2,
        "Air strike",
        ((MIL, ActorRole.SIDE_A), (KIA, ActorRole.SIDE_B)),
        "Daily military attacks backed by air and artillery strikes reported in Hpakant "
        "township in the first week of June. Damage and casualties not yet known.",
        Verification.SINGLE_SOURCE,
        sources=(
            _src(
                IRRAWADDY,
                "Daily attacks backed by air and artillery strikes in "
                "Hpakant, Indawgyi and Bhamo (paraphrased).",
            ),
        ),
        weapons=("aircraft", "artillery"),
    ),
    IncidentSpec(
        "Artillery shelling around Indawgyi",
        dt.date(2025, 6, 4),
        D.WEEK,
        "Inn Taw Gyi",
        L.NEAR,
        "Artillery / shelling",
        ((MIL, ActorRole.SIDE_A), (KIA, ActorRole.SIDE_B)),
        "Artillery fire reported around Indawgyi in the first week of June as part of the "
        "daily military attacks in the area.",
        Verification.UNVERIFIED,
        sources=(
            _src(IRRAWADDY, "Air and artillery strikes reported in Indawgyi (paraphrased)."),
        ),
        weapons=("artillery",),
    ),
    IncidentSpec(
        "Fighting continues at besieged Bhamo; KIA encircles MOC-21",
        dt.date(2025, 6, 5),
        D.WEEK,
        "Bhamo",
        L.NEAR,
        "Siege / encirclement",
        ((KIA, ActorRole.SIDE_A), (MIL, ActorRole.SIDE_B)),
        "Heavy clashes continue at Bhamo, where the KIA has surrounded the 21st Military "
        "Operation Command and supporting battalions since December 2024. The military "
        "answers with air and artillery strikes on the town.",
        Verification.CORROBORATED,
        sources=(
            _src(
                IRRAWADDY,
                "Fighting raging since December; KIA has encircled the 21st MOC (paraphrased).",
                Credibility.PROBABLY_TRUE,
            ),
            _src(PARTNER_BHAMO, "Shelling heard daily; families leaving eastern wards."),
        ),
        impacts=("displacement", "aid suspended"),
        weapons=("artillery", "aircraft", "small arms"),
    ),
    IncidentSpec(
        "Ground, artillery and drone attacks in Waingmaw township",
        dt.date(2025, 6, 2),
        D.WEEK,
        "Waingmaw",
        L.ADMIN2,
        "Drone strike",
        ((MIL, ActorRole.SIDE_A), (KIA, ActorRole.SIDE_B)),
        "The KIA reports military ground assaults supported by artillery and armed drones "
        "in Waingmaw township. It believes the military is preparing to retake Special "
        "Region 1 (Chipwi, Tsawlaw, Pangwa, Kanpiketi, Waingmaw).",
        Verification.SINGLE_SOURCE,
        sources=(
            _src(
                KIA_SPOKESMAN,
                "Ground, artillery and drone attacks in Waingmaw (statement, paraphrased).",
            ),
        ),
        weapons=("drones", "artillery"),
    ),
    IncidentSpec(
        "Military infantry with drone support reaches Lamyan on the road to Sadung",
        dt.date(2025, 6, 6),
        D.WEEK,
        "Lamyan",
        L.NEAR,
        "Troop movement",
        ((MIL, ActorRole.SIDE_A),),
        "Military infantry supported by drones advanced east from Waingmaw and reached "
        "Lamyan village on the road to KIA-held Sadung. Lamyan's position is estimated.",
        Verification.SINGLE_SOURCE,
        sources=(
            _src(IRRAWADDY, "Infantry supported by drones reached Lamyan village (paraphrased)."),
        ),
    ),
    IncidentSpec(
        "Military reportedly arming militias in Khaunglanhpu",
        dt.date(2025, 6, 1),
        D.MONTH,
        "Khaunglanhpu",
        L.NEAR,
        "Militia recruitment / arming",
        ((MIL, ActorRole.SIDE_A), ("Khaunglanhpu militia (pro-military)", ActorRole.ASSOCIATED_A)),
        "The military is reported to be arming local militias in Khaunglanhpu town, "
        "Puta-O district, on the border with China. Not confirmed.",
        Verification.UNVERIFIED,
        sources=(
            _src(
                IRRAWADDY,
                "Regime reportedly arming militias in Khaunglanphu (paraphrased).",
                Credibility.POSSIBLY_TRUE,
            ),
        ),
    ),
    IncidentSpec(
        "Commander of Hpakant-based Battalion 33 arrested with family members",
        dt.date(2025, 6, 5),
        D.WEEK,
        "Hpakant",
        L.NEAR,
        "Arrest",
        (
            (MIL, ActorRole.PERPETRATOR),
            (
                "Military Forces of Myanmar: Light Infantry Battalion 33 (Hpakant)",
                ActorRole.TARGET,
            ),
        ),
        "The military reportedly detained Colonel Kyaw Hset Myint, commander of Battalion "
        "33 in Hpakant, over alleged illegal jade mining and sale of explosives. His wife "
        "and mother-in-law were detained with him and released after questioning. A "
        "successor, Colonel Kaung Min Httut, was reportedly appointed.",
        Verification.SINGLE_SOURCE,
        sensitivity=Sensitivity.INTERNAL,
        casualties=(
            CasualtySpec(Outcome.DETAINED, Affiliation.SIDE_A, 1, 1, 1),
            CasualtySpec(
                Outcome.DETAINED,
                Affiliation.CIVILIAN,
                2,
                2,
                2,
                note="released after interrogation",
            ),
        ),
        sources=(
            _src(
                IRRAWADDY,
                "Battalion 33 commander reportedly arrested; wife and "
                "mother-in-law released after interrogation (paraphrased).",
            ),
        ),
        sensitive_fields=("victim_names",),
        review=ReviewStatus.IN_REVIEW,
    ),
)
