"""SD-JWT (RFC 9901): issuance, the holder's choice, key binding, and what a verifier refuses.

Signatures are checked a second time with jwcrypto (we sign with PyJWT), and the digest rule
with RFC 9901's own example disclosure.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws

from app.crypto import jws, sd_jwt
from app.crypto.errors import SdJwtError
from app.crypto.jose import CompactJws
from app.crypto.sd_jwt import Disclosable, KeyBindingExpectation

TYP = "dc+sd-jwt"
NOW = 1_780_000_000
AUDIENCE = "https://employer.example"
NONCE = "n-0S6_WzA2Mj"


def _keys() -> list[jws.PrivateKey]:
    return [Ed25519PrivateKey.generate(), ec.generate_private_key(ec.SECP256R1())]


@pytest.fixture(params=["EdDSA", "ES256"])
def issuer_key(request: pytest.FixtureRequest) -> jws.PrivateKey:
    return _keys()[0 if request.param == "EdDSA" else 1]


@pytest.fixture
def holder_key() -> jws.PrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _claims(holder: jws.PrivateKey) -> dict[str, Any]:
    return {
        "iss": "https://credentials.nassc.example",
        "vct": "https://credentials.nassc.example/vct/nassc-mt-cpt",
        "nbf": NOW - 10,
        "cnf": {"jwk": jws.public_key_to_jwk(holder.public_key())},
        "given_name": Disclosable("Ana"),
        "score": Disclosable(87),
        "units": [Disclosable({"code": "U1", "title": "Safety"}), Disclosable("U2"), "U3"],
        "provider": Disclosable({"name": "CECATI 5", "country": Disclosable("MX")}),
    }


def _issue(issuer: jws.PrivateKey, holder: jws.PrivateKey) -> tuple[str, list[sd_jwt.Disclosure]]:
    return sd_jwt.issue(
        _claims(holder),
        private_key=issuer,
        headers={"typ": TYP, "kid": "key-1"},
        never_disclosable={"iss", "vct", "nbf", "exp", "cnf", "status"},
    )


def _resolver(issuer: jws.PrivateKey):  # type: ignore[no-untyped-def]
    def resolve(token: CompactJws) -> jws.PublicKey:
        if token.header.get("kid") != "key-1":
            raise KeyError(token.header.get("kid"))
        return issuer.public_key()

    return resolve


def _verify(issuer: jws.PrivateKey, serialized: str, kb: KeyBindingExpectation | None = None):  # type: ignore[no-untyped-def]
    return sd_jwt.verify(
        serialized, resolve_key=_resolver(issuer), accepted_typ={TYP}, key_binding=kb
    )


def _expect(now: int = NOW) -> KeyBindingExpectation:
    return KeyBindingExpectation(audience=AUDIENCE, nonce=NONCE, now=now)


def test_rfc_9901_example_disclosure_digest() -> None:
    # RFC 9901 §5.1: the disclosure of family_name "Möbius" and its SHA-256 digest.
    encoded = "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0"
    disclosure = sd_jwt.split(f"eyJhbGciOiJFUzI1NiJ9.e30.c2ln~{encoded}~")[1][0]
    assert (disclosure.salt, disclosure.name, disclosure.value) == (
        "_26bc4LT-ac6q2KI6cBW5es",
        "family_name",
        "Möbius",
    )
    assert disclosure.digest == "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0"


def test_everything_disclosed_round_trips(issuer_key: jws.PrivateKey, holder_key) -> None:  # type: ignore[no-untyped-def]
    serialized, disclosures = _issue(issuer_key, holder_key)
    verified = _verify(issuer_key, serialized)
    assert verified.claims["given_name"] == "Ana"
    assert verified.claims["score"] == 87
    assert verified.claims["units"] == [{"code": "U1", "title": "Safety"}, "U2", "U3"]
    assert verified.claims["provider"] == {"name": "CECATI 5", "country": "MX"}
    assert "_sd_alg" not in verified.claims and "_sd" not in verified.claims["provider"]
    assert len(verified.disclosures) == len(disclosures) == 6


def test_the_payload_hides_disclosable_claims_behind_sorted_digests_and_decoys(
    issuer_key: jws.PrivateKey, holder_key: jws.PrivateKey
) -> None:
    serialized, disclosures = _issue(issuer_key, holder_key)
    payload = jws.decode(serialized.split("~")[0]).payload
    assert payload["_sd_alg"] == "sha-256"
    assert not {"given_name", "score", "provider"} & set(payload)
    assert {"iss", "vct", "nbf", "cnf"} <= set(payload)
    top = {d.digest for d in disclosures if d.name in {"given_name", "score", "provider"}}
    assert top < set(payload["_sd"]), "decoy digests sit beside the real ones"
    assert payload["_sd"] == sorted(payload["_sd"])
    assert payload["units"][2] == "U3" and set(payload["units"][0]) == {"..."}


def test_an_independent_library_verifies_the_issuer_signature(
    issuer_key: jws.PrivateKey, holder_key: jws.PrivateKey
) -> None:
    serialized, _ = _issue(issuer_key, holder_key)
    public = jwcrypto_jwk.JWK.from_json(json.dumps(jws.public_key_to_jwk(issuer_key.public_key())))
    token = jwcrypto_jws.JWS()
    token.deserialize(serialized.split("~")[0])
    token.verify(public)
    assert json.loads(token.payload)["_sd_alg"] == "sha-256"


def test_the_holder_withholds_and_the_verifier_sees_only_what_was_shown(
    issuer_key: jws.PrivateKey, holder_key: jws.PrivateKey
) -> None:
    serialized, _ = _issue(issuer_key, holder_key)
    shown = sd_jwt.present(serialized, lambda d: d.name in {"given_name", "provider"})
    verified = _verify(issuer_key, shown)
    assert verified.claims["given_name"] == "Ana"
    assert "score" not in verified.claims
    assert verified.claims["units"] == ["U3"]
    assert verified.claims["provider"] == {"name": "CECATI 5"}


def test_key_binding_verifies_with_the_holder_key(
    issuer_key: jws.PrivateKey, holder_key: jws.PrivateKey
) -> None:
    serialized, _ = _issue(issuer_key, holder_key)
    bound = sd_jwt.bind(
        sd_jwt.present(serialized, lambda d: d.name == "given_name"),
        private_key=holder_key,
        audience=AUDIENCE,
        nonce=NONCE,
        issued_at=NOW,
    )
    verified = _verify(issuer_key, bound, _expect())
    assert verified.key_binding is not None and verified.key_binding["aud"] == AUDIENCE
    assert verified.claims["given_name"] == "Ana"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"audience": "https://other.example"}, "another audience"),
        ({"nonce": "replayed"}, "nonce"),
        ({"issued_at": NOW - 3600}, "too old"),
        ({"issued_at": NOW + 3600}, "future"),
        ({"signer": "other"}, "signature"),
    ],
)
def test_a_wrong_key_binding_is_refused(
    issuer_key: jws.PrivateKey, holder_key: jws.PrivateKey, change: dict[str, Any], message: str
) -> None:
    serialized, _ = _issue(issuer_key, holder_key)
    signer = ec.generate_private_key(ec.SECP256R1()) if change.get("signer") else holder_key
    bound = sd_jwt.bind(
        serialized,
        private_key=signer,
        audience=change.get("audience", AUDIENCE),
        nonce=change.get("nonce", NONCE),
        issued_at=change.get("issued_at", NOW),
    )
    with pytest.raises(SdJwtError, match=message):
        _verify(issuer_key, bound, _expect())


def test_a_key_binding_over_other_disclosures_is_refused(
    issuer_key: jws.PrivateKey, holder_key: jws.PrivateKey
) -> None:
    serialized, disclosures = _issue(issuer_key, holder_key)
    presented = sd_jwt.present(serialized, lambda d: d.name == "given_name")
    bound = sd_jwt.bind(
        presented, private_key=holder_key, audience=AUDIENCE, nonce=NONCE, issued_at=NOW
    )
    token, shown, kb = sd_jwt.split(bound)
    score = next(d for d in disclosures if d.name == "score")
    added = sd_jwt.serialize(token, [*shown, score], kb or "")
    with pytest.raises(SdJwtError, match="sd_hash"):
        _verify(issuer_key, added, _expect())


def test_a_missing_key_binding_is_refused_when_required(
    issuer_key: jws.PrivateKey, holder_key: jws.PrivateKey
) -> None:
    serialized, _ = _issue(issuer_key, holder_key)
    with pytest.raises(SdJwtError, match="required"):
        _verify(issuer_key, serialized, _expect())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_an_edited_disclosure_is_refused(
    issuer_key: jws.PrivateKey, holder_key: jws.PrivateKey
) -> None:
    serialized, disclosures = _issue(issuer_key, holder_key)
    score = next(d for d in disclosures if d.name == "score")
    forged = _b64(json.dumps([score.salt, "score", 100]).encode())
    with pytest.raises(SdJwtError, match="referenced by no digest"):
        _verify(issuer_key, serialized.replace(score.encoded, forged))


def test_an_added_disclosure_is_refused_not_dropped(
    issuer_key: jws.PrivateKey, holder_key: jws.PrivateKey
) -> None:
    serialized, _ = _issue(issuer_key, holder_key)
    extra = sd_jwt.make_disclosure("level", "expert")
    with pytest.raises(SdJwtError, match="referenced by no digest"):
        _verify(issuer_key, serialized + extra.encoded + "~")


def test_a_repeated_disclosure_is_refused(
    issuer_key: jws.PrivateKey, holder_key: jws.PrivateKey
) -> None:
    serialized, disclosures = _issue(issuer_key, holder_key)
    with pytest.raises(SdJwtError, match="twice"):
        _verify(issuer_key, serialized + disclosures[0].encoded + "~")


def test_a_tampered_issuer_payload_is_refused(
    issuer_key: jws.PrivateKey, holder_key: jws.PrivateKey
) -> None:
    serialized, _ = _issue(issuer_key, holder_key)
    header, payload, signature = serialized.split("~")[0].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["iss"] = "https://evil.example"
    forged = ".".join([header, _b64(json.dumps(claims).encode()), signature])
    with pytest.raises(SdJwtError, match="signature"):
        _verify(issuer_key, serialized.replace(serialized.split("~")[0], forged))


@pytest.mark.parametrize("alg", ["none", "HS256", "ES256K", "RS256"])
def test_algorithms_other_than_the_keys_own_are_refused(
    holder_key: jws.PrivateKey, alg: str
) -> None:
    issuer = Ed25519PrivateKey.generate()
    serialized, _ = _issue(issuer, holder_key)
    _, payload, signature = serialized.split("~")[0].split(".")
    header = _b64(json.dumps({"alg": alg, "typ": TYP, "kid": "key-1"}).encode())
    forged = serialized.replace(serialized.split("~")[0], f"{header}.{payload}.{signature}")
    with pytest.raises(SdJwtError, match="alg"):
        _verify(issuer, forged)


def test_a_disclosure_reused_under_another_digest_place_is_refused(holder_key) -> None:  # type: ignore[no-untyped-def]
    issuer = Ed25519PrivateKey.generate()
    element = sd_jwt.make_disclosure(None, "U9")
    claims = {"iss": "i", "_sd_alg": "sha-256", "_sd": [element.digest]}
    token = jws.sign(claims, private_key=issuer, headers={"typ": TYP, "kid": "key-1"})
    with pytest.raises(SdJwtError, match="array element disclosure"):
        _verify(issuer, sd_jwt.serialize(token, [element]))


def test_a_disclosed_name_that_already_exists_is_refused() -> None:
    issuer = Ed25519PrivateKey.generate()
    disclosure = sd_jwt.make_disclosure("iss", "https://evil.example")
    claims = {"iss": "https://credentials.nassc.example", "_sd": [disclosure.digest]}
    token = jws.sign(claims, private_key=issuer, headers={"typ": TYP, "kid": "key-1"})
    with pytest.raises(SdJwtError, match="already exists"):
        _verify(issuer, sd_jwt.serialize(token, [disclosure]))


def test_a_digest_used_twice_is_refused() -> None:
    issuer = Ed25519PrivateKey.generate()
    disclosure = sd_jwt.make_disclosure("a", 1)
    claims = {"_sd": [disclosure.digest], "nested": {"_sd": [disclosure.digest]}}
    token = jws.sign(claims, private_key=issuer, headers={"typ": TYP, "kid": "key-1"})
    with pytest.raises(SdJwtError, match="more than once"):
        _verify(issuer, sd_jwt.serialize(token, [disclosure]))


@pytest.mark.parametrize(
    "disclosure",
    [
        "not base64!",
        _b64(b'["salt"]'),
        _b64(b'[1, "a", 2]'),
        _b64(b'["salt", 5, 2]'),
        _b64(b'["salt", "_sd", 2]'),
        _b64(b'{"salt": "a"}'),
    ],
)
def test_malformed_disclosures_are_refused(disclosure: str) -> None:
    with pytest.raises(SdJwtError, match="malformed disclosure"):
        sd_jwt.split(f"eyJhbGciOiJFZERTQSJ9.e30.c2ln~{disclosure}~")


def test_never_disclosable_claims_cannot_be_made_disclosable(holder_key) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SdJwtError, match="never selectively disclosable"):
        sd_jwt.issue(
            {"vct": Disclosable("x")},
            private_key=Ed25519PrivateKey.generate(),
            headers={"typ": TYP},
            never_disclosable={"vct"},
        )


def test_an_unknown_issuer_key_is_refused(holder_key: jws.PrivateKey) -> None:
    issuer = Ed25519PrivateKey.generate()
    serialized, _ = sd_jwt.issue(
        _claims(holder_key), private_key=issuer, headers={"typ": TYP, "kid": "key-2"}
    )
    with pytest.raises(SdJwtError, match="cannot be found"):
        _verify(issuer, serialized)


def test_a_holder_jwk_with_a_private_member_is_refused(issuer_key: jws.PrivateKey) -> None:
    holder = Ed25519PrivateKey.generate()
    claims = _claims(holder)
    claims["cnf"]["jwk"]["d"] = _b64(hashlib.sha256(b"leaked").digest())
    serialized, _ = sd_jwt.issue(
        claims, private_key=issuer_key, headers={"typ": TYP, "kid": "key-1"}
    )
    bound = sd_jwt.bind(
        serialized, private_key=holder, audience=AUDIENCE, nonce=NONCE, issued_at=NOW
    )
    with pytest.raises(SdJwtError, match="private members"):
        _verify(issuer_key, bound, _expect())
