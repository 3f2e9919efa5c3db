"""The client address behind trusted proxies (issue 12, defect 4)."""

from __future__ import annotations

import pytest

from app.client_address import ForwardedPolicy, client_address

ONE_PROXY = ForwardedPolicy.of(trust=True, hops=1, proxies=())
TWO_PROXIES = ForwardedPolicy.of(trust=True, hops=2, proxies=())
BY_ADDRESS = ForwardedPolicy.of(trust=True, hops=1, proxies=["10.0.0.0/8", "192.0.2.10"])


@pytest.mark.parametrize(
    ("policy", "peer", "headers", "expected"),
    [
        # Not trusted: the socket's peer, whatever the header says.
        (ForwardedPolicy(), "198.51.100.1", ["203.0.113.9"], "198.51.100.1"),
        # One proxy: the entry it appended (the rightmost), never the client's own.
        (ONE_PROXY, "10.0.0.2", ["203.0.113.9"], "203.0.113.9"),
        (ONE_PROXY, "10.0.0.2", ["1.2.3.4, 203.0.113.9"], "203.0.113.9"),
        (ONE_PROXY, "10.0.0.2", ["1.2.3.4", "203.0.113.9"], "203.0.113.9"),
        (ONE_PROXY, "10.0.0.2", ["  1.2.3.4 ,, 203.0.113.9  "], "203.0.113.9"),
        (ONE_PROXY, "10.0.0.2", ["2001:db8::1"], "2001:db8::1"),
        (ONE_PROXY, "10.0.0.2", [], "10.0.0.2"),
        (ONE_PROXY, "10.0.0.2", ["not-an-address"], "10.0.0.2"),
        # Two proxies: the outer one appended the client, the inner one the outer proxy.
        (TWO_PROXIES, "10.0.0.2", ["1.2.3.4, 203.0.113.9, 10.0.0.7"], "203.0.113.9"),
        (TWO_PROXIES, "10.0.0.2", ["203.0.113.9"], "203.0.113.9"),
        # By address: only from a trusted proxy, skipping proxies from the right.
        (BY_ADDRESS, "198.51.100.1", ["203.0.113.9"], "198.51.100.1"),
        (BY_ADDRESS, "10.0.0.2", ["1.2.3.4, 203.0.113.9, 192.0.2.10"], "203.0.113.9"),
        (BY_ADDRESS, "10.0.0.2", ["10.1.1.1, 10.2.2.2"], "10.1.1.1"),
    ],
)
def test_client_address(
    policy: ForwardedPolicy, peer: str, headers: list[str], expected: str
) -> None:
    assert client_address(peer, headers, policy) == expected
