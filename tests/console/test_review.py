"""The curricula review queue: listing, the coverage report, approving and rejecting."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.curricula.models import Curriculum
from tests.audit.helpers import events, user_id
from tests.console.helpers import (
    CONSOLE,
    GappedCurriculum,
    page,
    session_csrf,
    signed_in,
    submit_gapped_curriculum,
)
from tests.credentials.factories import IssuingSetup, issuing_setup

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)

CURRICULA = f"{CONSOLE}/curricula"


@pytest.fixture
def setup(client: TestClient, app: FastAPI, db: Session) -> IssuingSetup:
    return issuing_setup(client, app, db)


@pytest.fixture
def gapped(client: TestClient, setup: IssuingSetup, db: Session) -> GappedCurriculum:
    return submit_gapped_curriculum(client, setup, db)


def stored(db: Session, curriculum_id: int) -> Curriculum:
    db.expire_all()
    curriculum = db.get(Curriculum, curriculum_id)
    assert curriculum is not None
    return curriculum


def test_the_queue_lists_submitted_curricula_by_default(
    client: TestClient, db: Session, setup: IssuingSetup, gapped: GappedCurriculum
) -> None:
    signed_in(client, db, Role.auditor)
    queue = page(client.get(CURRICULA))
    links = [a.attrs["href"] for a in queue.find("table").find_all("a")]
    assert links == [f"/console/curricula/{gapped.id}?lang=en"]
    assert queue.find("h2", id="curricula-results-heading").text == "1 curriculum"
    everything = page(client.get(CURRICULA, params={"status": "all"}))
    assert len(everything.find("table").find("tbody").find_all("tr")) == 2
    approved = page(client.get(CURRICULA, params={"status": "approved", "country": "MX"}))
    assert [a.attrs["href"] for a in approved.find("table").find_all("a")] == [
        f"/console/curricula/{setup.curriculum_id}?lang=en"
    ]
    assert page(client.get(CURRICULA, params={"country": "CA"})).find_all("table") == []


def test_the_detail_shows_the_coverage_report_and_its_gaps(
    client: TestClient, db: Session, gapped: GappedCurriculum
) -> None:
    signed_in(client, db, Role.registrar)
    detail = page(client.get(f"{CURRICULA}/{gapped.id}"))
    [gap] = detail.find("table", class_="console-gaps").find("tbody").find_all("tr")
    assert gap.attrs["data-kind"] == "outcome-partially-covered"
    assert "Learning outcome only partially covered" in gap.text
    assert gapped.outcome_code in gap.text
    assert "partially covered" in gap.text
    assert detail.find("h2", id="coverage-heading").text == "Coverage report"
    assert detail.find("button", id="approve")
    assert detail.find("textarea", id="reasons")


def test_approving_a_curriculum_with_gaps_shows_them_and_changes_nothing(
    client: TestClient, db: Session, gapped: GappedCurriculum
) -> None:
    signed_in(client, db, Role.registrar)
    before = stored(db, gapped.id)
    coverage = before.coverage
    token = session_csrf(client, f"{CURRICULA}/{gapped.id}")
    response = client.post(
        f"{CURRICULA}/{gapped.id}", data={"csrf_token": token, "action": "approve"}
    )
    document = page(response, 409)
    problem = document.find("div", class_="console-problem")
    assert "cannot be approved" in problem.text
    assert problem.attrs["role"] == "alert"
    [gap] = document.find("table", class_="console-gaps").find("tbody").find_all("tr")
    assert gapped.outcome_code in gap.text
    after = stored(db, gapped.id)
    assert (after.status, after.reviewed_by, after.coverage) == ("submitted", None, coverage)


def test_approving_a_complete_curriculum(
    client: TestClient, db: Session, gapped: GappedCurriculum
) -> None:
    fixed = client.put(
        f"/api/v1/provider/curricula/{gapped.id}",
        headers=gapped.provider,
        json=gapped.complete_body,
    )
    assert fixed.status_code == 200, fixed.text
    username = signed_in(client, db, Role.registrar)
    token = session_csrf(client, f"{CURRICULA}/{gapped.id}")
    response = client.post(
        f"{CURRICULA}/{gapped.id}?lang=es",
        data={"csrf_token": token, "action": "approve"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/console/curricula/{gapped.id}?lang=es&done=approved"
    document = page(client.get(response.headers["location"]))
    assert document.find("div", class_="console-notice").text == "El plan de estudios se aprobó."
    assert "Aprobado" in document.find("dl").text
    assert document.find_all("button", id="approve") == []
    curriculum = stored(db, gapped.id)
    assert (curriculum.status, curriculum.reviewed_by) == ("approved", username)
    # The service audits the approval with the console user as its actor, as for the API.
    [event] = events(db, action="curriculum.approve", target_id=str(gapped.id))
    assert (event.actor, event.actor_role) == (f"user:{user_id(db, username)}", "registrar")
    assert event.target_type == "curriculum"


def test_rejecting_with_reasons_one_per_line(
    client: TestClient, db: Session, gapped: GappedCurriculum
) -> None:
    username = signed_in(client, db, Role.admin)
    token = session_csrf(client, f"{CURRICULA}/{gapped.id}")
    reasons = "Map outcome 1 fully.\r\n\r\n  Add the work-based hours.  \n"
    response = client.post(
        f"{CURRICULA}/{gapped.id}",
        data={"csrf_token": token, "action": "reject", "reasons": reasons},
    )
    document = page(response)
    assert "has been rejected" in document.find("div", class_="console-notice").text
    curriculum = stored(db, gapped.id)
    assert curriculum.status == "rejected"
    assert curriculum.review_reasons == ["Map outcome 1 fully.", "Add the work-based hours."]
    provider_view = client.get(f"/api/v1/provider/curricula/{gapped.id}", headers=gapped.provider)
    assert provider_view.json()["review_reasons"] == curriculum.review_reasons
    [event] = events(db, action="curriculum.reject")
    assert event.actor == f"user:{user_id(db, username)}"


@pytest.mark.parametrize("reasons", ["", "   \n  ", "ok"])
def test_rejecting_needs_reasons(
    client: TestClient, db: Session, gapped: GappedCurriculum, reasons: str
) -> None:
    signed_in(client, db, Role.registrar)
    token = session_csrf(client, f"{CURRICULA}/{gapped.id}")
    response = client.post(
        f"{CURRICULA}/{gapped.id}",
        data={"csrf_token": token, "action": "reject", "reasons": reasons},
    )
    document = page(response, 400)
    summary = document.find("div", class_="console-error-summary")
    assert summary.find("a").attrs["href"] == "#reasons"
    textarea = document.find("textarea", id="reasons")
    assert textarea.attrs["aria-invalid"] == "true"
    assert "reasons-error" in (textarea.attrs["aria-describedby"] or "")
    assert stored(db, gapped.id).status == "submitted"


def test_an_unknown_action_or_curriculum(
    client: TestClient, db: Session, gapped: GappedCurriculum
) -> None:
    signed_in(client, db, Role.registrar)
    token = session_csrf(client, f"{CURRICULA}/{gapped.id}")
    page(client.post(f"{CURRICULA}/{gapped.id}", data={"csrf_token": token, "action": "x"}), 400)
    page(client.get(f"{CURRICULA}/999999"), 404)
    page(client.post(f"{CURRICULA}/999999", data={"csrf_token": token, "action": "approve"}), 404)
    page(client.get(f"{CURRICULA}/not-a-number"), 400)


def test_a_reviewed_curriculum_cannot_be_reviewed_again(
    client: TestClient, db: Session, setup: IssuingSetup
) -> None:
    signed_in(client, db, Role.registrar)
    token = session_csrf(client)
    response = client.post(
        f"{CURRICULA}/{setup.curriculum_id}",
        data={"csrf_token": token, "action": "reject", "reasons": "Too late now."},
    )
    document = page(response, 409)
    assert "no longer awaiting review" in document.find("div", class_="console-problem").text
    assert stored(db, setup.curriculum_id).status == "approved"


def test_an_auditor_reads_but_cannot_review(
    client: TestClient, db: Session, gapped: GappedCurriculum
) -> None:
    signed_in(client, db, Role.auditor)
    detail = page(client.get(f"{CURRICULA}/{gapped.id}"))
    actions = [form.attrs["action"] for form in detail.find_all("form", method="post")]
    assert actions == ["/console/logout?lang=en"]
    assert "can read this curriculum but not review it" in detail.text
    token = session_csrf(client)
    for data in ({"action": "approve"}, {"action": "reject", "reasons": "No good at all."}):
        response = client.post(f"{CURRICULA}/{gapped.id}", data={"csrf_token": token, **data})
        assert "Your role does not allow this" in page(response, 403).text
    assert stored(db, gapped.id).status == "submitted"


def test_review_forms_need_the_sessions_csrf_token(
    client: TestClient, db: Session, gapped: GappedCurriculum
) -> None:
    signed_in(client, db, Role.registrar)
    missing = client.post(f"{CURRICULA}/{gapped.id}", data={"action": "approve"})
    assert "did not come from this console" in page(missing, 403).text
    wrong = client.post(
        f"{CURRICULA}/{gapped.id}", data={"action": "approve", "csrf_token": "A" * 43}
    )
    page(wrong, 403)
    # A token from another session is as wrong as a made-up one.
    other = TestClient(client.app)
    signed_in(other, db, Role.registrar)
    foreign = client.post(
        f"{CURRICULA}/{gapped.id}",
        data={"action": "approve", "csrf_token": session_csrf(other)},
    )
    page(foreign, 403)
    assert stored(db, gapped.id).status == "submitted"


def test_posts_from_another_origin_are_refused(
    client: TestClient, db: Session, gapped: GappedCurriculum
) -> None:
    signed_in(client, db, Role.registrar)
    token = session_csrf(client)
    for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"}):
        response = client.post(
            f"{CURRICULA}/{gapped.id}",
            data={"action": "approve", "csrf_token": token},
            headers=headers,
        )
        page(response, 403)
    referer = client.post(
        f"{CURRICULA}/{gapped.id}",
        data={"action": "approve", "csrf_token": token},
        headers={"Referer": "https://evil.example/page"},
    )
    page(referer, 403)
    same = client.post(
        f"{CURRICULA}/{gapped.id}",
        data={"action": "approve", "csrf_token": token},
        headers={"Origin": "http://testserver"},
    )
    page(same, 409)  # accepted as a form, refused for its gaps
