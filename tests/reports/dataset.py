"""A known dataset for the reports, inserted through the ORM with controlled values.

Issue dates and verification times are fixed (2025), chosen on month edges; `valid_until`
is set in days from `now`, since "expired" and "expiring soon" are relative to the time the
report is asked for. The expected figures are written out by hand in the tests.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from app.credentials.models import Credential, CredentialStatus
from app.curricula.models import Curriculum
from app.providers.models import TrainingProvider
from app.standards.models import Standard
from app.status.models import StatusList
from app.verification.models import VerificationEvent

SEMI = "NASSC-SEMI-REPORT"
EV = "NASSC-EV-REPORT"
FORMULA_NAME = '=HYPERLINK("http://evil.example","Boreal, Inc.")'


def at(text: str) -> datetime:
    """An aware UTC time from `YYYY-MM-DDTHH:MM:SS[.ffffff]`."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def credential_id(n: int) -> str:
    """A readable, sortable credential id for row `n` of the dataset."""
    return str(uuid.UUID(int=n))


@dataclass(frozen=True)
class ReportDataset:
    """What the tests need to refer to: the seeding time and a few ids."""

    now: datetime
    provider_ids: dict[str, int]


def _standard(code: str, version: int, sector: str) -> Standard:
    return Standard(
        code=code,
        version=version,
        status="published",
        sector=sector,
        nassc_level=3,
        validity_years=3,
        title_en=f"{code} v{version}",
        title_es=f"{code} v{version}",
        title_fr=f"{code} v{version}",
        search_text=code.lower(),
        content={"code": code, "version": version},
    )


def _provider(name: str, country: str, status: str) -> TrainingProvider:
    return TrainingProvider(
        name=name,
        country=country,
        region="Region",
        identifier=f"ID-{name[:8]}",
        contact_name="Ana Pérez",
        contact_email="contact@provider.example",
        accreditation_status=status,
    )


def seed_report_dataset(db: Session, *, now: datetime) -> ReportDataset:
    """Insert and commit the dataset (see the expected figures in the report tests)."""
    semi_1 = _standard(SEMI, 1, "semiconductors")
    semi_2 = _standard(SEMI, 2, "semiconductors")
    ev_1 = _standard(EV, 1, "ev-batteries")
    providers = {
        "mx": _provider("Instituto Técnico de Puebla", "MX", "accredited"),
        "mx_suspended": _provider("Centro Norte", "MX", "suspended"),
        "us": _provider("Austin Community College", "US", "accredited"),
        "ca_pending": _provider("Red River College", "CA", "pending"),
        "ca": _provider(FORMULA_NAME, "CA", "accredited"),
    }
    revocations = StatusList(purpose="revocation", size=131_072, permutation_key=bytes(32))
    suspensions = StatusList(purpose="suspension", size=131_072, permutation_key=bytes(32))
    db.add_all([semi_1, semi_2, ev_1, *providers.values(), revocations, suspensions])
    db.flush()

    curricula = [
        ("mx", semi_1, "approved"),
        ("mx", ev_1, "submitted"),
        ("us", semi_1, "approved"),
        ("us", semi_2, "rejected"),
        ("ca", ev_1, "approved"),
        ("mx_suspended", semi_1, "approved"),
    ]
    for owner, standard, status in curricula:
        db.add(
            Curriculum(
                lineage_id=str(uuid.uuid4()),
                version=1,
                provider_id=providers[owner].id,
                standard_id=standard.id,
                title="Curriculum",
                status=status,
                modules=[],
                coverage={},
                total_hours=120,
            )
        )

    days = timedelta(days=1)
    credentials: list[tuple[Standard, str | None, str, CredentialStatus, datetime | None]] = [
        (semi_1, "mx", "2025-01-10T09:00:00", CredentialStatus.active, now + 200 * days),
        (semi_1, "mx", "2025-01-31T23:59:59.999999", CredentialStatus.active, now - 10 * days),
        (semi_1, "mx", "2025-01-15T12:00:00", CredentialStatus.revoked, now + 3 * days),
        (semi_1, "us", "2025-01-20T12:00:00", CredentialStatus.active, None),
        (semi_1, "mx", "2025-02-01T00:00:00", CredentialStatus.suspended, now + 10 * days),
        (ev_1, "ca", "2025-02-14T08:00:00", CredentialStatus.active, now + 5 * days),
        (ev_1, "ca", "2025-02-14T08:00:00", CredentialStatus.active, now + 20 * days),
        (semi_2, "us", "2025-02-28T12:00:00", CredentialStatus.active, now + 45 * days),
        (ev_1, None, "2025-03-03T10:00:00", CredentialStatus.active, now - 1 * days),
        (semi_2, "us", "2025-03-31T18:00:00", CredentialStatus.revoked, now - 5 * days),
    ]
    for n, (standard, provider_key, issued, state, valid_until) in enumerate(credentials, 1):
        issued_at = at(issued)
        db.add(
            Credential(
                id=credential_id(n),
                standard_id=standard.id,
                provider_id=providers[provider_key].id if provider_key else None,
                issued_by="report-test",
                subject_name=f"Worker {n}",
                subject_email_hash=f"sha256${n:064x}",
                issued_at=issued_at,
                valid_from=issued_at,
                valid_until=valid_until,
                status=state.value,
                revocation_list_id=revocations.id,
                revocation_index=n,
                suspension_list_id=suspensions.id,
                suspension_index=n,
                key_id="report-test-key",
                document={"id": f"urn:uuid:{credential_id(n)}"},
                jwt="header.payload.signature",
            )
        )

    events: list[tuple[str | None, str | None, str | None, str, str]] = [
        ("US", "MX", "semiconductors", "verified", "2025-01-05T10:00:00"),
        ("US", "MX", "semiconductors", "verified", "2025-01-06T10:00:00"),
        ("MX", "MX", "semiconductors", "verified", "2025-01-07T10:00:00"),
        (None, "CA", "ev-batteries", "verified", "2025-01-31T23:59:59.999999"),
        ("CA", "US", "ev-batteries", "revoked", "2025-02-01T00:00:00"),
        ("CA", "CA", "ev-batteries", "verified", "2025-02-03T10:00:00"),
        ("US", None, None, "unknown-issuer", "2025-02-05T10:00:00"),
        ("US", "MX", "semiconductors", "verified", "2025-02-28T23:59:59"),
        ("MX", "MX", "ev-batteries", "verified", "2025-02-10T10:00:00"),
        ("MX", "US", "aerospace-defense", "verified", "2025-03-01T00:00:00"),
    ]
    for employer, issuing, sector, outcome, occurred in events:
        db.add(
            VerificationEvent(
                standard_code=SEMI if sector == "semiconductors" else None,
                sector=sector,
                issuing_country=issuing,
                employer_country=employer,
                outcome=outcome,
                occurred_at=at(occurred),
            )
        )
    db.commit()
    return ReportDataset(
        now=now, provider_ids={key: provider.id for key, provider in providers.items()}
    )
