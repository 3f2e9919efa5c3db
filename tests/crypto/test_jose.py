"""VC-JOSE (vc+jwt, EdDSA): signed with our code (PyJWT), verified by joserfc and jwcrypto too.

Then the refusals: tampering, `alg` none / HS256 keyed with the public key (algorithm
confusion) / other algorithms, key-carrying headers, a `vc` claim, unknown or wrong `kid`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from joserfc import jws as joserfc_jws
from joserfc.errors import SecurityWarning
from joserfc.jwk import OKPKey
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws

from app.crypto import jose, multikey
from app.crypto.errors import JoseError
from tests.crypto.factories import ob_credential

KID = "https://credentials.nassc.example/issuers/ca-on-001#key-1"


@pytest.fixture(scope="module")
def private_key() -> Ed25519PrivateKey:
    return multikey.generate_private_key()


@pytest.fixture(scope="module")
def token(private_key: Ed25519PrivateKey) -> str:
    return jose.sign_vc_jwt(ob_credential(), private_key=private_key, kid=KID)


def _resolver(public_key: Ed25519PublicKey) -> Callable[[str], Ed25519PublicKey]:
    return {KID: public_key}.__getitem__


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _segments(token: str) -> tuple[dict[str, Any], dict[str, Any], bytes]:
    header, payload, signature = token.split(".")
    return json.loads(_unb64(header)), json.loads(_unb64(payload)), _unb64(signature)


def _jws(header: dict[str, Any], payload: dict[str, Any], sign: Callable[[bytes], bytes]) -> str:
    """A compact JWS built by hand, so tests can make tokens our signer refuses to make."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    return f"{signing_input}.{_b64(sign(signing_input.encode()))}"


def _header(**changes: Any) -> dict[str, Any]:
    header: dict[str, Any] = {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": KID}
    header.update(changes)
    return {k: v for k, v in header.items() if v is not None}


# --- what we produce ----------------------------------------------------------------------


def test_header_is_exactly_alg_typ_cty_kid(token: str) -> None:
    header, _, signature = _segments(token)

    assert header == {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": KID}
    assert len(signature) == 64


def _signed_payload() -> dict[str, Any]:
    """What our vc+jwt carries: the credential and its OB 3.0 §8.2 registered claims."""
    credential = ob_credential()
    return {**credential, **jose.registered_claims(credential)}


def test_payload_is_the_credential_with_its_registered_claims(token: str) -> None:
    _, payload, _ = _segments(token)
    credential = ob_credential()

    assert payload == {
        **credential,
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "nbf": int(datetime.fromisoformat(credential["validFrom"]).timestamp()),
        "exp": int(datetime.fromisoformat(credential["validUntil"]).timestamp()),
    }


def test_claims_that_disagree_with_the_credential_are_refused(
    private_key: Ed25519PrivateKey,
) -> None:
    resolver = _resolver(private_key.public_key())
    for claim, value in (("jti", "urn:uuid:other"), ("nbf", 0), ("exp", 1), ("sub", "did:x:y")):
        token = _jws(_header(), {**_signed_payload(), claim: value}, private_key.sign)
        with pytest.raises(JoseError, match=claim):
            jose.verify_vc_jwt(token, resolve_key=resolver)


def test_our_verifier_accepts_our_token(token: str, private_key: Ed25519PrivateKey) -> None:
    claims = jose.verify_vc_jwt(token, resolve_key=_resolver(private_key.public_key()))

    assert claims == _signed_payload()


def test_joserfc_verifies_our_token(token: str, private_key: Ed25519PrivateKey) -> None:
    jwk = multikey.public_key_to_jwk(private_key.public_key(), kid=KID)
    key = OKPKey.import_key(dict(jwk))

    # joserfc flags the polymorphic "EdDSA" name, which RFC 9864 deprecates for "Ed25519";
    # VC-JOSE and PyJWT still use "EdDSA".
    with pytest.warns(SecurityWarning, match="RFC 9864"):
        verified = joserfc_jws.deserialize_compact(token, key, algorithms=["EdDSA"])

    assert verified.headers() == {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": KID}
    assert json.loads(verified.payload) == _signed_payload()


def test_jwcrypto_verifies_our_token(token: str, private_key: Ed25519PrivateKey) -> None:
    key = jwcrypto_jwk.JWK(**multikey.public_key_to_jwk(private_key.public_key(), kid=KID))
    verified = jwcrypto_jws.JWS()
    verified.deserialize(token)

    verified.verify(key, alg="EdDSA")

    assert json.loads(verified.payload) == _signed_payload()
    assert verified.jose_header == {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": KID}


def test_joserfc_rejects_our_token_under_another_key(token: str) -> None:
    other = multikey.public_key_to_jwk(multikey.generate_private_key().public_key(), kid=KID)

    with pytest.warns(SecurityWarning), pytest.raises(Exception, match="signature"):
        joserfc_jws.deserialize_compact(token, OKPKey.import_key(dict(other)), ["EdDSA"])


def test_we_verify_a_token_signed_by_joserfc(private_key: Ed25519PrivateKey) -> None:
    private_jwk = OKPKey.import_key(
        {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": _b64(multikey.public_key_bytes(private_key.public_key())),
            "d": _b64(multikey.private_key_bytes(private_key)),
        }
    )
    with pytest.warns(SecurityWarning):
        token = joserfc_jws.serialize_compact(
            _header(), json.dumps(ob_credential()).encode(), private_jwk, algorithms=["EdDSA"]
        )

    claims = jose.verify_vc_jwt(token, resolve_key=_resolver(private_key.public_key()))

    assert claims == ob_credential()


@pytest.mark.parametrize("field", ["proof", "vc", "vp"])
def test_signing_refuses_a_proof_or_a_vc_wrapper(
    field: str, private_key: Ed25519PrivateKey
) -> None:
    credential = ob_credential(**{field: {"type": "DataIntegrityProof"}})

    with pytest.raises(JoseError):
        jose.sign_vc_jwt(credential, private_key=private_key, kid=KID)


def test_signing_needs_a_kid(private_key: Ed25519PrivateKey) -> None:
    with pytest.raises(JoseError, match="kid"):
        jose.sign_vc_jwt(ob_credential(), private_key=private_key, kid="")


def test_a_token_decoded_once_verifies_to_the_same_payload(
    token: str, private_key: Ed25519PrivateKey
) -> None:
    jws = jose.decode_compact_jws(token)

    claims = jose.verify_vc_jwt(jws, resolve_key=_resolver(private_key.public_key()))

    assert jws.header == {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": KID}
    assert (
        claims
        == _signed_payload()
        == jose.verify_vc_jwt(token, resolve_key=_resolver(private_key.public_key()))
    )
    assert jose.decode_vc_jwt_header(jws) == jws.header


def test_a_decoded_token_is_refused_like_the_token(token: str) -> None:
    other = multikey.generate_private_key().public_key()

    with pytest.raises(JoseError, match="verification failed"):
        jose.verify_vc_jwt(jose.decode_compact_jws(token), resolve_key=_resolver(other))


# --- refusals -----------------------------------------------------------------------------


def test_a_tampered_payload_is_refused(token: str, private_key: Ed25519PrivateKey) -> None:
    header, _, signature = token.split(".")
    forged = ob_credential(name="Master Welding Inspector")
    forged_token = f"{header}.{_b64(json.dumps(forged).encode())}.{signature}"

    with pytest.raises(JoseError, match="verification failed"):
        jose.verify_vc_jwt(forged_token, resolve_key=_resolver(private_key.public_key()))


def test_a_tampered_signature_is_refused(token: str, private_key: Ed25519PrivateKey) -> None:
    header, payload, signature = token.split(".")
    flipped = bytearray(_unb64(signature))
    flipped[0] ^= 0x01

    with pytest.raises(JoseError):
        jose.verify_vc_jwt(
            f"{header}.{payload}.{_b64(bytes(flipped))}",
            resolve_key=_resolver(private_key.public_key()),
        )


def test_alg_none_is_refused_before_any_key_lookup() -> None:
    unsecured = _jws(_header(alg="none"), ob_credential(), lambda _: b"")

    with pytest.raises(JoseError, match="alg 'none'"):
        jose.verify_vc_jwt(unsecured, resolve_key=_never_called)
    with pytest.raises(JoseError, match="alg 'none'"):
        jose.verify_vc_jwt(jose.decode_compact_jws(unsecured), resolve_key=_never_called)


def test_hs256_keyed_with_the_public_key_is_refused(private_key: Ed25519PrivateKey) -> None:
    # The classic algorithm-confusion forgery: an HMAC whose secret is the public key.
    secret = multikey.public_key_bytes(private_key.public_key())
    forged = _jws(
        _header(alg="HS256"),
        ob_credential(),
        lambda data: hmac.new(secret, data, hashlib.sha256).digest(),
    )

    with pytest.raises(JoseError, match="alg 'HS256'"):
        jose.verify_vc_jwt(forged, resolve_key=_never_called)


@pytest.mark.parametrize("alg", ["RS256", "ES256", "PS256", "HS512", "Ed25519", "eddsa", None])
def test_only_eddsa_is_accepted(alg: str | None) -> None:
    token = _jws(_header(alg=alg), ob_credential(), lambda _: b"\x00" * 64)

    with pytest.raises(JoseError, match="alg"):
        jose.verify_vc_jwt(token, resolve_key=_never_called)


@pytest.mark.parametrize(
    "extra",
    [
        {"jku": "https://attacker.example/keys.json"},
        {"x5u": "https://attacker.example/cert.pem"},
        {"x5c": ["MIIB"]},
        {"crit": ["exp"]},
        {"b64": False},
    ],
)
def test_headers_that_choose_their_own_key_or_encoding_are_refused(
    extra: dict[str, Any], private_key: Ed25519PrivateKey
) -> None:
    token = _jws(_header(**extra), ob_credential(), private_key.sign)

    # PyJWT itself already refuses some (unknown `crit`, `b64` false with a payload).
    with pytest.raises(JoseError, match=r"not accepted|critical|b64"):
        jose.verify_vc_jwt(token, resolve_key=_resolver(private_key.public_key()))


def test_an_embedded_jwk_is_refused_even_when_it_is_the_signers() -> None:
    attacker = multikey.generate_private_key()
    embedded = multikey.public_key_to_jwk(attacker.public_key(), kid=KID)
    token = _jws(_header(jwk=embedded), ob_credential(), attacker.sign)

    with pytest.raises(JoseError, match="jwk"):
        jose.verify_vc_jwt(token, resolve_key=_resolver(attacker.public_key()))


def test_a_vc_claim_is_refused_even_when_signed(private_key: Ed25519PrivateKey) -> None:
    token = jwt.encode(
        {"vc": ob_credential(), "iss": "https://credentials.nassc.example/issuers/ca-on-001"},
        private_key,
        algorithm="EdDSA",
        headers={"typ": "vc+jwt", "cty": "vc", "kid": KID},
    )

    with pytest.raises(JoseError, match="vc"):
        jose.verify_vc_jwt(token, resolve_key=_resolver(private_key.public_key()))


def test_an_unknown_kid_is_refused(token: str, private_key: Ed25519PrivateKey) -> None:
    resolver = {"https://credentials.nassc.example/issuers/other#key-9": private_key.public_key()}

    with pytest.raises(JoseError, match="unknown kid"):
        jose.verify_vc_jwt(token, resolve_key=resolver.__getitem__)


def test_a_kid_that_resolves_to_another_key_is_refused(token: str) -> None:
    other = multikey.generate_private_key().public_key()

    with pytest.raises(JoseError, match="verification failed"):
        jose.verify_vc_jwt(token, resolve_key=_resolver(other))


def test_a_resolver_returning_a_non_ed25519_key_is_refused(token: str) -> None:
    def resolve(kid: str) -> Any:
        return b"not a key"

    with pytest.raises(JoseError, match="not an Ed25519"):
        jose.verify_vc_jwt(token, resolve_key=resolve)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (_header(kid=None), "kid"),
        (_header(kid=""), "kid"),
        (_header(typ="JWT"), "typ"),
        (_header(typ=None), "typ"),
        (_header(cty="json"), "cty"),
    ],
)
def test_header_requirements(
    header: dict[str, Any], message: str, private_key: Ed25519PrivateKey
) -> None:
    token = _jws(header, ob_credential(), private_key.sign)

    with pytest.raises(JoseError, match=message):
        jose.verify_vc_jwt(token, resolve_key=_resolver(private_key.public_key()))


@pytest.mark.parametrize("header", [_header(typ="application/vc+jwt"), _header(cty=None)])
def test_header_variants_the_spec_allows(
    header: dict[str, Any], private_key: Ed25519PrivateKey
) -> None:
    token = _jws(header, ob_credential(), private_key.sign)

    assert jose.verify_vc_jwt(token, resolve_key=_resolver(private_key.public_key()))


def test_iss_must_equal_the_issuer_id(private_key: Ed25519PrivateKey) -> None:
    issuer = ob_credential()["issuer"]["id"]
    good = _jws(_header(), ob_credential(iss=issuer), private_key.sign)
    bad = _jws(_header(), ob_credential(iss="https://attacker.example"), private_key.sign)
    resolver = _resolver(private_key.public_key())

    assert jose.verify_vc_jwt(good, resolve_key=resolver)["iss"] == issuer
    with pytest.raises(JoseError, match="iss"):
        jose.verify_vc_jwt(bad, resolve_key=resolver)


def test_exp_nbf_and_valid_until_are_left_to_the_verifier(
    private_key: Ed25519PrivateKey,
) -> None:
    # Crypto reads no clock: the verifier's validity check judges them (with its `now`).
    resolver = _resolver(private_key.public_key())
    lapsed = ob_credential(
        exp=int(datetime(2020, 1, 1, tzinfo=UTC).timestamp()),
        nbf=int(datetime(2999, 1, 1, tzinfo=UTC).timestamp()),
        validFrom="2999-01-01T00:00:00Z",
        validUntil="2020-01-01T00:00:00Z",
    )

    claims = jose.verify_vc_jwt(_jws(_header(), lapsed, private_key.sign), resolve_key=resolver)

    assert claims == lapsed


@pytest.mark.parametrize("token", ["", "abc", "a.b", "a.b.c.d", "!!!.e30.AA"])
def test_malformed_tokens_are_refused(token: str) -> None:
    with pytest.raises(JoseError):
        jose.verify_vc_jwt(token, resolve_key=_never_called)


def _signed_with_segments(
    private_key: Ed25519PrivateKey, header_segment: str, payload_segment: str
) -> str:
    signing_input = f"{header_segment}.{payload_segment}"
    return f"{signing_input}.{_b64(private_key.sign(signing_input.encode()))}"


def _good_header_segment() -> str:
    return _b64(json.dumps(_header()).encode())


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(lambda t: t + ".AAAA", id="extra-segment"),
        pytest.param(lambda t: t.replace(".", "..", 1), id="empty-segment"),
        pytest.param(lambda t: " " + t, id="leading-space"),
        pytest.param(lambda t: t + "\n", id="trailing-newline"),
        pytest.param(lambda t: t + "=", id="padding"),
        # `+` and `/` are base64, not base64url: a lenient decoder would accept them.
        pytest.param(lambda t: t[:-2] + "+A", id="standard-alphabet-plus"),
        pytest.param(lambda t: t[:-2] + "/A", id="standard-alphabet-slash"),
        pytest.param(lambda t: "é" + t, id="non-ascii"),
        pytest.param(lambda t: t[:-1], id="signature-length-1-mod-4"),
        pytest.param(lambda t: t[:-4], id="short-signature"),
        pytest.param(lambda t: t.rpartition(".")[0] + ".", id="empty-signature"),
        pytest.param(lambda t: t.partition(".")[2], id="no-header"),
        pytest.param(lambda t: "." + t.partition(".")[2], id="empty-header"),
        pytest.param(lambda t: t.replace(".", ".\t", 1), id="tab-in-payload"),
        pytest.param(lambda t: t.replace(".", ".é", 1), id="non-ascii-payload"),
        pytest.param(lambda t: t.replace(".", ".A=A", 1), id="padding-inside"),
    ],
)
def test_mangled_tokens_are_refused(
    mutate: Callable[[str], str], token: str, private_key: Ed25519PrivateKey
) -> None:
    with pytest.raises(JoseError):
        jose.verify_vc_jwt(mutate(token), resolve_key=_resolver(private_key.public_key()))


@pytest.mark.parametrize(
    "header_segment",
    [
        pytest.param("e30x", id="bad-base64-length"),
        pytest.param(_b64(b"not json"), id="not-json"),
        pytest.param(_b64(b"\xff\xfe{}"), id="not-utf8"),
        pytest.param(_b64(json.dumps(_header()).encode("utf-16")), id="utf-16"),
        pytest.param(_b64(b'["EdDSA"]'), id="json-array"),
        pytest.param(_b64(b"[" * 100_000 + b"]" * 100_000), id="deeply-nested"),
    ],
)
def test_a_header_that_is_not_a_json_object_is_refused(header_segment: str) -> None:
    token = f"{header_segment}.{_b64(json.dumps(ob_credential()).encode())}.{_b64(bytes(64))}"

    with pytest.raises(JoseError, match="malformed JWS"):
        jose.verify_vc_jwt(token, resolve_key=_never_called)


@pytest.mark.parametrize(
    "payload",
    [b"not json", b'["a credential"]', b"", b"\xff"],
    ids=["not-json", "json-array", "empty", "not-utf8"],
)
def test_a_signed_payload_that_is_not_a_json_object_is_refused(
    payload: bytes, private_key: Ed25519PrivateKey
) -> None:
    token = _signed_with_segments(private_key, _good_header_segment(), _b64(payload))

    with pytest.raises(JoseError, match="payload"):
        jose.verify_vc_jwt(token, resolve_key=_resolver(private_key.public_key()))


def test_a_huge_token_is_refused_before_it_is_decoded() -> None:
    huge = f"{_good_header_segment()}.{'A' * jose.MAX_TOKEN_LENGTH}.{_b64(bytes(64))}"

    with pytest.raises(JoseError, match="longer than"):
        jose.verify_vc_jwt(huge, resolve_key=_never_called)


def test_a_large_token_within_the_limit_verifies(private_key: Ed25519PrivateKey) -> None:
    large = ob_credential(description="x" * 500_000)
    token = jose.sign_vc_jwt(large, private_key=private_key, kid=KID)

    assert len(token) < jose.MAX_TOKEN_LENGTH
    assert jose.verify_vc_jwt(token, resolve_key=_resolver(private_key.public_key())) == {
        **large,
        **jose.registered_claims(large),
    }


def test_the_header_is_checked_as_sent_not_as_decoded_twice(
    token: str, private_key: Ed25519PrivateKey
) -> None:
    # Re-encoding the same header JSON differently changes the signing input: refused.
    header, payload, signature = token.split(".")
    reencoded = _b64(json.dumps(json.loads(_unb64(header)), indent=1).encode())

    with pytest.raises(JoseError, match="verification failed"):
        jose.verify_vc_jwt(
            f"{reencoded}.{payload}.{signature}", resolve_key=_resolver(private_key.public_key())
        )


def _never_called(kid: str) -> Ed25519PublicKey:
    raise AssertionError("the key was looked up for a token that should be refused first")
