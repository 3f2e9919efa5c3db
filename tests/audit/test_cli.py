"""`nassc audit verify` and `nassc audit checkpoint`: the same chain check and signed
checkpoints as the admin API, from the operator's command line, on a real database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.audit.models import AuditEvent
from app.auth.roles import Role
from app.cli import app as cli
from app.config import Settings, get_settings
from tests.audit.helpers import AUDIT, append, events, staff
from tests.factories import ensure_signing_key


@pytest.fixture
def nassc(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A runner for `nassc` configured like the test app: its database and key store."""
    environment = {
        "NASSC_DATABASE_URL": settings.database_url,
        "NASSC_PUBLIC_BASE_URL": settings.public_base_url,
        "NASSC_KEYS_DIR": str(settings.keys_dir),
        "NASSC_KEY_PASSPHRASE": settings.key_passphrase.get_secret_value(),
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()  # the CLI reads its settings once per process
    yield CliRunner()
    get_settings.cache_clear()


def test_verify_reports_an_intact_chain(nassc: CliRunner, db: Session) -> None:
    empty = nassc.invoke(cli, ["audit", "verify"])
    assert empty.exit_code == 0, empty.output
    assert empty.stdout.startswith("chain intact: 0 event(s), head seq 0 hash 0000")

    append(db, 3)
    result = nassc.invoke(cli, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    head = events(db)[-1]
    assert result.stdout == f"chain intact: 3 event(s), head seq 3 hash {head.hash}\n"


def test_verify_names_the_first_broken_link_and_exits_1(nassc: CliRunner, db: Session) -> None:
    append(db, 4)
    edited = events(db, seq=2)[0]
    db.execute(
        update(AuditEvent)
        .where(AuditEvent.seq == 2)
        .values(summary={"before": None, "after": {"number": 99, "label": "event 1"}})
    )
    db.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(actor="someone-else"))
    db.commit()

    result = nassc.invoke(cli, ["audit", "verify"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"chain broken at seq 2 (event id {edited.id}): hash-mismatch: "
        "the stored fields do not hash to `hash`\n"
    )


def test_checkpoint_signs_the_head_and_the_api_verifies_it(
    nassc: CliRunner, client: TestClient, app: FastAPI, db: Session
) -> None:
    ensure_signing_key(app, db)
    admin, _ = staff(client, db, Role.admin)

    result = nassc.invoke(cli, ["audit", "checkpoint"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.count(".") == 2
    [event] = events(db, action="audit.checkpoint")
    assert (event.actor, event.actor_role, event.target_type) == ("system", "system", "audit_log")
    assert result.stderr == f"signed checkpoint of seq {event.seq} hash {event.hash}\n"

    # It is the API's own checkpoint: listed there, and verified against the chain.
    listed = client.get(f"{AUDIT}/checkpoints", headers=admin).json()["items"]
    assert [item["jwt"] for item in listed] == [token]
    checked = client.post(f"{AUDIT}/checkpoints/verify", headers=admin, json={"jwt": token})
    assert checked.status_code == 200, checked.text
    assert checked.json()["verified"] is True
    assert checked.json()["seq"] == event.seq

    after = nassc.invoke(cli, ["audit", "verify"])
    assert after.exit_code == 0, after.output


def test_checkpoint_without_a_signing_key_fails_and_records_nothing(
    nassc: CliRunner, db: Session
) -> None:
    result = nassc.invoke(cli, ["audit", "checkpoint"])
    assert result.exit_code == 1
    assert "nassc keys ensure" in result.stderr
    assert events(db) == []
