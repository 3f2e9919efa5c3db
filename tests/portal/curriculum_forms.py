"""Helpers for the portal's curriculum tests: the form fields of a curriculum body (the
provider API's JSON), and posting them as a browser would."""

from __future__ import annotations

from typing import Any

import httpx2
from fastapi.testclient import TestClient

from app.fields import Country
from app.standards.schemas import StandardRead
from tests.curricula.factories import complete_curriculum_body
from tests.portal.helpers import PORTAL, session_csrf

CURRICULA = f"{PORTAL}/curricula"


def form_fields(body: dict[str, Any]) -> dict[str, str]:
    """The portal form's fields holding the curriculum `body` (no action, no token)."""
    fields = {"title": str(body["title"])}
    for number, module in enumerate(body["modules"], start=1):
        prefix = f"module-{number}-"
        for name in (
            "code",
            "title",
            "theory_hours",
            "practice_hours",
            "work_based_hours",
            "modality",
            "language",
        ):
            fields[prefix + name] = str(module[name])
        for mapping in module["outcomes"]:
            fields[f"{prefix}outcome-{mapping['outcome_code']}"] = str(mapping["coverage"])
    return fields


def gapped_body(standard: StandardRead) -> dict[str, Any]:
    """A Mexican curriculum with gaps of several kinds: its first outcome taught only in
    part, its second not at all, too few hours and work-based hours, and one module taught
    in English and online."""
    body = complete_curriculum_body(standard, Country.mx)
    first = body["modules"][0]
    first["outcomes"][0]["coverage"] = "partial"
    del first["outcomes"][1]
    first["work_based_hours"] = 0
    first["practice_hours"] = 10
    body["modules"][1]["language"] = "en"
    body["modules"][1]["modality"] = "online"
    return body


def post_curriculum(
    client: TestClient,
    path: str,
    fields: dict[str, str],
    *,
    action: str,
    lang: str = "en",
    token: str | None = None,
) -> httpx2.Response:
    """Post the curriculum form at `path` (under /portal/curricula) with `action`."""
    csrf = token if token is not None else session_csrf(client, CURRICULA)
    return client.post(
        f"{CURRICULA}{path}?lang={lang}",
        data={**fields, "action": action, "csrf_token": csrf},
        follow_redirects=False,
    )
