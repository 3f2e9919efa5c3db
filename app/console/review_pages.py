"""The curricula review queue: list, one curriculum with its coverage and gaps, and the
Approve and Reject forms (through `app.curricula.service`, as the admin API does)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from app.console import forms, views
from app.console.dependencies import ConsoleDb, ConsoleReader, ConsoleUser, ConsoleWriter
from app.console.pages import console_path, form_errors, render_console, see_other
from app.console.routing import ConsoleRoute
from app.console.vocabulary import NOTICES, REVIEW_PROBLEMS
from app.curricula import service as curricula_service
from app.curricula.errors import CurriculumHasGaps, CurriculumNotUnderReview
from app.curricula.models import Curriculum, CurriculumStatus
from app.db import utcnow
from app.fields import Country, DbId, Language
from app.web.dependencies import PageLanguage
from app.web.i18n import gettext as translate
from app.web.page_errors import PageReply

router = APIRouter(
    prefix="/curricula", route_class=ConsoleRoute, default_response_class=HTMLResponse
)

Action = Annotated[str, Form(max_length=20)]
Reasons = Annotated[str | None, Form(max_length=60_000)]


@router.get("", name="console_curricula")
def review_queue(
    request: Request,
    db: ConsoleDb,
    user: ConsoleReader,
    language: PageLanguage,
    status: str | None = None,
    country: str | None = None,
    page: str | None = None,
) -> HTMLResponse:
    """Curricula by status (submitted ones, the review queue, unless told otherwise) and
    provider country, newest first."""
    filters = forms.parse_curriculum_filters(status=status, country=country, page=page)
    result = curricula_service.list_curricula(
        db,
        status=filters.status,
        country=filters.country,
        offset=(filters.page - 1) * filters.per_page,
        limit=filters.per_page,
    )
    return render_console(
        request,
        "console/curricula.html",
        {
            "filters": filters,
            "curricula": result.items,
            "total": result.total,
            "pages": max(1, math.ceil(result.total / filters.per_page)),
            "statuses": list(CurriculumStatus),
            "countries": list(Country),
        },
        language=language,
        user=user,
        section="curricula",
    )


def _curriculum_page(
    request: Request,
    curriculum: Curriculum,
    *,
    user: ConsoleUser,
    language: Language,
    notice: str | None = None,
    problem: str | None = None,
    gaps: Sequence[Mapping[str, Any]] | None = None,
    errors: dict[str, str] | None = None,
    reasons: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    report = views.coverage_report(curriculum.coverage)
    if gaps is None:
        gaps = [gap.model_dump(mode="json") for gap in report.gaps] if report else []
    return render_console(
        request,
        "console/curriculum.html",
        {
            "curriculum": curriculum,
            "standard_title": getattr(curriculum.standard, f"title_{language}"),
            "report": report,
            "gaps": views.gap_rows(gaps, language=language),
            "can_review": user.can_act and curriculum.status == CurriculumStatus.submitted,
            "action_url": console_path(request, f"/curricula/{curriculum.id}", language=language),
            "notice": translate(language, notice) if notice else None,
            "problem": translate(language, problem) if problem else None,
            "errors": errors or {},
            "reasons": reasons,
        },
        language=language,
        user=user,
        section="curricula",
        status_code=status_code,
    )


@router.get("/{curriculum_id}", name="console_curriculum")
def curriculum_page(
    curriculum_id: DbId,
    request: Request,
    db: ConsoleDb,
    user: ConsoleReader,
    language: PageLanguage,
    done: str | None = None,
) -> HTMLResponse:
    """One curriculum: its modules, coverage report and gaps, and the review forms."""
    curriculum = curricula_service.get_curriculum(db, curriculum_id=curriculum_id)
    notice = NOTICES[done] if done in ("approved", "rejected") else None
    return _curriculum_page(request, curriculum, user=user, language=language, notice=notice)


@router.post("/{curriculum_id}")
def review_curriculum(
    curriculum_id: DbId,
    request: Request,
    db: ConsoleDb,
    user: ConsoleWriter,
    language: PageLanguage,
    action: Action = "",
    reasons: Reasons = None,
) -> Response:
    """Approve (refused with the gaps listed unless the curriculum covers the standard)
    or reject with reasons, one per line."""
    curriculum = curricula_service.get_curriculum(db, curriculum_id=curriculum_id)

    def reply(status_code: int, **shown: Any) -> PageReply:
        page = _curriculum_page(
            request, curriculum, user=user, language=language, status_code=status_code, **shown
        )
        return PageReply(page)

    now = utcnow()
    try:
        if action == "approve":
            curricula_service.approve_curriculum(
                db,
                curriculum_id=curriculum_id,
                reviewer=user.principal.name,
                now=now,
                actor=user.principal,
            )
        elif action == "reject":
            parsed = forms.parse_reasons(reasons)
            if parsed is None:
                problems = form_errors(language, {"reasons": "reasons"})
                raise reply(400, errors=problems, reasons=reasons or "")
            curricula_service.reject_curriculum(
                db,
                curriculum_id=curriculum_id,
                reviewer=user.principal.name,
                reasons=parsed,
                now=now,
                actor=user.principal,
            )
        else:
            raise reply(400, errors=form_errors(language, {"action": "action"}))
    except CurriculumHasGaps as error:
        gaps = error.extensions.get("gaps", [])
        raise reply(409, problem=REVIEW_PROBLEMS[error.slug], gaps=gaps) from error
    except CurriculumNotUnderReview as error:
        raise reply(409, problem=REVIEW_PROBLEMS[error.slug]) from error
    done = "approved" if action == "approve" else "rejected"
    return see_other(
        console_path(request, f"/curricula/{curriculum_id}", language=language, done=done)
    )
