"""Reading the forms a credential arrives in, before anything is verified.

Accepted forms:
- a compact JWS `application/vc+jwt` string (https://www.w3.org/TR/vc-jose-cose/);
- an SD-JWT VC `application/dc+sd-jwt` (`<issuer-jwt>~<disclosure>~…~[<kb-jwt>]`,
  https://datatracker.ietf.org/doc/draft-ietf-oauth-sd-jwt-vc/), with or without key binding;
- a JSON credential secured with an embedded Data Integrity proof (`application/vc`);
- a `VerifiablePresentation` (`application/vp`) holding either of the above, a JWS inside
  an `EnvelopedVerifiableCredential` (`data:application/vc+jwt,…`,
  https://www.w3.org/TR/vc-data-model-2.0/#enveloped-verifiable-credentials), or an SD-JWT
  VC in one (`data:application/dc+sd-jwt,…`).
- on the W3C VC API endpoints only (`legacy_jwt`), the VC Data Model 1.1 JWT encoding
  (https://www.w3.org/TR/vc-data-model-1.1/#json-web-token): a JWT whose `vc` (or `vp`)
  claim holds the credential (or presentation), enveloped as `data:application/jwt,…`
  (`app.verification.vc_jwt_v1` checks it).

Input that is not recognisably one of these raises `UnverifiableInput` (a 400 problem).
Input that is recognisably a credential but broken (no proof, a bad header) is parsed and
left to the engine, which answers `invalid`. Nothing here fetches or trusts anything:
`claimed` values are what the input says, before any signature is checked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from app.crypto import sd_jwt
from app.crypto.errors import JoseError, SdJwtError
from app.crypto.jose import CompactJws, decode_compact_jws
from app.crypto.vcdm import (
    ENVELOPED_VC_TYPE,
    ENVELOPED_VP_TYPE,
    VC_JWT_DATA_URL,
    VC_JWT_MEDIA_TYPE,
    VC_MEDIA_TYPE,
    VC_TYPE,
    VCDM_V2_CONTEXT,
    VP_JWT_DATA_URL,
    VP_MEDIA_TYPE,
    VP_TYPE,
)
from app.errors import MalformedJSON
from app.fields import MAX_JSON_DEPTH, json_depth
from app.verification.errors import (
    DocumentTooLarge,
    PresentationTooLarge,
    UnsupportedCredentialMediaType,
    UnverifiableInput,
)

SD_JWT_VC_DATA_URL: Final = "data:application/dc+sd-jwt,"
JWT_DATA_URL: Final = "data:application/jwt,"
"""RFC 7519's media type: the VC Data Model 1.1 JWT encoding (a `vc` or `vp` claim)."""
MAX_PRESENTED_CREDENTIALS: Final = 10
"""A presentation holding more is refused: each Data Integrity proof costs milliseconds of CPU."""
MAX_DOCUMENT_DEPTH: Final = 2 * MAX_JSON_DEPTH
"""A presentation holds credentials: twice what a credential may nest."""
MAX_DOCUMENT_BYTES: Final = 256 * 1024
"""A JSON credential or presentation larger than this is refused before any canonicalization:
RDF canonicalization time grows with the document, and ours are about 16 KB."""

JSON_MEDIA_TYPES: Final = frozenset({"application/json", "application/ld+json"})
VC_MEDIA_TYPES: Final = frozenset({VC_MEDIA_TYPE, "application/vc+ld+json"})
VP_MEDIA_TYPES: Final = frozenset({VP_MEDIA_TYPE, "application/vp+ld+json"})
SD_JWT_VC_MEDIA_TYPE: Final = "application/dc+sd-jwt"
SD_JWT_VC_TYPS: Final = frozenset({"dc+sd-jwt", "vc+sd-jwt"})
"""The issuer JWT's `typ`: `dc+sd-jwt`, and the earlier drafts' `vc+sd-jwt` wallets still send."""
ACCEPTED_MEDIA_TYPES: Final = (
    "application/json",
    VC_JWT_MEDIA_TYPE,
    SD_JWT_VC_MEDIA_TYPE,
    VC_MEDIA_TYPE,
    VP_MEDIA_TYPE,
)


class Form(StrEnum):
    """The securing mechanism a credential arrived with."""

    vc_jwt = "vc+jwt"
    data_integrity = "data-integrity"
    sd_jwt_vc = "dc+sd-jwt"
    jwt_vc_1_1 = "jwt"
    """A JWT whose `vc` claim holds the credential (VC Data Model 1.1 §6.3.1); VC API only."""


@dataclass(frozen=True, slots=True)
class CredentialInput:
    """One credential to verify: its form, the JWS (for vc+jwt) and the claimed document.

    For a vc+jwt, `claimed` and `header` are the JWS payload and protected header decoded
    *without* checking anything; the engine uses them only to find the issuer and the key
    to check the signature with, then verifies `jws` (the same decoding). For an SD-JWT VC
    they are the issuer JWT's (digests in place of the disclosable claims), `token` is the
    whole serialization and `jws` the issuer JWT.
    """

    form: Form
    claimed: dict[str, Any]
    token: str | None = None
    header: dict[str, Any] | None = None
    jws: CompactJws | None = None


@dataclass(frozen=True, slots=True)
class PresentationInput:
    """A presentation and the credentials it holds (parsed, not verified)."""

    document: dict[str, Any]
    credentials: list[CredentialInput] = field(default_factory=list)
    jws: CompactJws | None = None
    """The holder's JWS when the presentation came enveloped (vp+jwt); `document` is its
    payload."""
    legacy_jwt: bool = False
    """The JWS is a VC Data Model 1.1 JWT (`data:application/jwt,…`): `document` is its `vp`
    claim."""


Submission = CredentialInput | PresentationInput


def types_of(document: dict[str, Any]) -> list[str]:
    """The `type` values of a JSON-LD object (a string or a list of strings)."""
    value = document.get("type")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def parse_body(body: bytes, media_type: str) -> Submission:
    """The submission carried by a request body of `media_type` (see the module docstring).

    `application/json` takes `{"credential": …}`, `{"presentation": …}` (or the VC API's
    `verifiableCredential` / `verifiablePresentation`), or a bare credential or presentation.
    """
    if media_type == VC_JWT_MEDIA_TYPE:
        return credential_from_token(_text(body))
    if media_type == SD_JWT_VC_MEDIA_TYPE:
        return credential_from_sd_jwt(_text(body))
    if media_type in VC_MEDIA_TYPES:
        return credential_from_value(_json(body))
    if media_type in VP_MEDIA_TYPES:
        return presentation_from_value(_json(body))
    if media_type in JSON_MEDIA_TYPES:
        return submission_from_json(_json(body))
    raise UnsupportedCredentialMediaType(
        f"Send a credential as {', '.join(ACCEPTED_MEDIA_TYPES)}.",
        accepted=list(ACCEPTED_MEDIA_TYPES),
    )


@dataclass(frozen=True, slots=True)
class HolderBinding:
    """What the holder's proof must carry, as the verifier asks: a `challenge` (a Data
    Integrity or JWT holder proof's challenge, an SD-JWT VC Key Binding JWT's `nonce`) and a
    `domain` (its domain, the KB-JWT's `aud`). Nothing asked: None for both."""

    challenge: str | None = None
    domain: str | None = None


def parse_request(body: bytes, media_type: str) -> tuple[Submission, HolderBinding]:
    """`parse_body`, and the `challenge` and `domain` a wrapped JSON body asks for
    (`{"credential": …, "challenge": …, "domain": …}`)."""
    if media_type not in JSON_MEDIA_TYPES:
        return parse_body(body, media_type), HolderBinding()
    value = _json(body)
    return submission_from_json(value), _holder_binding(value)


def _holder_binding(value: Any) -> HolderBinding:
    if not isinstance(value, dict) or not any(key in value for key in _WRAPPERS):
        return HolderBinding()
    asked = {name: value.get(name) for name in ("challenge", "domain")}
    for name, given in asked.items():
        if given is not None and (not isinstance(given, str) or not given):
            raise UnverifiableInput(f"{name} must be a non-empty string.")
    return HolderBinding(challenge=asked["challenge"], domain=asked["domain"])


def submission_from_json(value: Any) -> Submission:
    """A credential or presentation from a JSON body, wrapped or bare."""
    if not isinstance(value, dict):
        raise UnverifiableInput("The body must be a JSON object.")
    # A bare document first: a presentation holds its credentials under
    # `verifiableCredential`, which is also the name of a VC API wrapper.
    types = types_of(value)
    if VP_TYPE in types or ENVELOPED_VP_TYPE in types:
        return presentation_from_value(value)
    if VC_TYPE in types or ENVELOPED_VC_TYPE in types:
        return credential_from_value(value)
    wrappers = [key for key in _WRAPPERS if key in value]
    if len(wrappers) > 1:
        raise UnverifiableInput(f"Send one of {', '.join(_WRAPPERS)}, not several.")
    if wrappers:
        key = wrappers[0]
        inner = value[key]
        if key in ("presentation", "verifiablePresentation"):
            return presentation_from_value(inner)
        return credential_from_value(inner)
    return credential_from_value(value)  # not a credential: says why


_WRAPPERS: Final = ("credential", "presentation", "verifiableCredential", "verifiablePresentation")


def credential_from_value(value: Any, *, legacy_jwt: bool = False) -> CredentialInput:
    """A credential from a JSON value: a secured object, an enveloped JWS, or a JWS string
    (with `legacy_jwt`, also an enveloped VC Data Model 1.1 JWT)."""
    if isinstance(value, str):
        text = value.strip()
        return credential_from_sd_jwt(text) if "~" in text else credential_from_token(text)
    if not isinstance(value, dict):
        raise UnverifiableInput("A credential is a JSON object, a vc+jwt or an SD-JWT VC string.")
    types = types_of(value)
    if ENVELOPED_VC_TYPE in types:
        return _enveloped(value, legacy_jwt=legacy_jwt)
    if VP_TYPE in types:
        raise UnverifiableInput("This is a presentation; send it as a presentation.")
    if VC_TYPE not in types:
        raise UnverifiableInput("The object's type does not include VerifiableCredential.")
    _require_size(value)
    return CredentialInput(form=Form.data_integrity, claimed=value)


def presentation_from_value(value: Any, *, legacy_jwt: bool = False) -> PresentationInput:
    """A presentation from a JSON value, with each credential it holds parsed (with
    `legacy_jwt`, VC Data Model 1.1 JWTs are accepted too, see the module docstring)."""
    jws = None
    legacy = False
    if isinstance(value, dict) and ENVELOPED_VP_TYPE in types_of(value):
        jws, legacy = _enveloped_presentation(value, legacy_jwt=legacy_jwt)
        value = jws.payload.get("vp") if legacy else jws.payload
    if not isinstance(value, dict) or VP_TYPE not in types_of(value):
        raise UnverifiableInput(
            "A presentation is an object whose type has VerifiablePresentation."
        )
    _require_size(value)
    held = value.get("verifiableCredential", [])
    items = held if isinstance(held, list) else [held]
    if len(items) > MAX_PRESENTED_CREDENTIALS:
        raise PresentationTooLarge(
            f"A presentation may hold at most {MAX_PRESENTED_CREDENTIALS} credentials.",
            max_credentials=MAX_PRESENTED_CREDENTIALS,
        )
    return PresentationInput(
        document=value,
        credentials=[credential_from_value(i, legacy_jwt=legacy_jwt) for i in items],
        jws=jws,
        legacy_jwt=legacy,
    )


def credential_from_token(token: str) -> CredentialInput:
    """A vc+jwt credential: a compact JWS whose header and payload are JSON objects.

    Decoded once (`jose.decode_compact_jws`): the engine verifies the same decoding.
    """
    try:
        jws = decode_compact_jws(token)
    except JoseError as error:
        raise UnverifiableInput(
            "A vc+jwt is a compact JWS: three base64url parts joined by dots, its header and "
            "payload JSON objects."
        ) from error
    if not jws.signature:
        raise UnverifiableInput("The JWS has no signature.")
    return CredentialInput(
        form=Form.vc_jwt, claimed=jws.payload, token=token, header=jws.header, jws=jws
    )


def credential_from_sd_jwt(serialized: str) -> CredentialInput:
    """An SD-JWT VC: the issuer JWT decoded (not verified), then `~`-separated disclosures
    and an optional Key Binding JWT (read by the engine, `app.verification.sd_jwt_vc`)."""
    try:
        token, _, _ = sd_jwt.split(serialized)
        issuer_jwt = decode_compact_jws(token)
    except (SdJwtError, JoseError) as error:
        raise UnverifiableInput(
            "An SD-JWT VC is an issuer-signed compact JWS followed by '~'-separated "
            "disclosures and, for key binding, a Key Binding JWT."
        ) from error
    if not issuer_jwt.signature:
        raise UnverifiableInput("The SD-JWT's issuer JWT has no signature.")
    return CredentialInput(
        form=Form.sd_jwt_vc,
        claimed=issuer_jwt.payload,
        token=serialized,
        header=issuer_jwt.header,
        jws=issuer_jwt,
    )


def _check_envelope(value: dict[str, Any], kind: str) -> None:
    """VCDM 2.0 §4.13: an envelope's first @context is the base context (it defines the
    envelope's terms) and its type is the envelope type."""
    context = value.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if not contexts or contexts[0] != VCDM_V2_CONTEXT:
        raise UnverifiableInput(f"An {kind}'s first @context must be {VCDM_V2_CONTEXT}.")
    if value.get("type") not in (kind, [kind]):
        raise UnverifiableInput(f"An {kind}'s type must be {kind}.")


def _enveloped_presentation(value: dict[str, Any], *, legacy_jwt: bool) -> tuple[CompactJws, bool]:
    """The holder's JWS inside an EnvelopedVerifiablePresentation (`data:application/vp+jwt,…`
    or, with `legacy_jwt`, `data:application/jwt,…`), and whether it is the latter."""
    _check_envelope(value, ENVELOPED_VP_TYPE)
    identifier = value.get("id")
    legacy = legacy_jwt and isinstance(identifier, str) and identifier.startswith(JWT_DATA_URL)
    prefix = JWT_DATA_URL if legacy else VP_JWT_DATA_URL
    if not isinstance(identifier, str) or not identifier.startswith(prefix):
        raise UnverifiableInput(
            f"An EnvelopedVerifiablePresentation's id must be a {VP_JWT_DATA_URL}… data URL."
        )
    try:
        jws = decode_compact_jws(identifier.removeprefix(prefix).strip())
    except JoseError as error:
        raise UnverifiableInput("The enveloped presentation is not a compact JWS.") from error
    if not jws.signature:
        raise UnverifiableInput("The JWS has no signature.")
    if legacy and not isinstance(jws.payload.get("vp"), dict):
        raise UnverifiableInput("An application/jwt presentation holds it in its vp claim.")
    return jws, legacy


def _enveloped(value: dict[str, Any], *, legacy_jwt: bool) -> CredentialInput:
    _check_envelope(value, ENVELOPED_VC_TYPE)
    identifier = value.get("id")
    if isinstance(identifier, str) and identifier.startswith(SD_JWT_VC_DATA_URL):
        return credential_from_sd_jwt(identifier.removeprefix(SD_JWT_VC_DATA_URL).strip())
    if legacy_jwt and isinstance(identifier, str) and identifier.startswith(JWT_DATA_URL):
        return _legacy_credential(identifier.removeprefix(JWT_DATA_URL).strip())
    if not isinstance(identifier, str) or not identifier.startswith(VC_JWT_DATA_URL):
        raise UnverifiableInput(
            f"An EnvelopedVerifiableCredential's id must be a {VC_JWT_DATA_URL}… or "
            f"{SD_JWT_VC_DATA_URL}… data URL."
        )
    return credential_from_token(identifier.removeprefix(VC_JWT_DATA_URL).strip())


def _legacy_credential(token: str) -> CredentialInput:
    """A VC Data Model 1.1 JWT: `claimed` is its `vc` claim (the JWT's own claims are the
    JWS payload, checked against it by `app.verification.vc_jwt_v1`)."""
    item = credential_from_token(token)
    credential = item.claimed.get("vc")
    if not isinstance(credential, dict) or VC_TYPE not in types_of(credential):
        raise UnverifiableInput("An application/jwt credential holds it in its vc claim.")
    _require_size(credential)
    return CredentialInput(
        form=Form.jwt_vc_1_1, claimed=credential, token=token, header=item.header, jws=item.jws
    )


def _require_size(document: dict[str, Any]) -> None:
    if json_depth(document, limit=MAX_DOCUMENT_DEPTH) > MAX_DOCUMENT_DEPTH:
        raise UnverifiableInput(f"The document nests deeper than {MAX_DOCUMENT_DEPTH} levels.")
    try:
        size = len(json.dumps(document, ensure_ascii=False, separators=(",", ":")))
    except (ValueError, RecursionError) as error:
        raise UnverifiableInput("The document cannot be serialized as JSON.") from error
    if size > MAX_DOCUMENT_BYTES:
        raise DocumentTooLarge(
            f"A credential or presentation may be at most {MAX_DOCUMENT_BYTES} bytes of JSON.",
            max_bytes=MAX_DOCUMENT_BYTES,
        )


def _text(body: bytes) -> str:
    try:
        return body.decode("ascii").strip()
    except UnicodeDecodeError as error:
        raise UnverifiableInput("A vc+jwt or SD-JWT VC body is ASCII text.") from error


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as error:
        raise MalformedJSON() from error
