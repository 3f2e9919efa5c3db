"""The client's address, as this server or the proxies it trusts saw it.

`X-Forwarded-For` is a list each proxy appends to: `client, proxy1, proxy2`. Its left end
is whatever the client sent, so it is never believed. Behind `hops` trusted proxies the
client's address is the entry the outermost of them appended: the `hops`-th from the
right. With `proxies` (networks), the header is read only when the connection comes from
one of them, and entries from the right that are themselves trusted proxies are skipped.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN: Final = "unknown"


@dataclass(frozen=True, slots=True)
class ForwardedPolicy:
    """How far `X-Forwarded-For` is believed (off by default: the socket's peer is the client)."""

    trust: bool = False
    hops: int = 1
    proxies: tuple[IPNetwork, ...] = ()

    @classmethod
    def of(cls, *, trust: bool, hops: int, proxies: Iterable[str]) -> ForwardedPolicy:
        """A policy from settings (`proxies` as addresses or CIDR networks)."""
        return cls(
            trust=trust,
            hops=hops,
            proxies=tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies),
        )

    def _is_proxy(self, address: str) -> bool:
        ip = _ip(address)
        return ip is not None and any(ip in network for network in self.proxies)


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def client_address(peer: str | None, forwarded_for: list[str], policy: ForwardedPolicy) -> str:
    """The client's address from the socket `peer` and every `X-Forwarded-For` header value
    (in the order received), under `policy`."""
    direct = peer or UNKNOWN
    if not policy.trust or not forwarded_for:
        return direct
    if policy.proxies and not policy._is_proxy(direct):
        return direct  # not from our proxy: its header is the client's own
    chain = [entry.strip() for value in forwarded_for for entry in value.split(",")]
    chain = [entry for entry in chain if entry]
    if not chain:
        return direct
    if policy.proxies:
        for entry in reversed(chain):
            if not policy._is_proxy(entry):
                return entry if _ip(entry) is not None else direct
        return chain[0]
    # Fewer entries than trusted hops: every entry was appended by a trusted proxy.
    entry = chain[-policy.hops] if len(chain) >= policy.hops else chain[0]
    return entry if _ip(entry) is not None else direct


def scope_client_address(scope: Mapping[str, Any], policy: ForwardedPolicy) -> str:
    """The client address of an ASGI request (its `scope`) under `policy`."""
    client = scope.get("client")
    forwarded = [
        value.decode("latin-1")
        for key, value in scope.get("headers", [])
        if key == b"x-forwarded-for"
    ]
    return client_address(client[0] if client else None, forwarded, policy)
