"""A keyed pseudo-random permutation of [0, 2^18): counter values in, status list indexes out.

Bitstring Status List asks that indexes be assigned randomly
(https://www.w3.org/TR/vc-bitstring-status-list/#bitstringstatuslistentry) so an index says
nothing about when, or to whom in a cohort, a credential was issued. Drawing random indexes
would need a collision check; instead each list hands out counter values 0, 1, 2, … and maps
them through a permutation keyed per list, so the indexes look random but never repeat.

The permutation is a balanced Feistel network: the 18-bit value is split into two 9-bit
halves and each round does `(left, right) -> (right, left XOR F(round, right))`, which is a
bijection whatever `F` is. `F` is HMAC-SHA256(key, round ‖ half) truncated to 9 bits; with
four or more rounds of a pseudo-random function this is a strong pseudo-random permutation
(Luby–Rackoff). Each round function has only 512 inputs, so it is tabulated once per key and
the permutation itself is table look-ups.
"""

from __future__ import annotations

import hashlib
import hmac

DOMAIN_BITS = 18
DOMAIN_SIZE = 1 << DOMAIN_BITS
DEFAULT_ROUNDS = 6
MIN_ROUNDS = 4
MIN_KEY_BYTES = 16


class FeistelPermutation:
    """A bijection of [0, 2**bits) determined by `key`: same key, same mapping."""

    __slots__ = ("_half_bits", "_mask", "_size", "_tables")

    def __init__(self, key: bytes, *, bits: int = DOMAIN_BITS, rounds: int = DEFAULT_ROUNDS):
        if len(key) < MIN_KEY_BYTES:
            raise ValueError(f"a permutation key has at least {MIN_KEY_BYTES} bytes")
        if bits < 2 or bits % 2 or bits > 32:
            raise ValueError(f"a balanced Feistel network needs an even bit count ≤ 32, got {bits}")
        if rounds < MIN_ROUNDS or rounds > 255:
            raise ValueError(f"between {MIN_ROUNDS} and 255 rounds, got {rounds}")
        self._half_bits = bits // 2
        self._mask = (1 << self._half_bits) - 1
        self._size = 1 << bits
        half_bytes = (self._half_bits + 7) // 8
        self._tables = tuple(
            tuple(
                _round_function(key, round_number, half, half_bytes) & self._mask
                for half in range(1 << self._half_bits)
            )
            for round_number in range(rounds)
        )

    @property
    def size(self) -> int:
        """How many values the permutation maps: 2**bits."""
        return self._size

    def __call__(self, value: int) -> int:
        """The image of `value`, itself in [0, size)."""
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < self._size:
            raise ValueError(f"value must be an integer in [0, {self._size}), got {value!r}")
        left, right = value >> self._half_bits, value & self._mask
        for table in self._tables:
            left, right = right, left ^ table[right]
        return (left << self._half_bits) | right


def _round_function(key: bytes, round_number: int, half: int, half_bytes: int) -> int:
    # The round number is part of the message so every round is an independent function.
    message = bytes([round_number]) + half.to_bytes(half_bytes, "big")
    return int.from_bytes(hmac.new(key, message, hashlib.sha256).digest()[:4], "big")
