"""The worker's side: look at a claim link (safe), claim once (POST), keep a personal link,
download, print, share (both engines)."""

from __future__ import annotations

import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.credentials.issuance import hash_token
from app.credentials.models import Credential
from app.db import utcnow
from app.fields import Language
from app.web.i18n import gettext
from tests.helpers import assert_problem
from tests.verification.factories import issue, issued_credential
from tests.web.helpers import Node, assert_page, page_msgids, parse, visible_text

EMAIL = "maria.lopez@example.com"


def claim_token(issued: dict[str, Any]) -> str:
    """The secret of the claim link returned at issuance."""
    url: str = issued["claim_url"]
    assert url.startswith("http://testserver/claim/")
    return url.rsplit("/", 1)[1]


def stored(db: Session, credential_id: str) -> Credential:
    """The credential as the database holds it now."""
    db.expire_all()
    credential = db.get(Credential, credential_id)
    assert credential is not None
    return credential


def assert_private(response: Any) -> None:
    """The headers of every answer whose address holds a secret."""
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-robots-tag"] == "noindex"


def claim(client: TestClient, token: str, *, attempt: str | None = None, **params: str) -> str:
    """Claim with the page's button (a POST); asserts the 303, returns the personal page's path."""
    data = {"attempt": attempt} if attempt is not None else None
    response = client.post(f"/claim/{token}", params=params, data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert_private(response)
    location = response.headers["location"]
    assert location.startswith("/my/")
    return location


def claim_form(page: Node) -> Node:
    """The claim page's form: a plain POST with its attempt (hidden) and its button."""
    form = page.find("form", class_="claim-form")
    assert form.attrs["method"] == "post"
    [attempt] = form.find_all("input")
    assert (attempt.attrs["type"], attempt.attrs["name"]) == ("hidden", "attempt")
    assert len(str(attempt.attrs["value"])) >= 20
    assert form.find("button").attrs["type"] == "submit"
    return form


def form_attempt(client: TestClient, token: str) -> str:
    """The attempt a freshly rendered claim page carries."""
    form = claim_form(assert_page(client.get(f"/claim/{token}")))
    return str(form.find("input").attrs["value"])


def unavailable(response: Any, status: int, reason: str) -> Node:
    """A friendly page for a link that does not open (never problem+json)."""
    page = assert_page(response, status)
    assert_private(response)
    assert page.find("h1").attrs["data-reason"] == reason
    return page


def assert_unclaimed(db: Session, credential_id: str, token: str) -> None:
    """The claim secret is still live: nothing claimed, no personal link yet."""
    credential = stored(db, credential_id)
    assert credential.claimed_at is None
    assert credential.holder_link_hash is None
    assert credential.claim_token_hash == hash_token(token)


# --- claiming -------------------------------------------------------------------------------


def test_claim_once_then_the_link_is_spent(client: TestClient, app: FastAPI, db: Session) -> None:
    _, issued = issued_credential(client, app, db)
    token = claim_token(issued)
    location = claim(client, token)
    holder_token = location.removeprefix("/my/")

    credential = stored(db, issued["id"])
    assert credential.claimed_at is not None
    assert credential.holder_link_hash == hash_token(holder_token)
    assert credential.claim_token_hash != hash_token(token)
    assert token not in (credential.claim_token_hash or "")

    again = client.get(f"/claim/{token}", follow_redirects=False)
    page = unavailable(again, 410, "used")
    assert "already been used" in page.find("h1").text
    unavailable(client.post(f"/claim/{token}", follow_redirects=False), 410, "used")
    # The personal page the redirect pointed at opens, and refreshing it is harmless.
    assert assert_page(client.get(location)).find("h1").text == "Your credential"
    assert assert_page(client.get(location)).find("h1").text == "Your credential"


def test_the_same_form_posted_twice_leads_to_the_same_personal_page(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    """A double click posts the form twice; the browser shows the second answer."""
    _, issued = issued_credential(client, app, db)
    token = claim_token(issued)
    attempt = form_attempt(client, token)
    assert form_attempt(client, token) != attempt  # each page its own

    answers = [
        client.post(f"/claim/{token}", data={"attempt": attempt}, follow_redirects=False)
        for _ in range(2)
    ]
    assert [answer.status_code for answer in answers] == [303, 303]
    first, second = (answer.headers["location"] for answer in answers)
    assert first == second
    assert stored(db, issued["id"]).holder_link_hash == hash_token(first.removeprefix("/my/"))
    assert assert_page(client.get(second)).find("h1").text == "Your credential"

    # Any other post is refused, as before: another page's attempt, or none.
    other = client.post(f"/claim/{token}", data={"attempt": "other"}, follow_redirects=False)
    unavailable(other, 410, "used")
    unavailable(client.post(f"/claim/{token}", follow_redirects=False), 410, "used")


def test_simultaneous_posts_of_one_form_agree_and_of_two_forms_do_not(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, issued = issued_credential(client, app, db)

    def post_together(token: str, attempts: list[str]) -> list[Any]:
        barrier = threading.Barrier(len(attempts))

        def post(attempt: str) -> Any:
            barrier.wait()
            return client.post(f"/claim/{token}", data={"attempt": attempt}, follow_redirects=False)

        with ThreadPoolExecutor(len(attempts)) as pool:
            return list(pool.map(post, attempts))

    same = post_together(claim_token(issued), ["one-form"] * 6)
    assert [answer.status_code for answer in same] == [303] * 6
    assert len({answer.headers["location"] for answer in same}) == 1

    other = issue(client, setup)
    different = post_together(claim_token(other), [f"form-{n}" for n in range(6)])
    assert sorted(answer.status_code for answer in different) == [303] + [410] * 5


def test_a_resubmitted_claim_expires_and_ends_with_its_link(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, issued = issued_credential(client, app, db)
    token = claim_token(issued)
    location = claim(client, token, attempt="first-click")
    client.post(f"{location}/regenerate", follow_redirects=False)
    # The personal link was replaced: the old attempt no longer leads anywhere.
    again = client.post(f"/claim/{token}", data={"attempt": "first-click"}, follow_redirects=False)
    unavailable(again, 410, "used")

    late = issue(client, setup)
    late_token = claim_token(late)
    claim(client, late_token, attempt="first-click")
    credential = stored(db, late["id"])
    assert credential.claimed_at is not None
    credential.claimed_at -= timedelta(minutes=11)
    db.commit()
    after = client.post(
        f"/claim/{late_token}", data={"attempt": "first-click"}, follow_redirects=False
    )
    unavailable(after, 410, "used")


def test_claim_pages_are_translated(client: TestClient, app: FastAPI, db: Session) -> None:
    _, issued = issued_credential(client, app, db)
    token = claim_token(issued)
    location = claim(client, token, lang="fr")
    assert location.endswith("?lang=fr")
    page = assert_page(client.get(location))
    assert page.find("h1").text == "Votre attestation"
    spent = unavailable(client.get(f"/claim/{token}?lang=es"), 410, "used")
    assert spent.find("h1").text == "Este enlace para obtener la credencial ya se utilizó"


def test_expired_claim_link(client: TestClient, app: FastAPI, db: Session) -> None:
    _, issued = issued_credential(client, app, db)
    credential = stored(db, issued["id"])
    credential.claim_expires_at = utcnow() - timedelta(minutes=1)
    db.commit()
    token = claim_token(issued)

    page = unavailable(client.get(f"/claim/{token}", follow_redirects=False), 410, "expired")
    assert "30 days" in page.text
    unavailable(client.post(f"/claim/{token}", follow_redirects=False), 410, "expired")
    assert_problem(client.get(f"/api/v1/claims/{token}"), 410, "claim-expired")
    assert_problem(client.post(f"/api/v1/claims/{token}"), 410, "claim-expired")
    assert stored(db, issued["id"]).claimed_at is None


def test_unknown_claim_link(client: TestClient) -> None:
    unavailable(client.get("/claim/not-a-real-token", follow_redirects=False), 404, "unknown")
    unavailable(client.post("/claim/not-a-real-token", follow_redirects=False), 404, "unknown")
    assert_problem(client.get("/api/v1/claims/not-a-real-token"), 404, "claim-not-found")
    assert_problem(client.post("/api/v1/claims/not-a-real-token"), 404, "claim-not-found")


def test_renewed_claim_link_replaces_the_old_one(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    """A provider's retry (same Idempotency-Key) renews the claim link; the old one is gone."""
    setup, _ = issued_credential(client, app, db)
    headers = {**setup.provider, "Idempotency-Key": "cohort-7-row-3"}
    body = {
        "curriculum_id": setup.curriculum_id,
        "recipient": {"name": "Ana Ruiz", "email": "ana@example.com"},
        "assessment": {"completed_on": "2026-11-20"},
    }
    first = client.post("/api/v1/credentials", headers=headers, json=body).json()
    replay = client.post("/api/v1/credentials", headers=headers, json=body).json()
    assert replay["id"] == first["id"]
    assert claim_token(replay) != claim_token(first)
    unavailable(client.get(f"/claim/{claim_token(first)}", follow_redirects=False), 404, "unknown")
    unavailable(client.post(f"/claim/{claim_token(first)}", follow_redirects=False), 404, "unknown")
    claim(client, claim_token(replay))


def test_claim_over_the_api(client: TestClient, app: FastAPI, db: Session) -> None:
    _, issued = issued_credential(client, app, db)
    token = claim_token(issued)
    response = client.post(f"/api/v1/claims/{token}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert_private(response)
    body = response.json()
    credential = stored(db, issued["id"])
    assert body["credential_id"] == issued["id"]
    assert body["credential"] == credential.document == issued["credential"]
    assert body["jwt"] == credential.jwt == issued["jwt"]
    assert body["verify_url"] == f"http://testserver/verify/{issued['id']}"
    assert body["claimed_at"]
    holder_url: str = body["holder_url"]
    assert holder_url.startswith("http://testserver/my/")
    assert credential.holder_link_hash == hash_token(holder_url.rsplit("/", 1)[1])
    assert EMAIL not in response.text

    assert_problem(client.post(f"/api/v1/claims/{token}"), 410, "claim-used")
    assert_problem(client.get(f"/api/v1/claims/{token}"), 410, "claim-used")
    unavailable(client.get(f"/claim/{token}", follow_redirects=False), 410, "used")
    # The personal link from the JSON opens the personal page.
    assert assert_page(client.get(holder_url.removeprefix("http://testserver")))


def test_a_claim_retried_with_its_idempotency_key_gets_the_same_link(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, issued = issued_credential(client, app, db)
    token = claim_token(issued)
    key = {"Idempotency-Key": "claim-7f3a"}
    first = client.post(f"/api/v1/claims/{token}", headers=key)
    retry = client.post(f"/api/v1/claims/{token}", headers=key)
    assert (first.status_code, retry.status_code) == (200, 200)
    assert retry.json() == first.json()
    holder_url: str = first.json()["holder_url"]
    assert stored(db, issued["id"]).holder_link_hash == hash_token(holder_url.rsplit("/", 1)[1])

    other = client.post(f"/api/v1/claims/{token}", headers={"Idempotency-Key": "claim-other"})
    assert_problem(other, 410, "claim-used")
    assert_problem(client.post(f"/api/v1/claims/{token}"), 410, "claim-used")
    unusable = client.post(f"/api/v1/claims/{token}", headers={"Idempotency-Key": "a b"})
    assert_problem(unusable, 422, "invalid-idempotency-key")


def test_looking_over_the_api_spends_nothing(client: TestClient, app: FastAPI, db: Session) -> None:
    _, issued = issued_credential(client, app, db)
    token = claim_token(issued)
    looks = [client.get(f"/api/v1/claims/{token}") for _ in range(2)]
    for response in looks:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        assert_private(response)
    body = looks[0].json()
    assert looks[1].json() == body
    credential = stored(db, issued["id"])
    assert body["credential_id"] == issued["id"]
    assert body["credential"] == credential.document
    assert body["jwt"] == credential.jwt
    assert body["verify_url"] == f"http://testserver/verify/{issued['id']}"
    assert body["claimable"] is True
    assert body["claim_expires_at"] == issued["claim_expires_at"]
    assert "holder_url" not in body and "claimed_at" not in body
    assert EMAIL not in looks[0].text
    assert_unclaimed(db, issued["id"], token)

    claimed = client.post(f"/api/v1/claims/{token}")
    assert claimed.status_code == 200, claimed.text
    assert {key: claimed.json()[key] for key in ("credential", "jwt", "verify_url")} == {
        key: body[key] for key in ("credential", "jwt", "verify_url")
    }


# --- the claim page (before claiming) ------------------------------------------------------


def test_claim_page_shows_the_credential_and_spends_nothing(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, issued = issued_credential(client, app, db)
    token = claim_token(issued)
    for _ in range(2):  # a mail scanner, then the worker
        response = client.get(f"/claim/{token}", follow_redirects=False)
        page = assert_page(response)
        assert_private(response)
    assert page.find("h1").text == "Claim your credential"
    facts = page.find("section", class_="credential-facts")
    assert facts.find("dd", class_="credential-facts__holder").text == "María Fernanda López"
    assert setup.standard.title.en in facts.text
    assert issued["id"] in facts.text
    assert "Issued by" in facts.text and "Issued on" in facts.text
    expires = datetime.fromisoformat(issued["claim_expires_at"])
    assert f"You can claim it until {expires:%B} {expires.day}, {expires.year}." in page.text
    form = claim_form(page)
    assert form.attrs["action"] == f"/claim/{token}"
    assert form.find("button").text == "Claim my credential"
    assert EMAIL not in response.text
    assert_unclaimed(db, issued["id"], token)

    # The button still works after any number of looks.
    location = claim(client, token)
    assert assert_page(client.get(location)).find("h1").text == "Your credential"
    unavailable(client.post(f"/claim/{token}", follow_redirects=False), 410, "used")


def test_claim_page_keeps_the_language_through_the_claim(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, issued = issued_credential(client, app, db)
    token = claim_token(issued)
    page = assert_page(client.get(f"/claim/{token}", params={"lang": "fr"}))
    action = str(claim_form(page).attrs["action"])
    assert action == f"/claim/{token}?lang=fr"
    response = client.post(action, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].endswith("?lang=fr")
    assert assert_page(client.get(response.headers["location"])).find("h1").text == (
        "Votre attestation"
    )


def test_claim_form_posted_without_origin_or_with_a_null_one(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    """The page is `no-referrer`, so browsers post its form with `Origin: null`; the secret
    in the address is the capability, so neither that nor a missing Origin is refused."""
    setup, first = issued_credential(client, app, db)
    claim(client, claim_token(first))
    second = issue(client, setup)
    response = client.post(
        f"/claim/{claim_token(second)}", headers={"Origin": "null"}, follow_redirects=False
    )
    assert response.status_code == 303


@pytest.mark.parametrize(
    ("language", "heading", "button"),
    [
        ("en", "Claim your credential", "Claim my credential"),
        ("es", "Obtenga su credencial", "Obtener mi credencial"),
        ("fr", "Récupérez votre attestation", "Récupérer mon attestation"),
    ],
)
def test_claim_page_renders_in_every_language(
    client: TestClient,
    app: FastAPI,
    db: Session,
    language: Language,
    heading: str,
    button: str,
) -> None:
    _, issued = issued_credential(client, app, db)
    token = claim_token(issued)
    response = client.get(f"/claim/{token}", params={"lang": language})
    page = assert_page(response)
    assert response.headers["content-language"] == language
    assert page.find("h1").text == heading
    assert claim_form(page).find("button").text == button
    text = visible_text(response.text)
    assert "%(" not in text and "{{" not in text
    english = {msgid for msgid in page_msgids() if gettext(language, msgid) != msgid}
    assert sorted(msgid for msgid in english if msgid in text) == []
    assert_unclaimed(db, issued["id"], token)


# --- the personal page ---------------------------------------------------------------------


def test_personal_page(client: TestClient, app: FastAPI, db: Session) -> None:
    setup, issued = issued_credential(client, app, db)
    location = claim(client, claim_token(issued))
    response = client.get(location)
    page = assert_page(response)
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert page.find("p", id="verdict").attrs["data-verdict"] == "verified"
    assert "María Fernanda López" in page.find("section", class_="credential-facts").text
    share = page.find("input", id="share-link")
    assert share.attrs["value"] == f"http://testserver/verify/{issued['id']}"
    assert "readonly" in share.attrs
    links = {link.text: str(link.attrs["href"]) for link in page.find_all("a")}
    assert links["Download (JSON)"] == f"{location}/credential.json"
    assert links["Download (JWT)"] == f"{location}/credential.jwt"
    assert links["Print certificate"] == f"{location}/certificate"
    actions = [form.attrs["action"] for form in page.find_all("form", method="post")]
    assert actions == [f"{location}/wallet", f"{location}/regenerate"]
    assert setup.standard.title.en in page.text


def test_downloads_are_the_stored_credential(client: TestClient, app: FastAPI, db: Session) -> None:
    _, issued = issued_credential(client, app, db)
    location = claim(client, claim_token(issued))
    credential = stored(db, issued["id"])

    as_json = client.get(f"{location}/credential.json")
    assert as_json.status_code == 200
    assert as_json.headers["content-type"] == "application/vc"
    assert as_json.headers["content-disposition"] == (
        f'attachment; filename="nassc-{issued["id"]}.json"'
    )
    assert as_json.headers["cache-control"] == "no-store"
    assert json.loads(as_json.content) == credential.document
    assert credential.document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"

    as_jwt = client.get(f"{location}/credential.jwt")
    assert as_jwt.status_code == 200
    assert as_jwt.headers["content-type"] == "application/vc+jwt"
    assert as_jwt.headers["content-disposition"] == (
        f'attachment; filename="nassc-{issued["id"]}.jwt"'
    )
    assert as_jwt.text == credential.jwt

    # What was downloaded verifies.
    verified = client.post("/api/v1/verify", json={"credential": as_jwt.text}).json()
    assert verified["verified"] is True
    assert_problem(client.get("/my/unknown/credential.json"), 404, "holder-link-not-found")


def test_regenerate_invalidates_the_old_personal_link(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, issued = issued_credential(client, app, db)
    old = claim(client, claim_token(issued))
    response = client.post(f"{old}/regenerate", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["cache-control"] == "no-store"
    new = response.headers["location"]
    assert new.startswith("/my/") and new != old

    assert assert_page(client.get(new)).find("h1").text == "Your credential"
    unavailable(client.get(old), 404, "holder-unknown")
    assert_problem(client.get(f"{old}/credential.jwt"), 404, "holder-link-not-found")
    unavailable(client.post(f"{old}/regenerate", follow_redirects=False), 404, "holder-unknown")
    assert stored(db, issued["id"]).holder_link_hash == hash_token(new.removeprefix("/my/"))


def test_linkedin_link_fills_in_the_certification(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, issued = issued_credential(client, app, db)
    location = claim(client, claim_token(issued), lang="es")
    page = assert_page(client.get(location))
    href = str(page.find("a", class_="linkedin-link").attrs["href"])
    parts = urlsplit(href)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    issued_at = stored(db, issued["id"]).issued_at
    assert query["startTask"] == "CERTIFICATION_NAME"
    assert query["name"] == setup.standard.title.es
    assert query["organizationName"] == "North American Standards Skills Council (NASSC)"
    assert query["certUrl"] == f"http://testserver/verify/{issued['id']}"
    assert query["certId"] == issued["id"]
    assert query["issueYear"] == str(issued_at.year)
    assert query["issueMonth"] == str(issued_at.month)
    if issued["valid_until"]:
        assert query["expirationYear"].isdigit()
    # Spaces and accents are percent-encoded, never left raw in the attribute.
    assert " " not in href


def test_personal_certificate(client: TestClient, app: FastAPI, db: Session) -> None:
    _, issued = issued_credential(client, app, db)
    location = claim(client, claim_token(issued))
    response = client.get(f"{location}/certificate")
    page = assert_page(response)
    assert response.headers["cache-control"] == "no-store"
    image = page.find("img", class_="certificate__qr")
    assert str(image.attrs["src"]).startswith("data:image/svg+xml")
    assert f"http://testserver/verify/{issued['id']}" in page.text
    # The certificate links back to the personal page, not anywhere public.
    back = page.find("div", class_="certificate-help").find("a")
    assert back.attrs["href"] == location


def test_no_email_and_no_other_credential_on_personal_pages(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, issued = issued_credential(client, app, db)
    other = client.post(
        "/api/v1/credentials",
        headers=setup.provider,
        json={
            "curriculum_id": setup.curriculum_id,
            "recipient": {"name": "María Fernanda López", "email": EMAIL},
            "assessment": {"completed_on": "2026-11-21"},
        },
    ).json()
    location = claim(client, claim_token(issued))
    email_hash = issued["credential"]["credentialSubject"]["identifier"][0]["identityHash"]
    for path in (location, f"{location}/certificate", f"/verify/{issued['id']}"):
        text = client.get(path).text
        assert EMAIL not in text and "maria.lopez" not in text
        assert email_hash not in text
        assert other["id"] not in text


def test_tokens_never_reach_the_access_log(
    client: TestClient, app: FastAPI, db: Session, caplog: pytest.LogCaptureFixture
) -> None:
    _, issued = issued_credential(client, app, db)
    token = claim_token(issued)
    with caplog.at_level(logging.INFO, logger="app.access"):
        client.get(f"/claim/{token}")
        client.get(f"/api/v1/claims/{token}")
        location = claim(client, token)
        client.get(location)
        client.get(f"{location}/credential.json")
        client.post(f"{location}/regenerate", follow_redirects=False)
    holder_token = location.removeprefix("/my/")
    routes = {getattr(record, "route", None) for record in caplog.records}
    assert {"/claim/{token}", "/api/v1/claims/{token}", "/my/{holder_token}"} <= routes
    for record in caplog.records:
        logged = json.dumps(record.__dict__, default=str)
        assert token not in logged
        assert holder_token not in logged


def test_claimed_page_renders_in_every_language(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, issued = issued_credential(client, app, db)
    location = claim(client, claim_token(issued))
    headings = set()
    for language in ("en", "es", "fr"):
        page = parse(client.get(location, params={"lang": language}).text)
        headings.add(page.find("h2", id="downloads-heading").text)
    assert headings == {
        "Download your credential",
        "Descargue su credencial",
        "Téléchargez votre attestation",
    }


@pytest.mark.parametrize("language", ["es", "fr"])
def test_no_english_message_on_translated_personal_pages(
    client: TestClient, app: FastAPI, db: Session, language: Language
) -> None:
    setup, issued = issued_credential(client, app, db)
    token = claim_token(issued)
    location = claim(client, token)
    unclaimed = issue(client, setup)
    english = {msgid for msgid in page_msgids() if gettext(language, msgid) != msgid}
    paths = (
        location,
        f"{location}/certificate",
        f"/claim/{claim_token(unclaimed)}",
        f"/claim/{token}",
        "/claim/unknown",
    )
    for path in paths:
        text = visible_text(client.get(path, params={"lang": language}).text)
        assert sorted(msgid for msgid in english if msgid in text) == [], path
