"""W3C VC API issuer requests and responses (https://w3c-ccg.github.io/vc-api/#issue-credential)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.fields import MAX_JSON_DEPTH, json_depth


class IssueOptions(BaseModel):
    """`IssueCredentialOptions`: the securing mechanism and status purposes.

    Other options the VC API defines (e.g. `mandatoryPointers`) do not apply to these
    securing mechanisms and are ignored.
    """

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    securing_mechanism: Literal["DataIntegrityProof", "EnvelopingProof"] = Field(
        default="DataIntegrityProof",
        alias="securingMechanism",
        description="DataIntegrityProof (eddsa-rdfc-2022, default) or EnvelopingProof (vc+jwt)",
    )
    cryptosuite: Literal["eddsa-rdfc-2022"] | None = None
    status_purpose: str | list[str] | None = Field(
        default=None,
        alias="statusPurpose",
        description="revocation and/or suspension: adds BitstringStatusListEntry entries",
    )


class IssueCredentialRequest(BaseModel):
    """`{credential, options}`: the credential to sign (its issuer is the identity's DID)."""

    model_config = ConfigDict(extra="ignore")

    credential: dict[str, Any]
    options: IssueOptions | None = None

    @field_validator("credential")
    @classmethod
    def _not_too_deep(cls, value: dict[str, Any]) -> dict[str, Any]:
        if json_depth(value) > MAX_JSON_DEPTH:
            raise ValueError(f"the credential nests deeper than {MAX_JSON_DEPTH} levels")
        return value


class IssueCredentialResponse(BaseModel):
    """`{verifiableCredential}`: the credential with its proof, or enveloped."""

    model_config = ConfigDict(populate_by_name=True)

    verifiable_credential: dict[str, Any] = Field(alias="verifiableCredential")
