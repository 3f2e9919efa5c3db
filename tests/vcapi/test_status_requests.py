"""Status on the W3C VC API, asked for in the credential itself (the form the bitstring suite's
fixtures use): a `credentialStatus` entry `{"type": "BitstringStatusListEntry",
"statusPurpose"}` without a list gets a real entry in this service's lists, for each purpose;
and the rate limits a suite run must raise are on in an app built with the defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.config import Settings
from app.main import create_app
from tests.conftest import settings_for
from tests.helpers import assert_problem
from tests.vcapi.factories import ISSUE, credential, issued, issuing

ENTRY = "BitstringStatusListEntry"


def test_status_entry_requests_get_real_entries_for_both_purposes(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing(client, app, db)
    requests = [
        {"type": ENTRY, "statusPurpose": "revocation"},
        {"type": ENTRY, "statusPurpose": "suspension"},
    ]
    signed = issued(client, setup, credential(setup.web_did, credentialStatus=requests), at=ISSUE)

    entries = signed["credentialStatus"]
    assert [entry["statusPurpose"] for entry in entries] == ["revocation", "suspension"]
    for entry in entries:
        assert entry["type"] == ENTRY
        assert entry["statusListIndex"].isdigit()
        assert entry["statusListCredential"].startswith("http://testserver/status/")
        published = client.get(entry["statusListCredential"].removeprefix("http://testserver"))
        assert published.status_code == 200
        assert published.json()["credentialSubject"]["statusPurpose"] == entry["statusPurpose"]
    verified = client.post("/credentials/verify", json={"verifiableCredential": signed})
    assert verified.status_code == 200, verified.text
    results = verified.json()["results"]["credentialStatus"]
    assert [(item["input"]["statusPurpose"], item["value"]) for item in results] == [
        ("revocation", 0),
        ("suspension", 0),
    ]


def test_rate_limits_are_on_with_the_default_settings(settings: Any, tmp_path: Path) -> None:
    defaults = {
        name: Settings.model_fields[name].default
        for name in ("rate_limit_per_minute", "rate_limit_burst")
    }
    limited = create_app(settings_for(settings.database_url, tmp_path, **defaults))
    body: dict[str, Any] = {"verifiableCredential": {}}
    burst = defaults["rate_limit_burst"]
    with TestClient(limited) as limited_client:
        # The bucket refills (per_minute / 60 a second) while the requests run: 30 past it.
        responses = [
            limited_client.post("/credentials/verify", json=body) for _ in range(burst + 30)
        ]
    assert 429 not in [response.status_code for response in responses[:burst]]
    throttled = [response for response in responses[burst:] if response.status_code == 429]
    assert throttled
    assert_problem(throttled[0], 429, "rate-limited")
