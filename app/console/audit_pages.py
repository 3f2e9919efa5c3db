"""The audit log: events filtered and paginated, and a check of the whole hash chain
(through `app.audit.service`; admins and auditors, as in the admin API)."""

from __future__ import annotations

import json
import math
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from app.audit import service as audit_service
from app.audit import verification as audit_verification
from app.console import forms, views
from app.console.dependencies import ConsoleAuditReader, ConsoleDb
from app.console.pages import form_errors, render_console
from app.console.routing import ConsoleRoute
from app.web.dependencies import PageLanguage

router = APIRouter(prefix="/audit", route_class=ConsoleRoute, default_response_class=HTMLResponse)

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
        },
        language=language,
        user=user,
        section="audit",
    )


@router.get("/verify", name="console_audit_verify")
def verify_chain(
    request: Request, db: ConsoleDb, user: ConsoleAuditReader, language: PageLanguage
) -> HTMLResponse:
    """Re-compute the whole hash chain: either it holds, or the first broken link."""
    result = views.chain_result(audit_verification.verify_chain(db), language=language)
    return render_console(
        request,
        "console/audit_verify.html",
        {"result": result},
        language=language,
        user=user,
        section="audit",
    )
