"""Words of the verification pages that the shared vocabulary does not hold.

The engine's check details are English sentences for API clients; the pages explain each
check by its stable code instead, in the page language. Every msgid is marked with `N_`
for `pybabel extract` and translated where the page language is known.
"""

from __future__ import annotations

from typing import Final, Literal

from app.verification.checks import CheckName, CheckStatus, Code, Outcome
from app.web.standing import STANDING_NAMES
from app.web.vocabulary import N_

Tone = Literal["ok", "warn", "bad"]
"""How a verdict is drawn: its words carry the meaning, the tone only reinforces it."""

VERDICT_SLUGS: Final[dict[Outcome, str]] = {
    Outcome.verified: "verified",
    Outcome.unknown_issuer: "unknown-issuer",
    Outcome.tampered: "tampered",
    Outcome.wrong_key: "not-verified",
    Outcome.invalid: "not-verified",
    Outcome.revoked: "revoked",
    Outcome.suspended: "suspended",
    Outcome.expired: "expired",
    Outcome.not_yet_valid: "not-yet-valid",
    Outcome.status_unknown: "status-unknown",
}
"""The headline of each outcome, as a key of `app.web.vocabulary.VERDICTS`."""

VERDICT_TONES: Final[dict[Outcome, Tone]] = {
    Outcome.verified: "ok",
    Outcome.status_unknown: "warn",
    Outcome.suspended: "warn",
    Outcome.not_yet_valid: "warn",
}
"""Outcomes not listed here are drawn as failures."""

VERDICT_SYMBOLS: Final[dict[Tone, str]] = {"ok": "✓", "warn": "!", "bad": "✗"}
"""A symbol beside the verdict, hidden from screen readers (the words say it all)."""

VERDICT_EXPLANATIONS: Final[dict[Outcome, str]] = {
    Outcome.verified: N_(
        "The signature is genuine, the issuer is trusted, and the credential is valid "
        "and in good standing today."
    ),
    Outcome.unknown_issuer: N_(
        "The issuer of this credential is not in the NASSC trust registry, so it cannot be "
        "verified here."
    ),
    Outcome.tampered: N_(
        "The content of this credential was changed after it was signed. Do not rely on it."
    ),
    Outcome.wrong_key: N_(
        "This credential was signed with a key that its issuer does not use. Do not rely on it."
    ),
    Outcome.invalid: N_("This credential is incomplete or could not be read. Do not rely on it."),
    Outcome.revoked: N_(
        "The issuer has permanently withdrawn this credential. It is no longer valid."
    ),
    Outcome.suspended: N_(
        "The issuer has suspended this credential. It is not valid while it is suspended."
    ),
    Outcome.expired: N_(
        "This credential is genuine, but its validity period has ended. The holder may renew it."
    ),
    Outcome.not_yet_valid: N_(
        "This credential is genuine, but its validity period has not started yet."
    ),
    Outcome.status_unknown: N_(
        "The signature and the issuer are genuine, but we could not check whether the "
        "credential was revoked or suspended. Please try again later."
    ),
}

CHECK_SLUGS: Final[dict[CheckName, str]] = {
    CheckName.proof: "signature",
    CheckName.issuer: "issuer",
    CheckName.validity: "validity-period",
    CheckName.revocation: "revocation",
    CheckName.suspension: "suspension",
    CheckName.schema: "required-properties",
}
"""Each check's name, as a key of `app.web.vocabulary.CHECKS`."""

CHECK_SYMBOLS: Final[dict[CheckStatus, str]] = {
    CheckStatus.passed: "✓",
    CheckStatus.failed: "✗",
    CheckStatus.unknown: "?",
}

HOLDER_SIGNATURE: Final = N_("Holder's signature")
"""The name of a presentation's own check (the holder's proof)."""

CHECK_EXPLANATIONS: Final[dict[Code, str]] = {
    Code.signature_valid: N_(
        "The signature matches the content and was made with a key of the issuer."
    ),
    Code.trusted_issuer: N_("The issuer is in the NASSC trust registry."),
    Code.own_issuer: N_("The issuer is NASSC itself."),
    Code.within_validity: N_("Today falls within the validity period."),
    Code.not_revoked: N_("The issuer has not revoked it."),
    Code.not_suspended: N_("The issuer has not suspended it."),
    Code.no_status_entry: N_("The credential does not use this kind of status."),
    Code.conformant: N_("It has every property that Open Badges 3.0 requires."),
    Code.signature_mismatch: N_("The signature does not match the content."),
    Code.disclosure_mismatch: N_(
        "A disclosed claim was changed or added after the issuer signed the credential."
    ),
    Code.key_binding_failed: N_(
        "The holder's proof of possession is missing or was made for another request."
    ),
    Code.unknown_key: N_("It was signed with a key that the issuer does not publish."),
    Code.key_not_issuers: N_("It was signed with a key that belongs to someone else."),
    Code.no_proof: N_("It carries no signature."),
    Code.no_holder_proof: N_("The holder did not sign the presentation."),
    Code.holder_key_unresolvable: N_("The holder's key cannot be found without going online."),
    Code.challenge_mismatch: N_("The holder's signature was made for another request."),
    Code.unsupported_proof: N_("Its type of signature is not supported."),
    Code.malformed_proof: N_("Its signature is malformed."),
    Code.unknown_context: N_("It uses a vocabulary (JSON-LD context) that is not known here."),
    Code.unprocessable: N_("It could not be processed."),
    Code.untrusted_issuer: N_("The issuer is not in the NASSC trust registry."),
    Code.missing_issuer: N_("It does not name an issuer."),
    Code.expired: N_("Its validity period has ended."),
    Code.not_yet_valid: N_("Its validity period has not started yet."),
    Code.malformed_date: N_("One of its dates is malformed."),
    Code.revoked: N_("The issuer has revoked it."),
    Code.suspended: N_("The issuer has suspended it."),
    Code.nonconformant: N_("It lacks properties that Open Badges 3.0 requires."),
    Code.not_checked: N_("Not checked, because the signature could not be verified."),
    Code.status_list_unavailable: N_("The issuer's status list could not be read."),
    Code.status_list_not_fetched: N_(
        "The issuer's status list is on another server and was not consulted."
    ),
    Code.status_list_invalid: N_("The issuer's status list could not be verified."),
    Code.unsupported_status: N_("Its kind of status is not supported."),
}
"""One sentence per check code, so the page never shows the engine's English detail."""

SD_JWT_VC_CHECK_EXPLANATIONS: Final[dict[Code, str]] = {
    Code.signature_valid: N_(
        "The issuer's signature matches, and each claim the holder disclosed is one the "
        "issuer signed."
    ),
    Code.conformant: N_("It follows the rules of SD-JWT verifiable credentials."),
    Code.nonconformant: N_("It breaks the rules of SD-JWT verifiable credentials."),
}
"""Where an SD-JWT VC's check means something else than a JSON-LD credential's."""

STATUS_NAMES: Final = STANDING_NAMES
"""The credential's standing, in the one vocabulary of `app.web.standing`."""

NOTHING_SENT: Final = N_("Paste a credential or choose a file, then select “Verify”.")
BOTH_SENT: Final = N_("Paste a credential or choose a file, not both.")
NOT_A_CREDENTIAL: Final = N_(
    "This is not a credential that can be read. Paste the whole JSON document or the JWT "
    "text, or upload the file you received."
)
TOO_LARGE: Final = N_("This credential is too large to be verified here.")
"""Why a submitted form could not be verified at all (shown above the form)."""

NO_SUCH_CREDENTIAL: Final = N_(
    "No credential with this ID was issued by NASSC. Check the address, or ask the holder "
    "for the credential file and verify it on this site."
)
"""The explanation of the 404 page of an unknown credential id."""
