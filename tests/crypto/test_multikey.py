"""Ed25519 Multikey, JWK and did:key values: known answers, round trips, refusals."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from app.crypto import multikey
from app.crypto.errors import InvalidMultikeyError
from app.crypto.multibase import encode_base58btc

KEYS_DIR = Path(__file__).resolve().parents[1] / "keys"


def _rfc8037_key() -> dict[str, str]:
    value = json.loads((KEYS_DIR / "rfc8037-a1-ed25519.json").read_text(encoding="utf-8"))
    assert isinstance(value, dict)
    return value


def test_rfc8037_a2_public_key_from_private_key() -> None:
    # RFC 8037 Appendix A.1 private key; A.2 gives its public key.
    jwk = _rfc8037_key()
    private_key = multikey.private_key_from_multibase(
        encode_base58btc(b"\x80\x26" + _b64decode(jwk["d"]))
    )

    public = multikey.public_key_to_jwk(private_key.public_key(), kid="rfc8037")

    assert public == {"kty": "OKP", "crv": "Ed25519", "x": jwk["x"], "kid": "rfc8037"}
    assert multikey.public_key_from_jwk(public) is not None


def test_public_multikey_round_trip_starts_z6mk() -> None:
    public_key = multikey.generate_private_key().public_key()

    value = multikey.public_key_to_multibase(public_key)

    assert value.startswith("z6Mk")
    assert multikey.public_key_bytes(multikey.public_key_from_multibase(value)) == (
        multikey.public_key_bytes(public_key)
    )


def test_secret_multikey_round_trip() -> None:
    private_key = multikey.generate_private_key()

    value = multikey.private_key_to_multibase(private_key)

    restored = multikey.private_key_from_multibase(value)
    assert multikey.private_key_bytes(restored) == multikey.private_key_bytes(private_key)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(encode_base58btc(b"\x80\x24" + b"\x02" * 33), id="p256-header"),
        pytest.param(encode_base58btc(b"\x80\x26" + b"\x01" * 32), id="secret-key-header"),
        pytest.param(encode_base58btc(b"\xed\x01" + b"\x01" * 31), id="short"),
        pytest.param(encode_base58btc(b"\xed\x01" + b"\x01" * 33), id="long"),
        pytest.param(encode_base58btc(b"\x01" * 32), id="no-header"),
        pytest.param("u7QE" + "A" * 43, id="base64url"),
        pytest.param("z6Mk0OIl", id="not-base58"),
        pytest.param("z" + "2" * 500, id="too-long-to-decode"),
    ],
)
def test_only_ed25519_public_multikeys_are_accepted(value: str) -> None:
    with pytest.raises(InvalidMultikeyError):
        multikey.public_key_from_multibase(value)


def test_a_public_multikey_is_not_accepted_as_a_secret_key() -> None:
    public = multikey.public_key_to_multibase(multikey.generate_private_key().public_key())

    with pytest.raises(InvalidMultikeyError, match="header"):
        multikey.private_key_from_multibase(public)


def test_jwk_has_kid_and_no_private_members() -> None:
    public_key = multikey.generate_private_key().public_key()

    jwk = multikey.public_key_to_jwk(public_key, kid="did:web:example.org#key-1")

    assert set(jwk) == {"kty", "crv", "x", "kid"}
    assert multikey.public_key_bytes(multikey.public_key_from_jwk(jwk)) == (
        multikey.public_key_bytes(public_key)
    )


@pytest.mark.parametrize(
    "change",
    [
        {"d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"},
        {"kty": "EC"},
        {"crv": "X25519"},
        {"x": "AAAA"},
        {"x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo="},
        {"x": None},
    ],
)
def test_jwk_refusals(change: dict[str, str | None]) -> None:
    jwk: dict[str, str | None] = {"kty": "OKP", "crv": "Ed25519", "x": _rfc8037_key()["x"]}
    jwk.update(change)

    with pytest.raises(InvalidMultikeyError):
        multikey.public_key_from_jwk({k: v for k, v in jwk.items() if v is not None})


def test_did_key_round_trip() -> None:
    public_key = multikey.generate_private_key().public_key()
    multibase = multikey.public_key_to_multibase(public_key)

    did = multikey.did_key_from_public_key(public_key)
    method = multikey.did_key_verification_method(public_key)

    assert did == f"did:key:{multibase}"
    assert method == f"{did}#{multibase}"
    for value in (did, method):
        assert multikey.public_key_bytes(multikey.public_key_from_did_key(value)) == (
            multikey.public_key_bytes(public_key)
        )


@pytest.mark.parametrize(
    "value",
    [
        "did:web:example.org",
        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#key-1",
        "did:key:zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76",
    ],
)
def test_did_key_refusals(value: str) -> None:
    with pytest.raises(InvalidMultikeyError):
        multikey.public_key_from_did_key(value)


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
