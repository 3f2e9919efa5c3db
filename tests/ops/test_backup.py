"""Export and import: lossless round trips between the engines, consistency, refusals."""

from __future__ import annotations

import io
import json
import stat
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app import migrate
from app.audit.models import AuditCheckpoint, AuditEvent, AuditHead
from app.auth.models import EndedSession
from app.auth.roles import Principal, Role
from app.cli import app as cli
from app.config import Settings, get_settings
from app.credentials.models import Credential
from app.crypto import jws
from app.db import make_engine, make_sessionmaker, utcnow
from app.deliveries import service as deliveries_service
from app.issuer.service import issuer_did
from app.keys import service as keys_service
from app.main import create_app
from app.ops.backup import backup_tables, export_backup, import_backup
from app.ops.errors import BackupError
from app.provider_users import password_resets
from app.provider_users.models import ProviderUser
from app.status import revocation_requests
from app.verification.models import TrustedIssuer, VerificationEvent
from app.wallet.sd_jwt_vc import issue_sd_jwt_vc
from tests.conftest import settings_for
from tests.credentials.factories import IssuingSetup, issue_body, issuing_setup
from tests.factories import create_staff_user, staff_headers
from tests.wallet.factories import dpop_proof

DatabaseFactory = Callable[[str], str]


def export_text(engine: Engine, *, timestamp: bool = False) -> str:
    out = io.StringIO()
    export_backup(engine, out=out, exported_at=utcnow() if timestamp else None)
    return out.getvalue()


def import_text(engine: Engine, document: str) -> None:
    import_backup(engine, lines=io.StringIO(document, newline="\n"))


def fresh_database(factory: DatabaseFactory, engine_name: str, tmp_path: Path) -> str:
    url = factory(engine_name)
    migrate.upgrade(settings_for(url, tmp_path), "head", database_url=url)
    return url


@pytest.fixture
def engine_of() -> Iterator[Callable[[str], Engine]]:
    """Engines on other databases, disposed at the end of the test."""
    engines: list[Engine] = []

    def make(url: str) -> Engine:
        engines.append(make_engine(url))
        return engines[-1]

    yield make
    for engine in engines:
        engine.dispose()


def _add_audit_rows(db: Session) -> None:
    """Audit rows where the audit log made none: an event, the head, a checkpoint.

    The API calls above append audit events of their own when the audit log is wired in;
    rows are only added to tables that are still empty, keeping the head consistent.
    """
    head = db.get(AuditHead, 1)
    if db.scalar(select(func.count()).select_from(AuditEvent)) == 0:
        db.add(
            AuditEvent(
                seq=1,
                occurred_at=utcnow(),
                actor="backup-test",
                actor_role="admin",
                action="backup.test",
                target_type="system",
                target_id=None,
                summary={"note": "ñ and ü survive", "nested": {"b": 1, "a": [1.5, None]}},
                request_id=None,
                prev_hash="0" * 64,
                hash="1" * 64,
            )
        )
        if head is None:
            head = AuditHead(id=1)
            db.add(head)
        head.seq, head.head_hash = 1, "1" * 64
    if db.scalar(select(func.count()).select_from(AuditCheckpoint)) == 0:
        assert head is not None
        db.add(AuditCheckpoint(seq=head.seq, head_hash=head.head_hash, signed={"proof": {}}))


def build_registry(client: TestClient, app: FastAPI, db: Session) -> IssuingSetup:
    """A registry with a row in every table, made through the API where one exists."""
    setup = issuing_setup(client, app, db)
    ids = []
    for n in range(3):
        headers = {**setup.provider, "Idempotency-Key": f"backup-{n}"}
        response = client.post(
            "/api/v1/credentials",
            headers=headers,
            json=issue_body(setup.curriculum_id, name=f"Worker Ñandú {n}"),
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    admin = "/api/v1/admin/credentials"
    revoked = client.post(f"{admin}/{ids[0]}/revoke", headers=setup.staff, json={"reason": "x"})
    assert revoked.status_code == 200, revoked.text
    suspended = client.post(f"{admin}/{ids[1]}/suspend", headers=setup.staff, json={"reason": "y"})
    assert suspended.status_code == 200, suspended.text
    cohort = [
        {
            "recipient": {"name": "Jean Tremblay", "email": "jean@example.ca"},
            "assessment": {"completed_on": "2026-11-20", "score_percent": 91},
        },
        {
            "recipient": {"name": "Bad Row", "email": "not-an-email"},
            "assessment": {"completed_on": "2026-11-20", "score_percent": 80},
        },
    ]
    batch = client.post(
        "/api/v1/credential-batches",
        headers=setup.provider,
        json={"curriculum_id": setup.curriculum_id, "rows": cohort},
    )
    assert batch.status_code == 202, batch.text
    offered = client.post(
        f"/api/v1/credentials/{ids[2]}/wallet-offers",
        headers=setup.provider,
        json={"tx_code": True},
    )
    assert offered.status_code == 201, offered.text
    assert client.post("/openid4vci/nonce").status_code == 200
    # The offer redeemed for a DPoP-bound token: its key's thumbprint, and the proof's jti.
    offer = client.get(offered.json()["credential_offer_uri"].removeprefix("http://testserver"))
    grant = offer.json()["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
    token_url = "http://testserver/openid4vci/token"
    dpop = dpop_proof(ec.generate_private_key(ec.SECP256R1()), url=token_url)
    granted = client.post(
        "/openid4vci/token",
        data={
            "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
            "pre-authorized_code": grant["pre-authorized_code"],
            "tx_code": offered.json()["tx_code"],
        },
        headers={"DPoP": dpop},
    )
    assert granted.status_code == 200, granted.text
    # A wallet copy (SD-JWT VC) with its Token Status List entry, bound to a wallet's key.
    keys_service.ensure_keys(db, store=app.state.key_store, now=utcnow())
    issue_sd_jwt_vc(
        db,
        credential=db.scalars(select(Credential).where(Credential.id == ids[2])).one(),
        holder_jwk=jws.public_key_to_jwk(ec.generate_private_key(ec.SECP256R1()).public_key()),
        base_url=app.state.settings.public_base_url,
        now=utcnow(),
        keys=app.state.key_cache,
    )
    # A provider's request that the Division revoke one of its credentials.
    revocation_requests.request_revocation(
        db,
        db.scalars(select(Credential).where(Credential.id == ids[2])).one(),
        reason="Issued to the wrong worker",
        actor=Principal(
            subject="provider_user:1",
            role=Role.provider,
            name="Registrar",
            provider_id=setup.provider_id,
        ),
        now=utcnow(),
    )
    db.commit()
    instance = client.post(
        "/api/v1/admin/issuer-instances",
        headers=staff_headers(client, db, Role.admin),
        json={"name": "Conformance runs"},
    )
    assert instance.status_code == 201, instance.text
    # A VC API credential issued with a status entry, revoked through the VC API.
    vc_api_credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:6f1c2f4e-backup-vc-api",
        "type": ["VerifiableCredential"],
        "issuer": issuer_did(app.state.settings),
        "credentialSubject": {"id": "did:example:backup"},
    }
    vc_api_issued = client.post(
        "/credentials/issue",
        headers=setup.staff,
        json={"credential": vc_api_credential, "options": {"statusPurpose": "revocation"}},
    )
    assert vc_api_issued.status_code == 201, vc_api_issued.text
    vc_api_revoked = client.post(
        "/credentials/status",
        headers=setup.staff,
        json={
            "credentialId": vc_api_credential["id"],
            "credentialStatus": [
                {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}
            ],
        },
    )
    assert vc_api_revoked.status_code == 200, vc_api_revoked.text
    # An employer's request to a worker's wallet (OpenID4VP), made through the API.
    asked = client.post(
        "/api/v1/presentation-requests",
        headers=setup.provider,
        json={"standard_code": setup.standard.code, "claims": ["name"]},
    )
    assert asked.status_code == 201, asked.text
    invited = client.post(
        f"/api/v1/admin/providers/{setup.provider_id}/users",
        headers=setup.staff,
        json={"email": "registrar@provider.example", "name": "Lucía Ñúñez", "language": "es"},
    )
    assert invited.status_code == 201, invited.text
    # This app sends no mail; the invitation's mail is queued as a server with SMTP would.
    invitee = db.scalars(select(ProviderUser)).one()
    deliveries_service.queue_invitation(db, user=invitee, requested_by="user:1", now=utcnow())
    # A password reset link, as its mail would make it once the invitee has a password.
    invitee.password_hash = "not-a-real-hash"
    assert password_resets.renew_link(db, user_id=invitee.id, now=utcnow()) is not None
    db.commit()
    db.add_all(
        [
            VerificationEvent(
                standard_code=setup.standard.code,
                sector=setup.standard.sector,
                issuing_country="MX",
                employer_country="US",
                outcome="verified",
                occurred_at=utcnow(),
            ),
            VerificationEvent(outcome="invalid", occurred_at=utcnow()),
            EndedSession(
                sid="a-signed-out-console-session",
                ended_at=utcnow(),
                expires_at=utcnow() + timedelta(hours=8),
            ),
            TrustedIssuer(
                did="did:web:nassc.example.ca",
                name="NASSC Canada",
                country="CA",
                did_document={"id": "did:web:nassc.example.ca", "verificationMethod": []},
                added_by="admin",
            ),
        ]
    )
    _add_audit_rows(db)
    db.commit()
    return setup


def test_round_trip_to_the_other_engine_loses_nothing(
    client: TestClient,
    app: FastAPI,
    db: Session,
    empty_database_factory: DatabaseFactory,
    engine_of: Callable[[str], Engine],
    tmp_path: Path,
) -> None:
    setup = build_registry(client, app, db)
    source = app.state.engine
    first = export_text(source)
    lines = first.splitlines()
    end = json.loads(lines[-1])
    empty = sorted(name for name, count in end["rows"].items() if count == 0)
    assert empty == [], f"tables without rows in the test data: {empty}"
    assert len(lines) == 2 + sum(end["rows"].values())

    other = "postgres" if source.dialect.name == "sqlite" else "sqlite"
    target_url = fresh_database(empty_database_factory, other, tmp_path)
    target = engine_of(target_url)
    import_text(target, first)
    assert export_text(target) == first

    # With timestamps, only the header's `exported_at` differs.
    stamped_source, stamped_target = export_text(source, timestamp=True), export_text(target)
    assert stamped_source.splitlines()[1:] == stamped_target.splitlines()[1:]
    source_header = json.loads(stamped_source.splitlines()[0])
    assert source_header["exported_at"].endswith("Z")
    assert source_header | {"exported_at": None} == json.loads(stamped_target.splitlines()[0])

    _restored_service_works(target_url, tmp_path, setup, issued=lines)


def _restored_service_works(
    url: str, tmp_path: Path, setup: IssuingSetup, *, issued: list[str]
) -> None:
    """The restored database serves the old credentials and takes new rows (the id
    sequences were moved past the imported ids)."""
    records = [json.loads(line) for line in issued[1:-1]]
    credential_ids = [r["row"]["id"] for r in records if r["table"] == "credential"]
    status_lists = [
        (r["row"]["id"], r["row"]["purpose"]) for r in records if r["table"] == "status_list"
    ]
    restored = create_app(settings_for(url, tmp_path))
    try:
        with TestClient(restored) as client:
            response = client.get(
                f"/api/v1/credentials/{credential_ids[0]}", headers=setup.provider
            )
            assert response.status_code == 200, response.text
            new = client.post(
                "/api/v1/credentials", headers=setup.provider, json=issue_body(setup.curriculum_id)
            )
            assert new.status_code == 201, new.text
            for list_id, purpose in status_lists:
                path = f"/status/tsl/{list_id}" if purpose == "token" else f"/status/{list_id}"
                assert client.get(path).status_code == 200, path
        with make_sessionmaker(restored.state.engine)() as session:
            create_staff_user(session, Role.admin)
            session.add(VerificationEvent(outcome="verified", occurred_at=utcnow()))
            session.commit()
    finally:
        restored.state.engine.dispose()


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_json_lines_layout(client: TestClient, app: FastAPI, db: Session) -> None:
    build_registry(client, app, db)
    document = export_text(app.state.engine, timestamp=True)
    assert document.endswith("\n")
    lines = document.split("\n")[:-1]
    header = json.loads(lines[0])
    assert list(header) == ["format", "version", "alembic_revision", "exported_at"]
    assert (header["format"], header["version"]) == ("nassc-backup", 1)
    records = [json.loads(line) for line in lines[1:-1]]
    order = [table.name for table in backup_tables()]
    positions = [order.index(record["table"]) for record in records]
    assert positions == sorted(positions)
    assert all(list(record) == ["table", "row"] for record in records)
    assert all(list(record["row"]) == sorted(record["row"]) for record in records)
    status_list = next(r["row"] for r in records if r["table"] == "status_list")
    assert len(status_list["permutation_key"]) == 44  # 32 bytes in base64
    credential = next(r["row"] for r in records if r["table"] == "credential")
    assert credential["issued_at"].endswith("Z")
    assert len(credential["issued_at"]) == len("2026-11-24T04:27:21.931130Z")
    users = [r["row"] for r in records if r["table"] == "staff_user"]
    assert all(user["password_hash"].startswith("$argon2") for user in users)
    assert "Worker Ñandú 0" in document
    assert json.loads(lines[-1])["end"] == "nassc-backup"


@pytest.mark.parametrize("migrated_database", ["sqlite", "postgres"], indirect=True)
def test_export_is_one_consistent_snapshot(app: FastAPI, db: Session) -> None:
    """A row committed while the export runs is not in it, and the counts still agree."""
    db.add(VerificationEvent(outcome="verified", occurred_at=utcnow()))
    db.commit()
    engine: Engine = app.state.engine

    class WriteDuringExport(io.StringIO):
        wrote = False

        def write(self, text: str) -> int:
            if not self.wrote:
                self.wrote = True
                with engine.begin() as connection:
                    connection.execute(
                        insert(VerificationEvent),
                        {"outcome": "tampered", "occurred_at": utcnow()},
                    )
            return super().write(text)

    out = WriteDuringExport()
    export_backup(engine, out=out, exported_at=None)
    document = out.getvalue()
    assert "tampered" not in document
    assert json.loads(document.splitlines()[-1])["rows"]["verification_event"] == 1
    assert "tampered" in export_text(engine)


@pytest.fixture
def small_backup(app: FastAPI, db: Session) -> str:
    db.add(VerificationEvent(outcome="verified", occurred_at=utcnow(), employer_country="CA"))
    create_staff_user(db, Role.auditor)
    db.commit()
    return export_text(app.state.engine)


def _lines(document: str) -> list[str]:
    return document.splitlines(keepends=True)


def _edit(document: str, index: int, change: Callable[[dict[str, Any]], None]) -> str:
    lines = _lines(document)
    record = json.loads(lines[index])
    change(record)
    lines[index] = json.dumps(record) + "\n"
    return "".join(lines)


def _reverse_rows(document: str) -> str:
    lines = _lines(document)
    return lines[0] + "".join(reversed(lines[1:-1])) + lines[-1]


def _row_line(document: str, table: str) -> int:
    return next(
        i for i, line in enumerate(_lines(document)) if line.startswith(f'{{"table":"{table}"')
    )


MUTATIONS: list[tuple[str, Callable[[str], str], str]] = [
    ("empty", lambda d: "", "empty"),
    ("not json", lambda d: "nope\n" + d, "not JSON"),
    ("other format", lambda d: _edit(d, 0, lambda r: r.update(format="pg_dump")), "not a"),
    ("future version", lambda d: _edit(d, 0, lambda r: r.update(version=2)), "version"),
    (
        "other revision",
        lambda d: _edit(d, 0, lambda r: r.update(alembic_revision="0123abcd")),
        "migrate it to 0123abcd",
    ),
    ("truncated", lambda d: "".join(_lines(d)[:-1]), "truncated"),
    ("counts", lambda d: _edit(d, -1, lambda r: r["rows"].update(staff_user=2)), "counts"),
    ("after end", lambda d: d + '{"table":"staff_user","row":{}}\n', "after the end"),
    (
        "unknown table",
        lambda d: _edit(d, 1, lambda r: r.update(table="secrets")),
        "unknown table 'secrets'",
    ),
    ("out of order", lambda d: _reverse_rows(d), "out of order"),
    (
        "missing column",
        lambda d: _edit(d, _row_line(d, "staff_user"), lambda r: r["row"].pop("role")),
        "missing ['role']",
    ),
    (
        "wrong type",
        lambda d: _edit(d, _row_line(d, "staff_user"), lambda r: r["row"].update(id="7")),
        "staff_user.id: '7' is not a valid int",
    ),
    (
        "naive time",
        lambda d: _edit(
            d,
            _row_line(d, "verification_event"),
            lambda r: r["row"].update(occurred_at="2026-01-01T00:00:00"),
        ),
        "not a valid datetime",
    ),
    (
        "refused by the database",
        lambda d: _edit(
            d, _row_line(d, "verification_event"), lambda r: r["row"].update(outcome=None)
        ),
        "rows of verification_event were refused",
    ),
]


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_bad_backups_are_refused_and_restore_nothing(
    small_backup: str,
    empty_database_factory: DatabaseFactory,
    engine_of: Callable[[str], Engine],
    tmp_path: Path,
) -> None:
    target = engine_of(fresh_database(empty_database_factory, "sqlite", tmp_path))
    for name, mutate, message in MUTATIONS:
        with pytest.raises(BackupError) as raised:
            import_text(target, mutate(small_backup))
        assert message in str(raised.value), (name, str(raised.value))
    # Every refusal rolled back, so the database is still empty and takes the real backup.
    import_text(target, small_backup)
    assert export_text(target) == small_backup


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_import_refuses_a_database_with_data(app: FastAPI, small_backup: str) -> None:
    with pytest.raises(BackupError, match=r"not empty \(rows in: .*staff_user.*verification_event"):
        import_text(app.state.engine, small_backup)


def test_export_refuses_a_database_that_was_never_migrated(
    empty_database_factory: DatabaseFactory, engine_of: Callable[[str], Engine]
) -> None:
    with pytest.raises(BackupError, match="never migrated"):
        export_text(engine_of(empty_database_factory("sqlite")))


@pytest.fixture
def cli_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Point the CLI at a database URL (the settings are cached, so the cache is cleared)."""

    def use(url: str) -> None:
        monkeypatch.setenv("NASSC_DATABASE_URL", url)
        get_settings.cache_clear()

    yield use
    get_settings.cache_clear()


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_cli_export_and_import(
    settings: Settings,
    small_backup: str,
    cli_database: Callable[[str], None],
    empty_database_factory: DatabaseFactory,
    tmp_path: Path,
) -> None:
    runner = CliRunner()
    cli_database(settings.database_url)
    output = tmp_path / "backup.jsonl"
    exported = runner.invoke(cli, ["export", "--output", str(output)])
    assert exported.exit_code == 0, exported.output
    rows = len(small_backup.splitlines()) - 2
    assert f"exported {rows} rows of" in exported.stderr
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    assert output.read_text(encoding="utf-8").splitlines()[1:] == small_backup.splitlines()[1:]

    piped = runner.invoke(cli, ["export", "--no-timestamp"])
    assert piped.exit_code == 0, piped.output
    assert piped.stdout == small_backup

    cli_database(fresh_database(empty_database_factory, "sqlite", tmp_path))
    restored = runner.invoke(cli, ["import", str(output)])
    assert restored.exit_code == 0, restored.output
    assert f"imported {rows} rows" in restored.stdout
    again = runner.invoke(cli, ["import", "-"], input=small_backup)
    assert again.exit_code == 1
    assert "not empty" in again.stderr
    missing = runner.invoke(cli, ["import", str(tmp_path / "missing.jsonl")])
    assert missing.exit_code == 1
