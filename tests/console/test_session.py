"""Console session cookies and CSRF tokens: pure functions, with time as an argument."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from app.auth.roles import Principal, Role
from app.auth.tokens import issue_access_token
from app.console.session import CONSOLE
from app.web import csrf, sessions
from app.web.sessions import IDLE_SECONDS, MAX_SECONDS, InvalidSession
from tests.console.helpers import issue_console_session, read_console_session

SECRET = "test-token-secret-0123456789abcdef"
ISSUER = "https://nassc.example"
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
REGISTRAR = Principal(subject="user:7", role=Role.registrar, name="reg", user_id=7)


def read(token: str, now: datetime = NOW, secret: str = SECRET) -> object:
    return read_console_session(token, secret=secret, issuer=ISSUER, now=now)


def test_a_session_round_trips() -> None:
    token = issue_console_session(REGISTRAR, secret=SECRET, issuer=ISSUER, now=NOW)
    session = read_console_session(
        token, secret=SECRET, issuer=ISSUER, now=NOW + timedelta(minutes=5)
    )
    assert (session.subject, session.role) == ("user:7", Role.registrar)
    assert session.auth_time == session.issued_at == NOW
    assert session.expires_at == NOW + timedelta(seconds=IDLE_SECONDS)
    assert len(session.sid) >= 32
    assert not session.needs_renewal(NOW + timedelta(minutes=5))
    assert session.needs_renewal(NOW + timedelta(seconds=IDLE_SECONDS // 2))


def test_each_sign_in_gets_its_own_session_id() -> None:
    first = read_console_session(
        issue_console_session(REGISTRAR, secret=SECRET, issuer=ISSUER, now=NOW),
        secret=SECRET,
        issuer=ISSUER,
        now=NOW,
    )
    second = read_console_session(
        issue_console_session(REGISTRAR, secret=SECRET, issuer=ISSUER, now=NOW),
        secret=SECRET,
        issuer=ISSUER,
        now=NOW,
    )
    assert first.sid != second.sid


def test_an_idle_session_expires() -> None:
    token = issue_console_session(REGISTRAR, secret=SECRET, issuer=ISSUER, now=NOW)
    with pytest.raises(InvalidSession, match="expired"):
        read(token, NOW + timedelta(seconds=IDLE_SECONDS))


def test_renewal_keeps_the_session_id_and_stops_at_the_maximum_lifetime() -> None:
    first = read_console_session(
        issue_console_session(REGISTRAR, secret=SECRET, issuer=ISSUER, now=NOW),
        secret=SECRET,
        issuer=ISSUER,
        now=NOW,
    )
    later = NOW + timedelta(seconds=MAX_SECONDS - 60)
    renewed_token = issue_console_session(
        REGISTRAR, secret=SECRET, issuer=ISSUER, now=later, sid=first.sid, auth_time=NOW
    )
    renewed = read_console_session(renewed_token, secret=SECRET, issuer=ISSUER, now=later)
    assert renewed.sid == first.sid
    assert renewed.auth_time == NOW
    # Capped at sign-in + MAX_SECONDS, not later + IDLE_SECONDS.
    assert renewed.expires_at == NOW + timedelta(seconds=MAX_SECONDS)
    with pytest.raises(InvalidSession):
        read(renewed_token, NOW + timedelta(seconds=MAX_SECONDS))


def test_a_cookie_from_the_future_is_refused() -> None:
    token = issue_console_session(
        REGISTRAR, secret=SECRET, issuer=ISSUER, now=NOW + timedelta(hours=1)
    )
    with pytest.raises(InvalidSession, match="future"):
        read(token)


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"), id="signature"),
        pytest.param(lambda t: "not-a-jwt", id="garbage"),
        pytest.param(lambda t: "", id="empty"),
    ],
)
def test_tampered_cookies_are_refused(forge: Callable[[str], str]) -> None:
    token = issue_console_session(REGISTRAR, secret=SECRET, issuer=ISSUER, now=NOW)
    with pytest.raises(InvalidSession):
        read(forge(token))


def test_another_secret_or_issuer_is_refused() -> None:
    token = issue_console_session(REGISTRAR, secret=SECRET, issuer=ISSUER, now=NOW)
    with pytest.raises(InvalidSession):
        read(token, secret="another-secret-0123456789abcdefghij")
    with pytest.raises(InvalidSession):
        read_console_session(token, secret=SECRET, issuer="https://other.example", now=NOW)


def test_an_api_access_token_is_not_a_session() -> None:
    issued = issue_access_token(REGISTRAR, secret=SECRET, issuer=ISSUER, now=NOW, ttl_seconds=900)
    with pytest.raises(InvalidSession):
        read(issued.access_token)


def test_the_none_algorithm_is_refused() -> None:
    claims = jwt.decode(
        issue_console_session(REGISTRAR, secret=SECRET, issuer=ISSUER, now=NOW),
        options={"verify_signature": False},
    )
    unsigned = jwt.encode(claims, key="", algorithm="none", headers={"typ": "console+jwt"})
    with pytest.raises(InvalidSession):
        read(unsigned)


def test_a_provider_never_gets_a_session() -> None:
    provider = Principal(subject="client:x", role=Role.provider, name="LMS", provider_id=1)
    with pytest.raises(ValueError, match="does not sign in to the console"):
        issue_console_session(provider, secret=SECRET, issuer=ISSUER, now=NOW)
    claims = jwt.decode(
        issue_console_session(REGISTRAR, secret=SECRET, issuer=ISSUER, now=NOW),
        options={"verify_signature": False},
    )
    forged = jwt.encode(
        {**claims, "role": "provider"},
        sessions.session_key(CONSOLE, SECRET),
        algorithm="HS256",
        headers={"typ": "console+jwt"},
    )
    with pytest.raises(InvalidSession, match="not a console session"):
        read(forged)


def test_cookies_are_secure_over_https_only() -> None:
    assert sessions.cookie_policy(CONSOLE, "https://nassc.example").secure
    assert not sessions.cookie_policy(CONSOLE, "http://127.0.0.1:8000").secure
    assert (
        sessions.cookie_policy(CONSOLE, "https://nassc.example", root_path="/app").path
        == "/app/console"
    )


def test_csrf_tokens_are_bound_to_their_session_and_purpose() -> None:
    token = csrf.session_token(SECRET, "sid-1")
    assert csrf.tokens_match(token, token)
    assert not csrf.tokens_match(token, csrf.session_token(SECRET, "sid-2"))
    assert not csrf.tokens_match(token, csrf.login_token(SECRET, "sid-1"))
    assert not csrf.tokens_match(token, csrf.session_token("another-secret-0123456789", "sid-1"))
    assert not csrf.tokens_match(token, None)
    assert not csrf.tokens_match(token, "")


@pytest.mark.parametrize(
    ("origin", "referer", "expected"),
    [
        ("https://nassc.example", None, True),
        ("https://NASSC.example:443", None, True),
        ("http://testserver", None, True),
        ("https://evil.example", None, False),
        ("https://nassc.example.evil.example", None, False),
        ("http://nassc.example", None, False),
        ("null", None, False),
        ("https://evil.example", "https://nassc.example/console", False),
        (None, "https://nassc.example/console/credentials?x=1", True),
        (None, "https://evil.example/console", False),
        (None, None, True),
    ],
)
def test_same_origin(origin: str | None, referer: str | None, expected: bool) -> None:
    allowed = ("https://nassc.example", "http://testserver/")
    assert csrf.same_origin(origin=origin, referer=referer, allowed=allowed) is expected
