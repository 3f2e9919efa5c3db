"""W3C Bitstring Status List v1.0: the bitstring and its `encodedList` form.

https://www.w3.org/TR/vc-bitstring-status-list/
- Index 0 is the left-most bit: the most significant bit of byte 0
  (https://www.w3.org/TR/vc-bitstring-status-list/#bitstringstatuslistcredential).
- `encodedList` is multibase base64url without padding (`u…`) of the GZIP (RFC 1952)
  compressed bitstring (Bitstring Generation / Expansion Algorithms).
- A list shorter than 131,072 bits (16 KiB) raises STATUS_LIST_LENGTH_ERROR, an index outside
  the list RANGE_ERROR, and a malformed value MALFORMED_VALUE_ERROR
  (https://www.w3.org/TR/vc-bitstring-status-list/#validate-algorithm).
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterable

from app.crypto.errors import MalformedValueError, StatusIndexRangeError, StatusListLengthError
from app.crypto.multibase import MultibaseError, decode_base64url, encode_base64url

ENTRY_TYPE = "BitstringStatusListEntry"
LIST_CREDENTIAL_TYPE = "BitstringStatusListCredential"
LIST_TYPE = "BitstringStatusList"
MIN_LENGTH_BITS = 131_072
# Bounds decompression of lists fetched from elsewhere (a gzip bomb expands ~1000x):
# 16 MiB is 134 million entries, far above any list we publish or expect.
MAX_LENGTH_BYTES = 16 * 1024 * 1024


class Bitstring:
    """A status bitstring of `length` bits, all 0 unless given `data`.

    The length is a whole number of bytes and at least 131,072 bits, the herd-privacy minimum.
    """

    __slots__ = ("_bits",)

    def __init__(self, length: int = MIN_LENGTH_BITS, *, data: bytes | None = None) -> None:
        if data is not None:
            length = len(data) * 8
        if length < MIN_LENGTH_BITS:
            raise StatusListLengthError(
                f"a status list has at least {MIN_LENGTH_BITS} bits, got {length}"
            )
        if length % 8:
            raise MalformedValueError(f"a status list length is a multiple of 8, got {length}")
        self._bits = bytearray(data) if data is not None else bytearray(length // 8)

    @property
    def length(self) -> int:
        """The number of bits."""
        return len(self._bits) * 8

    def to_bytes(self) -> bytes:
        """The uncompressed bitstring, index 0 in the high bit of byte 0."""
        return bytes(self._bits)

    def get(self, index: int) -> bool:
        """Whether bit `index` is set."""
        byte, mask = self._locate(index)
        return bool(self._bits[byte] & mask)

    def set(self, index: int, value: bool = True) -> None:
        """Set bit `index` to `value`."""
        byte, mask = self._locate(index)
        if value:
            self._bits[byte] |= mask
        else:
            self._bits[byte] &= ~mask & 0xFF

    def set_all(self, indexes: Iterable[int]) -> None:
        """Set every bit in `indexes` to 1: `set` for each, checked once for the whole lot
        (a full list re-signed after one change sets thousands of bits)."""
        wanted = list(indexes)
        if not wanted:
            return
        if any(isinstance(index, bool) or not isinstance(index, int) for index in wanted):
            raise MalformedValueError("status indexes are integers")
        if min(wanted) < 0 or max(wanted) >= self.length:
            raise StatusIndexRangeError(f"an index is outside a list of {self.length} bits")
        bits = self._bits
        for index in wanted:
            bits[index >> 3] |= 0x80 >> (index & 7)

    def clear(self, index: int) -> None:
        """Set bit `index` to 0."""
        self.set(index, False)

    def get_status(self, index: int, *, status_size: int = 1) -> int:
        """The `status_size`-bit status of entry `index` (bits index*size …, MSB first)."""
        if isinstance(status_size, bool) or not isinstance(status_size, int) or status_size < 1:
            raise MalformedValueError(f"statusSize must be a positive integer, got {status_size}")
        if isinstance(index, bool) or not isinstance(index, int):
            raise MalformedValueError(f"a status index is an integer, got {index!r}")
        start = index * status_size
        if index < 0 or start + status_size > self.length:
            raise StatusIndexRangeError(
                f"status entry {index} (size {status_size}) is outside a list of {self.length} bits"
            )
        status = 0
        for position in range(start, start + status_size):
            status = (status << 1) | int(self.get(position))
        return status

    def _locate(self, index: int) -> tuple[int, int]:
        # bool is an int subclass; refuse it so set(True) cannot mean set(1) by accident.
        if isinstance(index, bool) or not isinstance(index, int):
            raise MalformedValueError(f"a status index is an integer, got {index!r}")
        if not 0 <= index < self.length:
            raise StatusIndexRangeError(f"index {index} is outside a list of {self.length} bits")
        return index // 8, 0x80 >> (index % 8)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Bitstring) and self._bits == other._bits

    def __hash__(self) -> int:
        return hash(bytes(self._bits))

    def __repr__(self) -> str:
        return f"Bitstring(length={self.length}, set={sum(bin(b).count('1') for b in self._bits)})"


def encode_list(bits: Bitstring) -> str:
    """Bitstring Generation: `u` + base64url (no padding) of the GZIP of the bitstring.

    https://www.w3.org/TR/vc-bitstring-status-list/#bitstring-generation-algorithm — the gzip
    header's mtime is fixed at 0 so the same list always encodes to the same string.
    """
    # zlib's default level 6, as the spec's example was made: an empty list then encodes to
    # exactly the example `encodedList`. Level 9 saves ~20% on sparse lists, about 300 bytes.
    return encode_base64url(gzip.compress(bits.to_bytes(), compresslevel=6, mtime=0))


def decode_list(encoded: str) -> Bitstring:
    """Bitstring Expansion: the bitstring of an `encodedList` value.

    https://www.w3.org/TR/vc-bitstring-status-list/#bitstring-expansion-algorithm — raises
    `MalformedValueError` (not `u…`, bad base64url, bad gzip, too large) or
    `StatusListLengthError` (fewer than 131,072 bits).
    """
    if not isinstance(encoded, str):
        raise MalformedValueError("encodedList must be a string")
    try:
        compressed = decode_base64url(encoded)
    except MultibaseError as error:
        raise MalformedValueError(f"encodedList: {error.detail}") from error
    return Bitstring(data=_gunzip(compressed))


def _gunzip(compressed: bytes) -> bytes:
    """RFC 1952 decompression of one gzip member, bounded by MAX_LENGTH_BYTES."""
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = decompressor.decompress(compressed, MAX_LENGTH_BYTES)
    except zlib.error as error:
        raise MalformedValueError(f"encodedList is not valid GZIP: {error}") from error
    if decompressor.unconsumed_tail:
        raise MalformedValueError(f"encodedList expands beyond {MAX_LENGTH_BYTES} bytes")
    if not decompressor.eof:
        raise MalformedValueError("encodedList GZIP data is truncated")
    if decompressor.unused_data:
        raise MalformedValueError("encodedList has data after the GZIP member")
    return data
