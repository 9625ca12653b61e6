"""Coded values of the incident data model.

Precision codes follow UCDP GED (``date_prec``, ``where_prec``) so that imports and
exports convert without loss; ACLED's coarser codes are derived from them.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class DatePrecision(IntEnum):
    """How precisely the date of an incident is known (UCDP ``date_prec``)."""

    DAY = 1
    DAYS_2_6 = 2
    WEEK = 3
    MONTH = 4
    YEAR = 5

    @property
    def label(self) -> str:
        return {
            1: "exact day",
            2: "within 2–6 days",
            3: "within a week",
            4: "within a month",
            5: "within a year",
        }[self.value]

    def to_acled(self) -> int:
        """ACLED ``time_precision``: 1 day, 2 week, 3 month or more."""
        return {1: 1, 2: 2, 3: 2}.get(self.value, 3)

    @classmethod
    def from_acled(cls, code: int) -> DatePrecision:
        return {1: cls.DAY, 2: cls.WEEK, 3: cls.MONTH}.get(int(code), cls.MONTH)


class LocationPrecision(IntEnum):
    """How precisely the location is known (UCDP ``where_prec``)."""

    EXACT = 1
    NEAR = 2
    ADMIN2 = 3
    ADMIN1 = 4
    BETWEEN_ADMIN1_AND_COUNTRY = 5
    COUNTRY = 6
    WATER_OR_AIR = 7

    @property
    def label(self) -> str:
        return {
            1: "exact location",
            2: "near a named place (within ~25 km)",
            3: "district (ADM2) only",
            4: "state/region (ADM1) only",
            5: "between state/region and country",
            6: "country only",
            7: "at sea or in the air",
        }[self.value]

    def to_acled(self) -> int:
        """ACLED ``geo_precision``: 1 exact, 2 near/district, 3 larger area."""
        return {1: 1, 2: 2, 3: 2}.get(self.value, 3)

    @classmethod
    def from_acled(cls, code: int) -> LocationPrecision:
        return {1: cls.EXACT, 2: cls.NEAR, 3: cls.ADMIN1}.get(int(code), cls.ADMIN1)


class Verification(StrEnum):
    UNVERIFIED = "unverified"
    SINGLE_SOURCE = "single source"
    CORROBORATED = "corroborated"
    CONFIRMED = "confirmed"
    CLAIM_UNVERIFIABLE = "claim not independently verifiable"
    DISPUTED = "disputed"
    RETRACTED = "retracted"


class Sensitivity(StrEnum):
    """Who may see an incident. Ordered: each level includes the ones before."""

    PUBLIC = "public"
    PARTNER = "partner"
    INTERNAL = "internal"
    RESTRICTED = "restricted"

    @property
    def rank(self) -> int:
        return list(Sensitivity).index(self)

    def levels_up_to(self) -> list[Sensitivity]:
        return [s for s in Sensitivity if s.rank <= self.rank]


class ReviewStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in review"
    APPROVED = "approved"


class ActorRole(StrEnum):
    SIDE_A = "side A"
    SIDE_B = "side B"
    ASSOCIATED_A = "associated with side A"
    ASSOCIATED_B = "associated with side B"
    PERPETRATOR = "perpetrator"
    # named by sources as the perpetrator but not established: reports say "allegedly"
    ALLEGED_PERPETRATOR = "alleged perpetrator"
    TARGET = "target"
    CLAIMANT = "claimant"


class Outcome(StrEnum):
    KILLED = "killed"
    INJURED = "injured"
    MISSING = "missing"
    ABDUCTED = "abducted"
    DETAINED = "detained"
    DISPLACED = "displaced"


class Affiliation(StrEnum):
    CIVILIAN = "civilian"
    SIDE_A = "side A"
    SIDE_B = "side B"
    AID_WORKER = "aid worker"
    UNKNOWN = "unknown"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    MIXED = "mixed"
    UNKNOWN = "unknown"


class AgeGroup(StrEnum):
    CHILD = "child"
    ADULT = "adult"
    ELDERLY = "elderly"
    MIXED = "mixed"
    UNKNOWN = "unknown"


class SourceType(StrEnum):
    OWN_STAFF = "own staff"
    PARTNER = "partner"
    COMMUNITY_CONTACT = "community contact"
    LOCAL_MEDIA = "local media"
    NATIONAL_MEDIA = "national media"
    INTERNATIONAL_MEDIA = "international media"
    SOCIAL_MEDIA = "social media"
    PARTY_STATEMENT = "party statement"
    UN_INGO = "UN/INGO"
    DATASET = "dataset"
    OTHER = "other"


class Reliability(StrEnum):
    """Admiralty grading of the *source*."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"

    @property
    def definition(self) -> str:
        return {
            "A": "Completely reliable: no doubt of authenticity, trustworthiness or competency",
            "B": "Usually reliable: minor doubts; a history of mostly valid information",
            "C": "Fairly reliable: doubts; has provided valid information before",
            "D": "Not usually reliable: significant doubts; valid information in the past",
            "E": "Unreliable: lacks authenticity, trustworthiness and competency",
            "F": "Reliability cannot be judged: no basis for evaluating the source",
        }[self.value]


class Credibility(IntEnum):
    """Admiralty grading of the *information*."""

    CONFIRMED = 1
    PROBABLY_TRUE = 2
    POSSIBLY_TRUE = 3
    DOUBTFUL = 4
    IMPROBABLE = 5
    CANNOT_BE_JUDGED = 6

    @property
    def definition(self) -> str:
        return {
            1: "Confirmed by other sources; logical and consistent",
            2: "Probably true: not confirmed, but logical and consistent",
            3: "Possibly true: not confirmed, reasonably logical, agrees with some information",
            4: "Doubtful: not confirmed, possible but not logical",
            5: "Improbable: not confirmed, not logical, contradicted by other information",
            6: "Truth cannot be judged: no basis for evaluating the information",
        }[self.value]


class LinkKind(StrEnum):
    RELATED = "related"
    SAME_EVENT_SERIES = "same event series"
    POSSIBLE_DUPLICATE = "possible duplicate"
    NOT_DUPLICATE = "not a duplicate"
    DUPLICATE_OF = "duplicate of"


class ReportKind(StrEnum):
    PERIODIC = "periodic"
    FLASH = "flash"


class ReportStatus(StrEnum):
    DRAFT = "draft"
    FINAL = "final"


SENSITIVE_FIELDS: tuple[str, ...] = (
    "title",
    "victim_names",
    "source_names",
    "source_contacts",
    "narrative",
    "exact_location",
)
"""Fields that can be marked sensitive on an incident and removed on redacted export.

What each one withholds, per table and column, is declared in one place:
:data:`sitrep.sharing.policy.POLICY` (its ``when`` names these fields)."""
