"""DCQL queries for our credentials (OpenID4VP 1.0 §6), and what a presentation may disclose.

https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#name-digital-credentials-query-l
One Credential Query per format the employer accepts, all options of one required Credential
Set: the wallet answers with one of them. Each asks for the certification itself and the
claims the employer chose, by claims path (§7); an SD-JWT VC discloses exactly those, a W3C
credential (`ldp_vc`, `jwt_vc_json`) cannot withhold anything and shows all of it.

Pure: no database, settings or clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any, Final


class Format(StrEnum):
    """The Credential Format Identifiers of OpenID4VP 1.0 Appendix B we answer to."""

    sd_jwt = "dc+sd-jwt"
    ldp_vc = "ldp_vc"
    jwt_vc_json = "jwt_vc_json"


class Claim(StrEnum):
    """What an employer may ask for besides the certification (always asked)."""

    name = "name"
    score = "score"
    units = "units"
    provider = "provider"
    assessment_date = "assessment_date"
    evidence = "evidence"


CERTIFICATION: Final = "certification"
QUERY_IDS: Final[dict[Format, str]] = {
    Format.sd_jwt: "nassc_sd_jwt",
    Format.ldp_vc: "nassc_ldp_vc",
    Format.jwt_vc_json: "nassc_jwt_vc",
}
W3C_TYPES: Final = ["VerifiableCredential", "OpenBadgeCredential"]
SD_JWT_PATHS: Final[dict[str, list[str]]] = {
    CERTIFICATION: ["achievement"],
    Claim.name: ["name"],
    Claim.score: ["score"],
    Claim.units: ["units"],
    Claim.provider: ["provider"],
    Claim.assessment_date: ["assessment_date"],
    Claim.evidence: ["evidence"],
}
"""Where each claim sits in our SD-JWT VC (`app.wallet.sd_jwt_vc.build_claims`)."""
W3C_PATHS: Final[dict[str, list[str]]] = {
    CERTIFICATION: ["credentialSubject", "achievement"],
    Claim.name: ["credentialSubject", "identifier"],
    Claim.score: ["credentialSubject", "result"],
    Claim.units: ["credentialSubject", "achievement", "alignment"],
    Claim.provider: ["credentialSubject", "source"],
    Claim.assessment_date: ["credentialSubject", "activityEndDate"],
    Claim.evidence: ["evidence"],
}
"""Where each claim sits in our Open Badges 3.0 credential."""
SD_JWT_ALWAYS: Final = frozenset(
    {"iss", "iat", "nbf", "exp", "vct", "vct#integrity", "cnf", "status", "credential_id"}
)
"""Claims of our SD-JWT VC that are never selectively disclosable (with the certification)."""


def build_query(
    *,
    formats: Sequence[Format],
    claims: Iterable[Claim],
    vct_values: Sequence[str],
    standard_code: str | None,
    sector: str | None,
) -> dict[str, Any]:
    """The DCQL query: one Credential Query per format, one of them required.

    `vct_values` are the SD-JWT VC types that qualify (one standard's, or a sector's);
    `standard_code` or `sector` restrict the W3C credentials by value (§6.3 `values`).
    """
    asked = [CERTIFICATION, *dict.fromkeys(Claim(claim) for claim in claims)]
    queries: list[dict[str, Any]] = []
    for form in dict.fromkeys(formats):
        query: dict[str, Any] = {"id": QUERY_IDS[form], "format": form.value}
        if form is Format.sd_jwt:
            query["meta"] = {"vct_values": list(vct_values)}
            query["claims"] = [{"id": name, "path": SD_JWT_PATHS[name]} for name in asked]
        else:
            query["meta"] = {"type_values": [W3C_TYPES]}
            restriction = _w3c_restriction(standard_code, sector)
            query["claims"] = [{"id": name, "path": W3C_PATHS[name]} for name in asked]
            if restriction is not None:
                query["claims"].append(restriction)
        queries.append(query)
    document: dict[str, Any] = {"credentials": queries}
    if len(queries) > 1:
        document["credential_sets"] = [
            {"options": [[query["id"]] for query in queries], "required": True}
        ]
    return document


def _w3c_restriction(standard_code: str | None, sector: str | None) -> dict[str, Any] | None:
    if standard_code is not None:
        path = ["credentialSubject", "achievement", "humanCode"]
        return {"id": "standard", "path": path, "values": [standard_code]}
    if sector is not None:
        path = ["credentialSubject", "achievement", "fieldOfStudy"]
        return {"id": "sector", "path": path, "values": [sector]}
    return None


def credential_queries(query: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The query's Credential Queries by id."""
    return {item["id"]: item for item in query.get("credentials", [])}


def asked_claims(credential_query: Mapping[str, Any]) -> list[str]:
    """The claim names (ours) a Credential Query asks for, certification first."""
    names = [item.get("id") for item in credential_query.get("claims", [])]
    return [name for name in names if name == CERTIFICATION or name in Claim.__members__]


def requested_claims(query: Mapping[str, Any]) -> list[str]:
    """The optional claims the whole query asks for (the same for every format)."""
    for credential_query in query.get("credentials", []):
        return [name for name in asked_claims(credential_query) if name != CERTIFICATION]
    return []


def value_at(document: Mapping[str, Any], path: Sequence[str]) -> Any:
    """The value at a claims path of object keys (None if absent)."""
    value: Any = document
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def unrequested_disclosures(
    credential_query: Mapping[str, Any], disclosed_names: Iterable[str]
) -> list[str]:
    """Top-level SD-JWT claims disclosed though no claim query asked for them (a wallet must
    not send more than asked: OpenID4VP §6.4.1)."""
    asked = {SD_JWT_PATHS[name][0] for name in asked_claims(credential_query)}
    return sorted(set(disclosed_names) - asked - SD_JWT_ALWAYS)


def meets_values(credential_query: Mapping[str, Any], document: Mapping[str, Any]) -> bool:
    """Whether every claim query with `values` finds one of them in `document`."""
    for claim in credential_query.get("claims", []):
        values = claim.get("values")
        if values is not None and value_at(document, claim["path"]) not in values:
            return False
    return True
