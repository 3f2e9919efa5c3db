"""Selective Disclosure for JWTs (RFC 9901), as SD-JWT VC uses it.

https://www.rfc-editor.org/rfc/rfc9901 — an issuer-signed JWT whose selectively disclosable
claims are replaced by digests, followed by the disclosures the holder chooses to show and,
for key binding, a Key Binding JWT: `<issuer-jwt>~<disclosure>~…~<disclosure>~[<kb-jwt>]`.

- A disclosure is base64url(JSON `[salt, name, value]`) for an object property and
  base64url(JSON `[salt, value]`) for an array element (§4.2); its digest is
  base64url(SHA-256(the disclosure's ASCII)) (§4.2.3). Digests go in the object's `_sd`
  array, sorted, with decoy digests beside them (§4.2.5); an array element becomes
  `{"...": digest}`.
- Verification (§7.1, §7.3) refuses: a disclosure that is not a 2- or 3-element array with a
  string salt; a claim named `_sd` or `...`; a digest referenced twice, or two identical
  disclosures; a disclosed claim whose name already exists; an array disclosure used for a
  property or the reverse; and any disclosure no digest references (never silently dropped).
- A Key Binding JWT (§4.3) has `typ` `kb+jwt`, is signed by the key in the credential's
  `cnf.jwk`, and carries `iat`, `aud`, `nonce` and `sd_hash` (the digest of everything
  before it, the last `~` included); `verify` checks each against the verifier's values.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from app.crypto import jws
from app.crypto.errors import JoseError, SdJwtError
from app.crypto.jose import MAX_TOKEN_LENGTH, CompactJws

SD_ALG: Final = "sha-256"
KB_TYP: Final = "kb+jwt"
_RESERVED_NAMES = frozenset({"_sd", "..."})
_SALT_BYTES = 16
_DECOYS = (1, 3)
"""Decoy digests added to each `_sd` array: at least the first, at most the second."""


@dataclass(frozen=True, slots=True)
class Disclosable:
    """Marks a claim value (or an array element) the holder may disclose or withhold."""

    value: Any


@dataclass(frozen=True, slots=True)
class Disclosure:
    """One disclosure: its encoded form, and the salt, claim name (None for an array
    element) and value it carries."""

    encoded: str
    salt: str
    name: str | None
    value: Any

    @property
    def digest(self) -> str:
        return _digest(self.encoded)


@dataclass(frozen=True, slots=True)
class KeyBindingExpectation:
    """What the verifier expects of the Key Binding JWT: its audience and nonce, and the
    window (seconds, at `now`) its `iat` must fall in."""

    audience: str
    nonce: str
    now: float
    max_age_seconds: int = 300
    leeway_seconds: int = 60


@dataclass(frozen=True, slots=True)
class VerifiedSdJwt:
    """An SD-JWT whose signature, disclosures and (if present) key binding verified."""

    header: dict[str, Any]
    claims: dict[str, Any]
    """The payload with every disclosed claim in place, and no `_sd`, `_sd_alg` or `...`."""
    disclosures: tuple[Disclosure, ...]
    key_binding: dict[str, Any] | None


def make_disclosure(name: str | None, value: Any, *, salt: str | None = None) -> Disclosure:
    """A disclosure of the property `name` (or of an array element, when None)."""
    if name in _RESERVED_NAMES:
        raise SdJwtError(f"a claim cannot be named {name!r}")
    salt = salt or _b64(secrets.token_bytes(_SALT_BYTES))
    parts = [salt, value] if name is None else [salt, name, value]
    encoded = _b64(json.dumps(parts, ensure_ascii=False).encode("utf-8"))
    return Disclosure(encoded=encoded, salt=salt, name=name, value=value)


def issue(
    claims: Mapping[str, Any],
    *,
    private_key: jws.PrivateKey,
    headers: Mapping[str, Any],
    never_disclosable: Iterable[str] = (),
) -> tuple[str, list[Disclosure]]:
    """Sign `claims` as an SD-JWT; every `Disclosable` value becomes a disclosure.

    Returns the serialization (issuer JWT and every disclosure, ending in `~`) and the
    disclosures. A top-level claim named in `never_disclosable` that is `Disclosable` is
    refused.
    """
    disclosures: list[Disclosure] = []
    forbidden = frozenset(never_disclosable)
    for name, value in claims.items():
        if name in forbidden and isinstance(value, Disclosable):
            raise SdJwtError(f"the claim {name!r} is never selectively disclosable")
    payload = _conceal_object(claims, disclosures)
    payload["_sd_alg"] = SD_ALG
    token = jws.sign(payload, private_key=private_key, headers=headers)
    return serialize(token, disclosures), disclosures


def serialize(token: str, disclosures: Iterable[Disclosure], key_binding_jwt: str = "") -> str:
    """`<token>~<disclosure>~…~` followed by the Key Binding JWT, if any."""
    return "~".join([token, *(disclosure.encoded for disclosure in disclosures)]) + (
        "~" + key_binding_jwt
    )


def split(serialized: str) -> tuple[str, list[Disclosure], str | None]:
    """The issuer JWT, the disclosures (decoded, unchecked against digests) and the Key
    Binding JWT (None when the serialization ends in `~`)."""
    if not isinstance(serialized, str) or "~" not in serialized:
        raise SdJwtError("malformed SD-JWT: no '~' separator")
    if len(serialized) > MAX_TOKEN_LENGTH:
        raise SdJwtError(f"malformed SD-JWT: longer than {MAX_TOKEN_LENGTH} characters")
    token, *rest = serialized.split("~")
    *encoded, key_binding = rest
    return token, [_decode_disclosure(item) for item in encoded], key_binding or None


def present(serialized: str, keep: Callable[[Disclosure], bool]) -> str:
    """The holder's side: the same SD-JWT with only the disclosures `keep` accepts (and no
    Key Binding JWT; see `bind`)."""
    token, disclosures, _ = split(serialized)
    return serialize(token, [disclosure for disclosure in disclosures if keep(disclosure)])


def bind(
    presentation: str,
    *,
    private_key: jws.PrivateKey,
    audience: str,
    nonce: str,
    issued_at: int,
) -> str:
    """The holder's side: `presentation` (ending in `~`) with its Key Binding JWT appended."""
    if not presentation.endswith("~"):
        raise SdJwtError("a presentation to bind ends in '~'")
    claims = {"iat": issued_at, "aud": audience, "nonce": nonce, "sd_hash": _digest(presentation)}
    return presentation + jws.sign(claims, private_key=private_key, headers={"typ": KB_TYP})


def verify(
    serialized: str,
    *,
    resolve_key: Callable[[CompactJws], jws.PublicKey],
    accepted_typ: Iterable[str],
    key_binding: KeyBindingExpectation | None,
) -> VerifiedSdJwt:
    """Verify an SD-JWT: the issuer's signature (key from `resolve_key(token)`, which raises
    `LookupError` for an unknown issuer or kid), `typ`, the disclosures, and, when
    `key_binding` is given, a Key Binding JWT that must then be present."""
    token_text, disclosures, kb_text = split(serialized)
    token = _decode(token_text)
    if token.header.get("typ") not in frozenset(accepted_typ):
        raise SdJwtError(f"typ {token.header.get('typ')!r} is not accepted")
    try:
        public_key = resolve_key(token)
    except LookupError as error:
        raise SdJwtError(f"the issuer's key cannot be found: {error}") from error
    _verify(token, public_key, "the issuer's signature")
    if token.payload.get("_sd_alg", SD_ALG) != SD_ALG:
        raise SdJwtError(f"_sd_alg {token.payload.get('_sd_alg')!r} is not supported")
    claims = _reveal(token.payload, disclosures)
    kb_claims = None
    if key_binding is not None:
        if kb_text is None:
            raise SdJwtError("a Key Binding JWT is required")
        presented = serialized[: len(serialized) - len(kb_text)]
        kb_claims = _verify_key_binding(kb_text, claims, presented, key_binding)
    return VerifiedSdJwt(
        header=token.header, claims=claims, disclosures=tuple(disclosures), key_binding=kb_claims
    )


def _conceal_object(claims: Mapping[str, Any], disclosures: list[Disclosure]) -> dict[str, Any]:
    payload: dict[str, Any] = {}
    digests: list[str] = []
    for name, value in claims.items():
        if name in _RESERVED_NAMES or name == "_sd_alg":
            raise SdJwtError(f"a claim cannot be named {name!r}")
        if isinstance(value, Disclosable):
            disclosure = make_disclosure(name, _conceal(value.value, disclosures))
            disclosures.append(disclosure)
            digests.append(disclosure.digest)
        else:
            payload[name] = _conceal(value, disclosures)
    if digests:
        decoys = _DECOYS[0] + secrets.randbelow(_DECOYS[1] - _DECOYS[0] + 1)
        digests.extend(_digest(_b64(secrets.token_bytes(_SALT_BYTES))) for _ in range(decoys))
        payload["_sd"] = sorted(digests)
    return payload


def _conceal(value: Any, disclosures: list[Disclosure]) -> Any:
    if isinstance(value, Mapping):
        return _conceal_object(value, disclosures)
    if isinstance(value, list | tuple):
        elements = []
        for element in value:
            if isinstance(element, Disclosable):
                disclosure = make_disclosure(None, _conceal(element.value, disclosures))
                disclosures.append(disclosure)
                elements.append({"...": disclosure.digest})
            else:
                elements.append(_conceal(element, disclosures))
        return elements
    if isinstance(value, Disclosable):
        raise SdJwtError("a Disclosable is a claim's value or an array element")
    return value


def _reveal(payload: dict[str, Any], disclosures: list[Disclosure]) -> dict[str, Any]:
    by_digest: dict[str, Disclosure] = {}
    for disclosure in disclosures:
        if disclosure.digest in by_digest:
            raise SdJwtError("the same disclosure is presented twice")
        by_digest[disclosure.digest] = disclosure
    used: set[str] = set()
    claims: dict[str, Any] = _reveal_object(payload, by_digest, used)
    unused = len(by_digest) - len(used)
    if unused:
        raise SdJwtError(f"{unused} disclosure(s) are referenced by no digest")
    claims.pop("_sd_alg", None)
    return claims


def _reveal_value(value: Any, by_digest: dict[str, Disclosure], used: set[str]) -> Any:
    if isinstance(value, dict):
        return _reveal_object(value, by_digest, used)
    if isinstance(value, list):
        revealed = []
        for element in value:
            if isinstance(element, dict) and "..." in element:
                if len(element) != 1 or not isinstance(element["..."], str):
                    raise SdJwtError("an array element digest is an object with '...' alone")
                disclosure = _claim(element["..."], by_digest, used)
                if disclosure is None:
                    continue
                if disclosure.name is not None:
                    raise SdJwtError("a property disclosure is referenced from an array")
                revealed.append(_reveal_value(disclosure.value, by_digest, used))
            else:
                revealed.append(_reveal_value(element, by_digest, used))
        return revealed
    return value


def _reveal_object(
    value: dict[str, Any], by_digest: dict[str, Disclosure], used: set[str]
) -> dict[str, Any]:
    digests = value.get("_sd", [])
    if not isinstance(digests, list) or not all(isinstance(item, str) for item in digests):
        raise SdJwtError("_sd is an array of digests")
    revealed = {
        name: _reveal_value(item, by_digest, used) for name, item in value.items() if name != "_sd"
    }
    for digest in digests:
        disclosure = _claim(digest, by_digest, used)
        if disclosure is None:
            continue
        if disclosure.name is None:
            raise SdJwtError("an array element disclosure is referenced from _sd")
        if disclosure.name in revealed:
            raise SdJwtError(f"the disclosed claim {disclosure.name!r} already exists")
        revealed[disclosure.name] = _reveal_value(disclosure.value, by_digest, used)
    return revealed


def _claim(digest: str, by_digest: dict[str, Disclosure], used: set[str]) -> Disclosure | None:
    """The disclosure of `digest` (None for a decoy or withheld claim); a digest met twice
    in the payload is refused (RFC 9901 §7.1, step 3.3)."""
    if digest in used:
        raise SdJwtError("a digest appears more than once")
    disclosure = by_digest.get(digest)
    if disclosure is not None:
        used.add(digest)
    return disclosure


def _verify_key_binding(
    kb_text: str, claims: Mapping[str, Any], presented: str, expected: KeyBindingExpectation
) -> dict[str, Any]:
    confirmation = claims.get("cnf")
    if not isinstance(confirmation, Mapping) or "jwk" not in confirmation:
        raise SdJwtError("the credential has no cnf.jwk to bind a presentation to")
    try:
        holder_key = jws.public_key_from_jwk(confirmation["jwk"])
    except JoseError as error:
        raise SdJwtError(f"cnf.jwk: {error.detail}") from error
    token = _decode(kb_text)
    if token.header.get("typ") != KB_TYP:
        raise SdJwtError(f"the Key Binding JWT's typ is not {KB_TYP}")
    _verify(token, holder_key, "the Key Binding JWT")
    kb = token.payload
    if kb.get("aud") != expected.audience:
        raise SdJwtError("the Key Binding JWT is for another audience")
    if kb.get("nonce") != expected.nonce:
        raise SdJwtError("the Key Binding JWT's nonce is not the one expected")
    if kb.get("sd_hash") != _digest(presented):
        raise SdJwtError("the Key Binding JWT's sd_hash does not match the presentation")
    issued_at = kb.get("iat")
    if not isinstance(issued_at, int | float) or isinstance(issued_at, bool):
        raise SdJwtError("the Key Binding JWT has no iat")
    if issued_at > expected.now + expected.leeway_seconds:
        raise SdJwtError("the Key Binding JWT is issued in the future")
    if issued_at < expected.now - expected.max_age_seconds:
        raise SdJwtError("the Key Binding JWT is too old")
    return kb


def _decode(text: str) -> CompactJws:
    try:
        return jws.decode(text)
    except JoseError as error:
        raise SdJwtError(error.detail) from error


def _verify(token: CompactJws, key: jws.PublicKey, what: str) -> None:
    try:
        jws.verify(token, key)
    except JoseError as error:
        raise SdJwtError(f"{what}: {error.detail}") from error


def _decode_disclosure(encoded: str) -> Disclosure:
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        if _b64(raw) != encoded:
            raise ValueError("not canonical base64url")
        parts = json.loads(raw.decode("utf-8"))
    except (ValueError, binascii.Error, RecursionError) as error:
        raise SdJwtError("malformed disclosure: not base64url JSON") from error
    if not isinstance(parts, list) or len(parts) not in (2, 3) or not isinstance(parts[0], str):
        raise SdJwtError("malformed disclosure: not [salt, name, value] or [salt, value]")
    name = parts[1] if len(parts) == 3 else None
    if len(parts) == 3 and not isinstance(name, str):
        raise SdJwtError("malformed disclosure: the claim name is not a string")
    if name in _RESERVED_NAMES:
        raise SdJwtError(f"malformed disclosure: a claim cannot be named {name!r}")
    return Disclosure(encoded=encoded, salt=parts[0], name=name, value=parts[-1])


def _digest(text: str) -> str:
    return _b64(hashlib.sha256(text.encode("ascii")).digest())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
