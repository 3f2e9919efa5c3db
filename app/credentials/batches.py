"""Batch issuance requests: parse a cohort (JSON or CSV), validate each row, record the job.

Rows that do not validate are recorded as failed with their row number and errors; the
others are issued by the runner (`app.credentials.batch_runner`), even when some fail.
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.audit.summary import pick
from app.auth.roles import Principal, Role
from app.credentials import earned, issuance
from app.credentials.errors import CredentialNotFound
from app.credentials.models import BatchStatus, CredentialBatch, CredentialBatchRow, RowStatus
from app.credentials.schemas import CredentialIssue
from app.errors import NotFound, ValidationFailed
from app.fields import DbId
from app.standards.codes import StandardCode

MAX_ROWS = 10_000
CSV_COLUMNS = (
    "name",
    "email",
    "did",
    "completed_on",
    "score_percent",
    "evidence_name",
    "evidence_narrative",
    "evidence_url",
    "valid_from",
    "electives",
)
TARGET_FIELDS = ("curriculum_id", "standard_code", "standard_version")


class BatchNotFound(NotFound):
    slug = "batch-not-found"
    title = "No such credential batch"


class BatchTooLarge(ValidationFailed):
    slug = "batch-too-large"
    title = f"A batch holds at most {MAX_ROWS} rows"


class MalformedCSV(ValidationFailed):
    slug = "malformed-csv"
    title = "The CSV could not be read"


class RowNamesTarget(ValidationFailed):
    slug = "batch-row-target"
    title = "A batch row may not name its own curriculum or standard"


class BatchTarget(BaseModel):
    """What every row of the batch is issued for."""

    model_config = ConfigDict(extra="forbid")

    curriculum_id: DbId | None = None
    standard_code: StandardCode | None = None
    standard_version: DbId | None = None


class BatchCreate(BatchTarget):
    """A JSON batch: the target plus one object per worker (recipient, assessment, ...)."""

    rows: list[dict[str, Any]] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class ParsedRow:
    """One input row: the request it validated to, or its errors."""

    number: int
    payload: dict[str, Any]
    errors: list[dict[str, Any]] | None


def _validate(number: int, target: BatchTarget, row: dict[str, Any]) -> ParsedRow:
    payload = {**target.model_dump(exclude_none=True), **row}
    try:
        request = CredentialIssue.model_validate(payload)
    except ValidationError as error:
        errors = [
            {"loc": [str(part) for part in e["loc"]], "msg": str(e["msg"])} for e in error.errors()
        ]
        return ParsedRow(number=number, payload=_storable(_safe(payload)), errors=_storable(errors))
    return ParsedRow(number=number, payload=request.model_dump(mode="json"), errors=None)


def _safe(payload: dict[str, Any]) -> dict[str, Any]:
    """Keep an invalid row's input only if it is JSON-shaped (it is shown back to the caller)."""
    return {key: value for key, value in payload.items() if isinstance(key, str)}


def _storable(value: Any) -> Any:
    """`value` with U+0000 replaced: PostgreSQL's jsonb cannot hold it, and a refused row's
    input is stored to be shown back (the row's error names the character)."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, list):
        return [_storable(item) for item in value]
    if isinstance(value, dict):
        return {_storable(key): _storable(item) for key, item in value.items()}
    return value


def parse_json_rows(body: BatchCreate) -> list[ParsedRow]:
    """Validate the rows of a JSON batch, numbered from 1."""
    if len(body.rows) > MAX_ROWS:
        raise BatchTooLarge(f"{len(body.rows)} rows; split the cohort into batches of {MAX_ROWS}.")
    for number, row in enumerate(body.rows, start=1):
        # A batch is issued for one target; a row naming another would otherwise attest a
        # standard the worker was never assessed on.
        named = [field for field in TARGET_FIELDS if field in row]
        if named:
            raise RowNamesTarget(
                f"Row {number} names {', '.join(named)}: a batch has one target, named beside "
                "`rows`; send rows for another curriculum or standard as another batch.",
                row=number,
            )
    target = BatchTarget.model_validate(body.model_dump(exclude={"rows"}))
    return [_validate(number, target, row) for number, row in enumerate(body.rows, start=1)]


def _csv_row(record: dict[str, str]) -> dict[str, Any]:
    value = {key: (record.get(key) or "").strip() for key in CSV_COLUMNS}
    row: dict[str, Any] = {
        "recipient": {"name": value["name"], "email": value["email"]},
        "assessment": {"completed_on": value["completed_on"]},
    }
    if value["did"]:
        row["recipient"]["did"] = value["did"]
    if value["score_percent"]:
        row["assessment"]["score_percent"] = value["score_percent"]
    if value["evidence_name"]:
        evidence = {"name": value["evidence_name"]}
        if value["evidence_narrative"]:
            evidence["narrative"] = value["evidence_narrative"]
        if value["evidence_url"]:
            evidence["url"] = value["evidence_url"]
        row["assessment"]["evidence"] = [evidence]
    if value["valid_from"]:
        row["valid_from"] = value["valid_from"]
    if value["electives"]:
        # One cell: unit codes separated by semicolons or spaces ("EVB-U05; EVB-U06").
        row["assessment"]["electives"] = value["electives"].replace(";", " ").split()
    return row


def parse_csv_rows(data: bytes, target: BatchTarget) -> list[ParsedRow]:
    """Validate a CSV cohort (UTF-8, header row; columns as in `CSV_COLUMNS`)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MalformedCSV("The CSV must be UTF-8.") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [column for column in ("name", "email", "completed_on") if column not in header]
    if missing:
        raise MalformedCSV(f"The header row lacks the column(s) {', '.join(missing)}.")
    unknown = [column for column in header if column not in CSV_COLUMNS]
    if unknown:
        raise MalformedCSV(f"Unknown column(s) {', '.join(unknown)}.", columns=list(CSV_COLUMNS))
    rows: list[ParsedRow] = []
    try:
        for number, record in enumerate(reader, start=1):
            if number > MAX_ROWS:
                raise BatchTooLarge(f"More than {MAX_ROWS} rows; split the cohort.")
            rows.append(_validate(number, target, _csv_row(record)))
    except csv.Error as error:
        raise MalformedCSV(f"Line {reader.line_num}: {error}") from None
    if not rows:
        raise MalformedCSV("The CSV has no data rows.")
    return rows


def _checked(row: ParsedRow, source: issuance.Source, *, now: datetime) -> ParsedRow:
    """`row`, refused as a single issue request would be if its electives or dates are not
    ones the credential could carry."""
    if row.errors is not None:
        return row
    try:
        request = CredentialIssue.model_validate(row.payload)
    except ValidationError:  # a payload changed since it was read: the runner refuses it
        return row
    try:
        earned.check_request(source.standard_document, request, now=now)
    except ValidationFailed as error:
        problem = {"type": error.slug, "msg": error.detail or error.title}
        return ParsedRow(number=row.number, payload=row.payload, errors=[problem])
    return row


def checked_rows(
    session: Session, *, principal: Principal, rows: list[ParsedRow], now: datetime
) -> tuple[int | None, list[ParsedRow]]:
    """Check the target once (refused as an issue request would be), then each valid row's
    electives and dates against it: the provider the batch is issued for, and the rows with
    every problem found before anything is issued (a preview shows them as they are)."""
    probe = next((row for row in rows if row.errors is None), None)
    provider_id = principal.provider_id if principal.role is Role.provider else None
    if probe is not None:
        source = issuance.resolve_source(
            session, principal=principal, request=CredentialIssue.model_validate(probe.payload)
        )
        provider_id = source.provider_id
        rows = [_checked(row, source, now=now) for row in rows]
    return provider_id, rows


def create_batch(
    session: Session,
    *,
    principal: Principal,
    target: BatchTarget,
    rows: list[ParsedRow],
    now: datetime,
) -> CredentialBatch:
    """Check the target once, then record the batch and its rows for the runner (audited
    as `credential-batch.create`; each credential is audited when the runner stores it)."""
    provider_id, rows = checked_rows(session, principal=principal, rows=rows, now=now)
    failed = sum(1 for row in rows if row.errors is not None)
    batch = CredentialBatch(
        id=str(uuid.uuid4()),
        requested_by=principal.subject,
        requested_by_role=principal.role.value,
        provider_id=provider_id,
        status=BatchStatus.queued.value if failed < len(rows) else BatchStatus.completed.value,
        total=len(rows),
        failed=failed,
        created_at=now,
        updated_at=now,
        finished_at=None if failed < len(rows) else now,
    )
    session.add(batch)
    session.flush()
    session.add_all(
        CredentialBatchRow(
            batch_id=batch.id,
            row_number=row.number,
            status=(RowStatus.failed if row.errors else RowStatus.pending).value,
            payload=row.payload,
            errors=row.errors,
        )
        for row in rows
    )
    session.flush()
    audit_service.record(
        session,
        actor=principal,
        action="credential-batch.create",
        target_type="credential_batch",
        target_id=batch.id,
        after=pick(batch, "total", "failed", "provider_id"),
        now=now,
    )
    return batch


def get_batch(session: Session, *, batch_id: str, principal: Principal) -> CredentialBatch:
    """A batch its requester's provider or staff may read (404 for others)."""
    batch = session.get(CredentialBatch, batch_id)
    if batch is None or (
        principal.role is Role.provider and batch.provider_id != principal.provider_id
    ):
        raise BatchNotFound(f"No batch {batch_id}.")
    return batch


def failed_rows(session: Session, *, batch_id: str) -> list[CredentialBatchRow]:
    """The failed rows of a batch, by row number."""
    return list(
        session.scalars(
            select(CredentialBatchRow)
            .where(
                CredentialBatchRow.batch_id == batch_id,
                CredentialBatchRow.status == RowStatus.failed.value,
            )
            .order_by(CredentialBatchRow.row_number)
        )
    )


def row_page(
    session: Session, *, batch_id: str, status: RowStatus | None, offset: int, limit: int
) -> tuple[list[CredentialBatchRow], int]:
    """Rows of a batch with their outcome, by row number."""
    query = select(CredentialBatchRow).where(CredentialBatchRow.batch_id == batch_id)
    if status is not None:
        query = query.where(CredentialBatchRow.status == status.value)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(CredentialBatchRow.row_number).offset(offset).limit(limit)
    )
    return list(rows), total


__all__ = ["CredentialNotFound"]
