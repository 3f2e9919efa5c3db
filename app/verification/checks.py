"""The vocabulary of a verification: checks, their statuses and codes, and the outcome.

Every credential gets the same six checks, each `passed`, `failed` or `unknown`:

| check        | what it answers                                                        |
|--------------|------------------------------------------------------------------------|
| `proof`      | the signature (Data Integrity proof or JWS) matches, by the issuer's key |
| `issuer`     | the issuer's DID is in the trust registry                              |
| `validity`   | now lies within `validFrom` … `validUntil`                             |
| `revocation` | the issuer's revocation list does not list it                          |
| `suspension` | the issuer's suspension list does not list it                          |
| `schema`     | the document has the Open Badges 3.0 / VCDM 2.0 required properties    |

`unknown` means "could not check", never "fine": a status list that cannot be read leaves
`revocation` unknown, and an unknown check keeps `verified` false.

The outcome is one slug per credential, chosen by this precedence (first match wins):

1. `unknown-issuer` — the issuer is not in the trust registry (nothing else is believable);
   `invalid` if the credential names no issuer at all.
2. `tampered` — the signature does not match the content (signature or payload changed),
   or an SD-JWT disclosure was edited or added.
   `wrong-key` — signed with a key that is not a current key of the issuer (unknown,
   retired, or another DID's). `invalid` — no usable proof, an unsupported proof type, or a
   document that cannot be processed (e.g. a JSON-LD context that is not pinned).
3. `invalid` — the signed document lacks required Open Badges 3.0 properties.
4. `revoked` — then `suspended`: the issuer's own statements outrank the calendar, and
   revocation (permanent) outranks suspension (reversible).
5. `expired` — then `not-yet-valid` (`invalid` for a malformed date).
6. `status-unknown` — every check that could run passed, but a status list could not be
   read. The proof and issuer are fine; revocation is simply not known.
7. `verified` — every check passed.

Integrity comes first because a document whose proof fails may say anything about its
dates or status; definite failures come before `status-unknown` so an expired credential
whose list is unreachable still reads "expired".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from app.crypto.errors import DATA_INTEGRITY_ERRORS, STATUS_LIST_ERRORS
from app.errors import PROBLEM_BASE


class CheckName(StrEnum):
    """The checks every credential gets, in the order they are reported."""

    proof = "proof"
    issuer = "issuer"
    validity = "validity"
    revocation = "revocation"
    suspension = "suspension"
    schema = "schema"


class CheckStatus(StrEnum):
    """A check's result; `unknown` means it could not be checked."""

    passed = "passed"
    failed = "failed"
    unknown = "unknown"


class Outcome(StrEnum):
    """The one-word answer for a credential (or presentation); see the module docstring."""

    verified = "verified"
    unknown_issuer = "unknown-issuer"
    tampered = "tampered"
    wrong_key = "wrong-key"
    invalid = "invalid"
    revoked = "revoked"
    suspended = "suspended"
    expired = "expired"
    not_yet_valid = "not-yet-valid"
    status_unknown = "status-unknown"


class Code(StrEnum):
    """Machine-readable reasons a check reports (stable; clients may branch on them)."""

    # passed
    signature_valid = "signature-valid"
    trusted_issuer = "trusted-issuer"
    own_issuer = "own-issuer"
    within_validity = "within-validity"
    not_revoked = "not-revoked"
    not_suspended = "not-suspended"
    no_status_entry = "no-status-entry"
    conformant = "conformant"
    # failed
    signature_mismatch = "signature-mismatch"
    unknown_key = "unknown-key"
    key_not_issuers = "key-not-issuers"
    no_proof = "no-proof"
    no_holder_proof = "no-holder-proof"
    holder_key_unresolvable = "holder-key-unresolvable"
    challenge_mismatch = "challenge-mismatch"
    disclosure_mismatch = "disclosure-mismatch"
    key_binding_failed = "key-binding-failed"
    unsupported_proof = "unsupported-proof"
    malformed_proof = "malformed-proof"
    unknown_context = "unknown-context"
    unprocessable = "unprocessable"
    untrusted_issuer = "untrusted-issuer"
    missing_issuer = "missing-issuer"
    expired = "expired"
    not_yet_valid = "not-yet-valid"
    malformed_date = "malformed-date"
    revoked = "revoked"
    suspended = "suspended"
    nonconformant = "nonconformant"
    # unknown
    not_checked = "not-checked"
    status_list_unavailable = "status-list-unavailable"
    status_list_not_fetched = "status-list-not-fetched"
    status_list_invalid = "status-list-invalid"
    unsupported_status = "unsupported-status"


@dataclass(frozen=True, slots=True)
class Check:
    """One check's result: its status, a stable code and a sentence for people."""

    name: CheckName
    status: CheckStatus
    code: Code
    detail: str

    @classmethod
    def passed(cls, name: CheckName, code: Code, detail: str) -> Check:
        """A passed check."""
        return cls(name, CheckStatus.passed, code, detail)

    @classmethod
    def failed(cls, name: CheckName, code: Code, detail: str) -> Check:
        """A failed check."""
        return cls(name, CheckStatus.failed, code, detail)

    @classmethod
    def unknown(cls, name: CheckName, code: Code, detail: str) -> Check:
        """A check that could not be made."""
        return cls(name, CheckStatus.unknown, code, detail)


NOT_CHECKED_DETAIL: Final = (
    "Not checked: the proof could not be verified, so the content is not trusted."
)

_PROOF_OUTCOMES: Final = {
    Code.signature_mismatch: Outcome.tampered,
    Code.disclosure_mismatch: Outcome.tampered,
    Code.unknown_key: Outcome.wrong_key,
    Code.key_not_issuers: Outcome.wrong_key,
}
_VALIDITY_OUTCOMES: Final = {
    Code.expired: Outcome.expired,
    Code.not_yet_valid: Outcome.not_yet_valid,
}

OUTCOME_PRECEDENCE: Final[tuple[Outcome, ...]] = (
    Outcome.unknown_issuer,
    Outcome.tampered,
    Outcome.wrong_key,
    Outcome.invalid,
    Outcome.revoked,
    Outcome.suspended,
    Outcome.expired,
    Outcome.not_yet_valid,
    Outcome.status_unknown,
    Outcome.verified,
)
"""Most to least severe; used to summarize several credentials (a presentation) in one slug."""


def outcome_of(checks: Sequence[Check]) -> Outcome:
    """The outcome of a credential's checks, by the precedence of the module docstring."""
    by_name = {check.name: check for check in checks}

    def failed(name: CheckName) -> Check | None:
        check = by_name.get(name)
        return check if check is not None and check.status is CheckStatus.failed else None

    if (issuer := failed(CheckName.issuer)) is not None:
        return Outcome.unknown_issuer if issuer.code is Code.untrusted_issuer else Outcome.invalid
    if (proof := failed(CheckName.proof)) is not None:
        return _PROOF_OUTCOMES.get(proof.code, Outcome.invalid)
    if by_name.get(CheckName.proof) is None or by_name[CheckName.proof].status is not (
        CheckStatus.passed
    ):
        return Outcome.invalid
    if failed(CheckName.schema) is not None:
        return Outcome.invalid
    if failed(CheckName.revocation) is not None:
        return Outcome.revoked
    if failed(CheckName.suspension) is not None:
        return Outcome.suspended
    if (validity := failed(CheckName.validity)) is not None:
        return _VALIDITY_OUTCOMES.get(validity.code, Outcome.invalid)
    if any(check.status is not CheckStatus.passed for check in checks):
        return Outcome.status_unknown
    return Outcome.verified


def outcome_of_proof(check: Check) -> Outcome:
    """The outcome a failed proof check stands for (`tampered`, `wrong-key` or `invalid`)."""
    return _PROOF_OUTCOMES.get(check.code, Outcome.invalid)


def most_severe(outcomes: Iterable[Outcome]) -> Outcome:
    """The most severe of several outcomes (`verified` when there are none)."""
    ranked = sorted(outcomes, key=OUTCOME_PRECEDENCE.index)
    return ranked[0] if ranked else Outcome.verified


# --- problem types -----------------------------------------------------------------------------

VCDM_ERRORS: Final = "https://www.w3.org/TR/vc-data-model#"
VERIFICATION_PROBLEMS: Final = PROBLEM_BASE + "verification/"

_PROBLEM_TYPES: Final[dict[Code, tuple[str, str]]] = {
    Code.signature_mismatch: (
        DATA_INTEGRITY_ERRORS + "PROOF_VERIFICATION_ERROR",
        "The signature does not match the credential",
    ),
    Code.unknown_key: (
        DATA_INTEGRITY_ERRORS + "PROOF_VERIFICATION_ERROR",
        "The credential is signed with a key the issuer does not publish",
    ),
    Code.key_not_issuers: (
        DATA_INTEGRITY_ERRORS + "PROOF_VERIFICATION_ERROR",
        "The credential is signed with another party's key",
    ),
    Code.no_proof: (VCDM_ERRORS + "PARSING_ERROR", "The credential has no proof"),
    Code.no_holder_proof: (
        VERIFICATION_PROBLEMS + "no-holder-proof",
        "The presentation carries no holder proof",
    ),
    Code.holder_key_unresolvable: (
        VERIFICATION_PROBLEMS + "holder-key-unresolvable",
        "The holder's key cannot be resolved without the network",
    ),
    Code.challenge_mismatch: (
        DATA_INTEGRITY_ERRORS + "PROOF_VERIFICATION_ERROR",
        "The proof's challenge or domain is not the expected one",
    ),
    Code.disclosure_mismatch: (
        VERIFICATION_PROBLEMS + "disclosure-mismatch",
        "A disclosure does not match the signed credential",
    ),
    Code.key_binding_failed: (
        VERIFICATION_PROBLEMS + "key-binding-failed",
        "The holder's key binding is missing or not the expected one",
    ),
    Code.unsupported_proof: (
        DATA_INTEGRITY_ERRORS + "PROOF_VERIFICATION_ERROR",
        "The proof type is not supported",
    ),
    Code.malformed_proof: (VCDM_ERRORS + "PARSING_ERROR", "The proof is malformed"),
    Code.unknown_context: (
        VCDM_ERRORS + "PARSING_ERROR",
        "The credential uses a JSON-LD context that is not known here",
    ),
    Code.unprocessable: (
        DATA_INTEGRITY_ERRORS + "PROOF_TRANSFORMATION_ERROR",
        "The credential cannot be processed",
    ),
    Code.untrusted_issuer: (
        VERIFICATION_PROBLEMS + "untrusted-issuer",
        "The issuer is not in the trust registry",
    ),
    Code.missing_issuer: (VCDM_ERRORS + "PARSING_ERROR", "The credential names no issuer"),
    Code.expired: (VERIFICATION_PROBLEMS + "expired", "The credential has expired"),
    Code.not_yet_valid: (
        VERIFICATION_PROBLEMS + "not-yet-valid",
        "The credential is not valid yet",
    ),
    Code.malformed_date: (VCDM_ERRORS + "MALFORMED_VALUE_ERROR", "A date is malformed"),
    Code.revoked: (VERIFICATION_PROBLEMS + "revoked", "The credential has been revoked"),
    Code.suspended: (VERIFICATION_PROBLEMS + "suspended", "The credential is suspended"),
    Code.nonconformant: (
        VERIFICATION_PROBLEMS + "nonconformant",
        "The credential breaks the rules of its format (Open Badges 3.0 or SD-JWT VC)",
    ),
    Code.not_checked: (VERIFICATION_PROBLEMS + "not-checked", "Not checked"),
    Code.status_list_unavailable: (
        STATUS_LIST_ERRORS + "STATUS_RETRIEVAL_ERROR",
        "The status list could not be retrieved",
    ),
    Code.status_list_not_fetched: (
        STATUS_LIST_ERRORS + "STATUS_RETRIEVAL_ERROR",
        "The status list is on another host and was not fetched",
    ),
    Code.status_list_invalid: (
        STATUS_LIST_ERRORS + "STATUS_VERIFICATION_ERROR",
        "The status list could not be verified",
    ),
    Code.unsupported_status: (
        VERIFICATION_PROBLEMS + "unsupported-status",
        "The status mechanism is not supported",
    ),
}


def problem_type(code: Code) -> tuple[str, str]:
    """The RFC 9457 `type` URL and `title` of a failed or unknown check's code.

    Spec-defined types are used where the spec has one (Data Integrity, VCDM 2.0, Bitstring
    Status List); the others are this service's own.
    """
    return _PROBLEM_TYPES.get(code, (VERIFICATION_PROBLEMS + code.value, code.value))
