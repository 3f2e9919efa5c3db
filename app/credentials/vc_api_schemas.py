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
    credential_id: str | None = Field(
        default=None,
        alias="credentialId",
        min_length=1,
        max_length=500,
        description="What POST /credentials/status names the credential by (default: its id)",
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


class CredentialStatusItem(BaseModel):
    """One status to set: `{type, statusPurpose, status}` (`status` true sets the bit)."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    type: Literal["BitstringStatusListEntry", "BitstringStatusListCredential"] = (
        "BitstringStatusListEntry"
    )
    status_purpose: Literal["revocation", "suspension"] = Field(alias="statusPurpose")
    status: bool = True


class UpdateStatusRequest(BaseModel):
    """VC API `UpdateCredentialStatus`: the credential's id and the statuses to set."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    credential_id: str = Field(alias="credentialId", min_length=1, max_length=500)
    credential_status: CredentialStatusItem | list[CredentialStatusItem] = Field(
        alias="credentialStatus"
    )

    def items(self) -> list[CredentialStatusItem]:
        """The statuses to set, in order."""
        status = self.credential_status
        return status if isinstance(status, list) else [status]


class UpdateStatusResponse(BaseModel):
    """The credential's status after the change."""

    model_config = ConfigDict(populate_by_name=True)

    credential_id: str = Field(alias="credentialId")
    status: str
    lists_republished: list[str] = Field(alias="listsRepublished")
