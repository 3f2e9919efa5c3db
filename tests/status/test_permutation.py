"""The keyed Feistel permutation: a bijection of [0, 2^18), fixed by its key."""

from __future__ import annotations

import itertools

import pytest

from app.status.permutation import DOMAIN_SIZE, FeistelPermutation

KEY_A = bytes(range(32))
KEY_B = bytes(range(1, 33))


def test_domain_is_two_to_the_eighteen() -> None:
    assert DOMAIN_SIZE == 262_144
    assert FeistelPermutation(KEY_A).size == DOMAIN_SIZE


def test_every_value_maps_to_a_distinct_index_in_range() -> None:
    permute = FeistelPermutation(KEY_A)
    images = [permute(value) for value in range(DOMAIN_SIZE)]
    assert len(set(images)) == DOMAIN_SIZE
    assert min(images) == 0
    assert max(images) == DOMAIN_SIZE - 1


def test_same_key_same_mapping() -> None:
    first, second = FeistelPermutation(KEY_A), FeistelPermutation(bytes(KEY_A))
    assert [first(v) for v in range(0, DOMAIN_SIZE, 97)] == [
        second(v) for v in range(0, DOMAIN_SIZE, 97)
    ]


def test_different_keys_differ() -> None:
    a, b = FeistelPermutation(KEY_A), FeistelPermutation(KEY_B)
    values = range(1_000)
    agreeing = sum(a(v) == b(v) for v in values)
    # Two independent random permutations agree on about 1 value in 262,144.
    assert agreeing <= 2


def test_consecutive_counters_do_not_give_consecutive_indexes() -> None:
    permute = FeistelPermutation(KEY_A)
    images = [permute(value) for value in range(64)]
    assert images != sorted(images)
    assert sum(abs(b - a) == 1 for a, b in itertools.pairwise(images)) <= 2
    # Spread over the whole list, not bunched at its start.
    assert max(images) > DOMAIN_SIZE // 2


def test_smaller_even_domains_are_bijections_too() -> None:
    permute = FeistelPermutation(KEY_A, bits=8, rounds=4)
    assert sorted(permute(v) for v in range(256)) == list(range(256))


@pytest.mark.parametrize("value", [-1, DOMAIN_SIZE, True])
def test_values_outside_the_domain_are_refused(value: int) -> None:
    with pytest.raises(ValueError, match="value must be"):
        FeistelPermutation(KEY_A)(value)


@pytest.mark.parametrize(
    ("key", "bits", "rounds", "message"),
    [
        (b"short", 18, 6, "at least 16 bytes"),
        (KEY_A, 17, 6, "even bit count"),
        (KEY_A, 18, 3, "rounds"),
    ],
)
def test_weak_parameters_are_refused(key: bytes, bits: int, rounds: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FeistelPermutation(key, bits=bits, rounds=rounds)
