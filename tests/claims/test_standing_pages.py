"""The worker's pages tell the truth about a credential that is not valid: no "genuine and
valid", no LinkedIn link, and a certificate whose frame carries the standing; the claim
and verify pages show the same standing in their details (en, es, fr)."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.claims import pages as claim_pages
from app.db import utcnow
from app.fields import Language
from app.verification import pages as verify_pages
from app.verification import verify_page
from app.web.i18n import gettext
from tests.verification.factories import issue, issued_credential
from tests.web.helpers import Node, assert_page

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)

LANGUAGES: tuple[Language, ...] = tuple(Language)
GENUINE = (
    "Send this link to employers: it shows that your credential is genuine and valid. "
    "It does not show your email address."
)


def words(text: str) -> str:
    """`text` with its spaces (no-break ones too) as the page's text gives them."""
    return " ".join(text.split())


def personal_path(client: TestClient, issued: dict[str, Any]) -> str:
    token = str(issued["claim_url"]).rsplit("/", 1)[1]
    response = client.post(f"/claim/{token}", follow_redirects=False)
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def status_in_details(page: Node) -> str:
    """The "Status" of the credential facts (the `dd` after its `dt`)."""
    facts = page.find("section", class_="credential-facts").find("dl")
    children = [node for node in facts.walk() if node.tag in {"dt", "dd"}]
    for term, value in pairwise(children):
        if term.tag == "dt" and term.text in {"Status", "Estado", "Statut"}:
            return value.text
    raise AssertionError("no status in the credential's details")


def assert_truthful(client: TestClient, path: str, *, english: str, slug: str) -> None:
    for language in LANGUAGES:
        personal = assert_page(client.get(path, params={"lang": language}))
        text = personal.text
        assert words(gettext(language, GENUINE)) not in words(text)
        assert not personal.find_all("a", class_="linkedin-link")
        standing = personal.find("p", class_="personal-share__standing")
        assert standing.attrs["data-standing"] == slug
        assert gettext(language, english) in standing.text
        assert status_in_details(personal) == gettext(language, english)
        certificate = assert_page(client.get(f"{path}/certificate", params={"lang": language}))
        frame = certificate.find("article", class_="certificate")
        mark = frame.find("p", class_="certificate__watermark")
        assert mark.text == gettext(language, english)
        assert mark.attrs["data-watermark"] == slug


def test_a_valid_credential_is_offered_to_linkedin(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, issued = issued_credential(client, app, db)
    path = personal_path(client, issued)
    for language in LANGUAGES:
        personal = assert_page(client.get(path, params={"lang": language}))
        assert words(gettext(language, GENUINE)) in words(personal.text)
        assert personal.find("a", class_="linkedin-link").attrs["href"]
        assert status_in_details(personal) == gettext(language, "Active")
        certificate = assert_page(client.get(f"{path}/certificate", params={"lang": language}))
        assert not certificate.find_all("p", class_="certificate__watermark")


@pytest.mark.parametrize(("action", "english"), [("revoke", "Revoked"), ("suspend", "Suspended")])
def test_withdrawn_credential_pages_say_so(
    client: TestClient, app: FastAPI, db: Session, action: str, english: str
) -> None:
    setup, issued = issued_credential(client, app, db)
    path = personal_path(client, issued)
    changed = client.post(
        f"/api/v1/admin/credentials/{issued['id']}/{action}",
        headers=setup.staff,
        json={"reason": "Audit"},
    )
    assert changed.status_code == 200, changed.text
    assert_truthful(client, path, english=english, slug=english.lower())


def test_expired_credential_pages_say_so(
    client: TestClient, app: FastAPI, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup, issued = issued_credential(client, app, db)
    path = personal_path(client, issued)
    later = utcnow() + timedelta(days=365 * setup.standard.validity_years + 30)
    monkeypatch.setattr(claim_pages, "utcnow", lambda: later)
    monkeypatch.setattr(verify_pages, "utcnow", lambda: later)
    monkeypatch.setattr(verify_page, "utcnow", lambda: later)  # the certificate's check
    assert_truthful(client, path, english="Expired", slug="expired")
    for language in LANGUAGES:
        verified = assert_page(client.get(f"/verify/{issued['id']}", params={"lang": language}))
        assert status_in_details(verified) == gettext(language, "Expired")


def test_claim_page_of_a_credential_not_yet_valid(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, _ = issued_credential(client, app, db)
    future = issue(client, setup, valid_from="2099-01-01T00:00:00Z")
    token = str(future["claim_url"]).rsplit("/", 1)[1]
    for language in LANGUAGES:
        claim = assert_page(client.get(f"/claim/{token}", params={"lang": language}))
        assert status_in_details(claim) == gettext(language, "Not yet valid")
        verified = assert_page(client.get(f"/verify/{future['id']}", params={"lang": language}))
        assert status_in_details(verified) == gettext(language, "Not yet valid")


def test_claim_page_of_a_suspended_credential_says_so_before_the_details(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, issued = issued_credential(client, app, db)
    changed = client.post(
        f"/api/v1/admin/credentials/{issued['id']}/suspend",
        headers=setup.staff,
        json={"reason": "Audit"},
    )
    assert changed.status_code == 200, changed.text
    token = str(issued["claim_url"]).rsplit("/", 1)[1]
    for language in LANGUAGES:
        claim = assert_page(client.get(f"/claim/{token}", params={"lang": language}))
        main = claim.find("main")
        sections = [node for node in main.walk() if node.tag == "section"]
        assert "personal-status" in sections[0].classes
        verdict = sections[0].find("p", data_verdict="suspended")
        assert gettext(language, "Suspended") in verdict.text
        assert status_in_details(claim) == gettext(language, "Suspended")


def test_the_wallet_offer_page_switches_language_by_posting_again(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, issued = issued_credential(client, app, db)
    path = personal_path(client, issued)
    page = assert_page(client.post(f"{path}/wallet", params={"lang": "en"}))
    switcher = page.find("nav", class_="language-switcher")
    forms = switcher.find_all("form")
    assert [form.attrs["action"] for form in forms] == [
        f"{path}/wallet?lang=es",
        f"{path}/wallet?lang=fr",
    ]
    assert all(form.attrs["method"] == "post" for form in forms)
    for form, language in zip(forms, ("es", "fr"), strict=True):
        again = assert_page(client.post(str(form.attrs["action"])))
        assert again.find("html").attrs["lang"] == language
        assert again.find_all("img", class_="wallet-offer__qr")
