"""Bitstring Status List v1.0: bit order, encodedList round trip, known answers, refusals."""

from __future__ import annotations

import base64
import gzip
import random
import zlib

import pytest

from app.crypto.errors import MalformedValueError, StatusIndexRangeError, StatusListLengthError
from app.crypto.status_list import (
    MAX_LENGTH_BYTES,
    MIN_LENGTH_BITS,
    Bitstring,
    decode_list,
    encode_list,
)

# The `encodedList` of the spec's examples (Bitstring Status List v1.0, Example 2 and the
# appendix): a 16 KiB list with every bit 0.
SPEC_EXAMPLE_EMPTY_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def _encode_independently(raw: bytes, *, level: int = 9) -> str:
    """`u` + unpadded base64url of gzip, straight from the standard library."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    compressed = compressor.compress(raw) + compressor.flush()
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def _decode_independently(encoded: str) -> bytes:
    text = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


# --- the bitstring ------------------------------------------------------------------------


def test_default_list_is_the_minimum_and_all_clear() -> None:
    bits = Bitstring()

    assert bits.length == MIN_LENGTH_BITS == 131_072
    assert bits.to_bytes() == bytes(16_384)
    assert not any(bits.get(i) for i in (0, 1, 65_535, 131_071))


@pytest.mark.parametrize(
    ("index", "byte", "value"),
    [(0, 0, 0x80), (1, 0, 0x40), (7, 0, 0x01), (8, 1, 0x80), (131_071, 16_383, 0x01)],
)
def test_index_zero_is_the_most_significant_bit_of_byte_zero(
    index: int, byte: int, value: int
) -> None:
    bits = Bitstring()

    bits.set(index)

    raw = bits.to_bytes()
    assert raw[byte] == value
    assert sum(raw) == value


def test_set_get_clear() -> None:
    bits = Bitstring()

    bits.set(42)
    bits.set(43, True)
    bits.set(44, False)
    assert [bits.get(i) for i in (41, 42, 43, 44)] == [False, True, True, False]
    bits.clear(42)
    assert not bits.get(42)
    assert bits.get(43)


def test_set_all_sets_what_set_sets_one_by_one() -> None:
    indexes = [*random.Random(7).sample(range(MIN_LENGTH_BITS), 3000), 0, MIN_LENGTH_BITS - 1]
    one_by_one, at_once = Bitstring(), Bitstring()
    for index in indexes:
        one_by_one.set(index)

    at_once.set_all(iter(indexes))

    assert at_once == one_by_one
    at_once.set_all([])
    assert at_once == one_by_one


@pytest.mark.parametrize("indexes", [[5, -1], [MIN_LENGTH_BITS], [3, True], [2.0]])
def test_set_all_refuses_a_bad_index_and_sets_none(indexes: list[int]) -> None:
    bits = Bitstring()

    with pytest.raises((StatusIndexRangeError, MalformedValueError)):
        bits.set_all(indexes)
    assert bits == Bitstring()


@pytest.mark.parametrize("index", [-1, MIN_LENGTH_BITS, 10**9])
def test_an_index_outside_the_list_is_a_range_error(index: int) -> None:
    bits = Bitstring()

    with pytest.raises(StatusIndexRangeError) as raised:
        bits.get(index)
    assert raised.value.code == "RANGE_ERROR"
    with pytest.raises(StatusIndexRangeError):
        bits.set(index)


def test_a_non_integer_index_is_malformed() -> None:
    with pytest.raises(MalformedValueError):
        Bitstring().get(True)
    with pytest.raises(MalformedValueError):
        Bitstring().get("3")  # type: ignore[arg-type]


def test_multi_bit_status_is_read_msb_first() -> None:
    bits = Bitstring()
    # Entry 1 of a 2-bit list is bits 2 and 3: 0b10.
    bits.set(2)

    assert bits.get_status(1, status_size=2) == 2
    assert bits.get_status(0, status_size=2) == 0
    with pytest.raises(StatusIndexRangeError):
        bits.get_status(MIN_LENGTH_BITS // 2, status_size=2)
    with pytest.raises(MalformedValueError):
        bits.get_status(0, status_size=0)


@pytest.mark.parametrize("length", [0, 8, 131_064])
def test_a_list_shorter_than_16_kib_is_refused(length: int) -> None:
    with pytest.raises(StatusListLengthError) as raised:
        Bitstring(length)
    assert raised.value.code == "STATUS_LIST_LENGTH_ERROR"


def test_a_length_that_is_not_whole_bytes_is_refused() -> None:
    with pytest.raises(MalformedValueError):
        Bitstring(MIN_LENGTH_BITS + 3)


# --- encodedList --------------------------------------------------------------------------


def test_empty_list_encodes_to_the_spec_example() -> None:
    assert encode_list(Bitstring()) == SPEC_EXAMPLE_EMPTY_LIST


def test_spec_example_decodes_to_an_empty_minimum_list() -> None:
    assert decode_list(SPEC_EXAMPLE_EMPTY_LIST) == Bitstring()


def test_known_answer_computed_with_the_standard_library() -> None:
    bits = Bitstring()
    for index in (0, 9, 94_567, 131_071):
        bits.set(index)
    raw = bytearray(16_384)
    raw[0], raw[1], raw[94_567 // 8], raw[16_383] = 0x80, 0x40, 0x80 >> (94_567 % 8), 0x01

    encoded = encode_list(bits)

    assert encoded.startswith("u")
    assert "=" not in encoded
    assert _decode_independently(encoded) == bytes(raw)
    assert decode_list(_encode_independently(bytes(raw))) == bits


def test_round_trip_of_a_random_list() -> None:
    rng = random.Random(20260301)
    bits = Bitstring(4 * MIN_LENGTH_BITS)
    chosen = set(rng.sample(range(bits.length), 2_000))
    for index in chosen:
        bits.set(index)

    decoded = decode_list(encode_list(bits))

    assert decoded == bits
    assert decoded.length == 4 * MIN_LENGTH_BITS
    assert {i for i in range(decoded.length) if decoded.get(i)} == chosen


def test_encoding_is_deterministic() -> None:
    bits = Bitstring()
    bits.set(12_345)

    first, second = encode_list(bits), encode_list(bits)

    assert first == second
    # gzip header bytes 4–7 are the modification time: fixed at 0 (RFC 1952 §2.3.1).
    header = base64.urlsafe_b64decode(first[1:13])
    assert header[4:8] == b"\x00\x00\x00\x00"


def test_a_short_list_is_a_length_error() -> None:
    with pytest.raises(StatusListLengthError):
        decode_list(_encode_independently(bytes(1_000)))


@pytest.mark.parametrize(
    "encoded",
    [
        pytest.param(SPEC_EXAMPLE_EMPTY_LIST[1:], id="no-multibase-prefix"),
        pytest.param("z" + SPEC_EXAMPLE_EMPTY_LIST[1:], id="base58btc-prefix"),
        pytest.param("u" + SPEC_EXAMPLE_EMPTY_LIST[1:] + "==", id="padding"),
        pytest.param("uH4sI!AAAAAAAA", id="outside-the-alphabet"),
        pytest.param("uH4sIAAAAAAAAA+3BMQEAAADC", id="standard-base64"),
        pytest.param("uA", id="impossible-length"),
        pytest.param("u" + base64.urlsafe_b64encode(b"not gzip at all").decode(), id="not-gzip"),
        pytest.param(SPEC_EXAMPLE_EMPTY_LIST[:-12], id="truncated-gzip"),
        pytest.param("", id="empty"),
    ],
)
def test_malformed_values_are_refused(encoded: str) -> None:
    with pytest.raises(MalformedValueError) as raised:
        decode_list(encoded)
    assert raised.value.code == "MALFORMED_VALUE_ERROR"


def test_data_after_the_gzip_member_is_refused() -> None:
    compressed = gzip.compress(bytes(16_384), mtime=0) + b"trailing"

    with pytest.raises(MalformedValueError, match="after the GZIP"):
        decode_list("u" + base64.urlsafe_b64encode(compressed).decode().rstrip("="))


def test_a_decompression_bomb_is_refused() -> None:
    bomb = _encode_independently(bytes(MAX_LENGTH_BYTES + 1024))

    with pytest.raises(MalformedValueError, match="expands beyond"):
        decode_list(bomb)
