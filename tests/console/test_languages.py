"""Every console page in English, Spanish and French, with nothing left in English."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.fields import Language
from app.web.i18n import catalog_domains, read_catalog
from app.web.templates import PAGE_CONTENT_SECURITY_POLICY
from tests.console.helpers import (
    CONSOLE,
    LOGIN,
    Element,
    issue,
    page,
    session_csrf,
    signed_in,
    submit_gapped_curriculum,
)
from tests.credentials.factories import issuing_setup

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)


@dataclass(frozen=True)
class Console:
    """A signed-in admin's client and the paths of a page of each kind."""

    client: TestClient
    paths: dict[str, str]


@pytest.fixture
def console(client: TestClient, app: FastAPI, db: Session) -> Console:
    setup = issuing_setup(client, app, db)
    gapped = submit_gapped_curriculum(client, setup, db)
    credential_id = issue(client, setup)
    signed_in(client, db, Role.admin)
    return Console(
        client=client,
        paths={
            "dashboard": CONSOLE,
            "queue": f"{CONSOLE}/curricula?status=all",
            "curriculum": f"{CONSOLE}/curricula/{gapped.id}",
            "credentials": f"{CONSOLE}/credentials",
            "credential": f"{CONSOLE}/credentials/{credential_id}",
            "audit": f"{CONSOLE}/audit",
            "verify": f"{CONSOLE}/audit/verify",
            "providers": f"{CONSOLE}/providers",
            "provider": f"{CONSOLE}/providers/{setup.provider_id}",
            "standards": f"{CONSOLE}/standards?status=published",
            "standard": f"{CONSOLE}/standards/{setup.standard.code}/{setup.standard.version}",
            "users": f"{CONSOLE}/users",
            "keys": f"{CONSOLE}/keys",
            "missing": f"{CONSOLE}/no-such-page",
        },
    )


def english_only(language: Language) -> tuple[set[str], set[str]]:
    """English msgids whose `language` translation differs: (all, the sentence-like ones)."""
    english: set[str] = set()
    for domain in catalog_domains(language):
        for message in read_catalog(language, domain):
            if not message.id:
                continue
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            string = message.string or ""
            translated = string if isinstance(string, str) else string[0]
            if "%(" not in msgid and translated and translated != msgid:
                english.add(msgid)
    return english, {msgid for msgid in english if len(msgid.split()) >= 3}


def untranslated(document: Element, language: Language) -> list[str]:
    """Text on a page that is an English message rather than its translation."""
    words, sentences = english_only(language)
    found = []
    for text in document.texts():
        if text in words or any(sentence in text for sentence in sentences):
            found.append(text)
    return found


def check(console: Console, path: str, language: Language, status: int = 200) -> Element:
    separator = "&" if "?" in path else "?"
    response = console.client.get(f"{path}{separator}lang={language}")
    document = page(response, status)
    assert response.headers["content-language"] == language
    assert response.headers["content-security-policy"] == PAGE_CONTENT_SECURITY_POLICY
    assert response.headers["referrer-policy"] == "same-origin"
    assert document.find("html").attrs["lang"] == language
    return document


PAGES = ["dashboard", "queue", "curriculum", "credentials", "credential", "audit", "verify"]
PAGES += ["providers", "provider", "standards", "standard", "users", "keys"]


@pytest.mark.parametrize("language", ["es", "fr"])
def test_pages_are_translated(console: Console, language: Language) -> None:
    for name in PAGES:
        document = check(console, console.paths[name], language)
        assert untranslated(document, language) == [], name
    missing = check(console, console.paths["missing"], language, 404)
    assert untranslated(missing, language) == []


def test_pages_render_in_english(console: Console) -> None:
    headings = {
        name: check(console, console.paths[name], Language.en).find("h1").text for name in PAGES
    }
    assert headings["dashboard"] == "Dashboard"
    assert headings["queue"] == "Curricula review"
    assert headings["credentials"] == "Credentials"
    assert headings["audit"] == "Audit log"
    assert headings["verify"] == "Audit chain verification"
    # The detector the other tests rely on does see English where Spanish was due.
    english_page = check(console, console.paths["curriculum"], Language.en)
    missed = untranslated(english_page, Language.es)
    assert {"Dashboard", "Gaps", "Approve this curriculum", "Sign out"} <= set(missed)


@pytest.mark.parametrize(
    ("language", "heading", "button"),
    [
        ("es", "Tablero", "Cerrar sesión"),
        ("fr", "Tableau de bord", "Fermer la session"),
    ],
)
def test_the_layout_follows_the_language(
    console: Console, language: Language, heading: str, button: str
) -> None:
    document = check(console, CONSOLE, language)
    assert document.find("h1").text == heading
    nav = document.find("nav", class_="site-nav")
    assert nav.find("button").text == button
    assert all(f"lang={language}" in (a.attrs["href"] or "") for a in nav.find_all("a"))


@pytest.mark.parametrize("language", ["es", "fr"])
def test_form_errors_and_refusals_are_translated(console: Console, language: Language) -> None:
    path = console.paths["curriculum"]
    token = session_csrf(console.client, path)
    gaps = console.client.post(
        f"{path}?lang={language}", data={"csrf_token": token, "action": "approve"}
    )
    assert untranslated(page(gaps, 409), language) == []
    reasons = console.client.post(
        f"{path}?lang={language}", data={"csrf_token": token, "action": "reject"}
    )
    assert untranslated(page(reasons, 400), language) == []
    forged = console.client.post(f"{path}?lang={language}", data={"action": "approve"})
    assert untranslated(page(forged, 403), language) == []
    credential = console.paths["credential"]
    revoke = console.client.post(
        f"{credential}?lang={language}", data={"csrf_token": token, "action": "revoke"}
    )
    assert untranslated(page(revoke, 400), language) == []


@pytest.mark.parametrize("language", ["es", "fr"])
def test_the_sign_in_page_is_translated(client: TestClient, language: Language) -> None:
    document = page(client.get(f"{LOGIN}?lang={language}"))
    assert untranslated(document, language) == []
    wrong = client.post(
        f"{LOGIN}?lang={language}",
        data={
            "username": "nobody",
            "password": "wrong-password-123",
            "csrf_token": document.find("input", name="csrf_token").attrs["value"] or "",
        },
    )
    assert untranslated(page(wrong, 401), language) == []
