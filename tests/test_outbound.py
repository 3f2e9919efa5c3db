"""The safe outbound fetcher (issue 12, defects 6 and 7): public addresses only, pinned after
resolution with TLS still checking the host name, a total deadline, a bounded pool."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from app.outbound import OutboundError, Resolver, SafeFetcher, is_public_address
from tests.security.tls_server import answer, drip, hang, tls_server

HOST = "status.nassc.example"


def _resolving_to(*addresses: str, calls: list[str] | None = None) -> Resolver:
    def resolve(host: str, port: int) -> list[str]:
        if calls is not None:
            calls.append(host)
        return list(addresses)

    return resolve


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.0.0.5",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 (an address refused, not bound)
        "224.0.0.1",
        "239.255.255.250",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "64:ff9b::7f00:1",
        "2002:7f00:1::1",
    ],
)
def test_non_public_addresses_are_refused_after_resolution(address: str, tmp_path: Path) -> None:
    assert not is_public_address(address)
    with tls_server(tmp_path, HOST, answer(b"{}")) as server:
        fetcher = SafeFetcher(resolver=_resolving_to(address), tls=server.client_tls)
        with pytest.raises(OutboundError) as caught:
            fetcher.get(f"https://{HOST}:{server.port}/status/1")
        assert str(caught.value) == "could not fetch"
        assert "non-public" in caught.value.reason
        assert server.connections == []


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
def test_public_addresses_are_public(address: str) -> None:
    assert is_public_address(address)


def test_one_private_answer_among_public_ones_refuses_the_host() -> None:
    fetcher = SafeFetcher(resolver=_resolving_to("93.184.215.14", "127.0.0.1"))
    with pytest.raises(OutboundError, match="could not fetch"):
        fetcher.get(f"https://{HOST}/status/1")


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/status/1",
        "https://[::1]/status/1",
        "https://localhost/status/1",
        "http://status.nassc.example/status/1",
        "https://user@status.nassc.example/status/1",
        "ftp://status.nassc.example/status/1",
    ],
)
def test_loopback_literals_names_and_other_schemes_are_refused(url: str, tmp_path: Path) -> None:
    with tls_server(tmp_path, "localhost", answer(b"{}")) as server:
        with pytest.raises(OutboundError):
            SafeFetcher(tls=server.client_tls).get(url.replace("/status", f":{server.port}/status"))
        assert server.connections == []


def test_the_checked_address_is_the_one_connected_and_tls_checks_the_host_name(
    tmp_path: Path,
) -> None:
    calls: list[str] = []
    with tls_server(tmp_path, HOST, answer(b'{"ok": true}')) as server:
        fetcher = SafeFetcher(
            resolver=_resolving_to("127.0.0.1", calls=calls),
            tls=server.client_tls,
            allow_private=True,
        )
        response = fetcher.get(f"https://{HOST}:{server.port}/status/1")
        assert (response.status, response.body, response.headers["etag"]) == (
            200,
            b'{"ok": true}',
            '"e1"',
        )
        assert calls == [HOST]  # resolved once; the connection used that answer

        # The same address under another name: the certificate does not match, so no fetch.
        with pytest.raises(OutboundError) as caught:
            fetcher.get(f"https://other.nassc.example:{server.port}/status/1")
        assert "CERTIFICATE_VERIFY_FAILED" in caught.value.reason or "match" in caught.value.reason


def test_a_host_that_drips_is_cut_off_at_the_total_deadline(tmp_path: Path) -> None:
    with tls_server(tmp_path, HOST, drip(0.02)) as server:
        fetcher = SafeFetcher(
            resolver=_resolving_to("127.0.0.1"),
            tls=server.client_tls,
            allow_private=True,
            deadline=0.5,
        )
        started = time.monotonic()
        with pytest.raises(OutboundError) as caught:
            fetcher.get(f"https://{HOST}:{server.port}/status/1")
        elapsed = time.monotonic() - started
        assert 0.4 < elapsed < 2.0, elapsed
        assert "within" in caught.value.reason
        # The fetching thread is cut off too, not left reading.
        assert server.closed.wait(5)


def test_the_pool_is_bounded_and_refuses_at_once_when_full(tmp_path: Path) -> None:
    with tls_server(tmp_path, HOST, hang) as server:
        fetcher = SafeFetcher(
            resolver=_resolving_to("127.0.0.1"),
            tls=server.client_tls,
            allow_private=True,
            deadline=1.0,
            threads=1,
            queue=0,
        )
        url = f"https://{HOST}:{server.port}/status/1"
        errors: list[OutboundError] = []

        def first() -> None:
            try:
                fetcher.get(url)
            except OutboundError as error:
                errors.append(error)

        holder = threading.Thread(target=first)
        holder.start()
        assert server.accepted.wait(5)
        started = time.monotonic()
        with pytest.raises(OutboundError) as caught:
            fetcher.get(url)
        assert time.monotonic() - started < 0.5
        assert "too many" in caught.value.reason
        holder.join(timeout=10)
        assert len(errors) == 1  # the hung fetch ended too (at its deadline)
        fetcher.close()
