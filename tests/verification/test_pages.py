"""The public verification pages: the form, the result of one of our credentials, the QR
code and the printable certificate, in English, Spanish and French."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.fields import Language
from app.verification import pages
from app.verification.models import VerificationEvent
from app.verification.qr import qr_svg
from app.web.i18n import gettext
from tests.helpers import assert_problem
from tests.verification.factories import issued_credential, resigned, unsigned
from tests.web.helpers import Node, assert_page, page_msgids, visible_text

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)

LANGUAGES: tuple[Language, ...] = (Language.en, Language.es, Language.fr)
EMAIL = "maria.lopez@example.com"


def verdict_of(page: Node) -> Node:
    """The verdict element of a result page: the first `[data-verdict]`."""
    found = [node for node in page.walk() if "data-verdict" in node.attrs]
    assert found, "no verdict on the page"
    return found[0]


def recognition_countries(page: Node) -> list[str]:
    """The countries whose recognition the page shows, in order."""
    return [
        str(node.attrs["aria-labelledby"]).rsplit("-", 1)[1]
        for node in page.find_all("section", class_="country-group")
    ]


# --- the result page of one of our credentials -------------------------------------------


def test_result_page_gives_the_verdict_first_in_each_language(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, issued = issued_credential(client, app, db)
    verdicts: dict[Language, str] = {}
    for language in LANGUAGES:
        response = client.get(f"/verify/{issued['id']}", params={"lang": language})
        page = assert_page(response)
        assert response.headers["content-language"] == language
        assert response.headers["cache-control"] == "no-store"
        assert "Accept" in response.headers["vary"]
        verdict = verdict_of(page)
        assert verdict.tag == "h1"
        assert verdict.attrs["data-verdict"] == "verified"
        assert verdict.text.endswith(gettext(language, "Verified"))
        verdicts[language] = verdict.text
        # The verdict comes before every check.
        text = page.text
        assert text.index(verdict.text) < text.index(gettext(language, "Checks"))
    assert len(set(verdicts.values())) == 3
    assert verdicts[Language.es].endswith("Verificada")
    assert verdicts[Language.fr].endswith("Vérifiée")


def test_result_page_shows_every_check_and_the_credential(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, issued = issued_credential(client, app, db)
    page = assert_page(client.get(f"/verify/{issued['id']}", params={"lang": "es"}))
    rows = page.find("section", class_="checks").find("tbody").find_all("tr")
    assert [row.attrs["data-check-status"] for row in rows] == ["passed"] * 6
    assert [row.find("th").text for row in rows] == [
        "Firma",
        "Emisor",
        "Vigencia",
        "Revocación",
        "Suspensión",
        "Propiedades obligatorias",
    ]
    facts = page.find("section", class_="credential-facts").text
    assert "María Fernanda López" in facts
    assert setup.standard.title.es in facts
    assert setup.standard.code in facts
    assert issued["id"] in facts
    units = page.find("section", class_="competencies").find_all("li")
    # The units earned: the mandatory ones and the elective the curriculum covers.
    electives = [unit.code for unit in setup.standard.units if unit.kind.value == "elective"]
    assert [unit.find("code").text for unit in units] == [
        unit.code
        for unit in setup.standard.units
        if unit.kind.value == "mandatory" or unit.code in electives[:1]
    ]
    first = setup.standard.units[0]
    kind = "Obligatoria" if first.kind.value == "mandatory" else "Optativa"
    assert units[0].text == f"{first.code} {first.title.es} {kind}"


@pytest.mark.parametrize("language", ["es", "fr"])
def test_no_english_message_shows_on_translated_pages(
    client: TestClient, app: FastAPI, db: Session, language: Language
) -> None:
    _, issued = issued_credential(client, app, db)
    english = {msgid for msgid in page_msgids() if gettext(language, msgid) != msgid}
    assert len(english) > 50
    responses = [
        client.get(f"/verify/{issued['id']}", params={"lang": language}),
        client.get("/verify", params={"lang": language}),
        client.get(f"/verify/{issued['id']}/certificate", params={"lang": language}),
        client.post("/verify", params={"lang": language}, data={"credential": "garbage"}),
    ]
    for response in responses:
        text = visible_text(response.text)
        shown = sorted(msgid for msgid in english if msgid in text)
        assert shown == [], response.request.url


def test_revoked_and_suspended_verdicts(client: TestClient, app: FastAPI, db: Session) -> None:
    setup, revoked = issued_credential(client, app, db)
    suspended = client.post(
        "/api/v1/credentials",
        headers=setup.provider,
        json={
            "curriculum_id": setup.curriculum_id,
            "recipient": {"name": "José Ramírez", "email": "jose@example.com"},
            "assessment": {"completed_on": "2026-11-20"},
        },
    ).json()
    admin = "/api/v1/admin/credentials"
    reason = {"reason": "Audit"}
    assert client.post(f"{admin}/{revoked['id']}/revoke", headers=setup.staff, json=reason)
    assert client.post(f"{admin}/{suspended['id']}/suspend", headers=setup.staff, json=reason)

    for credential, slug, english in (
        (revoked, "revoked", "Revoked"),
        (suspended, "suspended", "Suspended"),
    ):
        texts = set()
        for language in LANGUAGES:
            page = assert_page(client.get(f"/verify/{credential['id']}?lang={language}"))
            verdict = verdict_of(page)
            assert verdict.attrs["data-verdict"] == slug
            assert gettext(language, english) in verdict.text
            assert "verdict--bad" in verdict.classes or "verdict--warn" in verdict.classes
            texts.add(verdict.text)
        assert len(texts) == 3
    # Staff's reason is never published.
    assert "Audit" not in client.get(f"/verify/{revoked['id']}").text


def test_expired_verdict(
    client: TestClient, app: FastAPI, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup, issued = issued_credential(client, app, db)
    years_later = utcnow() + timedelta(days=365 * setup.standard.validity_years + 30)
    monkeypatch.setattr(pages, "utcnow", lambda: years_later)
    for language, expected in (("en", "Expired"), ("es", "Vencida"), ("fr", "Expirée")):
        page = assert_page(client.get(f"/verify/{issued['id']}", params={"lang": language}))
        verdict = verdict_of(page)
        assert verdict.attrs["data-verdict"] == "expired"
        assert verdict.text.endswith(expected)


def test_status_unknown_is_not_verified(client: TestClient, app: FastAPI, db: Session) -> None:
    """A pasted credential of ours whose list cannot be read says "could not check"."""
    _, issued = issued_credential(client, app, db)
    document = unsigned(issued["credential"])
    document["credentialStatus"][0]["statusListCredential"] = "https://elsewhere.example/1"
    response = client.post(
        "/verify", data={"credential": json.dumps(resigned(app, db, document, "di"))}
    )
    page = assert_page(response)
    verdict = verdict_of(page)
    assert verdict.attrs["data-verdict"] == "status-unknown"
    assert "verdict--warn" in verdict.classes
    assert verdict.text.endswith("Could not check status")
    statuses = [row.attrs["data-check-status"] for row in page.find("tbody").find_all("tr")]
    assert statuses.count("unknown") == 1
    assert "passed" in statuses


def test_json_answer_matches_the_api(client: TestClient, app: FastAPI, db: Session) -> None:
    _, issued = issued_credential(client, app, db)
    headers = {"Accept": "application/json", "Accept-Language": "es-MX"}
    response = client.get(f"/verify/{issued['id']}", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    api = client.get(f"/api/v1/verify/{issued['id']}", headers=headers)
    assert response.json() == api.json()
    assert response.json()["outcome"] == "verified"
    assert [item["country"] for item in response.json()["recognition"]] == ["MX"]
    # A browser's Accept gets the page.
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert (
        client.get(f"/verify/{issued['id']}", headers={"Accept": browser})
        .headers["content-type"]
        .startswith("text/html")
    )
    # The API's own errors, in the API's shape.
    invalid = client.get(f"/verify/{issued['id']}?country=FR", headers=headers)
    assert_problem(invalid, 422, "invalid-country")


def test_unknown_credential(client: TestClient) -> None:
    missing = "/verify/00000000-0000-4000-8000-000000000000"
    page = assert_page(client.get(missing, params={"lang": "fr"}), 404)
    assert "Le NASSC n'a délivré aucune attestation" in page.text
    assert_problem(
        client.get(missing, headers={"Accept": "application/json"}), 404, "credential-not-found"
    )
    assert_problem(client.get(f"{missing}/qr.svg"), 404, "credential-not-found")
    assert_page(client.get(f"{missing}/certificate"), 404)


@pytest.mark.parametrize(
    ("params", "headers", "countries", "system"),
    [
        ({"country": "MX"}, {}, ["MX"], "SINCO 2019"),
        ({}, {"Accept-Language": "fr-CA"}, ["CA"], "CNP 2021"),
        ({"country": "US"}, {"Accept-Language": "fr-CA"}, ["US"], "SOC 2018"),
        ({"country": "all"}, {"Accept-Language": "es-MX"}, ["US", "MX", "CA"], "SOC 2018"),
        ({}, {}, ["US", "MX", "CA"], "SOC 2018"),
    ],
)
def test_recognition_follows_the_employer_country(
    client: TestClient,
    app: FastAPI,
    db: Session,
    params: dict[str, str],
    headers: dict[str, str],
    countries: list[str],
    system: str,
) -> None:
    _, issued = issued_credential(client, app, db)
    page = assert_page(client.get(f"/verify/{issued['id']}", params=params, headers=headers))
    assert recognition_countries(page) == countries
    first = page.find_all("section", class_="country-group")[0]
    assert system in first.find("caption").text
    chooser = page.find("nav", class_="country-chooser")
    links = {link.text: link for link in chooser.find_all("a")}
    current = [name for name, link in links.items() if "aria-current" in link.attrs]
    assert len(current) == 1
    # Switching is a plain link that keeps the other parameters.
    assert all("country=" in str(link.attrs["href"]) for link in links.values())


def test_recognition_lists_national_codes_and_equivalents(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, issued = issued_credential(client, app, db)
    page = assert_page(client.get(f"/verify/{issued['id']}?country=MX&lang=es"))
    group = page.find("section", class_="country-group")
    codes = [node.text for node in group.find("tbody").find_all("code")]
    assert codes == [occupation.sinco_2019.code for occupation in setup.standard.occupations]
    mexican = [item for item in setup.standard.equivalents if item.country.value == "MX"]
    if mexican:
        assert mexican[0].title in group.text
    else:
        assert "Ninguna credencial nacional" in group.text or group.find_all("table")


# --- the form -------------------------------------------------------------------------------


def test_form_has_labelled_fields_and_posts_without_javascript(client: TestClient) -> None:
    page = assert_page(client.get("/verify?lang=fr"))
    form = page.find("form", class_="verify-form")
    assert form.attrs["method"] == "post"
    assert form.attrs["action"] == "/verify?lang=fr"
    assert form.attrs["enctype"] == "multipart/form-data"
    for field in (form.find("textarea"), *form.find_all("input"), form.find("select")):
        labels = page.find_all("label", for_=str(field.attrs["id"]))
        assert len(labels) == 1, field.attrs
    assert page.find("label", for_="verify-file").text == "Téléverser un fichier"


@pytest.mark.parametrize("form", ["jwt", "di"])
def test_pasted_credential_verifies(
    client: TestClient, app: FastAPI, db: Session, form: str
) -> None:
    _, issued = issued_credential(client, app, db)
    text = issued["jwt"] if form == "jwt" else json.dumps(issued["credential"], indent=2)
    response = client.post("/verify?lang=es", data={"credential": text, "country": "CA"})
    page = assert_page(response)
    assert response.headers["cache-control"] == "no-store"
    assert verdict_of(page).attrs["data-verdict"] == "verified"
    assert "Verificada" in verdict_of(page).text
    assert recognition_countries(page) == ["CA"]
    assert db.scalar(select(func.count()).select_from(VerificationEvent)) == 1


def test_uploaded_file_verifies(client: TestClient, app: FastAPI, db: Session) -> None:
    _, issued = issued_credential(client, app, db)
    upload = json.dumps(issued["credential"]).encode()
    response = client.post(
        "/verify",
        data={"credential": "", "country": "all"},
        files={"file": ("nassc.json", upload, "application/json")},
    )
    page = assert_page(response)
    assert verdict_of(page).attrs["data-verdict"] == "verified"
    assert recognition_countries(page) == ["US", "MX", "CA"]


def test_tampered_credential_shows_no_content(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, issued = issued_credential(client, app, db)
    document = json.loads(json.dumps(issued["credential"]))
    document["credentialSubject"]["identifier"][1]["identityHash"] = "Someone Else"
    page = assert_page(client.post("/verify?lang=fr", data={"credential": json.dumps(document)}))
    verdict = verdict_of(page)
    assert verdict.attrs["data-verdict"] == "tampered"
    expected = gettext(Language.fr, "Tampered: the signature does not match")
    assert verdict.text.endswith(" ".join(expected.split()))
    assert expected.startswith("Altérée")
    assert "Someone Else" not in page.text
    assert page.find_all("section", class_="credential-facts") == []


def test_presentation_verifies_each_credential(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, issued = issued_credential(client, app, db)
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [issued["credential"]],
    }
    page = assert_page(client.post("/verify", data={"credential": json.dumps(presentation)}))
    assert verdict_of(page).attrs["data-verdict"] == "verified"
    assert len(page.find_all("section", class_="presented-credential")) == 1
    assert "This presentation holds 1 credential." in page.text


@pytest.mark.parametrize(
    ("data", "files", "message"),
    [
        ({"credential": "not a credential"}, None, "This is not a credential that can be read."),
        ({"credential": "{not json"}, None, "This is not a credential that can be read."),
        ({"credential": '{"type": ["Nothing"]}'}, None, "This is not a credential"),
        ({"credential": "  "}, None, "Paste a credential or choose a file, then select"),
        ({"credential": "a.b.c"}, {"file": ("x.jwt", b"a.b.c", "text/plain")}, "not both"),
        (
            {},
            {"file": ("x.bin", b"\xff\xfe\x00garbage", "application/octet-stream")},
            "This is not",
        ),
    ],
)
def test_unusable_input_shows_the_form_with_an_error(
    client: TestClient,
    data: dict[str, str],
    files: dict[str, tuple[str, bytes, str]] | None,
    message: str,
) -> None:
    response = client.post("/verify", data=data, files=files)
    page = assert_page(response, 400)
    error = page.find("div", class_="form-error")
    assert error.attrs["role"] == "alert"
    assert message in error.text
    textarea = page.find("textarea")
    assert textarea.attrs.get("aria-invalid") == "true"


def test_error_message_is_translated_and_input_kept(client: TestClient) -> None:
    response = client.post("/verify?lang=es", data={"credential": "<b>oops</b>"})
    page = assert_page(response, 400)
    assert "No es una credencial que se pueda leer." in page.find("div", class_="form-error").text
    assert page.find("textarea").text == "<b>oops</b>"
    assert "<b>oops</b>" not in response.text


def test_a_form_post_that_is_not_a_form(client: TestClient) -> None:
    response = client.post(
        "/verify",
        content=b"--x\r\nbroken",
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert_page(response, 400)


# --- QR code and certificate --------------------------------------------------------------


def test_qr_code_encodes_the_verify_url(client: TestClient, app: FastAPI, db: Session) -> None:
    _, issued = issued_credential(client, app, db)
    response = client.get(f"/verify/{issued['id']}/qr.svg")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.headers["cache-control"].startswith("public")
    assert response.content.startswith(b"<svg")
    assert response.content == qr_svg(f"http://testserver/verify/{issued['id']}")
    assert response.content != qr_svg(f"http://testserver/verify/{issued['id']}x")


def test_certificate_prints_what_the_credential_says(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, issued = issued_credential(client, app, db)
    response = client.get(f"/verify/{issued['id']}/certificate", params={"lang": "fr"})
    page = assert_page(response)
    assert page.find("body").attrs["class"] == "page--certificate"
    certificate = page.find("article", class_="certificate")
    assert certificate.find("p", class_="certificate__holder").text == "María Fernanda López"
    assert setup.standard.title.fr in certificate.text
    assert "Le présent certificat atteste que" in certificate.text
    image = certificate.find("img", class_="certificate__qr")
    assert str(image.attrs["src"]).startswith("data:image/svg+xml")
    assert image.attrs["alt"]
    assert f"http://testserver/verify/{issued['id']}" in certificate.text


def test_certificate_of_a_revoked_credential_is_a_notice(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, issued = issued_credential(client, app, db)
    revoke = f"/api/v1/admin/credentials/{issued['id']}/revoke"
    assert client.post(revoke, headers=setup.staff, json={"reason": "x"}).status_code == 200
    page = assert_page(client.get(f"/verify/{issued['id']}/certificate"))
    assert page.find("div", class_="certificate-notice").attrs["data-verdict"] == "revoked"
    assert "This certifies that" not in page.text


def test_certificate_and_pages_count_no_employer_verification(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, issued = issued_credential(client, app, db)
    client.get(f"/verify/{issued['id']}/certificate")
    client.get(f"/verify/{issued['id']}/qr.svg")
    assert db.scalar(select(func.count()).select_from(VerificationEvent)) == 0
    client.get(f"/verify/{issued['id']}")
    assert db.scalar(select(func.count()).select_from(VerificationEvent)) == 1


# --- privacy ----------------------------------------------------------------------------------


def test_no_email_on_any_page(client: TestClient, app: FastAPI, db: Session) -> None:
    _, issued = issued_credential(client, app, db)
    email_hash = issued["credential"]["credentialSubject"]["identifier"][0]["identityHash"]
    texts = [
        client.get(f"/verify/{issued['id']}").text,
        client.get(f"/verify/{issued['id']}?country=all&lang=es").text,
        client.get(f"/verify/{issued['id']}/certificate").text,
        client.post("/verify", data={"credential": issued["jwt"]}).text,
    ]
    for text in texts:
        assert EMAIL not in text
        assert "maria.lopez" not in text
        assert email_hash not in text
        assert email_hash.removeprefix("sha256$") not in text
