"""The staff reports against a known dataset, on both engines, as JSON and as CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.db import utcnow
from app.reports import service
from tests.factories import create_provider, provider_headers, staff_headers
from tests.helpers import assert_problem
from tests.reports.dataset import (
    EV,
    FORMULA_NAME,
    SEMI,
    ReportDataset,
    credential_id,
    seed_report_dataset,
)

REPORTS = "/api/v1/admin/reports"
CSV = {"Accept": "text/csv"}


def _credential_row(
    month: str,
    sector: str,
    code: str,
    version: int,
    country: str | None,
    counts: tuple[int, int, int, int, int],
) -> dict[str, Any]:
    issued, active, expired, suspended, revoked = counts
    return {
        "month": month,
        "sector": sector,
        "standard_code": code,
        "standard_version": version,
        "provider_country": country,
        "issued": issued,
        "active": active,
        "expired": expired,
        "suspended": suspended,
        "revoked": revoked,
    }


SEMI_SECTOR, EV_SECTOR = "semiconductors", "ev-batteries"
CREDENTIAL_ROWS = [
    _credential_row("2025-01", SEMI_SECTOR, SEMI, 1, "MX", (3, 1, 1, 0, 1)),
    _credential_row("2025-01", SEMI_SECTOR, SEMI, 1, "US", (1, 1, 0, 0, 0)),
    _credential_row("2025-02", EV_SECTOR, EV, 1, "CA", (2, 2, 0, 0, 0)),
    _credential_row("2025-02", SEMI_SECTOR, SEMI, 1, "MX", (1, 0, 0, 1, 0)),
    _credential_row("2025-02", SEMI_SECTOR, SEMI, 2, "US", (1, 1, 0, 0, 0)),
    _credential_row("2025-03", EV_SECTOR, EV, 1, None, (1, 0, 1, 0, 0)),
    _credential_row("2025-03", SEMI_SECTOR, SEMI, 2, "US", (1, 0, 0, 0, 1)),
]
# Only the credential issued at 2025-01-31T23:59:59.999999Z, which has expired.
LAST_OF_JANUARY = _credential_row("2025-01", SEMI_SECTOR, SEMI, 1, "MX", (1, 0, 1, 0, 0))
CURRICULUM_ROWS = [
    {"status": "approved", "country": "CA", "curricula": 1},
    {"status": "approved", "country": "MX", "curricula": 2},
    {"status": "approved", "country": "US", "curricula": 1},
    {"status": "rejected", "country": "US", "curricula": 1},
    {"status": "submitted", "country": "MX", "curricula": 1},
]
PROVIDER_ROWS = [
    {"accreditation_status": "accredited", "country": "CA", "providers": 1},
    {"accreditation_status": "accredited", "country": "MX", "providers": 1},
    {"accreditation_status": "accredited", "country": "US", "providers": 1},
    {"accreditation_status": "pending", "country": "CA", "providers": 1},
    {"accreditation_status": "suspended", "country": "MX", "providers": 1},
]
FLOWS = [
    ("CA", "CA", "ev-batteries", 1),
    ("CA", "US", "ev-batteries", 1),
    ("MX", "MX", "ev-batteries", 1),
    ("MX", "MX", "semiconductors", 1),
    ("MX", "US", "aerospace-defense", 1),
    ("US", "MX", "semiconductors", 3),
    ("US", None, None, 1),
    (None, "CA", "ev-batteries", 1),
]
MONTHS = [
    {
        "month": "2025-01",
        "verifications": 4,
        "with_countries": 3,
        "cross_border": 2,
        "cross_border_share": 0.6667,
    },
    {
        "month": "2025-02",
        "verifications": 5,
        "with_countries": 4,
        "cross_border": 2,
        "cross_border_share": 0.5,
    },
    {
        "month": "2025-03",
        "verifications": 1,
        "with_countries": 1,
        "cross_border": 1,
        "cross_border_share": 1.0,
    },
]


@pytest.fixture
def dataset(db: Session) -> ReportDataset:
    return seed_report_dataset(db, now=utcnow())


@pytest.fixture
def auditor(client: TestClient, db: Session) -> dict[str, str]:
    return staff_headers(client, db, Role.auditor)


def get_json(client: TestClient, path: str, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get(f"{REPORTS}{path}", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["vary"] == "Accept"
    body: dict[str, Any] = response.json()
    return body


def get_csv(client: TestClient, path: str, headers: dict[str, str]) -> str:
    response = client.get(f"{REPORTS}{path}", headers={**headers, **CSV})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8; header=present"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert response.headers["vary"] == "Accept"
    body = response.text
    assert body.endswith("\r\n")
    return body


def csv_rows(body: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body, newline="")))


def as_csv(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """What the CSV form of `rows` reads back as: text, with null as the empty string."""
    return [{key: "" if value is None else str(value) for key, value in r.items()} for r in rows]


def test_credentials_report_counts_each_month_sector_standard_and_country(
    client: TestClient, dataset: ReportDataset, auditor: dict[str, str]
) -> None:
    body = get_json(client, "/credentials", auditor)
    assert body["rows"] == CREDENTIAL_ROWS
    assert body["totals"] == {"issued": 10, "active": 5, "expired": 2, "suspended": 1, "revoked": 2}
    assert body["filters"] == {
        "issued_from": None,
        "issued_to": None,
        "sector": None,
        "country": None,
        "standard_code": None,
    }
    assert body["as_of"].endswith("Z")

    document = get_csv(client, "/credentials", auditor)
    assert document.splitlines()[0] == (
        "month,sector,standard_code,standard_version,provider_country,"
        "issued,active,expired,suspended,revoked"
    )
    assert csv_rows(document) == as_csv(CREDENTIAL_ROWS)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("from=2025-02-01&to=2025-02-28", CREDENTIAL_ROWS[2:5]),
        ("from=2025-01-31&to=2025-01-31", [LAST_OF_JANUARY]),
        ("from=2025-03-01", CREDENTIAL_ROWS[5:]),
        ("to=2025-01-31", CREDENTIAL_ROWS[:2]),
        ("sector=ev-batteries", [CREDENTIAL_ROWS[2], CREDENTIAL_ROWS[5]]),
        ("country=US", [CREDENTIAL_ROWS[1], CREDENTIAL_ROWS[4], CREDENTIAL_ROWS[6]]),
        (f"standard_code={SEMI}&country=MX", [CREDENTIAL_ROWS[0], CREDENTIAL_ROWS[3]]),
    ],
)
def test_credentials_report_filters(
    client: TestClient,
    dataset: ReportDataset,
    auditor: dict[str, str],
    query: str,
    expected: list[dict[str, Any]],
) -> None:
    assert get_json(client, f"/credentials?{query}", auditor)["rows"] == expected
    assert csv_rows(get_csv(client, f"/credentials?{query}", auditor)) == as_csv(expected)


def test_a_period_ending_before_it_starts_is_refused(
    client: TestClient, auditor: dict[str, str]
) -> None:
    for path in ("/credentials", "/mobility"):
        response = client.get(f"{REPORTS}{path}?from=2025-03-01&to=2025-02-01", headers=auditor)
        assert_problem(response, 422, "invalid-report-period")


def test_unknown_filter_values_are_validation_errors(
    client: TestClient, auditor: dict[str, str]
) -> None:
    for query in ("/credentials?sector=knitting", "/curricula?country=FR", "/expiring?days=0"):
        assert_problem(client.get(f"{REPORTS}{query}", headers=auditor), 422, "validation-error")


def test_curricula_report_counts_versions_by_status_and_country(
    client: TestClient, dataset: ReportDataset, auditor: dict[str, str]
) -> None:
    body = get_json(client, "/curricula", auditor)
    assert body["rows"] == CURRICULUM_ROWS
    assert body["total"] == 6
    assert csv_rows(get_csv(client, "/curricula", auditor)) == as_csv(CURRICULUM_ROWS)

    ev_only = get_json(client, "/curricula?sector=ev-batteries", auditor)
    assert ev_only["rows"] == [CURRICULUM_ROWS[0], CURRICULUM_ROWS[4]]
    assert ev_only["filters"] == {"sector": "ev-batteries", "country": None}
    mexico = get_json(client, "/curricula?country=MX", auditor)
    assert mexico["rows"] == [CURRICULUM_ROWS[1], CURRICULUM_ROWS[4]]
    assert mexico["total"] == 3


def test_providers_report_counts_by_accreditation_status_and_country(
    client: TestClient, dataset: ReportDataset, auditor: dict[str, str]
) -> None:
    body = get_json(client, "/providers", auditor)
    assert body["rows"] == PROVIDER_ROWS
    assert body["total"] == 5
    assert get_csv(client, "/providers", auditor) == (
        "accreditation_status,country,providers\r\n"
        "accredited,CA,1\r\n"
        "accredited,MX,1\r\n"
        "accredited,US,1\r\n"
        "pending,CA,1\r\n"
        "suspended,MX,1\r\n"
    )
    canada = get_json(client, "/providers?country=CA", auditor)
    assert canada["rows"] == [PROVIDER_ROWS[0], PROVIDER_ROWS[3]]


def _flows(rows: list[tuple[str | None, str | None, str | None, int]]) -> list[dict[str, Any]]:
    return [
        {"employer_country": e, "issuing_country": i, "sector": s, "verifications": n}
        for e, i, s, n in rows
    ]


def test_mobility_report_flows_and_monthly_cross_border_share(
    client: TestClient, dataset: ReportDataset, auditor: dict[str, str]
) -> None:
    body = get_json(client, "/mobility", auditor)
    assert body["flows"] == _flows(FLOWS)
    assert body["months"] == MONTHS
    assert (body["verifications"], body["with_countries"], body["cross_border"]) == (10, 8, 5)
    assert body["cross_border_share"] == 0.625

    assert csv_rows(get_csv(client, "/mobility", auditor)) == as_csv(_flows(FLOWS))
    months_csv = get_csv(client, "/mobility?table=months", auditor)
    assert months_csv == (
        "month,verifications,with_countries,cross_border,cross_border_share\r\n"
        "2025-01,4,3,2,0.6667\r\n"
        "2025-02,5,4,2,0.5\r\n"
        "2025-03,1,1,1,1.0\r\n"
    )


def test_mobility_report_filters(
    client: TestClient, dataset: ReportDataset, auditor: dict[str, str]
) -> None:
    february = get_json(client, "/mobility?from=2025-02-01&to=2025-02-28", auditor)
    assert february["months"] == [MONTHS[1]]
    assert february["verifications"] == 5

    verified = get_json(client, "/mobility?outcome=verified", auditor)
    assert verified["verifications"] == 8
    assert [m["cross_border"] for m in verified["months"]] == [2, 1, 1]
    assert ("US", None, None, 1) not in [tuple(f.values()) for f in verified["flows"]]

    semis = get_json(client, "/mobility?sector=semiconductors", auditor)
    assert semis["flows"] == _flows([("MX", "MX", "semiconductors", 1), FLOWS[5]])
    assert semis["cross_border_share"] == 0.75


def test_expiring_report_lists_active_credentials_in_the_window(
    client: TestClient, dataset: ReportDataset, auditor: dict[str, str]
) -> None:
    body = get_json(client, "/expiring?days=30", auditor)
    assert [item["credential_id"] for item in body["items"]] == [
        credential_id(6),
        credential_id(7),
    ]
    assert body["total"] == 2
    assert body["filters"] == {"days": 30, "sector": None, "country": None}
    first = body["items"][0]
    assert first["standard_code"] == EV
    assert first["standard_version"] == 1
    assert first["sector"] == "ev-batteries"
    assert first["provider_id"] == dataset.provider_ids["ca"]
    assert (first["provider_name"], first["provider_country"]) == (FORMULA_NAME, "CA")
    assert first["issued_at"] == "2025-02-14T08:00:00Z"

    default = get_json(client, "/expiring", auditor)
    assert default["filters"]["days"] == 30
    assert default["total"] == 2
    wider = get_json(client, "/expiring?days=60", auditor)
    assert [item["credential_id"] for item in wider["items"]] == [
        credential_id(6),
        credential_id(7),
        credential_id(8),
    ]
    assert get_json(client, "/expiring?days=60&country=US", auditor)["total"] == 1
    assert get_json(client, "/expiring?days=60&sector=semiconductors", auditor)["total"] == 1
    assert get_json(client, "/expiring?days=4", auditor)["total"] == 0


def test_expiring_report_csv_neutralizes_formulas(
    client: TestClient, dataset: ReportDataset, auditor: dict[str, str]
) -> None:
    document = get_csv(client, "/expiring?days=30", auditor)
    assert document.splitlines()[0] == (
        "credential_id,standard_code,standard_version,sector,provider_id,provider_name,"
        "provider_country,issued_at,valid_until"
    )
    assert '"\'=HYPERLINK(""http://evil.example"",""Boreal, Inc."")"' in document
    rows = csv_rows(document)
    assert [row["credential_id"] for row in rows] == [credential_id(6), credential_id(7)]
    assert rows[0]["provider_name"] == "'" + FORMULA_NAME
    assert rows[0]["issued_at"] == "2025-02-14T08:00:00Z"
    json_items = get_json(client, "/expiring?days=30", auditor)["items"]
    assert [row["valid_until"] for row in rows] == [item["valid_until"] for item in json_items]


def test_empty_reports(client: TestClient, auditor: dict[str, str]) -> None:
    body = get_json(client, "/mobility", auditor)
    assert (body["flows"], body["months"], body["cross_border_share"]) == ([], [], None)
    assert get_json(client, "/credentials", auditor)["totals"]["issued"] == 0
    assert get_csv(client, "/curricula", auditor) == "status,country,curricula\r\n"


@pytest.mark.parametrize(
    "path", ["/credentials", "/curricula", "/providers", "/mobility", "/expiring"]
)
def test_reports_are_for_staff(client: TestClient, db: Session, path: str) -> None:
    assert_problem(client.get(f"{REPORTS}{path}"), 401, "unauthorized")
    provider = provider_headers(client, db, create_provider(db))
    assert_problem(client.get(f"{REPORTS}{path}", headers=provider), 403, "forbidden")
    for role in (Role.auditor, Role.registrar, Role.admin):
        response = client.get(f"{REPORTS}{path}", headers=staff_headers(client, db, role))
        assert response.status_code == 200, response.text


def test_months_are_utc_whatever_the_session_time_zone(db: Session) -> None:
    dataset = seed_report_dataset(db, now=utcnow())
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SET TIME ZONE 'America/Mexico_City'"))
    report = service.credential_report(db, now=dataset.now)
    assert [row.model_dump() for row in report.rows] == CREDENTIAL_ROWS
    mobility = service.mobility_report(db)
    assert [month.model_dump() for month in mobility.months] == MONTHS
    db.rollback()
