"""The /verify page with a pasted SD-JWT VC: the verdict, what the holder chose to show
(labelled from the type metadata) and, in words, what the holder withheld; en, es, fr."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.crypto import jws, sd_jwt
from app.fields import Language
from app.web.i18n import gettext
from app.web.standing import STANDING_NAMES, Standing
from tests.verification.sd_jwt_factories import (
    Held,
    bound,
    wallet_credential,
    with_added_disclosure,
)
from tests.web.helpers import Node, assert_page

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)

# Labels from the type metadata (app.standards.vct), as a wallet would show them.
SHOWN = {Language.en: "Score (%)", Language.es: "Puntuación (%)", Language.fr: "Note (%)"}
WITHHELD = {
    Language.en: ("The holder chose not to show:", "Name", "Training provider", "Unit passed"),
    Language.es: ("decidió no mostrar:", "Nombre", "Centro de formación", "Unidad aprobada"),
    Language.fr: ("a choisi de ne pas montrer :", "Nom", "Formateur", "Unité réussie"),
}
VERDICT = {Language.en: "Verified", Language.es: "Verificada", Language.fr: "Vérifiée"}


def _section(page: Node) -> Node:
    return page.find("section", class_="disclosure")


def _holder_name(held: Held) -> str:
    identifiers = held.credential.document["credentialSubject"]["identifier"]
    [name] = [item["identityHash"] for item in identifiers if item["identityType"] == "name"]
    assert isinstance(name, str)
    return name


@pytest.mark.parametrize("language", [Language.en, Language.es, Language.fr])
def test_a_pasted_presentation_shows_what_was_disclosed_and_withheld(
    client: TestClient, app: FastAPI, db: Session, language: Language
) -> None:
    held = wallet_credential(client, app, db)
    presented = bound(held.serialized, held.holder, keep=("score",))
    units = len(jws.decode(sd_jwt.split(presented)[0]).payload["units"])
    response = client.post(f"/verify?lang={language}", data={"credential": presented})
    page = assert_page(response)
    verdict = next(node for node in page.walk() if "data-verdict" in node.attrs)
    assert verdict.attrs["data-verdict"] == "verified"
    assert VERDICT[language] in verdict.text
    section = _section(page)
    shown = dict(
        zip(
            [node.text for node in section.find_all("dt")],
            [node.text for node in section.find_all("dd")],
            strict=True,
        )
    )
    score = str(held.credential.document["credentialSubject"]["result"][0]["value"])
    assert shown == {SHOWN[language]: score.removesuffix(".0")}
    withheld = section.find("p", class_="disclosure__withheld").text
    sentence, *labels = WITHHELD[language]
    assert sentence in withheld
    for label in labels:
        assert label in withheld
    assert f"({units})" in withheld
    if language is Language.fr:  # a no-break space before the colon, as French writes it
        assert "montrer\u00a0:" in response.text
    assert _holder_name(held) not in (response.text)
    facts = page.find("section", class_="credential-facts")
    terms = [node.text for node in facts.find_all("dt")]
    status = facts.find_all("dd")[terms.index(gettext(language, "Status"))].text
    assert status == gettext(language, STANDING_NAMES[Standing.active])


def test_a_pasted_credential_showing_everything_withholds_nothing(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    held = wallet_credential(client, app, db)
    page = assert_page(client.post("/verify", data={"credential": held.serialized}))
    section = _section(page)
    assert "withheld nothing" in section.find("p", class_="disclosure__withheld").text
    name = _holder_name(held)
    assert name in page.find("section", class_="disclosure").text


def test_a_tampered_presentation_shows_no_content(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    held = wallet_credential(client, app, db)
    page = assert_page(
        client.post("/verify?lang=fr", data={"credential": with_added_disclosure(held.serialized)})
    )
    verdict = next(node for node in page.walk() if "data-verdict" in node.attrs)
    assert verdict.attrs["data-verdict"] == "tampered"
    assert not page.find_all("section", class_="disclosure")
    assert "modifiée ou ajoutée" in page.text
