"""The shared words of the public pages, marked for translation and keyed by stable slugs.

Every msgid here is written with `N_`, which does nothing at run time but lets
`pybabel extract` find it. Without the marks, strings that no template uses yet would be
dropped as obsolete the next time the catalogs are updated. Pages translate a label with
`_()` in a template or `app.web.i18n.gettext(language, ...)` in Python.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from app.fields import Country
from app.standards.enums import OutcomeKind, RecognitionType, Sector, UnitKind


def N_(message: str) -> str:  # noqa: N802 - the gettext convention extractors look for
    """Mark `message` for extraction; it is translated later, where the language is known."""
    return message


SITE_NAME: Final = N_("North American Standards Skills Council")

VERDICTS: Final[dict[str, str]] = {
    "verified": N_("Verified"),
    "not-verified": N_("Not verified"),
    "revoked": N_("Revoked"),
    "suspended": N_("Suspended"),
    "expired": N_("Expired"),
    "not-yet-valid": N_("Not yet valid"),
    "status-unknown": N_("Could not check status"),
    "tampered": N_("Tampered: the signature does not match"),
    "unknown-issuer": N_("Unknown issuer"),
}
"""The headline answer of a verification, by slug."""

CHECKS: Final[dict[str, str]] = {
    "signature": N_("Signature"),
    "issuer": N_("Issuer"),
    "validity-period": N_("Validity period"),
    "revocation": N_("Revocation"),
    "suspension": N_("Suspension"),
    "required-properties": N_("Required properties"),
}
"""The name of each verification check, by slug."""

CHECK_OUTCOMES: Final[dict[str, str]] = {
    # TRANSLATORS: the outcome of one verification check ("Signature: passed"); lower case.
    "passed": N_("passed"),
    "failed": N_("failed"),
    "unknown": N_("unknown"),
}
"""The outcome of one check, by slug."""

COUNTRY_NAMES: Final[dict[Country, str]] = {
    Country.us: N_("United States"),
    Country.mx: N_("Mexico"),
    Country.ca: N_("Canada"),
}

SECTOR_NAMES: Final[dict[Sector, str]] = {
    Sector.semiconductors: N_("Semiconductors and advanced electronics"),
    Sector.critical_minerals_clean_energy: N_("Critical minerals and clean energy"),
    Sector.ev_batteries: N_("Electric vehicles and batteries"),
    Sector.biopharma_medical: N_("Biopharmaceuticals and medical supplies"),
    Sector.aerospace_defense: N_("Aerospace and defense"),
}
"""Sector names: the pages' and, through `app.standards.labels.sector_label`, the CASE
packages'."""

RECOGNITION_NAMES: Final[dict[RecognitionType, str]] = {
    RecognitionType.full: N_("Full recognition"),
    RecognitionType.partial: N_("Partial recognition"),
    RecognitionType.gap_training: N_("Gap training"),
    RecognitionType.challenge_exam: N_("Challenge exam"),
}

UNIT_KIND_NAMES: Final[dict[UnitKind, str]] = {
    UnitKind.mandatory: N_("Mandatory"),
    UnitKind.elective: N_("Elective"),
}

OUTCOME_KIND_NAMES: Final[dict[OutcomeKind, str]] = {
    OutcomeKind.knowledge: N_("Knowledge"),
    OutcomeKind.skill: N_("Skills"),
    OutcomeKind.responsibility: N_("Responsibility and autonomy"),
}

CREDENTIAL_TERMS: Final = (
    N_("Credential"),
    N_("Credential ID"),
    N_("Holder"),
    N_("Standard"),
    N_("Level"),
    N_("Sector"),
    N_("Status"),
    N_("Issued by"),
    N_("Issued on"),
    N_("Valid from"),
    N_("Valid until"),
    N_("Competencies"),
    N_("Country"),
    N_("What this credential means in your country"),
    N_("Occupation codes"),
    N_("Equivalent national credentials"),
    N_("Recognition"),
)

VERIFICATION_TERMS: Final = (
    N_("Verify a credential"),
    N_("Paste a credential (JSON or JWT)"),
    N_("Upload a file"),
    N_("Verify"),
    N_("Verification result"),
    N_("Checks"),
    N_("Check"),
    N_("Result"),
    N_("Verify another credential"),
)

CLAIM_TERMS: Final = (
    N_("Download (JSON)"),
    N_("Download (JWT)"),
    N_("Print certificate"),
    N_("Share link"),
    N_("Add to LinkedIn profile"),
    N_("Scan to verify"),
)

CERTIFICATE_TERMS: Final = (
    N_("Certificate"),
    N_("This certifies that"),
    N_("has earned the NASSC certification"),
)

CATALOG_TERMS: Final = (
    N_("Catalog of harmonized standards"),
    N_("Search"),
    N_("Search standards"),
    N_("All sectors"),
    N_("No standards match your search."),
    N_("Learning outcomes"),
    N_("Delivery in your country"),
    N_("hours"),
    N_("Home"),
)


class ErrorText(NamedTuple):
    """The heading and explanation of an HTML error page."""

    title: str
    detail: str


ERROR_TEXTS: Final[dict[int, ErrorText]] = {
    400: ErrorText(N_("Invalid request"), N_("The request could not be processed.")),
    401: ErrorText(N_("Sign-in required"), N_("Please sign in to continue.")),
    403: ErrorText(N_("Access denied"), N_("You do not have permission to view this page.")),
    404: ErrorText(
        N_("Page not found"),
        N_(
            "We could not find the page you asked for. "
            "Check the address or go back to the home page."
        ),
    ),
    405: ErrorText(N_("Action not allowed"), N_("This action is not available on this page.")),
    413: ErrorText(N_("File too large"), N_("The file or text you sent is too large.")),
    429: ErrorText(N_("Too many requests"), N_("Please wait a moment, then try again.")),
    500: ErrorText(
        N_("Something went wrong"),
        N_("An unexpected error occurred. Please try again later."),
    ),
    503: ErrorText(
        N_("Service unavailable"),
        N_("The service is temporarily unavailable. Please try again later."),
    ),
}
"""Error page texts by HTTP status; other 4xx use 400's and other 5xx use 500's."""


def error_text(status_code: int) -> ErrorText:
    """The error page texts for `status_code`."""
    if status_code in ERROR_TEXTS:
        return ERROR_TEXTS[status_code]
    return ERROR_TEXTS[500 if status_code >= 500 else 400]
