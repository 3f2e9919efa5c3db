"""Curricula in the portal: a draft with its gaps named in words, fixed and submitted; field
errors in the reader's language; "Add a module"; rejection, comments and resubmission; a
new version of an approved curriculum; audited like the API."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.curricula.models import Curriculum
from app.fields import Country
from app.provider_users.models import ProviderRole
from app.providers.models import TrainingProvider
from tests.audit.helpers import events
from tests.console.helpers import Element, page
from tests.credentials.factories import IssuingSetup, issuing_setup
from tests.curricula.factories import complete_curriculum_body
from tests.portal.curriculum_forms import CURRICULA, form_fields, gapped_body, post_curriculum
from tests.portal.helpers import PortalAccount, signed_in

ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture
def setup(client: TestClient, app: FastAPI, db: Session) -> IssuingSetup:
    return issuing_setup(client, app, db)


def staff_member(client: TestClient, db: Session, setup: IssuingSetup) -> PortalAccount:
    provider = db.get(TrainingProvider, setup.provider_id)
    assert provider is not None
    return signed_in(client, db, provider, ProviderRole.provider_staff)


def stored(db: Session, curriculum_id: int) -> Curriculum:
    db.expire_all()
    curriculum = db.get(Curriculum, curriculum_id)
    assert curriculum is not None
    return curriculum


def saved_id(response: object) -> int:
    location = response.headers["location"]  # type: ignore[attr-defined]
    assert response.status_code == 303, response.text  # type: ignore[attr-defined]
    return int(location.split("/curricula/")[1].split("?")[0])


def standard_choice(setup: IssuingSetup) -> str:
    return f"{setup.standard.code}:{setup.standard.version}"


def gap_texts(document: Element) -> list[str]:
    return [item.text for item in document.find("ul", id="gaps").find_all("li")]


@pytest.mark.parametrize("migrated_database", ENGINES, indirect=True)
def test_a_draft_shows_its_gaps_then_is_fixed_and_submitted(
    client: TestClient, db: Session, setup: IssuingSetup
) -> None:
    staff_member(client, db, setup)
    chooser = page(client.get(f"{CURRICULA}/new"))
    assert standard_choice(setup) in [
        option.attrs["value"]
        for option in chooser.find("select", id="standard-choice").find_all("option")
    ]
    empty_form = page(client.get(f"{CURRICULA}/new", params={"standard": standard_choice(setup)}))
    assert empty_form.find("p", id="no-report").text
    assert empty_form.find("input", id="module-1-code").attrs["value"] == ""

    body = gapped_body(setup.standard)
    fields = {**form_fields(body), "standard": standard_choice(setup)}
    curriculum_id = saved_id(post_curriculum(client, "/new", fields, action="save"))
    draft = stored(db, curriculum_id)
    assert draft.status == "draft" and draft.provider_id == setup.provider_id
    assert len(draft.coverage["gaps"]) >= 5

    shown = page(client.get(f"{CURRICULA}/{curriculum_id}?done=saved"))
    assert "Draft saved." in shown.find("div", role="status").text
    assert shown.find("dd", id="curriculum-status").text.startswith("Draft")
    gaps = gap_texts(shown)
    first, second = (outcome.code for outcome in setup.standard.units[0].outcomes[:2])
    assert any(f"Outcome {first} of unit" in gap and "only partly taught" in gap for gap in gaps)
    assert any(f"No module teaches outcome {second}" in gap for gap in gaps)
    assert any("must be work-based; the modules have 0." in gap for gap in gaps)
    assert any(
        "Module M02 is taught in English, which is not allowed in your country; "
        "allowed languages: Spanish." in gap
        for gap in gaps
    )
    assert any(
        "Module M02 uses the delivery mode online, which is not allowed in your country; "
        "allowed modes: in person, blended, and work-based." in gap
        for gap in gaps
    )
    chosen = shown.find("select", id="module-2-language").find("option", value="en")
    assert "selected" in chosen.attrs

    fixed = form_fields(complete_curriculum_body(setup.standard, Country.mx))
    assert saved_id(post_curriculum(client, f"/{curriculum_id}", fixed, action="submit")) == (
        curriculum_id
    )
    submitted = stored(db, curriculum_id)
    assert submitted.status == "submitted" and submitted.coverage["gaps"] == []
    done = page(client.get(f"{CURRICULA}/{curriculum_id}?done=submitted"))
    assert done.find("p", id="no-gaps").text.startswith("No gaps")
    assert done.find("dd", id="curriculum-status").text.startswith("Awaiting review")

    actions = [
        event.action for event in events(db, target_type="curriculum", target_id=str(curriculum_id))
    ]
    assert actions == ["curriculum.draft", "curriculum.revise"]
    listed = page(client.get(CURRICULA)).find("table", id="curricula").text
    assert body["title"] in listed and "Awaiting review" in listed
