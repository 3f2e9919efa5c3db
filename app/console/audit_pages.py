"""The audit log: events filtered and paginated, and a check of the whole hash chain
(through `app.audit.service`; admins and auditors, as in the admin API)."""

from __future__ import annotations

import json
import math
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.audit import checkpoints
from app.audit import service as audit_service
from app.audit import verification as audit_verification
from app.audit.models import AuditCheckpoint
from app.auth.roles import Role
from app.console import forms, views
from app.console.dependencies import ConsoleAdminPoster, ConsoleAuditReader, ConsoleDb
from app.console.pages import console_path, form_errors, render_console, see_other
from app.console.routing import ConsoleRoute
from app.console.vocabulary import AUDIT_ACTIONS, AUDIT_TARGETS, NOTICES
from app.credentials.dependencies import SignerDep
from app.db import utcnow
from app.errors import NotFound
from app.fields import DbId
from app.web.dependencies import PageLanguage
from app.web.i18n import gettext as translate

router = APIRouter(prefix="/audit", route_class=ConsoleRoute, default_response_class=HTMLResponse)

RECENT_CHECKPOINTS = 10
TARGET_PAGES = {"credential": "/credentials/", "curriculum": "/curricula/"}
"""Targets the console has a page for, by `target_type`."""


def summary_text(summary: dict[str, Any]) -> str:
    """An event's before/after summary as indented JSON (already redacted when recorded)."""
    return json.dumps(summary, indent=2, ensure_ascii=False, sort_keys=True)


@router.get("", name="console_audit")
def audit_log(
    request: Request,
    db: ConsoleDb,
    user: ConsoleAuditReader,
    language: PageLanguage,
    actor: str | None = None,
    action: str | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    occurred_from: Annotated[str | None, Query(alias="from")] = None,
    to: str | None = None,
    page: str | None = None,
) -> HTMLResponse:
    """Audit events, newest first, by actor, action, target and day."""
    filters = forms.parse_audit_filters(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        occurred_from=occurred_from,
        occurred_to=to,
        page=page,
    )
    result = audit_service.list_events(
        db,
        actor=filters.actor,
        action=filters.action,
        target_type=filters.target_type,
        target_id=filters.target_id,
        occurred_from=filters.period.start,
        occurred_to=filters.period.end,
        offset=(filters.page - 1) * filters.per_page,
        limit=filters.per_page,
    )
    return render_console(
        request,
        "console/audit.html",
        {
            "filters": filters,
            "raw": {"from": occurred_from or "", "to": to or ""},
            "errors": form_errors(language, filters.errors),
            "events": result.items,
            "total": result.total,
            "pages": max(1, math.ceil(result.total / filters.per_page)),
            "summary_text": summary_text,
            "target_pages": TARGET_PAGES,
            "action_names": {key: translate(language, text) for key, text in AUDIT_ACTIONS.items()},
            "target_names": {key: translate(language, text) for key, text in AUDIT_TARGETS.items()},
        },
        language=language,
        user=user,
        section="audit",
    )


@router.get("/verify", name="console_audit_verify")
def verify_chain(
    request: Request,
    db: ConsoleDb,
    user: ConsoleAuditReader,
    language: PageLanguage,
    done: str | None = None,
) -> HTMLResponse:
    """Re-compute the whole hash chain: either it holds, or the first broken link; then the
    latest signed checkpoints, to download (and, for admins, a button to sign one now)."""
    result = views.chain_result(audit_verification.verify_chain(db), language=language)
    recent = checkpoints.list_checkpoints(db, limit=RECENT_CHECKPOINTS)
    return render_console(
        request,
        "console/audit_verify.html",
        {
            "result": result,
            "checkpoints": recent.items,
            "checkpoint_total": recent.total,
            "can_sign": user.role == Role.admin,
            "notice": translate(language, NOTICES[done]) if done == "checkpoint" else None,
        },
        language=language,
        user=user,
        section="audit",
    )


@router.post("/checkpoints", name="console_audit_checkpoint")
def sign_checkpoint(
    request: Request,
    db: ConsoleDb,
    user: ConsoleAdminPoster,
    signer: SignerDep,
    language: PageLanguage,
) -> Response:
    """Sign the chain head now, as the admin API does."""
    checkpoints.create_checkpoint(db, signer=signer, now=utcnow(), actor=user.principal)
    return see_other(console_path(request, "/audit/verify", language=language, done="checkpoint"))


@router.get("/checkpoints/{checkpoint_id}.jwt", name="console_audit_checkpoint_jwt")
def download_checkpoint(checkpoint_id: DbId, db: ConsoleDb, _user: ConsoleAuditReader) -> Response:
    """One checkpoint as a file (`application/vc+jwt`), to keep outside this database."""
    checkpoint = db.get(AuditCheckpoint, checkpoint_id)
    if checkpoint is None:
        raise NotFound("No such checkpoint.")
    return Response(
        checkpoints.checkpoint_jwt(checkpoint),
        media_type="application/vc+jwt",
        headers={
            "Content-Disposition": (
                f'attachment; filename="audit-checkpoint-{checkpoint.seq}.jwt"'
            ),
            "Cache-Control": "no-store",
        },
    )
