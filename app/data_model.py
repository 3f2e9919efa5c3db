"""The VCDM 2.0 (and 1.1) structural rules of credentials and presentations, each broken rule
with its own problem type: what the W3C VC API issuer refuses to sign (422), and what the VC
API verifier refuses to call verified (400, whoever signed it).

https://www.w3.org/TR/vc-data-model-2.0/ — the checks are structural (the JSON shape the
data model requires); what JSON-LD itself refuses (undefined terms, redefined protected
terms, malformed value objects) is found when the credential is canonicalized for signing
(`InvalidJsonLd`). Pure: no database, clock or settings.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from app.crypto.data_integrity import is_xsd_datetime
from app.crypto.multibase import MultibaseError, decode_base58btc
from app.crypto.vcdm import VC_TYPE, VCDM_V1_CONTEXT, VCDM_V2_CONTEXT, VP_TYPE
from app.errors import ValidationFailed

BASE_CONTEXTS: Final = (VCDM_V2_CONTEXT, VCDM_V1_CONTEXT)
_URL: Final = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$")
_SRI: Final = re.compile(r"^(sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})$")
_SRI_ALGORITHMS: Final = {
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
    "sha512": hashlib.sha512,
}
_LANGUAGE_VALUE_KEYS: Final = frozenset({"@value", "@language", "@direction"})
KNOWN_DIGESTS: Final[dict[str, dict[str, str]]] = {
    # The VCDM 2.0 base context as w3.org serves it (its bytes differ from the npm copy we
    # pin). SHA-256 as published in VCDM 2.0 §B.1 "Base Context"; SHA-384 as used by the
    # W3C vc-data-model-2.0 test suite for the same resource.
    VCDM_V2_CONTEXT: {
        "sha256": "24a18c90e9856d526111f29376e302d970b2bd10182e33959995b0207d7043b9",
        "sha384": (
            "35239c36999d2155312091af194a1edb61634d6ad789a5e5"
            "b19f2aebdd762dd9d1dcaada40eda7ef921c6b8c0ae107a0"
        ),
    },
}
"""Digests of related resources known without fetching them: a relatedResource naming one
of these must carry the same digest."""


class InvalidCredential(ValidationFailed):
    slug = "invalid-credential"
    title = "The credential does not follow the Verifiable Credentials data model"


class InvalidCredentialContext(InvalidCredential):
    slug = "invalid-credential-context"
    title = "The credential's first @context must be the VCDM 2.0 (or 1.1) base context"


class InvalidCredentialType(InvalidCredential):
    slug = "invalid-credential-type"
    title = "The credential's type must include VerifiableCredential"


class InvalidCredentialSubject(InvalidCredential):
    slug = "invalid-credential-subject"
    title = "The credential needs a credentialSubject with at least one claim"


class InvalidIdentifier(InvalidCredential):
    slug = "invalid-identifier"
    title = "An id must be a single URL"


class InvalidIssuer(InvalidCredential):
    slug = "invalid-issuer"
    title = "The issuer must be a URL, or an object whose id is one"


class IssuerMismatch(InvalidCredential):
    slug = "issuer-mismatch"
    title = "The credential's issuer is not the identity this endpoint issues as"


class InvalidValidityPeriod(InvalidCredential):
    slug = "invalid-validity-period"
    title = "validFrom and validUntil must be dateTimeStamps, validUntil not before validFrom"


class InvalidLanguageValue(InvalidCredential):
    slug = "invalid-language-value"
    title = "name and description are strings or language value objects"


class InvalidRelatedResource(InvalidCredential):
    slug = "invalid-related-resource"
    title = "relatedResource entries need a unique URL id and a matching digest"


class InvalidTypedEntry(InvalidCredential):
    slug = "invalid-typed-entry"
    title = (
        "credentialStatus, credentialSchema, refreshService, evidence and termsOfUse "
        "entries must be objects with a type"
    )


class InvalidJsonLd(InvalidCredential):
    slug = "invalid-json-ld"
    title = "The credential is not JSON-LD that can be signed without loss"


def is_url(value: Any) -> bool:
    """Whether `value` is an absolute URL (a scheme, no whitespace): VCDM §4.4 identifiers."""
    return isinstance(value, str) and _URL.match(value) is not None


def as_list(value: Any) -> list[Any]:
    """A JSON-LD set as a list (one value or an array)."""
    return value if isinstance(value, list) else [value]


def check_credential(credential: Mapping[str, Any], *, issuer_did: str | None) -> None:
    """Every structural rule of the data model a credential must meet (in order: contexts,
    types, id, issuer, subject, dates, names, typed entries, related resources).

    `issuer_did`: the identity issuing it (its issuer must be that DID); None when verifying
    (any URL)."""
    _check_context(credential.get("@context"))
    _check_types(credential.get("type"), VC_TYPE)
    if "id" in credential and not is_url(credential["id"]):
        raise InvalidIdentifier("The credential's id must be a single URL.")
    check_issuer(credential.get("issuer"), issuer_did=issuer_did)
    _check_subject(credential.get("credentialSubject"))
    _check_validity(credential)
    for key in ("name", "description"):
        if key in credential:
            _check_language_value(credential[key], key)
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        for key in ("name", "description"):
            if key in issuer:
                _check_language_value(issuer[key], f"issuer.{key}")
    for key in ("credentialStatus", "credentialSchema", "refreshService", "evidence", "termsOfUse"):
        if key in credential:
            _check_typed_entries(key, credential[key], id_required=key == "credentialSchema")
    if "relatedResource" in credential:
        check_related_resources(credential["relatedResource"])


def check_presentation(presentation: Mapping[str, Any]) -> None:
    """The structural rules of a presentation itself (VCDM §4.13): its contexts, a type with
    `VerifiablePresentation`, a URL `id` and `holder` (a URL or an object with a URL id)."""
    _check_context(presentation.get("@context"), what="presentation")
    _check_types(presentation.get("type"), VP_TYPE, what="presentation")
    if "id" in presentation and not is_url(presentation["id"]):
        raise InvalidIdentifier("The presentation's id must be a single URL.")
    if "holder" in presentation:
        holder = presentation["holder"]
        if not is_url(holder.get("id") if isinstance(holder, Mapping) else holder):
            raise InvalidIdentifier("The holder must be a URL, or an object with a URL id.")


def _check_context(context: Any, *, what: str = "credential") -> None:
    contexts = as_list(context) if context is not None else []
    if not contexts or contexts[0] not in BASE_CONTEXTS:
        raise InvalidCredentialContext(f"The {what}'s first @context must be {VCDM_V2_CONTEXT}.")
    for item in contexts[1:]:
        if isinstance(item, str):
            if not is_url(item):
                raise InvalidCredentialContext(f"The @context {item!r} is not a URL.")
        elif not isinstance(item, Mapping):
            raise InvalidCredentialContext("Each @context is a URL or an object.")


def _check_types(types: Any, required: str, *, what: str = "credential") -> None:
    values = as_list(types) if types is not None else []
    if not all(isinstance(value, str) and value for value in values):
        raise InvalidCredentialType(f"Each type of the {what} is a non-empty string.")
    if required not in values:
        raise InvalidCredentialType(f"The {what}'s type must include {required}.")


def check_issuer(issuer: Any, *, issuer_did: str | None) -> None:
    """The issuer is a URL, as a string or as an object whose `id` it is; `issuer_did`, when
    given, must be that URL."""
    issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    if not is_url(issuer_id):
        raise InvalidIssuer("The issuer must be a URL, or an object with a URL id.")
    if issuer_did is not None and issuer_id != issuer_did:
        raise IssuerMismatch(f"This endpoint issues as {issuer_did}, not {issuer_id}.")


def _check_subject(subject: Any) -> None:
    subjects = as_list(subject) if subject is not None else []
    if not subjects:
        raise InvalidCredentialSubject("The credential has no credentialSubject.")
    for item in subjects:
        if not isinstance(item, Mapping) or not item:
            raise InvalidCredentialSubject("Each credentialSubject is an object with claims.")
        if "id" in item and not is_url(item["id"]):
            raise InvalidIdentifier("credentialSubject.id must be a single URL.")


def _parse_date(credential: Mapping[str, Any], key: str) -> datetime | None:
    if key not in credential:
        return None
    value = credential[key]
    if not isinstance(value, str) or not is_xsd_datetime(value):
        raise InvalidValidityPeriod(f"{key} must be an XML Schema dateTimeStamp.")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise InvalidValidityPeriod(f"{key} needs a time zone (Z or an offset).")
    return moment


def _check_validity(credential: Mapping[str, Any]) -> None:
    start = _parse_date(credential, "validFrom") or _parse_date(credential, "issuanceDate")
    end = _parse_date(credential, "validUntil") or _parse_date(credential, "expirationDate")
    if start is not None and end is not None and end < start:
        raise InvalidValidityPeriod("validUntil is before validFrom.")


def _check_language_value(value: Any, where: str) -> None:
    for item in as_list(value):
        if isinstance(item, str):
            continue
        if (
            not isinstance(item, Mapping)
            or not isinstance(item.get("@value"), str)
            or not set(item) <= _LANGUAGE_VALUE_KEYS
        ):
            raise InvalidLanguageValue(
                f"{where} must be a string or objects with @value, @language and @direction."
            )


def _check_typed_entries(key: str, value: Any, *, id_required: bool) -> None:
    entries = as_list(value)
    if not entries:
        raise InvalidTypedEntry(f"{key} is empty.")
    for entry in entries:
        if not isinstance(entry, Mapping):
            raise InvalidTypedEntry(f"Each {key} entry is an object.")
        types = as_list(entry.get("type")) if entry.get("type") is not None else []
        if not types or not all(isinstance(item, str) and item for item in types):
            raise InvalidTypedEntry(f"Each {key} entry needs a type.")
        if "id" in entry and not is_url(entry["id"]):
            raise InvalidIdentifier(f"{key}.id must be a single URL.")
        if id_required and "id" not in entry:
            raise InvalidIdentifier(f"Each {key} entry needs an id.")


def check_related_resources(value: Any) -> None:
    """VCDM §5.3: each entry an object with a unique URL `id` and a well-formed `digestSRI`
    (W3C SRI: sha256/384/512 and base64 of that length) or `digestMultibase` (a multibase
    SHA-2 digest or multihash). The resource is not fetched: the digest binds the
    credential to its content for whoever does."""
    seen: set[str] = set()
    for entry in as_list(value):
        if not isinstance(entry, Mapping) or not is_url(entry.get("id")):
            raise InvalidRelatedResource("Each relatedResource is an object with a URL id.")
        resource_id: str = entry["id"]
        if resource_id in seen:
            raise InvalidRelatedResource(f"relatedResource {resource_id} is listed twice.")
        seen.add(resource_id)
        if "digestSRI" not in entry and "digestMultibase" not in entry:
            raise InvalidRelatedResource(f"relatedResource {resource_id} has no digest.")
        if "digestSRI" in entry:
            _check_sri(entry["digestSRI"], resource_id)
        if "digestMultibase" in entry:
            _check_multibase_digest(entry["digestMultibase"], resource_id)


def _check_sri(value: Any, resource_id: str) -> None:
    match = _SRI.match(value) if isinstance(value, str) else None
    if match is None:
        raise InvalidRelatedResource(f"digestSRI of {resource_id} is not sha256/384/512-base64.")
    try:
        digest = base64.b64decode(match.group(2), validate=True)
    except binascii.Error:
        raise InvalidRelatedResource(f"digestSRI of {resource_id} is not base64.") from None
    algorithm = _SRI_ALGORITHMS[match.group(1)]
    if len(digest) != algorithm().digest_size:
        raise InvalidRelatedResource(f"digestSRI of {resource_id} has the wrong length.")
    _check_known(resource_id, match.group(1), digest)


def _check_multibase_digest(value: Any, resource_id: str) -> None:
    """A multibase (`u` base64url or `z` base58btc) multihash (sha2-256 or sha2-384)."""
    if not isinstance(value, str) or len(value) < 2:
        raise InvalidRelatedResource(f"digestMultibase of {resource_id} is not multibase.")
    try:
        if value[0] == "u":
            raw = base64.urlsafe_b64decode(value[1:] + "=" * (-len(value[1:]) % 4))
        elif value[0] == "z":
            raw = decode_base58btc(value, max_length=128)
        else:
            raise InvalidRelatedResource(f"digestMultibase of {resource_id} is not u… or z….")
    except (binascii.Error, ValueError, MultibaseError):
        raise InvalidRelatedResource(
            f"digestMultibase of {resource_id} cannot be decoded."
        ) from None
    # Multihash: a code (0x12 sha2-256, 0x20 sha2-384) and a length byte, then the digest.
    algorithms = {0x12: hashlib.sha256, 0x20: hashlib.sha384}
    if len(raw) < 2 or raw[0] not in algorithms or raw[1] != len(raw) - 2:
        # A bare digest (no multihash header) is accepted when it has a SHA-2 length.
        names = {32: "sha256", 48: "sha384", 64: "sha512"}
        if len(raw) not in names:
            raise InvalidRelatedResource(f"digestMultibase of {resource_id} is not a digest.")
        _check_known(resource_id, names[len(raw)], raw)
        return
    algorithm = algorithms[raw[0]]
    if len(raw) - 2 != algorithm().digest_size:
        raise InvalidRelatedResource(f"digestMultibase of {resource_id} has the wrong length.")
    _check_known(resource_id, algorithm().name, raw[2:])


def _check_known(resource_id: str, algorithm: str, digest: bytes) -> None:
    """A digest of a resource in `KNOWN_DIGESTS` must be its published digest."""
    known = KNOWN_DIGESTS.get(resource_id, {}).get(algorithm)
    if known is not None and digest.hex() != known:
        raise InvalidRelatedResource(f"The {algorithm} digest does not match {resource_id}.")
