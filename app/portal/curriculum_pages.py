"""The provider's curricula: the list, and the form to submit and revise a curriculum module
by module with its coverage report beside it (through `app.curricula.service`, as the
provider API does, and audited the same way).

"Save draft" stores the curriculum as a draft with its coverage computed; "Submit for
review" puts it in the staff's review queue; "Add a module" saves nothing: it shows the form
again with one more empty module and, beside it, the coverage of the form as it stands
(modules marked for removal left out), so a change can be judged before it is saved.
Another provider's curriculum is not found (404), read or written.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.curricula import service as curricula_service
from app.curricula.coverage import compute_coverage
from app.curricula.errors import CurriculumImmutable, StandardNotOpen, UnknownOutcome
from app.curricula.models import Curriculum
from app.curricula.schemas import CoverageReport, CurriculumCreate
from app.db import utcnow
from app.errors import AppError
from app.fields import Country, DbId, Language
from app.portal import curriculum_form
from app.portal.curriculum_view import EditorState, editor_context, standard_choices
from app.portal.dependencies import (
    PortalDb,
    PortalPageDep,
    PortalPoster,
    PortalReader,
    PortalUser,
)
from app.portal.pages import portal_path, render_portal, see_other
from app.portal.routing import PortalRoute
from app.portal.vocabulary import CURRICULUM_NOTICES, CURRICULUM_PROBLEMS
from app.providers.errors import ProviderNotAccredited
from app.standards import service as standards_service
from app.standards.enums import StandardStatus
from app.standards.errors import StandardNotFound
from app.standards.models import Standard
from app.web.dependencies import PageLanguage
from app.web.i18n import gettext as translate
from app.web.page_errors import PageReply

router = APIRouter(route_class=PortalRoute, default_response_class=HTMLResponse)

LISTED: Final = 100
EMPTY_FORM: Final = curriculum_form.CurriculumForm(title="", modules=[])
REFUSALS: Final = (
    CurriculumImmutable,
    StandardNotOpen,
    UnknownOutcome,
    ProviderNotAccredited,
)
"""Service refusals shown above the form (the form keeps what was typed)."""


@router.get("/curricula", name="portal_curricula")
def curricula(
    request: Request, db: PortalDb, user: PortalReader, language: PageLanguage
) -> HTMLResponse:
    """The provider's curricula, newest first: status, standard, version, gaps and the
    reviewer's comments."""
    listed = curricula_service.list_curricula(db, provider_id=user.provider_id, limit=LISTED)
    return render_portal(
        request,
        "portal/curricula.html",
        {"curricula": listed.items, "total": listed.total},
        language=language,
        user=user,
        section="curricula",
    )


def _editor(
    request: Request,
    user: PortalUser,
    state: EditorState,
    *,
    language: Language,
    status_code: int = 200,
) -> HTMLResponse:
    return render_portal(
        request,
        "portal/curriculum.html",
        editor_context(state, language=language, country=user.provider_country),
        language=language,
        user=user,
        section="curricula",
        status_code=status_code,
    )


def _published(db: PortalDb, choice: str | None) -> Standard | None:
    """The published standard version chosen as `<code>:<version>`, or None."""
    code, _, version = (choice or "").rpartition(":")
    if not code or not version.isdigit() or len(version) > 9:
        return None
    try:
        standard = standards_service.get_standard(db, code=code, version=int(version))
    except StandardNotFound:
        return None
    return standard if standard.status == StandardStatus.published else None


@router.get("/curricula/new")
def new_curriculum(
    request: Request,
    db: PortalDb,
    user: PortalReader,
    language: PageLanguage,
    standard: str | None = None,
) -> HTMLResponse:
    """Choose a published standard (`?standard=<code>:<version>`), then fill in the
    curriculum's modules."""
    chosen = _published(db, standard)
    if chosen is None:
        return render_portal(
            request,
            "portal/curriculum_new.html",
            {
                "standards": standard_choices(db, language=language, country=user.provider_country),
                "missing": standard is not None,
            },
            language=language,
            user=user,
            section="curricula",
            status_code=404 if standard is not None else 200,
        )
    state = EditorState(standard=chosen, form=EMPTY_FORM.with_spare_modules(1), curriculum=None)
    return _editor(request, user, state, language=language)


@router.get("/curricula/{curriculum_id}")
def curriculum_page(
    curriculum_id: DbId, page: PortalPageDep, done: str | None = None
) -> HTMLResponse:
    """One of the provider's curricula: its status, the reviewer's comments, the coverage
    report and the form to revise it."""
    curriculum = curricula_service.get_curriculum(
        page.db, curriculum_id=curriculum_id, provider_id=page.user.provider_id
    )
    form = curriculum_form.stored_form(curriculum.title, curriculum.modules)
    state = EditorState(
        standard=curriculum.standard,
        form=form.with_spare_modules(1),
        curriculum=curriculum,
        latest=curricula_service.latest_of_lineage(page.db, lineage_id=curriculum.lineage_id),
        notice=translate(page.language, CURRICULUM_NOTICES[done])
        if done in CURRICULUM_NOTICES
        else None,
    )
    return _editor(page.request, page.user, state, language=page.language)


async def _posted(request: Request) -> dict[str, str]:
    posted = await request.form()
    return {key: value for key, value in posted.items() if isinstance(value, str)}


def _save(
    db: PortalDb,
    user: PortalUser,
    body: CurriculumCreate,
    *,
    curriculum: Curriculum | None,
    draft: bool,
) -> Curriculum:
    if curriculum is None:
        return curricula_service.submit_curriculum(
            db,
            provider_id=user.provider_id,
            data=body,
            now=utcnow(),
            actor=user.principal,
            draft=draft,
        )
    return curricula_service.revise_curriculum(
        db,
        curriculum_id=curriculum.id,
        provider_id=user.provider_id,
        data=body,
        now=utcnow(),
        actor=user.principal,
        draft=draft,
    )


def _act(
    request: Request,
    db: PortalDb,
    user: PortalUser,
    posted: dict[str, str],
    state: EditorState,
    *,
    language: Language,
) -> Response:
    """Add a module, save a draft or submit, from the posted form; a form with problems
    is shown again with them (400) and nothing is saved."""
    standard = state.standard
    codes = [outcome.code for _, outcome in standards_service.to_schema(standard).iter_outcomes()]
    form = curriculum_form.posted_form(posted, codes)
    action = posted.get("action", "")
    checked = curriculum_form.check(
        form, standard=(standard.code, standard.version), language=language
    )
    if action == "add":
        added = replace(
            state,
            form=form.with_spare_modules(form.spares + 1),
            draft_report=_draft_coverage(standard, checked, country=user.provider_country),
        )
        return _editor(request, user, added, language=language)
    shown = form.with_spare_modules(1)
    if checked.body is None or action not in ("save", "submit"):
        problem = None if action in ("save", "submit") else CURRICULUM_PROBLEMS["action"]
        again = replace(
            state,
            form=shown,
            errors=checked.errors,
            summary=checked.summary,
            problem=translate(language, problem) if problem else None,
        )
        return _editor(request, user, again, language=language, status_code=400)
    try:
        saved = _save(db, user, checked.body, curriculum=state.curriculum, draft=action == "save")
    except REFUSALS as error:
        refused = replace(state, form=shown, problem=_refusal(error, language))
        raise PageReply(
            _editor(request, user, refused, language=language, status_code=error.status)
        ) from None
    done = "saved" if action == "save" else "submitted"
    return see_other(portal_path(request, f"/curricula/{saved.id}", language=language, done=done))


def _draft_coverage(
    standard: Standard, checked: curriculum_form.CheckedForm, *, country: str
) -> CoverageReport | None:
    """The coverage of a form that is complete enough to be saved, without saving it (None
    for a form with problems: the page keeps the last saved report)."""
    if checked.body is None:
        return None
    return compute_coverage(
        standard=standards_service.to_schema(standard),
        country=Country(country),
        modules=checked.body.modules,
    )


def _refusal(error: AppError, language: Language) -> str:
    return translate(language, CURRICULUM_PROBLEMS.get(error.slug, CURRICULUM_PROBLEMS["refused"]))


@router.post("/curricula/new")
async def submit_new(
    request: Request, db: PortalDb, user: PortalPoster, language: PageLanguage
) -> Response:
    """Save a new curriculum as a draft or submit it (or add a module to the form)."""
    posted = await _posted(request)
    standard = _published(db, posted.get("standard"))
    if standard is None:
        raise StandardNotFound("Choose a published standard.")
    state = EditorState(standard=standard, form=EMPTY_FORM, curriculum=None)
    return _act(request, db, user, posted, state, language=language)


@router.post("/curricula/{curriculum_id}")
async def revise(
    curriculum_id: DbId,
    request: Request,
    db: PortalDb,
    user: PortalPoster,
    language: PageLanguage,
) -> Response:
    """Save changes to one of the provider's curricula as a draft or submit them (an
    approved one becomes a new version), or add a module to the form."""
    curriculum = curricula_service.get_curriculum(
        db, curriculum_id=curriculum_id, provider_id=user.provider_id
    )
    posted = await _posted(request)
    state = EditorState(
        standard=curriculum.standard,
        form=EMPTY_FORM,
        curriculum=curriculum,
        latest=curricula_service.latest_of_lineage(db, lineage_id=curriculum.lineage_id),
    )
    return _act(request, db, user, posted, state, language=language)
