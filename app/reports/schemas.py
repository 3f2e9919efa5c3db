"""Response schemas of the staff reports.

Every report has one flat table (`rows` or `items`), which is also what its CSV form holds,
column for column; the JSON form adds the filters applied, totals and the time it describes.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict


class _Schema(BaseModel):
    model_config = ConfigDict(frozen=True)


class CredentialFilters(_Schema):
    """What the credentials report was limited to (`null`: not limited)."""

    issued_from: date | None
    issued_to: date | None
    sector: str | None
    country: str | None
    standard_code: str | None


class CredentialCounts(_Schema):
    """Credentials issued, and where they stand now.

    `issued` = `active` + `expired` + `suspended` + `revoked`; `expired` counts active
    credentials whose `validUntil` has passed (a suspended or revoked one keeps that status).
    """

    issued: int
    active: int
    expired: int
    suspended: int
    revoked: int


class CredentialReportRow(_Schema):
    """The credentials issued in one month, for one standard version, by providers of one
    country (`provider_country` is null for credentials issued without a provider); the
    counts are as in `CredentialCounts`."""

    month: str
    sector: str
    standard_code: str
    standard_version: int
    provider_country: str | None
    issued: int
    active: int
    expired: int
    suspended: int
    revoked: int


class CredentialReport(_Schema):
    """Credentials by issue month, sector, standard and provider country, as of `as_of`."""

    as_of: datetime
    filters: CredentialFilters
    rows: list[CredentialReportRow]
    totals: CredentialCounts


class CurriculumFilters(_Schema):
    """What the curricula report was limited to."""

    sector: str | None
    country: str | None


class CurriculumReportRow(_Schema):
    """How many curriculum versions of providers in `country` have `status`."""

    status: str
    country: str
    curricula: int


class CurriculumReport(_Schema):
    """Curriculum versions by review status and provider country."""

    filters: CurriculumFilters
    rows: list[CurriculumReportRow]
    total: int


class ProviderFilters(_Schema):
    """What the providers report was limited to."""

    country: str | None


class ProviderReportRow(_Schema):
    """How many providers in `country` have `accreditation_status`."""

    accreditation_status: str
    country: str
    providers: int


class ProviderReport(_Schema):
    """Training providers by accreditation status and country."""

    filters: ProviderFilters
    rows: list[ProviderReportRow]
    total: int


class MobilityFilters(_Schema):
    """What the mobility report was limited to."""

    occurred_from: date | None
    occurred_to: date | None
    sector: str | None
    outcome: str | None


class MobilityFlow(_Schema):
    """Verifications by employers in one country of credentials issued in another (or the
    same) country, for one sector; a null country or sector was not known."""

    employer_country: str | None
    issuing_country: str | None
    sector: str | None
    verifications: int


class MobilityMonth(_Schema):
    """One month of verifications and its cross-border share.

    `with_countries` counts the verifications whose employer and issuing countries are
    both known; `cross_border_share` is `cross_border / with_countries` rounded to four
    decimals (null when no verification could be placed).
    """

    month: str
    verifications: int
    with_countries: int
    cross_border: int
    cross_border_share: float | None


class MobilityReport(_Schema):
    """Workforce mobility, from the anonymous verification events."""

    filters: MobilityFilters
    flows: list[MobilityFlow]
    months: list[MobilityMonth]
    verifications: int
    with_countries: int
    cross_border: int
    cross_border_share: float | None


class ExpiringFilters(_Schema):
    """What the expiring-soon report was limited to."""

    days: int
    sector: str | None
    country: str | None


class ExpiringCredential(_Schema):
    """An active credential whose `validUntil` falls in the window."""

    credential_id: str
    standard_code: str
    standard_version: int
    sector: str
    provider_id: int | None
    provider_name: str | None
    provider_country: str | None
    issued_at: datetime
    valid_until: datetime


class ExpiringReport(_Schema):
    """Active credentials expiring in `[as_of, until)`, soonest first, for renewal campaigns."""

    as_of: datetime
    until: datetime
    filters: ExpiringFilters
    items: list[ExpiringCredential]
    total: int
