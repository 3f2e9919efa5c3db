"""Standards in the console: every version in every status, filtered and paginated, and a
version's page, in English, Spanish and French (`app.console.registry_views`).

Admins and registrars (the API's `StaffWriter`) publish a complete draft or retire a
published version there, through the services the admin API calls, each after a
confirmation tick. Writing a standard's content stays with the API and the seed files: it
is a document of units, outcomes and delivery profiles, not a form's worth.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.console import actions
from app.console import registry_views as registry
from app.console.dependencies import ConsoleDb, ConsoleReader, ConsoleUser, ConsoleWriter
from app.console.pages import console_path, see_other
from app.console.registry_views import ActionForm, FormField, Outcome
from app.console.routing import ConsoleRoute
from app.db import utcnow
from app.errors import AppError
from app.fields import Language
from app.standards import service as standards_service
from app.standards.enums import Sector, StandardStatus
from app.standards.models import Standard
from app.web.dependencies import PageLanguage
from app.web.i18n import gettext as translate
from app.web.vocabulary import N_, SECTOR_NAMES

router = APIRouter(route_class=ConsoleRoute, default_response_class=HTMLResponse)

Confirm = Annotated[str | None, Form(max_length=10)]
DONE = ("published", "retired")
"""The `done` slugs a standard's page announces."""


@router.get("/standards", name="console_standards")
def standards_page(
    request: Request,
    db: ConsoleDb,
    user: ConsoleReader,
    language: PageLanguage,
    q: str | None = None,
    status: str | None = None,
    sector: str | None = None,
    page: str | None = None,
) -> HTMLResponse:
    """Standards in every status (drafts and retired ones too), by code and version."""
    number = registry.page_number(page)
    wanted_status, wanted_sector = (
        registry.chosen(StandardStatus, status),
        registry.chosen(Sector, sector),
    )
    text = (q or "").strip()[:200]
    result = standards_service.list_standards(
        db,
        sector=wanted_sector,
        text=text or None,
        statuses=(wanted_status,) if wanted_status else tuple(StandardStatus),
        offset=(number - 1) * registry.PER_PAGE,
        limit=registry.PER_PAGE,
    )
    link = registry.linker(request, language)
    view = registry.ListView(
        heading=translate(language, N_("Standards")),
        lead=translate(
            language, N_("Every version of every standard: drafts, published and retired.")
        ),
        path="/standards",
        filters=[
            registry.Filter("q", translate(language, N_("Code, title or occupation code")), text),
            registry.Filter(
                "status",
                translate(language, N_("Status")),
                wanted_status or "",
                registry.choices(language, registry.STANDARD_STATUS_NAMES),
            ),
            registry.Filter(
                "sector",
                translate(language, N_("Sector")),
                wanted_sector or "",
                registry.choices(language, SECTOR_NAMES),
            ),
        ],
        columns=registry.words(
            language, N_("Standard"), N_("Version"), N_("Title"), N_("Sector"), N_("Status")
        ),
        rows=[
            [
                registry.Cell(
                    standard.code,
                    url=link(f"/standards/{standard.code}/{standard.version}"),
                    code=True,
                ),
                registry.Cell(str(standard.version)),
                registry.Cell(getattr(standard, f"title_{language.value}")),
                registry.word(language, registry.SECTOR_WORDS, standard.sector),
                registry.word(language, registry.STANDARD_STATUS_NAMES, standard.status),
            ]
            for standard in result.items
        ],
        total=result.total,
        page=number,
    )
    return registry.render_view(request, view, language=language, user=user, section="standards")


@router.get("/standards/{code}/{version}", name="console_standard")
def standard_page(
    request: Request,
    code: str,
    version: int,
    db: ConsoleDb,
    user: ConsoleReader,
    language: PageLanguage,
    done: str | None = None,
) -> HTMLResponse:
    """One standard version: its status and dates, and links to its public page and API;
    for admins and registrars, the form that publishes or retires it."""
    outcome = actions.notice(language, done, DONE)
    return _render(request, db, code, version, user=user, language=language)(outcome, 200)


def _render(
    request: Request,
    db: Session,
    code: str,
    version: int,
    *,
    user: ConsoleUser,
    language: Language,
) -> registry.Render:
    """The version's page, to show with an outcome and a status code."""

    def render(outcome: Outcome, status_code: int) -> HTMLResponse:
        standard = standards_service.get_standard(
            db, code=code, version=version, include_drafts=True
        )
        view = _standard_view(request, standard, user=user, language=language)
        return registry.render_view(
            request,
            replace(view, outcome=outcome),
            language=language,
            user=user,
            section="standards",
            status_code=status_code,
        )

    return render


def _standard_view(
    request: Request, standard: Standard, *, user: ConsoleUser, language: Language
) -> registry.ItemView:
    link = registry.linker(request, language)
    root = request.scope.get("root_path", "")
    view = registry.ItemView(
        heading=getattr(standard, f"title_{language.value}"),
        kind=translate(language, N_("Standard")),
        back=registry.Cell(translate(language, N_("All standards")), url=link("/standards")),
        facts=list(
            zip(
                registry.words(
                    language,
                    N_("Standard code"),
                    N_("Version"),
                    N_("Status"),
                    N_("Sector"),
                    N_("NASSC level"),
                    N_("Validity (years)"),
                    N_("Created on"),
                    N_("Published on"),
                ),
                [
                    registry.Cell(standard.code, code=True),
                    registry.Cell(str(standard.version)),
                    registry.word(language, registry.STANDARD_STATUS_NAMES, standard.status),
                    registry.word(language, registry.SECTOR_WORDS, standard.sector),
                    registry.Cell(str(standard.nassc_level)),
                    registry.Cell(str(standard.validity_years)),
                    registry.when(standard.created_at),
                    registry.when(standard.published_at),
                ],
                strict=True,
            )
        ),
        links=[
            registry.Cell(
                translate(language, N_("Public page")),
                url=f"{root}/standards/{standard.code}?lang={language.value}",
            ),
            registry.Cell(
                translate(language, N_("Credentials of this standard")),
                url=link("/credentials", standard_code=standard.code),
            ),
        ]
        if standard.status != StandardStatus.draft.value
        else [],
    )
    if not user.can_act:
        note = N_("Your role can read this standard but not publish or retire it.")
        return replace(view, note=translate(language, note))
    return replace(view, actions=_standard_forms(request, standard, language=language))


class Step(StrEnum):
    """What a standard version's form does (the last part of its address)."""

    publish = "publish"
    retire = "retire"


CHANGES: dict[Step, tuple[Callable[..., Standard], str]] = {
    Step.publish: (standards_service.publish_standard, "published"),
    Step.retire: (standards_service.retire_standard, "retired"),
}
"""Each step: the service function the admin API's route calls, and its `done` slug."""


FORMS: dict[str, tuple[Step, str, str, str, str]] = {
    StandardStatus.draft.value: (
        Step.publish,
        N_("Publish this version"),
        N_(
            "Providers can then map curricula to it and credentials can be issued under it. "
            "A published version never changes."
        ),
        N_("Publish"),
        N_("I understand that a published version never changes."),
    ),
    StandardStatus.published.value: (
        Step.retire,
        N_("Retire this version"),
        N_(
            "It stays readable and its credentials still verify, but no new credential can "
            "be issued under it. This is final."
        ),
        N_("Retire"),
        N_("I understand that retiring is final."),
    ),
}
"""The form a version in each status offers: its step, heading, hint, button and tick."""


def _standard_forms(
    request: Request, standard: Standard, *, language: Language
) -> list[ActionForm]:
    """Publish a draft, or retire a published version (a retired one takes no action)."""
    if standard.status not in FORMS:
        return []
    step, heading, hint, submit, tick = FORMS[standard.status]
    base = f"/standards/{standard.code}/{standard.version}"
    return [
        ActionForm(
            key=step.value,
            url=registry.linker(request, language)(f"{base}/{step.value}"),
            heading=translate(language, heading),
            hint=translate(language, hint),
            submit=translate(language, submit),
            danger=step is Step.retire,
            fields=[FormField("confirm", translate(language, tick), kind="confirm", required=True)],
        )
    ]


@router.post("/standards/{code}/{version}/{step}")
def change_standard(
    request: Request,
    code: str,
    version: int,
    step: Step,
    db: ConsoleDb,
    user: ConsoleWriter,
    language: PageLanguage,
    confirm: Confirm = None,
) -> Response:
    """Publish a complete draft (from then on it never changes) or retire a published
    version (still readable, no longer issuable), as the admin API, once the tick confirms."""
    render = _render(request, db, code, version, user=user, language=language)
    standards_service.get_standard(db, code=code, version=version, include_drafts=True)
    if not actions.confirmed(confirm):
        errors = actions.field_errors(language, step.value, {"confirm": "confirm"})
        raise actions.reply(render, Outcome(errors=errors), 400)
    change, done = CHANGES[step]
    try:
        change(db, code=code, version=version, now=utcnow(), actor=user.principal)
    except AppError as error:
        raise actions.refused(render, language, error) from error
    path = f"/standards/{code}/{version}"
    return see_other(console_path(request, path, language=language, done=done))
