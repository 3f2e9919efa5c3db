"""Helpers for console tests: signing in through the form, reading pages, building data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from typing import Any

import httpx2
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.roles import Principal, Role
from app.console.session import CONSOLE as CONSOLE_REALM
from app.curricula.schemas import CoverageLevel
from app.db import utcnow
from app.fields import Country
from app.standards.schemas import StandardRead
from app.users import service as users_service
from app.users.models import StaffUser
from app.web import sessions
from tests.credentials.factories import IssuingSetup, issue_body, issuing_setup
from tests.curricula.factories import complete_curriculum_body
from tests.factories import PASSWORD, create_provider, create_staff_user, provider_headers
from tests.status.factories import set_bits

CONSOLE = "/console"
LOGIN = f"{CONSOLE}/login"
VOID_TAGS = frozenset({"br", "hr", "img", "input", "link", "meta", "source", "wbr"})


@dataclass
class Element:
    """One element of a parsed page."""

    tag: str
    attrs: dict[str, str | None]
    children: list[Element | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The element's text, whitespace collapsed."""
        parts = [child if isinstance(child, str) else child.text for child in self.children]
        return " ".join(" ".join(parts).split())

    def walk(self) -> list[Element]:
        """This element and all inside it, in document order."""
        found = [self]
        for child in self.children:
            if isinstance(child, Element):
                found.extend(child.walk())
        return found

    def find_all(self, tag: str, **attrs: str) -> list[Element]:
        """Elements named `tag` whose attributes equal `attrs` (`class_` is one class)."""
        matches = []
        for element in self.walk():
            if element.tag != tag:
                continue
            wanted = {name.rstrip("_"): value for name, value in attrs.items()}
            classes = set((element.attrs.get("class") or "").split())
            if all(
                value in classes if name == "class" else element.attrs.get(name) == value
                for name, value in wanted.items()
            ):
                matches.append(element)
        return matches

    def find(self, tag: str, **attrs: str) -> Element:
        """The first element `find_all` would return (fails the test if there is none)."""
        matches = self.find_all(tag, **attrs)
        assert matches, f"no <{tag}> with {attrs}"
        return matches[0]

    def texts(self) -> list[str]:
        """Every text node of the page, stripped, and the values of text attributes."""
        found: list[str] = []
        for element in self.walk():
            for name in ("aria-label", "placeholder", "title", "alt"):
                value = element.attrs.get(name)
                if value:
                    found.append(value.strip())
            for child in element.children:
                if isinstance(child, str) and child.strip():
                    found.append(" ".join(child.split()))
        return found


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.root = Element("document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        if tag not in VOID_TAGS:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    """The element tree of a page."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.root


def page(response: httpx2.Response, status: int = 200) -> Element:
    """Check that a console answer is an HTML page with `status`; return its tree."""
    assert response.status_code == status, response.text[:2000]
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    return parse(response.text)


def csrf_token(document: Element) -> str:
    """The CSRF token of the first POST form of a page."""
    value = document.find("input", name="csrf_token").attrs["value"]
    assert value
    return value


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> httpx2.Response:
    """Sign in through the form, as a browser would (the answer is not followed)."""
    form = page(client.get(LOGIN))
    return client.post(
        LOGIN,
        data={"username": username, "password": password, "csrf_token": csrf_token(form)},
        follow_redirects=False,
    )


def signed_in(client: TestClient, db: Session, role: Role) -> str:
    """A new staff user with `role`, signed in on `client`; returns the username."""
    username = create_staff_user(db, role)
    response = sign_in(client, username)
    assert response.status_code == 303, response.text
    return username


def session_csrf(client: TestClient, path: str = CONSOLE) -> str:
    """The CSRF token the signed-in session's forms carry (from any console page)."""
    return csrf_token(page(client.get(path)))


def set_cookie_headers(response: httpx2.Response) -> list[str]:
    """Every `Set-Cookie` header of a response."""
    return response.headers.get_list("set-cookie")


def cookie_attributes(response: httpx2.Response, name: str) -> dict[str, str]:
    """The attributes of the cookie `name` set by a response (lower-cased names)."""
    for header in set_cookie_headers(response):
        first, *attributes = (part.strip() for part in header.split(";"))
        cookie_name, _, value = first.partition("=")
        if cookie_name == name:
            parsed = {"value": value}
            for attribute in attributes:
                key, _, attribute_value = attribute.partition("=")
                parsed[key.lower()] = attribute_value
            return parsed
    raise AssertionError(f"no Set-Cookie for {name}")


def disable(db: Session, username: str) -> None:
    """Disable a staff user through the users service, as an admin would."""
    user = db.scalars(select(StaffUser).where(StaffUser.username == username)).one()
    users_service.set_active(db, user_id=user.id, active=False, actor=None, now=utcnow())
    db.commit()


# --- data ----------------------------------------------------------------------------------


def body_with_gap(standard: StandardRead, country: Country) -> dict[str, Any]:
    """A curriculum body that leaves the first mandatory outcome only partially covered."""
    body = complete_curriculum_body(standard, country)
    body["modules"][0]["outcomes"][0]["coverage"] = CoverageLevel.partial.value
    return body


@dataclass(frozen=True)
class GappedCurriculum:
    """A submitted curriculum with one gap, and how to fix it through the provider API."""

    id: int
    provider: dict[str, str]
    standard: StandardRead
    outcome_code: str
    complete_body: dict[str, Any]


def submit_gapped_curriculum(
    client: TestClient, setup: IssuingSetup, db: Session
) -> GappedCurriculum:
    """A second provider's curriculum, submitted with a gap, against `setup`'s standard."""
    provider = create_provider(db, country=Country.mx.value)
    headers = provider_headers(client, db, provider)
    body = body_with_gap(setup.standard, Country.mx)
    response = client.post("/api/v1/provider/curricula", headers=headers, json=body)
    assert response.status_code == 201, response.text
    assert response.json()["coverage"]["gaps"]
    return GappedCurriculum(
        id=int(response.json()["id"]),
        provider=headers,
        standard=setup.standard,
        outcome_code=str(body["modules"][0]["outcomes"][0]["outcome_code"]),
        complete_body=complete_curriculum_body(setup.standard, Country.mx),
    )


def issue(client: TestClient, setup: IssuingSetup, name: str = "María Fernanda López") -> str:
    """Issue one credential through the API; returns its id."""
    response = client.post(
        "/api/v1/credentials",
        headers=setup.provider,
        json=issue_body(setup.curriculum_id, name=name),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def setup_with_credential(
    client: TestClient, app: FastAPI, db: Session
) -> tuple[IssuingSetup, str]:
    """An issuing setup and one credential issued under it."""
    setup = issuing_setup(client, app, db)
    return setup, issue(client, setup)


def revocation_bits(client: TestClient, list_url: str) -> set[int]:
    """The set bits of a published status list, fetched by its URL's path."""
    path = re.sub(r"^https?://[^/]+", "", list_url)
    response = client.get(path)
    assert response.status_code == 200, response.text
    return set_bits(response.json()["credentialSubject"]["encodedList"])


def issue_console_session(
    principal: Principal, *, secret: str, issuer: str, now: datetime, **renewal: Any
) -> str:
    """A console session cookie for a staff principal (`renewal`: its `sid` and `auth_time`)."""
    return sessions.issue_session(
        CONSOLE_REALM,
        subject=principal.subject,
        role=principal.role.value,
        secret=secret,
        issuer=issuer,
        now=now,
        **renewal,
    )


def read_console_session(
    token: str, *, secret: str, issuer: str, now: datetime
) -> sessions.PageSession:
    """What a console session cookie says (`sessions.InvalidSession` if it is not valid)."""
    return sessions.read_session(CONSOLE_REALM, token, secret=secret, issuer=issuer, now=now)
