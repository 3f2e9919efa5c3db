"""What the engine found: one credential's checks, or a presentation's and its credentials';
and how a credential's verification is put together from its checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.verification.checks import NOT_CHECKED_DETAIL, Check, CheckName, Code, Outcome, outcome_of
from app.verification.disclosures import SelectiveDisclosure
from app.verification.forms import CredentialInput, Form
from app.verification.status_check import EntryResult
from app.verification.trust import TrustedKeys


@dataclass(frozen=True, slots=True)
class CredentialVerification:
    """Everything the engine found about one credential.

    `document` is the verified credential (None unless the proof passed): summaries and
    recognition read only this, never the unverified input. For an SD-JWT VC it is the
    verified claims, and `selective_disclosure` says what the holder disclosed and withheld.
    """

    form: Form
    checks: tuple[Check, ...]
    outcome: Outcome
    claimed_issuer: str | None
    issuer: TrustedKeys | None = None
    document: dict[str, Any] | None = None
    proof: dict[str, Any] | list[Any] | None = None
    status_entries: tuple[EntryResult, ...] = ()
    selective_disclosure: SelectiveDisclosure | None = None

    @property
    def verified(self) -> bool:
        """True only when every check passed."""
        return self.outcome is Outcome.verified

    def check(self, name: CheckName) -> Check:
        """The check called `name`."""
        return next(check for check in self.checks if check.name is name)


@dataclass(frozen=True, slots=True)
class PresentationVerification:
    """A presentation's own proof (the holder's) and each credential it holds."""

    proof: Check
    holder: str | None
    credentials: tuple[CredentialVerification, ...]
    outcome: Outcome
    challenge: str | None = None
    domain: str | None = None
    proof_input: dict[str, Any] | None = field(default=None)

    @property
    def verified(self) -> bool:
        """True when it holds credentials, all verified, and no holder proof failed.

        A presentation without a holder proof can still be verified: the credentials carry
        their issuers' signatures, which is what an employer relies on.
        """
        return self.outcome is Outcome.verified


def credential_result(
    item: CredentialInput,
    checks: tuple[Check, ...],
    claimed_issuer: str | None,
    trusted: TrustedKeys | None,
    *,
    document: dict[str, Any] | None = None,
    proof: dict[str, Any] | list[Any] | None = None,
    status_entries: tuple[EntryResult, ...] = (),
    selective_disclosure: SelectiveDisclosure | None = None,
) -> CredentialVerification:
    """The verification of `item` with its six checks, in order, and their outcome."""
    return CredentialVerification(
        form=item.form,
        checks=checks,
        outcome=outcome_of(checks),
        claimed_issuer=claimed_issuer,
        issuer=trusted,
        document=document,
        proof=proof,
        status_entries=status_entries,
        selective_disclosure=selective_disclosure,
    )


def unverified_result(
    item: CredentialInput,
    *,
    proof: Check | None,
    issuer: Check,
    schema: Check,
    claimed_issuer: str | None,
    trusted: TrustedKeys | None,
    proof_input: dict[str, Any] | list[Any] | None,
) -> CredentialVerification:
    """A credential whose proof did not pass (None: it was not attempted, for want of a
    key): its content checks are not made."""
    if proof is None:
        proof = Check.unknown(
            CheckName.proof,
            Code.not_checked,
            "Not checked: there is no trusted key to check the signature with.",
        )
    validity, revocation, suspension = (
        Check.unknown(name, Code.not_checked, NOT_CHECKED_DETAIL)
        for name in (CheckName.validity, CheckName.revocation, CheckName.suspension)
    )
    checks = (proof, issuer, validity, revocation, suspension, schema)
    return credential_result(item, checks, claimed_issuer, trusted, proof=proof_input)
