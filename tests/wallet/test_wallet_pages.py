"""The worker adds their credential to a wallet from the personal page (en, es, fr)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.fields import Language
from app.web.i18n import gettext
from tests.claims.test_pages import assert_private, claim, claim_token
from tests.verification.factories import issued_credential
from tests.wallet.test_openid4vci import LDP_VC, Wallet
from tests.web.helpers import assert_page, page_msgids, visible_text


def test_the_offer_page_shows_a_qr_code_and_a_link_that_a_wallet_redeems(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, issued = issued_credential(client, app, db)
    location = claim(client, claim_token(issued))
    personal = assert_page(client.get(location))
    form = personal.find("section", class_="personal-wallet").find("form")
    assert form.attrs["action"] == f"{location}/wallet"

    response = client.post(form.attrs["action"])
    page = assert_page(response)
    assert_private(response)
    qr = page.find("img", class_="wallet-offer__qr")
    assert str(qr.attrs["src"]).startswith("data:image/svg+xml")
    link = str(page.find("a", class_="button").attrs["href"])
    assert link.startswith("openid-credential-offer://?credential_offer_uri=")
    assert "15 minutes" in page.find("section", class_="wallet-offer").text

    wallet = Wallet(client)
    offer = wallet.read_offer(link)
    token = wallet.token(offer).json()["access_token"]
    delivered = wallet.credential(token, {"credential_configuration_id": LDP_VC})
    assert delivered.json()["credentials"][0]["credential"] == issued["credential"]
    # The link worked once; a second offer needs another press of the button.
    assert wallet.token(offer).json()["error"] == "invalid_grant"
    offer_uri = parse_qs(urlsplit(link).query)["credential_offer_uri"][0]
    assert client.get(urlsplit(offer_uri).path).status_code == 404


def test_a_credential_not_valid_now_is_not_offered(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, issued = issued_credential(client, app, db)
    location = claim(client, claim_token(issued))
    revoked = client.post(
        f"/api/v1/admin/credentials/{issued['id']}/revoke",
        headers=setup.staff,
        json={"reason": "Issued in error"},
    )
    assert revoked.status_code == 200, revoked.text
    personal = assert_page(client.get(location))
    assert personal.find_all("section", class_="personal-wallet") == []
    page = assert_page(client.post(f"{location}/wallet"))
    assert "cannot be added to a wallet" in page.find("p", class_="notice").text
    assert page.find_all("img", class_="wallet-offer__qr") == []


def test_an_unknown_personal_link_offers_nothing(client: TestClient) -> None:
    response = client.post("/my/no-such-token-0123456789abcdef0123456789abcdef/wallet")
    assert response.status_code == 404


@pytest.mark.parametrize("language", [Language.es, Language.fr])
def test_the_wallet_pages_speak_the_workers_language(
    client: TestClient, app: FastAPI, db: Session, language: Language
) -> None:
    _, issued = issued_credential(client, app, db)
    location = claim(client, claim_token(issued))
    english = {msgid for msgid in page_msgids() if gettext(language, msgid) != msgid}
    for response in (
        client.get(location, params={"lang": language}),
        client.post(f"{location}/wallet", params={"lang": language}),
    ):
        text = visible_text(response.text)
        assert sorted(msgid for msgid in english if msgid in text) == []
        assert gettext(language, "Add to a digital wallet") in text or (
            gettext(language, "Scan with your wallet") in text
        )


@pytest.mark.parametrize("language", [Language.en, Language.es, Language.fr])
def test_the_claim_page_claims_and_goes_on_to_a_wallet_offer(
    client: TestClient, app: FastAPI, db: Session, language: Language
) -> None:
    _, issued = issued_credential(client, app, db)
    token = claim_token(issued)
    page = assert_page(client.get(f"/claim/{token}", params={"lang": language}))
    form = page.find("section", class_="claim-action").find("form")
    [wallet_button] = [
        button for button in form.find_all("button") if button.attrs.get("name") == "then"
    ]
    assert wallet_button.attrs["value"] == "wallet"
    assert wallet_button.text == gettext(language, "Claim and add to a digital wallet")
    attempt = form.find("input").attrs["value"]

    claimed = client.post(
        str(form.attrs["action"]),
        data={"attempt": attempt, "then": "wallet"},
        follow_redirects=False,
    )
    assert claimed.status_code == 307, claimed.text
    assert_private(claimed)
    location = claimed.headers["location"]
    assert location.startswith("/my/") and location.split("?")[0].endswith("/wallet")
    assert f"lang={language}" in location
    # The browser posts the form again to the personal page's wallet button.
    offered = assert_page(client.post(location, data={"attempt": attempt, "then": "wallet"}))
    link = str(offered.find("a", class_="button").attrs["href"])
    assert link.startswith("openid-credential-offer://?credential_offer_uri=")
    assert gettext(language, "Scan with your wallet") in offered.text
    # The claim is spent, and the personal page is the one the offer page links back to.
    assert client.post(f"/claim/{token}", follow_redirects=False).status_code == 410
    personal = location.split("?")[0].removesuffix("/wallet")
    [back] = [
        node
        for node in offered.find_all("a")
        if node.text == gettext(language, "Back to your credential")
    ]
    assert str(back.attrs["href"]).split("?")[0] == personal
