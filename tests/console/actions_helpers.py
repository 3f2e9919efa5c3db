"""Helpers for the tests of the console's registry actions: posting a form as the page
would, reading what the page says, and the audit event an action left."""

from __future__ import annotations

from typing import Any

import httpx2
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.console.actions import FIELD_ERRORS, NOTICES, PROBLEMS
from app.fields import Language
from app.web.i18n import gettext
from tests.console.helpers import Element, page, session_csrf

LANGUAGES: tuple[str, ...] = tuple(language.value for language in Language)


def words(text: str) -> str:
    """`text` with its spaces (no-break ones too) as the page's text gives them."""
    return " ".join(text.split())


def post_form(
    client: TestClient, path: str, language: str, form_page: str, /, **data: str
) -> httpx2.Response:
    """Post `data` to `path` with the CSRF token of the session (read from `form_page`),
    in `language`, without following the redirect."""
    fields = {"csrf_token": session_csrf(client, form_page), **data}
    return client.post(path, params={"lang": language}, data=fields, follow_redirects=False)


def followed(client: TestClient, response: httpx2.Response, language: str) -> Element:
    """The page a successful action redirects to (303, language kept)."""
    assert response.status_code == 303, response.text[:2000]
    location = response.headers["location"]
    assert f"lang={language}" in location
    return page(client.get(location))


def notice_of(document: Element) -> str:
    """The text of the page's notice box."""
    return document.find("div", class_="console-notice").text


def problem_of(document: Element) -> str:
    """The text of the page's problem box."""
    return document.find("div", class_="console-problem").text


def errors_of(document: Element) -> dict[str, str]:
    """The error summary: each linked field id with its message."""
    summary = document.find("div", class_="console-error-summary")
    return {str(link.attrs["href"]).lstrip("#"): link.text for link in summary.find_all("a")}


def notice(language: str, slug: str, **variables: Any) -> str:
    """The notice after the action `slug`, as the page shows it."""
    return words(gettext(Language(language), NOTICES[slug], **variables))


def problem(language: str, slug: str) -> str:
    """The page's words for the service's refusal `slug`."""
    return words(gettext(Language(language), PROBLEMS[slug]))


def field_error(language: str, key: str) -> str:
    """The message beside a field for the problem `key`."""
    return words(gettext(Language(language), FIELD_ERRORS[key]))


def last_event(db: Session, action: str) -> AuditEvent:
    """The newest audit event of `action` (there must be one)."""
    db.expire_all()
    event = db.scalars(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq.desc())
    ).first()
    assert event is not None, f"no {action} event"
    return event


def form_keys(document: Element) -> list[str]:
    """The keys of the action forms a page offers (`<key>-form`)."""
    return [
        str(form.attrs["id"]).removesuffix("-form")
        for form in document.find_all("form", class_="console-form")
    ]
