"""Controlled vocabularies of a harmonized standard.

Each vocabulary is a `StrEnum` whose values are the stable slugs stored in the database, sent
over the API and written in `curricula/*.json`. Adding a member (a sixth sector, a new
framework) is a one-line change; renaming a value is a data migration.
"""

from __future__ import annotations

from enum import StrEnum

from app.fields import Country


class Sector(StrEnum):
    """Industry sector of a standard; the first five are the NASSC priority sectors."""

    semiconductors = "semiconductors"
    critical_minerals_clean_energy = "critical-minerals-clean-energy"
    ev_batteries = "ev-batteries"
    biopharma_medical = "biopharma-medical"
    aerospace_defense = "aerospace-defense"


PRIORITY_SECTORS: frozenset[Sector] = frozenset(
    {
        Sector.semiconductors,
        Sector.critical_minerals_clean_energy,
        Sector.ev_batteries,
        Sector.biopharma_medical,
        Sector.aerospace_defense,
    }
)


class StandardStatus(StrEnum):
    """Life cycle of one standard version; a published version never changes again."""

    draft = "draft"
    published = "published"
    retired = "retired"


class MatchType(StrEnum):
    """How closely a national classification code matches the standard's occupation."""

    exact = "exact"
    broad = "broad"
    narrow = "narrow"
    related = "related"


class UnitKind(StrEnum):
    """Whether every candidate must achieve a competency unit or chooses it."""

    mandatory = "mandatory"
    elective = "elective"


class OutcomeKind(StrEnum):
    """The EQF column a learning outcome belongs to."""

    knowledge = "knowledge"
    skill = "skill"
    responsibility = "responsibility"


class AssessmentKind(StrEnum):
    """How competence is assessed."""

    written = "written"
    practical = "practical"
    portfolio = "portfolio"


class RecognitionType(StrEnum):
    """What holding a national credential earns toward the NASSC standard."""

    full = "full"
    partial = "partial"
    gap_training = "gap-training"
    challenge_exam = "challenge-exam"


class CredentialFramework(StrEnum):
    """The national scheme a credential equivalence points into."""

    mssc = "mssc"
    red_seal = "red-seal"
    provincial_trade = "provincial-trade"
    conocer = "conocer"
    sep = "sep"
    other = "other"


FRAMEWORK_COUNTRY: dict[CredentialFramework, Country] = {
    CredentialFramework.mssc: Country.us,
    CredentialFramework.red_seal: Country.ca,
    CredentialFramework.provincial_trade: Country.ca,
    CredentialFramework.conocer: Country.mx,
    CredentialFramework.sep: Country.mx,
}
"""The country each national framework belongs to; `other` may be any country."""


class Modality(StrEnum):
    """How a curriculum module is delivered."""

    in_person = "in-person"
    online = "online"
    blended = "blended"
    work_based = "work-based"
