"""Outbound HTTPS to other hosts, safe against server-side request forgery and slow hosts.

Every fetch of another node's data (a trusted issuer's status list; did:web documents later)
goes through `SafeFetcher`, which:
- fetches only `https` URLs without user info, follows no redirects and reads at most
  `max_bytes`;
- resolves the host itself and refuses it if any address it resolves to is not public
  (private, loopback, link-local, multicast, reserved, unspecified, shared, or such an
  address inside an IPv6 mapping), unless `allow_private`;
- connects to the address it checked, so a second DNS answer cannot redirect the request
  (DNS rebinding), while TLS still sends the host name (SNI) and checks the certificate
  against it;
- enforces a total deadline (resolution, connection, headers and body together): a host
  that answers one byte at a time is cut off, not waited for byte by byte;
- runs fetches on a small pool of its own threads and refuses a fetch at once when that
  pool and its short queue are full, so slow hosts cannot hold more than a few threads.

Failures raise `OutboundError`, whose message is generic ("could not fetch") so callers can
show it; the reason is in `reason`, for the logs only.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urlsplit

DEADLINE_SECONDS: Final = 3.0
MAX_BYTES: Final = 256 * 1024
POOL_THREADS: Final = 4
POOL_QUEUE: Final = 4
USER_AGENT: Final = "nassc-verifier"

logger = logging.getLogger("app.outbound")

Resolver = Callable[[str, int], list[str]]
"""Host and port to the addresses they resolve to (textual IPv4 or IPv6)."""

_NAT64: Final = ipaddress.ip_network("64:ff9b::/96")


class OutboundError(Exception):
    """A fetch that did not succeed; `str()` is generic, `reason` says why (for logs)."""

    def __init__(self, reason: str) -> None:
        super().__init__("could not fetch")
        self.reason = reason


@dataclass(frozen=True, slots=True)
class OutboundResponse:
    """A response: status, headers (names lower-cased) and the body (at most `max_bytes`)."""

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to, through the system resolver."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public_address(address: str) -> bool:
    """Whether `address` is a globally routable unicast address (also inside IPv6 mappings)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public_address(str(embedded))
    return ip.is_global and not ip.is_multicast


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to a checked address, with TLS for the URL's host name."""

    def __init__(
        self, host: str, port: int, *, address: str, timeout: float, context: ssl.SSLContext
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._tls_context = context

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), timeout=self.timeout)
        try:
            self.sock = self._tls_context.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise


class SafeFetcher:
    """GETs over HTTPS with the protections described in the module docstring."""

    def __init__(
        self,
        *,
        deadline: float = DEADLINE_SECONDS,
        max_bytes: int = MAX_BYTES,
        allow_private: bool = False,
        resolver: Resolver = system_resolver,
        tls: ssl.SSLContext | None = None,
        threads: int = POOL_THREADS,
        queue: int = POOL_QUEUE,
    ) -> None:
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.allow_private = allow_private
        self._resolver = resolver
        self._tls = tls or ssl.create_default_context()
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="outbound")
        self._slots = threading.BoundedSemaphore(threads + queue)

    def get(self, url: str, *, headers: Mapping[str, str] | None = None) -> OutboundResponse:
        """GET `url` within the deadline; any status is returned (redirects are not followed)."""
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname or "@" in parts.netloc:
            raise OutboundError("only https URLs without user info are fetched")
        if not self._slots.acquire(blocking=False):
            raise OutboundError("too many outbound fetches at once")
        until = time.monotonic() + self.deadline
        try:
            future: Future[OutboundResponse] = self._pool.submit(
                self._fetch, url, dict(headers or {}), until
            )
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda _: self._slots.release())
        try:
            return future.result(timeout=max(0.0, until - time.monotonic()))
        except FutureTimeout:
            future.cancel()
            raise OutboundError(f"no answer within {self.deadline} s") from None

    def close(self) -> None:
        """Stop the pool's threads (fetches under way end at their deadline)."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _addresses(self, host: str, port: int) -> list[str]:
        try:
            ipaddress.ip_address(host)
            addresses = [host]
        except ValueError:
            try:
                addresses = self._resolver(host, port)
            except OSError as error:
                raise OutboundError(f"{host} did not resolve ({error})") from None
        if not addresses:
            raise OutboundError(f"{host} did not resolve")
        refused = [address for address in addresses if not is_public_address(address)]
        if refused and not self.allow_private:
            # One non-public answer refuses them all: a name that resolves to both is an attack.
            raise OutboundError(f"{host} resolves to a non-public address ({refused[0]})")
        return addresses

    def _fetch(self, url: str, headers: dict[str, str], until: float) -> OutboundResponse:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or 443
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        address = self._addresses(host, port)[0]
        remaining = until - time.monotonic()
        if remaining <= 0:
            raise OutboundError("deadline passed before connecting")
        connection = _PinnedHTTPSConnection(
            host, port, address=address, timeout=remaining, context=self._tls
        )
        # The socket timeout bounds each read; this timer bounds them all together.
        timer = threading.Timer(remaining, _cut, args=(connection,))
        timer.daemon = True
        timer.start()
        response: http.client.HTTPResponse | None = None
        try:
            connection.request("GET", path, headers={"User-Agent": USER_AGENT, **headers})
            response = connection.getresponse()
            body = response.read(self.max_bytes + 1) if response.status == 200 else b""
            if len(body) > self.max_bytes:
                raise OutboundError(f"the body is larger than {self.max_bytes} bytes")
            if time.monotonic() > until:
                raise OutboundError("deadline passed while reading")
            return OutboundResponse(
                status=response.status,
                headers={name.lower(): value for name, value in response.getheaders()},
                body=body,
            )
        except (OSError, http.client.HTTPException, ValueError) as error:
            raise OutboundError(f"{type(error).__name__}: {error}") from None
        finally:
            timer.cancel()
            # A body cut short leaves the response holding the socket: close both.
            if response is not None:
                response.close()
            connection.close()


def _cut(connection: http.client.HTTPConnection) -> None:
    """Unblock a read in progress by shutting the socket down under it."""
    sock = connection.sock
    if sock is not None:
        # Bypass SSLSocket.shutdown, which would try a TLS close on a busy connection.
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
