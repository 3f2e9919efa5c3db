"""Batch issuance: submit a cohort as JSON or CSV, follow its progress, fetch claim links."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from app.auth.dependencies import IssuingPrincipal, SettingsDep
from app.credentials import batches, idempotency, issuance
from app.credentials.batches import BatchCreate, BatchTarget
from app.credentials.dependencies import IdempotencyKey
from app.credentials.models import CredentialBatch, RowStatus
from app.credentials.service import get_credential
from app.db import SessionDep, utcnow
from app.errors import MalformedJSON, UnsupportedMediaType, ValidationFailed
from app.fields import DbId
from app.links import claim_url, verify_url
from app.routing import ProblemRoute, is_json_media_type, media_type_of

router = APIRouter(
    prefix="/api/v1/credential-batches", tags=["credential batches"], route_class=ProblemRoute
)

MAX_LISTED_FAILURES = 1000


class RowFailure(BaseModel):
    """A row that was not issued, and why."""

    row: int
    errors: list[dict[str, Any]]


class BatchRead(BaseModel):
    """A batch job and its progress."""

    id: str
    status: str
    total: int
    done: int
    failed: int
    pending: int
    progress_percent: float
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    failures: list[RowFailure]


class BatchRowRead(BaseModel):
    """One row's outcome."""

    row: int
    status: str
    credential_id: str | None
    verify_url: str | None
    errors: list[dict[str, Any]] | None


class BatchRowPage(BaseModel):
    """A page of a batch's rows."""

    items: list[BatchRowRead]
    page: int
    per_page: int
    total: int


class ClaimLink(BaseModel):
    """A worker's claim link for a batch-issued credential."""

    row: int
    credential_id: str
    claim_url: str
    claim_expires_at: datetime


def _read(session: Any, batch: CredentialBatch) -> BatchRead:
    failures = [
        RowFailure(row=row.row_number, errors=row.errors or [])
        for row in batches.failed_rows(session, batch_id=batch.id)[:MAX_LISTED_FAILURES]
    ]
    finished = batch.done + batch.failed
    return BatchRead(
        id=batch.id,
        status=batch.status,
        total=batch.total,
        done=batch.done,
        failed=batch.failed,
        pending=batch.total - finished,
        progress_percent=round(100 * finished / batch.total, 1) if batch.total else 100.0,
        created_at=batch.created_at,
        updated_at=batch.updated_at,
        finished_at=batch.finished_at,
        failures=failures,
    )


async def _parse(
    request: Request,
    curriculum_id: int | None,
    standard_code: str | None,
    standard_version: int | None,
) -> tuple[BatchTarget, list[batches.ParsedRow], Any]:
    media_type = media_type_of(request)
    body = await request.body()
    if media_type == "text/csv":
        try:
            target = BatchTarget(
                curriculum_id=curriculum_id,
                standard_code=standard_code,
                standard_version=standard_version,
            )
        except ValidationError as error:
            raise ValidationFailed(str(error.errors()[0]["msg"])) from None
        return target, batches.parse_csv_rows(body, target), body.decode("utf-8", "replace")
    if is_json_media_type(request.headers.get("content-type")):
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            raise MalformedJSON() from None
        try:
            parsed = BatchCreate.model_validate(data)
        except ValidationError as error:
            messages = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()[:10]]
            raise ValidationFailed("; ".join(messages)) from None
        target = BatchTarget.model_validate(parsed.model_dump(exclude={"rows"}))
        return target, batches.parse_json_rows(parsed), data
    raise UnsupportedMediaType(
        "Send the cohort as application/json or text/csv.",
        accepted=["application/json", "text/csv"],
    )


@router.post(
    "",
    status_code=202,
    response_model=BatchRead,
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": BatchCreate.model_json_schema()},
                "text/csv": {"schema": {"type": "string"}},
            }
        }
    },
)
async def create_batch(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: IssuingPrincipal,
    background: BackgroundTasks,
    idempotency_key: IdempotencyKey = None,
    curriculum_id: Annotated[DbId | None, Query(description="For CSV uploads")] = None,
    standard_code: Annotated[str | None, Query(description="For CSV uploads (staff)")] = None,
    standard_version: DbId | None = None,
) -> JSONResponse:
    """Issue a cohort of up to 10,000 credentials as a background job.

    JSON: `{curriculum_id | standard_code, rows: [{recipient, assessment, valid_from?}]}`.
    CSV (UTF-8, header row): columns `name, email, did, completed_on, score_percent,
    evidence_name, evidence_narrative, evidence_url, valid_from, electives` (unit codes
    separated by semicolons), target in the query. A row naming a unit that is not an
    elective, valid before its assessment or already expired fails with that problem's
    `type`. Valid rows are issued even when others fail; follow progress at the `Location`.
    """
    target, rows, raw = await _parse(request, curriculum_id, standard_code, standard_version)
    now = utcnow()
    claim = idempotency.claim(
        session,
        principal=principal.subject,
        key=idempotency_key,
        body={"target": target.model_dump(), "raw": raw},
        now=now,
    )
    if claim.replay is not None:
        first = claim.replay.response["id"]
        batch = batches.get_batch(session, batch_id=first, principal=principal)
        return _accepted(session, batch, settings.public_base_url, replay=True)
    batch = batches.create_batch(session, principal=principal, target=target, rows=rows, now=now)
    claim.complete(status_code=202, response={"id": batch.id})
    runner = request.app.state.batch_runner
    background.add_task(runner.run, batch.id)
    return _accepted(session, batch, settings.public_base_url, replay=False)


def _accepted(session: Any, batch: CredentialBatch, base_url: str, *, replay: bool) -> JSONResponse:
    headers = {"Location": f"{base_url}/api/v1/credential-batches/{batch.id}"}
    if replay:
        headers["Idempotent-Replay"] = "true"
    return JSONResponse(
        _read(session, batch).model_dump(mode="json"), status_code=202, headers=headers
    )


@router.get("/{batch_id}", response_model=BatchRead)
def read_batch(batch_id: str, session: SessionDep, principal: IssuingPrincipal) -> BatchRead:
    """Progress of a batch: total, done, failed, and each failed row with its errors."""
    return _read(session, batches.get_batch(session, batch_id=batch_id, principal=principal))


@router.get("/{batch_id}/rows", response_model=BatchRowPage)
def read_batch_rows(
    batch_id: str,
    session: SessionDep,
    settings: SettingsDep,
    principal: IssuingPrincipal,
    status: RowStatus | None = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> BatchRowPage:
    """Each row's outcome: its credential id, or its errors."""
    batches.get_batch(session, batch_id=batch_id, principal=principal)
    rows, total = batches.row_page(
        session, batch_id=batch_id, status=status, offset=(page - 1) * per_page, limit=per_page
    )
    base = settings.public_base_url
    return BatchRowPage(
        items=[
            BatchRowRead(
                row=row.row_number,
                status=row.status,
                credential_id=row.credential_id,
                verify_url=verify_url(base, row.credential_id) if row.credential_id else None,
                errors=row.errors,
            )
            for row in rows
        ],
        page=page,
        per_page=per_page,
        total=total,
    )


@router.post("/{batch_id}/claim-links", response_model=list[ClaimLink])
def create_claim_links(
    batch_id: str, session: SessionDep, settings: SettingsDep, principal: IssuingPrincipal
) -> list[ClaimLink]:
    """Fresh single-use claim links for the batch's unclaimed credentials.

    Claim secrets are stored only hashed, so each call issues new links and the previous
    ones stop working.
    """
    batches.get_batch(session, batch_id=batch_id, principal=principal)
    rows, _ = batches.row_page(
        session, batch_id=batch_id, status=RowStatus.issued, offset=0, limit=batches.MAX_ROWS
    )
    numbered = []
    for row in rows:
        if row.credential_id is None:  # an issued row always names its credential
            raise RuntimeError(f"issued row {row.row_number} names no credential")
        numbered.append((row, get_credential(session, credential_id=row.credential_id)))
    tokens = issuance.renew_claim_tokens(
        session, [credential for _, credential in numbered], actor=principal, now=utcnow()
    )
    links = []
    for (row, credential), token in zip(numbered, tokens, strict=True):
        if token is not None and credential.claim_expires_at is not None:
            links.append(
                ClaimLink(
                    row=row.row_number,
                    credential_id=credential.id,
                    claim_url=claim_url(settings.public_base_url, token),
                    claim_expires_at=credential.claim_expires_at,
                )
            )
    return links
