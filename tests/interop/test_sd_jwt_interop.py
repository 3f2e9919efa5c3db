"""Our SD-JWT VCs and Token Status Lists, verified by the OpenWallet Foundation's libraries.

Issued here with both issuer key types, presented by a holder who withholds claims and binds
the presentation to a verifier's nonce, then checked in Node by `@sd-jwt/sd-jwt-vc` (the
signature, the disclosures, the Key Binding JWT, the status through `@sd-jwt/jwt-status-list`).
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.crypto import jws, sd_jwt
from app.crypto import token_status_list as tsl
from app.crypto.sd_jwt import Disclosable
from tests.interop.node_verifier import run_sd_jwt_verifier

NOW = 1_780_000_000
STATUS_URI = "https://credentials.nassc.example/status/tsl/1"
AUDIENCE = "https://employer.example"
NONCE = "nonce-7c1f"


def _credential(issuer: jws.PrivateKey, holder: jws.PrivateKey, index: int) -> str:
    claims: dict[str, Any] = {
        "iss": "https://credentials.nassc.example",
        "vct": "https://credentials.nassc.example/vct/nassc-mt-cpt",
        "iat": NOW - 60,
        "nbf": NOW - 60,
        "exp": NOW + 86_400,
        "cnf": {"jwk": jws.public_key_to_jwk(holder.public_key())},
        "status": {"status_list": {"idx": index, "uri": STATUS_URI}},
        "given_name": Disclosable("Ana"),
        "family_name": Disclosable("Pérez"),
        "score": Disclosable(87),
        "units": [Disclosable("U1"), Disclosable("U2")],
    }
    serialized, _ = sd_jwt.issue(
        claims, private_key=issuer, headers={"typ": "dc+sd-jwt", "kid": "key-1"}
    )
    return serialized


def _status_token(issuer: jws.PrivateKey, revoked: int) -> str:
    status_list = tsl.StatusList(131_072, bits=1)
    status_list.set(revoked, tsl.INVALID)
    claims = tsl.token_claims(
        status_list, uri=STATUS_URI, issued_at=NOW - 10, ttl=300, expires_at=NOW + 3600
    )
    return tsl.sign_token(claims, private_key=issuer, kid="key-1")


def test_the_openwallet_libraries_verify_our_sd_jwt_vcs_and_their_status() -> None:
    items = []
    for issuer in (Ed25519PrivateKey.generate(), ec.generate_private_key(ec.SECP256R1())):
        holder = ec.generate_private_key(ec.SECP256R1())
        status_token = _status_token(issuer, revoked=9)
        base = {"issuerJwk": jws.public_key_to_jwk(issuer.public_key()), "now": NOW}
        valid = sd_jwt.present(
            _credential(issuer, holder, index=4), lambda d: d.name not in {"score", None}
        )
        bound = sd_jwt.bind(
            valid, private_key=holder, audience=AUDIENCE, nonce=NONCE, issued_at=NOW
        )
        revoked = _credential(issuer, holder, index=9)
        forged = revoked.replace(revoked.split("~")[1], sd_jwt.make_disclosure("score", 99).encoded)
        header, payload, signature = revoked.split("~")[0].split(".")
        resigned = f"{header}.{payload}.{signature[:-4]}AAAA"
        tampered = revoked.replace(revoked.split("~")[0], resigned)
        items += [
            {
                **base,
                "credential": bound,
                "statusListToken": status_token,
                "keyBinding": {"aud": AUDIENCE, "nonce": NONCE},
            },
            {**base, "credential": revoked, "statusListToken": status_token},
            {**base, "credential": tampered, "statusListToken": status_token},
            {**base, "credential": forged, "statusListToken": status_token},
        ]
    results = run_sd_jwt_verifier(items)
    groups = [results[start : start + 4] for start in range(0, len(results), 4)]
    for shown, revoked_result, tampered_result, forged_result in groups:
        assert shown.verified, shown.error
        assert shown.raw["status"] == tsl.VALID
        assert shown.raw["claims"]["given_name"] == "Ana"
        assert "score" not in shown.raw["claims"]
        assert shown.raw["claims"]["units"] == []
        assert revoked_result.verified, revoked_result.error
        assert revoked_result.raw["status"] == tsl.INVALID
        assert revoked_result.raw["claims"]["score"] == 87
        assert not tampered_result.verified
        # A disclosure no digest references: the library drops it where RFC 9901 §7.1 says
        # to reject (ours refuses it: tests/crypto/test_sd_jwt.py); the forged value never
        # reaches the claims either way.
        assert not forged_result.verified or forged_result.raw["claims"].get("score") != 99
