"""W3C VC API issuer requests and responses (https://w3c-ccg.github.io/vc-api/#issue-credential)."""

from __future__ import annotations

from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


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


MAX_DEPTH: Final = 32
"""Deeper JSON is refused before any processing: JSON-LD expansion and canonicalization
recurse once per level, and no credential needs more."""


def _depth(value: Any) -> int:
    """The nesting depth of a JSON value, counted without recursion (stops past the limit)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if level > MAX_DEPTH:
            return level
        deepest = max(deepest, level)
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        )
        stack.extend((child, level + 1) for child in children)
    return deepest


class IssueCredentialRequest(BaseModel):
    """`{credential, options}`: the credential to sign (its issuer is the identity's DID)."""

    model_config = ConfigDict(extra="ignore")

    credential: dict[str, Any]
    options: IssueOptions | None = None

    @field_validator("credential")
    @classmethod
    def _not_too_deep(cls, value: dict[str, Any]) -> dict[str, Any]:
        if _depth(value) > MAX_DEPTH:
            raise ValueError(f"the credential nests deeper than {MAX_DEPTH} levels")
        return value


class IssueCredentialResponse(BaseModel):
    """`{verifiableCredential}`: the credential with its proof, or enveloped."""

    model_config = ConfigDict(populate_by_name=True)

    verifiable_credential: dict[str, Any] = Field(alias="verifiableCredential")
