"""The employer's summary card: first after the verdict, before the checks, with the
holder, the credential, its level and issuer, the training provider, the assessment and
the validity dates (en, es, fr)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.fields import Language
from app.providers.models import TrainingProvider
from app.web.i18n import gettext
from tests.verification.factories import issued_credential
from tests.web.helpers import Node, assert_page

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)

LANGUAGES: tuple[Language, ...] = tuple(Language)
SCORES: dict[str, str] = {"en": "86.5%", "es": "86.5%", "fr": "86,5 %"}


def card_facts(card: Node) -> dict[str, str]:
    """The card's label / value pairs."""
    return {pair.find("dt").text: pair.find("dd").text for pair in card.find("dl").find_all("div")}


def test_summary_card_comes_before_the_checks(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, issued = issued_credential(client, app, db)
    provider = db.get(TrainingProvider, setup.provider_id)
    assert provider is not None
    for language in LANGUAGES:
        response = client.get(f"/verify/{issued['id']}", params={"lang": language})
        page = assert_page(response)
        html = response.text
        assert html.index('class="summary-card"') < html.index('class="checks"')
        card = page.find("section", class_="summary-card")
        assert card.find("h2").text == "María Fernanda López"
        assert card.find(
            "p", class_="summary-card__credential"
        ).text == setup.standard.title.in_language(Language(language))
        facts = card_facts(card)
        assert facts[gettext(language, "Training provider")].startswith(provider.name)
        assert gettext(language, "Mexico") in facts[gettext(language, "Training provider")]
        assert facts[gettext(language, "Accreditation")].startswith(
            gettext(language, "Accredited by NASSC")
        )
        assert provider.identifier in facts[gettext(language, "Accreditation")]
        assert facts[gettext(language, "Score")].replace("\xa0", " ") == SCORES[language]
        assert facts[gettext(language, "Evidence")] == "Practical assessment"
        assert facts[gettext(language, "Status")] == gettext(language, "Active")
        for label in ("NASSC level", "Issued by", "Assessment date", "Valid from", "Valid until"):
            assert facts[gettext(language, label)], label
