"""Issuing from the portal: upload the workers who passed (the batch API's CSV columns and
`language`), see every row checked before anything is issued, issue, then follow the batch:
progress (the page refreshes itself while it runs), each row's outcome, mail delivery, and
downloads of the claim links and the issued credentials."""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from app.audit.dependencies import SessionmakerDep
from app.auth.dependencies import SettingsDep
from app.credentials import batches, issuance
from app.credentials.batches import BatchTarget
from app.credentials.models import BatchStatus, RowStatus
from app.credentials.service import get_credential
from app.curricula import service as curricula_service
from app.curricula.models import CurriculumStatus
from app.db import utcnow
from app.deliveries import service as deliveries_service
from app.deliveries.schedule import deliver_due
from app.errors import ValidationFailed
from app.fields import DbId, Language
from app.links import claim_url, verify_url
from app.mail.smtp import smtp_config
from app.portal import issuing
from app.portal.dependencies import PortalDb, PortalPoster, PortalReader, PortalUser
from app.portal.pages import portal_path, render_portal, see_other
from app.portal.routing import PortalRoute
from app.reports.formats import cell
from app.web.dependencies import PageLanguage
from app.web.page_errors import PageReply

router = APIRouter(route_class=PortalRoute, default_response_class=HTMLResponse)

MAX_SHOWN_ROWS = 1000
REFRESH_SECONDS = 3


def _issue_form(
    request: Request,
    db: PortalDb,
    user: PortalUser,
    *,
    language: Language,
    problem: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    curricula = curricula_service.list_curricula(
        db, provider_id=user.provider_id, status=CurriculumStatus.approved.value, limit=100
    ).items
    return render_portal(
        request,
        "portal/issue.html",
        {"curricula": curricula, "problem": problem},
        language=language,
        user=user,
        section="issue",
        status_code=status_code,
    )


@router.get("/issue")
def issue_form(
    request: Request, db: PortalDb, user: PortalReader, language: PageLanguage
) -> HTMLResponse:
    """Choose an approved curriculum and upload the CSV of the workers who passed."""
    return _issue_form(request, db, user, language=language)


def _checked(
    db: PortalDb, user: PortalUser, *, curriculum_id: int, data: bytes
) -> tuple[issuing.Upload, list[batches.ParsedRow]]:
    upload = issuing.split_languages(data)
    target = BatchTarget(curriculum_id=curriculum_id)
    rows = batches.parse_csv_rows(upload.csv_bytes, target)
    _, rows = batches.checked_rows(db, principal=user.principal, rows=rows, now=utcnow())
    return upload, rows


@router.post("/issue")
async def preview(
    request: Request,
    db: PortalDb,
    user: PortalPoster,
    settings: SettingsDep,
    language: PageLanguage,
    curriculum_id: Annotated[DbId, Form()],
    upload: Annotated[UploadFile, File()],
) -> HTMLResponse:
    """Every row checked, with its problems, before anything is issued."""
    data = await upload.read()
    try:
        parsed, rows = _checked(db, user, curriculum_id=curriculum_id, data=data)
    except ValidationFailed as error:
        return _issue_form(
            request, db, user, language=language, problem=error.detail, status_code=400
        )
    default = issuing.default_language(user.provider_country, user.provider_region)
    shown = issuing.preview_rows(rows, parsed, default=default, language=language)
    valid = sum(1 for row in shown if not row.problems)
    return render_portal(
        request,
        "portal/preview.html",
        {
            "rows": shown[:MAX_SHOWN_ROWS],
            "total": len(shown),
            "valid": valid,
            "curriculum_id": curriculum_id,
            "csv_text": data.decode("utf-8-sig", "replace"),
            "sends_mail": smtp_config(settings) is not None,
        },
        language=language,
        user=user,
        section="issue",
    )


@router.post("/issue/confirm")
def confirm(
    request: Request,
    db: PortalDb,
    sessions: SessionmakerDep,
    settings: SettingsDep,
    background: BackgroundTasks,
    user: PortalPoster,
    language: PageLanguage,
    curriculum_id: Annotated[DbId, Form()],
    csv_text: Annotated[str, Form(max_length=16_000_000)],
) -> Response:
    """Issue the valid rows (the rows are checked again) and mail the claim links."""
    try:
        parsed, rows = _checked(db, user, curriculum_id=curriculum_id, data=csv_text.encode())
    except ValidationFailed as error:
        raise PageReply(
            _issue_form(request, db, user, language=language, problem=error.detail, status_code=400)
        ) from None
    # A row with a bad language column is not issued: its worker's mail could not be written.
    rows = [
        batches.ParsedRow(
            number=row.number,
            payload=row.payload,
            errors=(row.errors or []) + [{"loc": ["language"], "msg": "en, es or fr"}],
        )
        if row.number in parsed.bad_languages
        else row
        for row in rows
    ]
    now = utcnow()
    batch = batches.create_batch(
        db,
        principal=user.principal,
        target=BatchTarget(curriculum_id=curriculum_id),
        rows=rows,
        now=now,
    )
    background.add_task(request.app.state.batch_runner.run, batch.id)
    if smtp_config(settings) is not None:
        default = issuing.default_language(user.provider_country, user.provider_region)
        recipients = [
            deliveries_service.ClaimRecipient(
                row_number=row.number,
                email=str(row.payload["recipient"]["email"]),
                language=parsed.languages.get(row.number, default),
            )
            for row in rows
            if row.errors is None
        ]
        deliveries_service.queue_claim_links(
            db,
            batch_id=batch.id,
            provider_id=user.provider_id,
            recipients=recipients,
            requested_by=user.principal.subject,
            now=now,
        )
        background.add_task(deliver_due, sessions, settings)
    return see_other(portal_path(request, f"/batches/{batch.id}", language=language))


@router.get("/batches/{batch_id}")
def batch_page(
    request: Request,
    batch_id: str,
    db: PortalDb,
    sessions: SessionmakerDep,
    settings: SettingsDep,
    background: BackgroundTasks,
    user: PortalReader,
    language: PageLanguage,
) -> HTMLResponse:
    """A batch's progress, each row's outcome and each mail's delivery; the page refreshes
    itself while rows are being issued or mail waits to go."""
    batch = batches.get_batch(db, batch_id=batch_id, principal=user.principal)
    rows, _ = batches.row_page(db, batch_id=batch.id, status=None, offset=0, limit=MAX_SHOWN_ROWS)
    finished = batch.done + batch.failed
    percent = round(100 * finished / batch.total) if batch.total else 100
    mail = deliveries_service.batch_deliveries(db, batch_id=batch.id, provider_id=user.provider_id)
    sends_mail = smtp_config(settings) is not None
    mailing = sends_mail and bool(mail.counts["queued"] or mail.counts["sending"])
    if mailing:
        background.add_task(deliver_due, sessions, settings)
    running = batch.status != BatchStatus.completed.value
    return render_portal(
        request,
        "portal/batch.html",
        {
            "batch": batch,
            "rows": [(row, issuing.problems_of(row.errors, language=language)) for row in rows],
            "percent": percent,
            "running": running,
            "mailing": mailing,
            "refresh_seconds": REFRESH_SECONDS if running or mailing else None,
            "mail": mail,
            "sends_mail": sends_mail,
            "base_url": settings.public_base_url,
        },
        language=language,
        user=user,
        section="issue",
    )


def _csv_download(header: list[str], lines: list[list[object]], filename: str) -> Response:
    """An RFC 4180 attachment whose cells a spreadsheet cannot run as formulas."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([cell(value) for value in line] for line in lines)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post("/batches/{batch_id}/claim-links.csv")
def claim_links(batch_id: str, db: PortalDb, settings: SettingsDep, user: PortalPoster) -> Response:
    """Fresh claim links of the batch's unclaimed credentials as CSV (the earlier links,
    mailed ones included, stop working)."""
    batches.get_batch(db, batch_id=batch_id, principal=user.principal)
    rows, _ = batches.row_page(
        db, batch_id=batch_id, status=RowStatus.issued, offset=0, limit=batches.MAX_ROWS
    )
    credentials = [get_credential(db, credential_id=row.credential_id or "") for row in rows]
    tokens = issuance.renew_claim_tokens(db, credentials, actor=user.principal, now=utcnow())
    lines = [
        [
            row.row_number,
            row.payload["recipient"]["name"],
            row.payload["recipient"]["email"],
            claim_url(settings.public_base_url, token),
            credential.claim_expires_at,
        ]
        for row, credential, token in zip(rows, credentials, tokens, strict=True)
        if token is not None
    ]
    return _csv_download(
        ["row", "name", "email", "claim_url", "claim_expires_at"],
        lines,
        f"claim-links-{batch_id}.csv",
    )


@router.get("/batches/{batch_id}/credentials.csv")
def issued_credentials(
    batch_id: str, db: PortalDb, settings: SettingsDep, user: PortalReader
) -> Response:
    """The batch's issued credentials (ids and public verification links) as CSV."""
    batches.get_batch(db, batch_id=batch_id, principal=user.principal)
    rows, _ = batches.row_page(
        db, batch_id=batch_id, status=RowStatus.issued, offset=0, limit=batches.MAX_ROWS
    )
    lines = [
        [
            row.row_number,
            row.payload["recipient"]["name"],
            row.credential_id,
            verify_url(settings.public_base_url, row.credential_id or ""),
        ]
        for row in rows
    ]
    return _csv_download(
        ["row", "name", "credential_id", "verify_url"], lines, f"credentials-{batch_id}.csv"
    )
