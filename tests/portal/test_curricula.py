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
from app.providers import service as providers_service
from app.providers.models import TrainingProvider
from app.providers.schemas import AccreditationStatus
from tests.audit.helpers import events
from tests.console.helpers import Element, page
from tests.credentials.factories import IssuingSetup, issuing_setup
from tests.curricula.factories import complete_curriculum_body
from tests.factories import create_provider
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


# Element.text joins words with plain spaces (French no-break spaces included).
GAP_WORDS = {
    "en": ("Draft", "No module teaches outcome", "allowed languages: Spanish."),
    "es": ("Borrador", "Ningún módulo enseña el resultado", "idiomas permitidos: español."),
    "fr": ("Brouillon", "Aucun module n’enseigne le résultat", "langues permises : espagnol."),
}


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
@pytest.mark.parametrize("lang", ["en", "es", "fr"])
def test_the_status_and_the_gaps_read_in_each_language(
    client: TestClient, db: Session, setup: IssuingSetup, lang: str
) -> None:
    staff_member(client, db, setup)
    fields = {**form_fields(gapped_body(setup.standard)), "standard": standard_choice(setup)}
    curriculum_id = saved_id(post_curriculum(client, "/new", fields, action="save", lang=lang))
    shown = page(client.get(f"{CURRICULA}/{curriculum_id}?lang={lang}"))
    status, outcome_gap, language_gap = GAP_WORDS[lang]
    assert shown.find("html").attrs["lang"] == lang
    assert shown.find("dd", id="curriculum-status").text.startswith(status)
    gaps = gap_texts(shown)
    assert any(gap.startswith(outcome_gap) for gap in gaps), gaps
    assert any(gap.endswith(language_gap) for gap in gaps), gaps
    listed = page(client.get(f"{CURRICULA}?lang={lang}")).find("table", id="curricula")
    assert status in listed.text


FIELD_ERRORS = {
    "en": ("Enter the hours as a whole number", "Choose how the module is delivered."),
    "es": ("Escriba las horas como número entero", "Elija la modalidad del módulo."),
    "fr": ("Inscrivez les heures en nombre entier", "Choisissez le mode de formation du module."),
}


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
@pytest.mark.parametrize("lang", ["en", "es", "fr"])
def test_field_errors_are_shown_beside_each_field_and_nothing_is_saved(
    client: TestClient, db: Session, setup: IssuingSetup, lang: str
) -> None:
    staff_member(client, db, setup)
    body = {**complete_curriculum_body(setup.standard, Country.mx), "title": "Not saved"}
    fields = {**form_fields(body), "standard": standard_choice(setup)}
    fields |= {
        "title": " ",
        "module-1-theory_hours": "doce",
        "module-2-modality": "",
        "module-3-code": "M01",
        "module-4-theory_hours": "0",
    }
    answer = post_curriculum(client, "/new", fields, action="submit", lang=lang)
    shown = page(answer, 400)
    hours, modality = FIELD_ERRORS[lang]
    assert hours in shown.find("p", id="module-1-theory_hours-error").text
    assert shown.find("p", id="module-2-modality-error").text.endswith(modality)
    assert shown.find("p", id="title-error").text
    assert shown.find("p", id="module-3-code-error").text
    assert shown.find("p", id="module-4-theory_hours-error").text
    field = shown.find("input", id="module-1-theory_hours")
    assert field.attrs["value"] == "doce" and field.attrs["aria-invalid"] == "true"
    summary = shown.find("div", role="alert").text
    assert "2" in summary and modality in summary
    db.expire_all()
    assert db.query(Curriculum).count() == 1


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_add_a_module_shows_the_form_again_with_one_more_and_saves_nothing(
    client: TestClient, db: Session, setup: IssuingSetup
) -> None:
    staff_member(client, db, setup)
    body = complete_curriculum_body(setup.standard, Country.mx)
    fields = {**form_fields(body), "standard": standard_choice(setup)}
    count = len(body["modules"])
    shown = page(post_curriculum(client, "/new", fields, action="add"))
    assert shown.find("input", id=f"module-{count}-code").attrs["value"] == f"M{count:02d}"
    assert shown.find("input", id=f"module-{count + 1}-code").attrs["value"] == ""
    empty = {key: value for key, value in fields.items() if key.startswith("module-")}
    empty |= {f"module-{count + 1}-code": "", f"module-{count + 2}-code": ""}
    again = page(post_curriculum(client, "/new", {**fields, **empty}, action="add"))
    assert again.find("input", id=f"module-{count + 2}-code").attrs["value"] == ""
    db.expire_all()
    assert db.query(Curriculum).count() == 1


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_a_rejected_curriculum_shows_the_comments_and_can_be_resubmitted(
    client: TestClient, db: Session, setup: IssuingSetup
) -> None:
    staff_member(client, db, setup)
    fields = {**form_fields(gapped_body(setup.standard)), "standard": standard_choice(setup)}
    curriculum_id = saved_id(post_curriculum(client, "/new", fields, action="submit"))
    rejected = client.post(
        f"/api/v1/admin/curricula/{curriculum_id}/reject",
        headers=setup.staff,
        json={"reasons": ["Teach outcome 2 of the first unit.", "Add work-based hours."]},
    )
    assert rejected.status_code == 200, rejected.text
    shown = page(client.get(f"{CURRICULA}/{curriculum_id}?lang=es"))
    assert shown.find("dd", id="curriculum-status").text.startswith("Rechazado")
    comments = shown.find("div", id="review-comments").texts()
    assert "Teach outcome 2 of the first unit." in comments
    assert shown.find("button", id="submit-curriculum").text == "Enviarlo de nuevo a revisión"
    listed = page(client.get(CURRICULA)).find("table", id="curricula").text
    assert "Add work-based hours." in listed

    fixed = form_fields(complete_curriculum_body(setup.standard, Country.mx))
    post_curriculum(client, f"/{curriculum_id}", fixed, action="save")
    assert stored(db, curriculum_id).status == "draft"
    draft = page(client.get(f"{CURRICULA}/{curriculum_id}"))
    assert "Add work-based hours." in draft.find("div", id="review-comments").texts()
    post_curriculum(client, f"/{curriculum_id}", fixed, action="submit")
    resubmitted = stored(db, curriculum_id)
    assert resubmitted.status == "submitted" and resubmitted.review_reasons is None


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_changing_an_approved_curriculum_makes_a_new_version(
    client: TestClient, db: Session, setup: IssuingSetup
) -> None:
    staff_member(client, db, setup)
    approved = page(client.get(f"{CURRICULA}/{setup.curriculum_id}"))
    assert approved.find("dd", id="curriculum-status").text.startswith("Approved")
    assert approved.find("button", id="submit-curriculum").text == "Submit version 2 for review"
    fields = form_fields(complete_curriculum_body(setup.standard, Country.mx))
    new_id = saved_id(post_curriculum(client, f"/{setup.curriculum_id}", fields, action="save"))
    assert new_id != setup.curriculum_id
    assert stored(db, new_id).version == 2 and stored(db, new_id).status == "draft"
    assert stored(db, setup.curriculum_id).status == "approved"
    old = page(client.get(f"{CURRICULA}/{setup.curriculum_id}"))
    assert str(old.find("a", id="latest-version").attrs["href"]).startswith(
        f"{CURRICULA}/{new_id}?"
    )
    assert not old.find_all("button", id="submit-curriculum")
    refused = post_curriculum(client, f"/{setup.curriculum_id}", fields, action="submit")
    assert "A newer version of this curriculum exists" in page(refused, 409).text


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_a_user_of_another_provider_gets_404_reading_or_writing(
    client: TestClient, db: Session, setup: IssuingSetup
) -> None:
    theirs = create_provider(db, country=Country.mx.value)
    signed_in(client, db, theirs, ProviderRole.provider_admin)
    links = [str(link.attrs.get("href")) for link in page(client.get(CURRICULA)).find_all("a")]
    assert not [link for link in links if link.startswith(f"{CURRICULA}/{setup.curriculum_id}?")]
    page(client.get(f"{CURRICULA}/{setup.curriculum_id}"), 404)
    fields = form_fields(complete_curriculum_body(setup.standard, Country.mx))
    for action in ("save", "submit", "add"):
        page(post_curriculum(client, f"/{setup.curriculum_id}", fields, action=action), 404)
    mine = stored(db, setup.curriculum_id)
    assert mine.status == "approved" and mine.provider_id == setup.provider_id
    assert events(db, target_type="curriculum", action="curriculum.revise") == []


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_the_forms_need_the_sessions_csrf_token(
    client: TestClient, db: Session, setup: IssuingSetup
) -> None:
    staff_member(client, db, setup)
    fields = {**form_fields(gapped_body(setup.standard)), "standard": standard_choice(setup)}
    for path in ("/new", f"/{setup.curriculum_id}"):
        for token in ("", "forged"):
            refused = post_curriculum(client, path, fields, action="save", token=token)
            assert refused.status_code == 403
    assert stored(db, setup.curriculum_id).version == 1
    db.expire_all()
    assert db.query(Curriculum).count() == 1


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_an_unknown_standard_or_curriculum_is_a_page_not_an_error(
    client: TestClient, db: Session, setup: IssuingSetup
) -> None:
    staff_member(client, db, setup)
    missing = page(client.get(f"{CURRICULA}/new", params={"standard": "NOPE:1"}), 404)
    assert missing.find("select", id="standard-choice")
    page(client.get(f"{CURRICULA}/999999"), 404)
    fields = {**form_fields(gapped_body(setup.standard)), "standard": "NOPE:1"}
    page(post_curriculum(client, "/new", fields, action="save"), 404)


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"module-1-theory_hours": "99999999999999999999"}, "module-1-theory_hours"),
        ({"module-1-practice_hours": "-5"}, "module-1-practice_hours"),
        ({"module-1-work_based_hours": "1.5"}, "module-1-work_based_hours"),
        ({"module-1-modality": "by-carrier-pigeon"}, "module-1-modality"),
        ({"module-1-language": "de"}, "module-1-language"),
        ({"module-1-code": "Mecánica 1"}, "module-1-code"),
        ({"module-1-title": "x" * 301}, "module-1-title"),
        ({"title": "x" * 301}, "title"),
    ],
)
def test_hostile_values_are_field_errors_not_failures(
    client: TestClient,
    db: Session,
    setup: IssuingSetup,
    changes: dict[str, str],
    field: str,
) -> None:
    staff_member(client, db, setup)
    fields = {**form_fields(gapped_body(setup.standard)), "standard": standard_choice(setup)}
    answer = post_curriculum(client, "/new", {**fields, **changes}, action="save", lang="es")
    assert page(answer, 400).find("p", id=f"{field}-error").text


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_outcomes_of_another_standard_and_unknown_levels_are_ignored(
    client: TestClient, db: Session, setup: IssuingSetup
) -> None:
    staff_member(client, db, setup)
    fields = {**form_fields(gapped_body(setup.standard)), "standard": standard_choice(setup)}
    fields |= {"module-1-outcome-OTHER-U01-LO1": "full", "module-2-remove": "", "action": "x"}
    first = setup.standard.units[0].outcomes[0].code
    fields[f"module-1-outcome-{first}"] = "everything"
    curriculum_id = saved_id(post_curriculum(client, "/new", fields, action="save"))
    mapped = {m["outcome_code"] for m in stored(db, curriculum_id).modules[0]["outcomes"]}
    assert "OTHER-U01-LO1" not in mapped and first not in mapped
    unknown_action = post_curriculum(client, f"/{curriculum_id}", fields, action="publish")
    assert "Choose Save draft" in page(unknown_action, 400).find("div", role="alert").text


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_a_provider_that_is_not_accredited_is_told_why_and_nothing_is_saved(
    client: TestClient, db: Session, setup: IssuingSetup
) -> None:
    staff_member(client, db, setup)
    providers_service.change_accreditation(
        db, provider_id=setup.provider_id, status=AccreditationStatus.suspended, reason="audit"
    )
    db.commit()
    fields = {**form_fields(gapped_body(setup.standard)), "standard": standard_choice(setup)}
    refused = post_curriculum(client, "/new", fields, action="submit", lang="fr")
    problem = page(refused, 403).find("div", role="alert").text
    assert problem.startswith("Votre organisme n’est pas accrédité")
    assert page(refused, 403).find("input", id="module-1-code").attrs["value"] == "M01"
    db.expire_all()
    assert db.query(Curriculum).count() == 1


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_the_dashboard_counts_drafts_and_links_to_the_curricula(
    client: TestClient, db: Session, setup: IssuingSetup
) -> None:
    staff_member(client, db, setup)
    fields = {**form_fields(gapped_body(setup.standard)), "standard": standard_choice(setup)}
    saved_id(post_curriculum(client, "/new", fields, action="save"))
    dashboard = page(client.get("/portal?lang=es"))
    assert "Borradores: 1" in dashboard.text and "Aprobados: 1" in dashboard.text
    assert dashboard.find("a", id="curricula-link").attrs["href"] == f"{CURRICULA}?lang=es"


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_add_a_module_shows_the_coverage_of_the_unsaved_form(
    client: TestClient, db: Session, setup: IssuingSetup
) -> None:
    staff_member(client, db, setup)
    complete = complete_curriculum_body(setup.standard, Country.mx)
    fields = {**form_fields(complete), "standard": standard_choice(setup)}
    shown = page(post_curriculum(client, "/new", fields, action="add", lang="es"))
    assert shown.find("p", id="unsaved-report").text.startswith("Este informe corresponde")
    assert shown.find("p", id="no-gaps").text.startswith("Sin brechas")
    # Marking the last module (the elective unit's) for removal: the elective and its hour
    # are missing, still unsaved (the electives gap was a server error on the portal).
    last = len(complete["modules"])
    removed = {**fields, f"module-{last}-remove": "1"}
    shown = page(post_curriculum(client, "/new", removed, action="add"))
    assert shown.find("p", id="unsaved-report")
    assert gap_texts(shown) == [
        "Teach at least 1 elective unit in full (now: 0).",
        "At least 200 hours are needed in all; the modules add up to 199.",
    ]
    assert "checked" in shown.find("input", id=f"module-{last}-remove").attrs
    # A form that could not be saved keeps the last saved report (none yet).
    half = {**fields, f"module-{last + 1}-code": "M99"}
    shown = page(post_curriculum(client, "/new", half, action="add"))
    assert not shown.find_all("p", id="unsaved-report")
    assert shown.find("p", id="no-report")
    db.expire_all()
    assert db.query(Curriculum).count() == 1
