"""Requests and responses of verification: our JSON API, the W3C VC API, the trust registry."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.fields import Country, StrictBool
from app.verification.checks import CheckName, CheckStatus, Outcome
from app.verification.forms import Form
from app.verification.recognition import RecognitionRead
from app.web.standing import Standing

Did = Annotated[
    str, StringConstraints(pattern=r"^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$", max_length=500)
]

# --- POST /api/v1/verify -------------------------------------------------------------------------


class VerifyRequest(BaseModel):
    """A credential (a JSON object, a vc+jwt or an SD-JWT VC string) or a presentation.

    The endpoint also takes a bare credential (`application/vc`), a bare presentation
    (`application/vp`), a compact JWS (`application/vc+jwt`) or an SD-JWT VC
    (`application/dc+sd-jwt`) as the whole body.
    """

    credential: dict[str, Any] | str | None = None
    presentation: dict[str, Any] | None = None
    challenge: str | None = Field(
        default=None,
        description="The nonce the holder's proof must carry (an SD-JWT VC's Key Binding JWT "
        "`nonce`, a presentation proof's `challenge`); asking makes the holder's proof required.",
    )
    domain: str | None = Field(
        default=None,
        description="The audience the holder's proof must name (a Key Binding JWT's `aud`, a "
        "presentation proof's `domain`).",
    )


class CheckRead(BaseModel):
    """One check: `passed`, `failed` or `unknown` (could not check — never "fine")."""

    name: CheckName
    status: CheckStatus
    code: str = Field(description="Stable machine-readable reason")
    detail: str


class IssuerRead(BaseModel):
    """The issuer as the credential names it, and its entry in the trust registry."""

    id: str
    name: str | None
    url: str | None
    registry_name: str | None
    country: str | None
    own: bool = Field(description="Whether this service issued the credential")


class StandardRefRead(BaseModel):
    """The achievement: the NASSC standard the credential certifies."""

    code: str | None
    version: str | None
    title: str | None
    achievement_type: str | None
    level: int | None = Field(description="NASSC level 1-8, from the standards registry")
    sector: str | None


class SummaryRead(BaseModel):
    """What the credential says, shown only once its proof verified."""

    credential_id: str | None
    name: str | None
    holder_name: str | None
    standard: StandardRefRead
    issuer: IssuerRead
    awarded_at: datetime | None
    valid_from: datetime | None
    valid_until: datetime | None
    status: Standing


class ClaimRefRead(BaseModel):
    """A claim of an SD-JWT VC (`count` elements of an array when its path ends in null)."""

    path: list[str | None]
    name: str = Field(description="The path written out: `name`, `provider`, `units[]`")
    count: int
    labels: dict[str, str] = Field(description="By locale, from the vct's type metadata")


class DisclosureRead(BaseModel):
    """What the holder of an SD-JWT VC disclosed and withheld (once its proof verified)."""

    claims: dict[str, Any] = Field(description="The verified claims, every disclosure in place")
    disclosed: list[ClaimRefRead]
    withheld: list[ClaimRefRead] = Field(
        description="Claims the holder did not disclose, where knowable: array elements "
        "always, properties when the vct is a type known here"
    )
    key_bound: bool = Field(description="Whether a valid Key Binding JWT was presented")
    vct_known: bool


class CredentialVerificationRead(BaseModel):
    """The verification of one credential."""

    kind: Literal["credential"] = "credential"
    verified: bool = Field(description="True only when every check passed")
    outcome: Outcome
    format: Form
    checks: list[CheckRead]
    summary: SummaryRead | None = Field(description="Absent when the proof did not verify")
    recognition: list[RecognitionRead] = Field(
        description="For the employer's country; all three countries when it is not known"
    )
    employer_country: Country | None
    disclosure: DisclosureRead | None = Field(
        default=None, description="An SD-JWT VC's disclosures, once its proof verified"
    )


class PresentationVerificationRead(BaseModel):
    """The verification of a presentation: the holder's proof and each credential."""

    kind: Literal["presentation"] = "presentation"
    verified: bool
    outcome: Outcome
    holder: str | None
    checks: list[CheckRead] = Field(description="The presentation's own (holder) proof")
    credentials: list[CredentialVerificationRead]
    employer_country: Country | None


VerifyResponse = Annotated[
    CredentialVerificationRead | PresentationVerificationRead, Field(discriminator="kind")
]

# --- W3C VC API -----------------------------------------------------------------------------------


class _VcApiModel(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")


class VerifyCredentialOptions(_VcApiModel):
    """VC API `VerifyCredentialOptions`."""

    challenge: str | None = Field(default=None, description="every proof must carry it")
    domain: str | None = Field(default=None, description="every proof must carry it")
    checks: list[str] | None = Field(
        default=None, description="accepted; every check is always made"
    )
    return_results: StrictBool | None = Field(default=None, alias="returnResults")
    return_problem_details: StrictBool | None = Field(default=None, alias="returnProblemDetails")
    return_credential: StrictBool | None = Field(default=None, alias="returnCredential")


class VerifyCredentialRequest(_VcApiModel):
    """VC API request: a credential (or an enveloped one, or a vc+jwt string) and options."""

    verifiable_credential: dict[str, Any] | str = Field(alias="verifiableCredential")
    options: VerifyCredentialOptions | None = None


class VerifyPresentationOptions(_VcApiModel):
    """VC API `VerifyPresentationOptions`."""

    challenge: str | None = None
    domain: str | None = None
    return_presentation: StrictBool | None = Field(default=None, alias="returnPresentation")
    return_results: StrictBool | None = Field(default=None, alias="returnResults")
    return_problem_details: StrictBool | None = Field(default=None, alias="returnProblemDetails")


class VerifyPresentationRequest(_VcApiModel):
    """VC API request: a presentation and options."""

    verifiable_presentation: dict[str, Any] = Field(alias="verifiablePresentation")
    options: VerifyPresentationOptions | None = None


class ProblemDetail(BaseModel):
    """An RFC 9457-style problem object inside a VC API result."""

    type: str
    title: str
    detail: str | None = None


class InputResult(_VcApiModel):
    """A verified/input pair of the VC API results."""

    verified: bool
    input: Any = None


class StatusEntryResult(_VcApiModel):
    """A `credentialStatus` entry's result; `value` is the bit read (absent when unread)."""

    value: int | None = None
    verified: bool
    input: Any = None


class CredentialResults(_VcApiModel):
    """The VC API `results` of one credential."""

    valid_from: InputResult | None = Field(default=None, alias="validFrom")
    valid_until: InputResult | None = Field(default=None, alias="validUntil")
    credential_schema: list[InputResult] = Field(default_factory=list, alias="credentialSchema")
    credential_status: list[StatusEntryResult] = Field(
        default_factory=list, alias="credentialStatus"
    )
    proof: list[InputResult] = Field(default_factory=list)


class VerifyCredentialResult(_VcApiModel):
    """VC API `VerificationResult` of a credential."""

    verified: bool
    credential: dict[str, Any] | str | None = None
    errors: list[ProblemDetail] = Field(
        default_factory=list, description="Why it does not verify (empty when it does)"
    )
    warnings: list[ProblemDetail] = Field(
        default_factory=list,
        description="Not in our trust registry, not Open Badges 3.0, status not readable",
    )
    problem_details: list[ProblemDetail] = Field(default_factory=list, alias="problemDetails")
    results: CredentialResults | None = None


class PresentationOwnResults(_VcApiModel):
    """The presentation's own results (not its credentials')."""

    proof: list[InputResult] = Field(default_factory=list)
    holder: InputResult | None = None
    challenge: InputResult | None = None
    domain: InputResult | None = None


class PresentationResults(_VcApiModel):
    """VC API `results` of a presentation."""

    presentation: PresentationOwnResults
    credentials: list[VerifyCredentialResult]


class VerifyPresentationResult(_VcApiModel):
    """VC API `VerificationResult` of a presentation."""

    verified: bool
    verifiable_presentation: dict[str, Any] | None = Field(
        default=None, alias="verifiablePresentation"
    )
    errors: list[ProblemDetail] = Field(default_factory=list)
    warnings: list[ProblemDetail] = Field(default_factory=list)
    problem_details: list[ProblemDetail] = Field(default_factory=list, alias="problemDetails")
    results: PresentationResults | None = None


# --- trust registry -------------------------------------------------------------------------------


class TrustedIssuerCreate(BaseModel):
    """An issuer to trust, with its DID document as obtained out of band (pinned as is)."""

    model_config = ConfigDict(extra="forbid")

    did: Did
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    country: Country | None = None
    did_document: dict[str, Any] = Field(
        description="Its id must be the DID; Multikey or JsonWebKey assertion methods"
    )


class TrustedIssuerRead(BaseModel):
    """A trusted issuer; the built-in entry is this service's own DID (no id)."""

    id: int | None
    did: str
    name: str
    country: str | None
    builtin: bool
    key_ids: list[str] = Field(description="Verification methods allowed to sign credentials")
    added_by: str | None = None
    created_at: datetime | None = None


class TrustedIssuerList(BaseModel):
    """The trust registry: this service's DID, then every issuer staff added."""

    items: list[TrustedIssuerRead]
