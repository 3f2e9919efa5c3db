"""The remote status list source: allow-list by the issuer's own host, ttl and ETag caching."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from app.crypto.did import did_web_host
from app.main import create_app
from app.verification.checks import Code
from app.verification.remote_status import FetchError, HttpsListFetcher, RemoteStatusLists
from app.verification.status_check import StatusListUnavailable
from app.verification.trust import TrustedKeys
from tests.conftest import settings_for
from tests.verification.factories import Clock, FakeFetcher

URL = "https://mx.nassc.example/status/1"
ISSUER = TrustedKeys(
    did="did:web:mx.nassc.example",
    name="MX",
    country="MX",
    keys={},
    status_hosts=frozenset({"mx.nassc.example"}),
)


def _list(ttl_ms: int = 300_000) -> bytes:
    return json.dumps({"id": URL, "credentialSubject": {"ttl": ttl_ms}}).encode()


def _source(fetcher: FakeFetcher, clock: Clock) -> RemoteStatusLists:
    return RemoteStatusLists(fetcher, clock=clock)


def test_cached_within_ttl_then_revalidated_with_etag() -> None:
    clock = Clock()
    fetcher = FakeFetcher(bodies={URL: _list(60_000)}, etags={URL: '"v1"'})
    source = _source(fetcher, clock)

    first = source.retrieve(URL, issuer=ISSUER)
    assert first.document is not None and first.document["id"] == URL
    source.retrieve(URL, issuer=ISSUER)
    assert fetcher.calls == [(URL, None)]

    clock.now += timedelta(seconds=61)
    again = source.retrieve(URL, issuer=ISSUER)
    assert again == first
    assert fetcher.calls == [(URL, None), (URL, '"v1"')]  # answered 304


def test_unreachable_after_ttl_is_unavailable_not_stale() -> None:
    clock = Clock()
    fetcher = FakeFetcher(bodies={URL: _list(60_000)})
    source = _source(fetcher, clock)
    source.retrieve(URL, issuer=ISSUER)
    fetcher.unreachable = True
    clock.now += timedelta(minutes=2)
    with pytest.raises(StatusListUnavailable) as caught:
        source.retrieve(URL, issuer=ISSUER)
    assert caught.value.code is Code.status_list_unavailable


@pytest.mark.parametrize(
    "url",
    [
        "http://mx.nassc.example/status/1",
        "https://evil.example/status/1",
        "https://user@mx.nassc.example/status/1",
        "https://mx.nassc.example.evil.example/status/1",
        "https://169.254.169.254/latest/meta-data",
        "file:///etc/passwd",
    ],
)
def test_only_the_issuers_own_host_over_https(url: str) -> None:
    fetcher = FakeFetcher(bodies={url: _list()})
    with pytest.raises(StatusListUnavailable) as caught:
        _source(fetcher, Clock()).retrieve(url, issuer=ISSUER)
    assert caught.value.code is Code.status_list_not_fetched
    assert fetcher.calls == []


def test_issuer_without_a_web_host_is_never_fetched() -> None:
    issuer = TrustedKeys(did="did:key:z6Mk", name="k", country=None, keys={})
    fetcher = FakeFetcher(bodies={URL: _list()})
    with pytest.raises(StatusListUnavailable):
        _source(fetcher, Clock()).retrieve(URL, issuer=issuer)
    assert fetcher.calls == []


@pytest.mark.parametrize(
    ("did", "host"),
    [
        ("did:web:mx.nassc.example", "mx.nassc.example"),
        ("did:web:example.com%3A8443:nodes:mx", "example.com:8443"),
        ("did:key:z6Mkabc", None),
    ],
)
def test_did_web_host(did: str, host: str | None) -> None:
    assert did_web_host(did) == host


def test_https_fetcher_refuses_plain_http_without_connecting(no_network: list[Any]) -> None:
    with pytest.raises(FetchError):
        HttpsListFetcher().fetch("http://mx.nassc.example/status/1", etag=None)
    assert no_network == []


def test_the_app_fetches_trusted_lists_unless_configured_not_to(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wiring.db'}"

    fetching = create_app(settings_for(url, tmp_path, fetch_trusted_status_lists=True))
    offline = create_app(settings_for(url, tmp_path, fetch_trusted_status_lists=False))

    assert isinstance(fetching.state.remote_status_lists, RemoteStatusLists)
    assert offline.state.remote_status_lists is None
