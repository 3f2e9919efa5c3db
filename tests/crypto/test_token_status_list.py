"""IETF Token Status List: the draft's own example, bit order, ZLIB, and the signed token."""

from __future__ import annotations

import base64
import json
import zlib

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws

from app.crypto import jws
from app.crypto import token_status_list as tsl
from app.crypto.errors import TokenStatusListError

URI = "https://credentials.nassc.example/status/tsl/1"
NOW = 1_780_000_000


def test_the_drafts_one_bit_example() -> None:
    # draft-ietf-oauth-status-list §4.1: statuses 1,0,0,1,1,1,0,1, 1,1,0,0,0,1,0,1 (bits 1)
    # are the bytes 0xB9 0xA3, and their `lst` is "eNrbuRgAAhcBXQ".
    statuses = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]
    status_list = tsl.StatusList(len(statuses), bits=1)
    for index, status in enumerate(statuses):
        status_list.set(index, status)
    assert status_list.to_bytes() == bytes([0xB9, 0xA3])
    assert tsl.encode(status_list) == "eNrbuRgAAhcBXQ"
    decoded = tsl.decode("eNrbuRgAAhcBXQ", bits=1)
    assert [decoded.get(index) for index in range(16)] == statuses


def test_two_bits_pack_from_the_low_bits() -> None:
    status_list = tsl.StatusList(8, bits=2)
    status_list.set(0, tsl.INVALID)
    status_list.set(1, tsl.SUSPENDED)
    status_list.set(7, 3)
    assert status_list.to_bytes() == bytes([0b0000_1001, 0b1100_0000])
    status_list.set(1, tsl.VALID)
    assert status_list.get(1) == tsl.VALID and status_list.get(0) == tsl.INVALID


@pytest.mark.parametrize("bits", [0, 3, 16])
def test_only_1_2_4_8_bits(bits: int) -> None:
    with pytest.raises(TokenStatusListError, match="bits"):
        tsl.StatusList(8, bits=bits)


@pytest.mark.parametrize("index", [-1, 16, True, "3"])
def test_indexes_outside_the_list_are_refused(index: object) -> None:
    with pytest.raises(TokenStatusListError, match="outside"):
        tsl.StatusList(16, bits=1).get(index)  # type: ignore[arg-type]


def test_a_zlib_bomb_is_not_inflated() -> None:
    bomb = zlib.compress(bytes(tsl.MAX_LENGTH_BYTES + 1), level=9)
    lst = base64.urlsafe_b64encode(bomb).rstrip(b"=").decode()
    with pytest.raises(TokenStatusListError, match="beyond the limit"):
        tsl.decode(lst, bits=1)


@pytest.mark.parametrize("lst", ["", "not base64!", base64.urlsafe_b64encode(b"raw").decode()])
def test_malformed_lst_is_refused(lst: str) -> None:
    with pytest.raises(TokenStatusListError):
        tsl.decode(lst, bits=1)


@pytest.mark.parametrize(
    "key", [Ed25519PrivateKey.generate(), ec.generate_private_key(ec.SECP256R1())]
)
def test_the_token_verifies_here_and_in_jwcrypto(key: jws.PrivateKey) -> None:
    status_list = tsl.StatusList(131_072, bits=2)
    status_list.set(42, tsl.SUSPENDED)
    claims = tsl.token_claims(status_list, uri=URI, issued_at=NOW, ttl=300, expires_at=NOW + 600)
    token = tsl.sign_token(claims, private_key=key, kid="key-1")

    verified = tsl.verify_token(token, public_key=key.public_key(), uri=URI, now=NOW + 1)
    assert verified.status_list.get(42) == tsl.SUSPENDED
    assert verified.status_list.get(41) == tsl.VALID
    assert (verified.ttl, verified.expires_at) == (300, NOW + 600)

    public = jwcrypto_jwk.JWK.from_json(json.dumps(jws.public_key_to_jwk(key.public_key())))
    independent = jwcrypto_jws.JWS()
    independent.deserialize(token)
    independent.verify(public)
    assert independent.jose_header["typ"] == "statuslist+jwt"
    body = json.loads(independent.payload)["status_list"]
    raw = zlib.decompress(base64.urlsafe_b64decode(body["lst"] + "=="))
    assert (raw[42 * 2 // 8] >> (42 * 2 % 8)) & 0b11 == tsl.SUSPENDED


def test_an_expired_token_or_one_for_another_uri_is_refused() -> None:
    key = Ed25519PrivateKey.generate()
    claims = tsl.token_claims(
        tsl.StatusList(16, bits=1), uri=URI, issued_at=NOW, ttl=300, expires_at=NOW + 600
    )
    token = tsl.sign_token(claims, private_key=key, kid="key-1")
    with pytest.raises(TokenStatusListError, match="expired"):
        tsl.verify_token(token, public_key=key.public_key(), uri=URI, now=NOW + 600)
    with pytest.raises(TokenStatusListError, match="sub"):
        tsl.verify_token(token, public_key=key.public_key(), uri=URI + "0", now=NOW)
    with pytest.raises(TokenStatusListError, match="signature"):
        tsl.verify_token(
            token, public_key=Ed25519PrivateKey.generate().public_key(), uri=URI, now=NOW
        )


def test_a_credentials_reference_is_read_strictly() -> None:
    assert tsl.reference({"status": {"status_list": {"idx": 7, "uri": URI}}}) == (7, URI)
    for claims in (
        {},
        {"status": {"status_list": {"idx": -1, "uri": URI}}},
        {"status": {"status_list": {"idx": True, "uri": URI}}},
        {"status": {"status_list": {"idx": 1}}},
    ):
        with pytest.raises(TokenStatusListError):
            tsl.reference(claims)
