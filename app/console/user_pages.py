"""Staff users in the console, for administrators only (as the admin API): a filtered,
paginated list, an account's page, and the forms that act on them through the services the
API calls: make an account, change its role, disable or enable it, set its password (or
have one generated, shown once on the answer to the form). No password hash is ever shown
(`app.console.registry_views`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app.auth.roles import STAFF_ROLES, Role
from app.auth.service import USER_PREFIX
from app.console import actions
from app.console import registry_views as registry
from app.console.dependencies import (
    ConsoleDb,
    ConsoleUser,
    reader_with_roles,
)
from app.console.registry_views import ActionForm, FormField, Outcome
from app.console.routing import ConsoleRoute
from app.console.vocabulary import ROLE_NAMES
from app.fields import Language
from app.users import service as users_service
from app.users.models import StaffUser
from app.web.dependencies import PageLanguage
from app.web.i18n import gettext as translate
from app.web.vocabulary import N_

router = APIRouter(route_class=ConsoleRoute, default_response_class=HTMLResponse)
ConsoleAdminReader = Annotated[ConsoleUser, Depends(reader_with_roles(Role.admin))]
DONE = ("user-created", "role", "disabled", "enabled", "password-set")
"""The `done` slugs an account's page announces."""


def _role_choices(language: Language) -> list[registry.Choice]:
    return registry.choices(language, {role: ROLE_NAMES[role] for role in STAFF_ROLES})


@router.get("/users", name="console_users")
def users_page(
    request: Request,
    db: ConsoleDb,
    user: ConsoleAdminReader,
    language: PageLanguage,
    role: str | None = None,
    active: str | None = None,
    page: str | None = None,
) -> HTMLResponse:
    """Staff accounts by username, by role and whether they may sign in, and the form that
    makes a new one (administrators)."""
    view = users_view(request, db, language=language, role=role, active=active, page=page)
    return registry.render_view(request, view, language=language, user=user, section="users")


def users_view(
    request: Request,
    db: Session,
    *,
    language: Language,
    role: str | None = None,
    active: str | None = None,
    page: str | None = None,
) -> registry.ListView:
    number = registry.page_number(page)
    wanted_role = registry.chosen(Role, role)
    active_value = (active or "").strip()
    wanted_active = {"yes": True, "no": False}.get(active_value)
    matching = [
        staff
        for staff in users_service.list_users(db)
        if (wanted_role is None or staff.role == wanted_role.value)
        and (wanted_active is None or staff.is_active is wanted_active)
    ]
    shown = matching[(number - 1) * registry.PER_PAGE : number * registry.PER_PAGE]
    link = registry.linker(request, language)
    staff_roles = {staff_role: ROLE_NAMES[staff_role] for staff_role in STAFF_ROLES}
    view = registry.ListView(
        heading=translate(language, N_("Staff users")),
        lead=translate(
            language, N_("The accounts that may sign in to this console, and their roles.")
        ),
        path="/users",
        filters=[
            registry.Filter(
                "role",
                translate(language, N_("Role")),
                wanted_role or "",
                registry.choices(language, staff_roles),
            ),
            registry.Filter(
                "active",
                translate(language, N_("May sign in")),
                active_value if wanted_active is not None else "",
                registry.choices(
                    language, {"yes": registry.YES_NO["True"], "no": registry.YES_NO["False"]}
                ),
            ),
        ],
        columns=registry.words(
            language, N_("Username"), N_("Role"), N_("May sign in"), N_("Created on")
        ),
        rows=[
            [
                registry.Cell(staff.username, url=link(f"/users/{staff.id}"), code=True),
                registry.word(language, registry.ROLE_WORDS, staff.role),
                registry.word(language, registry.YES_NO, str(staff.is_active)),
                registry.when(staff.created_at),
            ]
            for staff in shown
        ],
        total=len(matching),
        page=number,
    )
    return replace(view, actions=[_create_form(request, language)])


@router.get("/users/{user_id}", name="console_user")
def user_page(
    request: Request,
    user_id: int,
    db: ConsoleDb,
    user: ConsoleAdminReader,
    language: PageLanguage,
    done: str | None = None,
) -> HTMLResponse:
    """One staff account: its role and state (never its password hash), and the forms that
    change them."""
    outcome = actions.notice(language, done, DONE)
    return renderer(request, db, user_id, user=user, language=language)(outcome, 200)


def renderer(
    request: Request, db: Session, user_id: int, *, user: ConsoleUser, language: Language
) -> registry.Render:
    """The account's page, to show with an outcome and a status code."""

    def render(outcome: Outcome, status_code: int) -> HTMLResponse:
        view = _user_view(request, db, user_id, user=user, language=language)
        return registry.render_view(
            request,
            replace(view, outcome=outcome),
            language=language,
            user=user,
            section="users",
            status_code=status_code,
        )

    return render


def _user_view(
    request: Request, db: Session, user_id: int, *, user: ConsoleUser, language: Language
) -> registry.ItemView:
    staff = users_service.get_user(db, user_id=user_id)
    link = registry.linker(request, language)
    view = registry.ItemView(
        heading=staff.username,
        kind=translate(language, N_("Staff user")),
        back=registry.Cell(translate(language, N_("All staff users")), url=link("/users")),
        facts=list(
            zip(
                registry.words(
                    language,
                    N_("Username"),
                    N_("Role"),
                    N_("May sign in"),
                    N_("Created on"),
                    N_("Changed on"),
                ),
                [
                    registry.Cell(staff.username, code=True),
                    registry.word(language, registry.ROLE_WORDS, staff.role),
                    registry.word(language, registry.YES_NO, str(staff.is_active)),
                    registry.when(staff.created_at),
                    registry.when(staff.updated_at),
                ],
                strict=True,
            )
        ),
        links=[
            registry.Cell(
                translate(language, N_("What this account did (audit log)")),
                url=link("/audit", actor=f"{USER_PREFIX}{staff.id}"),
            )
        ]
        if user.can_read_audit
        else [],
    )
    return replace(view, actions=_user_forms(request, staff, language=language))


def _create_form(request: Request, language: Language) -> ActionForm:
    return ActionForm(
        key="new-user",
        url=registry.linker(request, language)("/users"),
        heading=translate(language, N_("New staff user")),
        hint=translate(
            language, N_("Hand the password over in person or by phone, never by email.")
        ),
        submit=translate(language, N_("Make the account")),
        fields=[
            FormField(
                "username",
                translate(language, N_("Username")),
                hint=translate(language, N_("3 to 64 characters: letters, digits and . _ @ -")),
                required=True,
                max_length=64,
            ),
            FormField(
                "password",
                translate(language, N_("Password")),
                kind="password",
                hint=translate(language, N_("At least 12 characters.")),
                required=True,
                max_length=1024,
            ),
            FormField(
                "role",
                translate(language, N_("Role")),
                kind="select",
                choices=_role_choices(language),
                value=Role.auditor.value,
                required=True,
            ),
        ],
    )


def _user_forms(request: Request, staff: StaffUser, *, language: Language) -> list[ActionForm]:
    """Change the role, disable or enable, set the password."""
    link = registry.linker(request, language)
    base = f"/users/{staff.id}"
    if staff.is_active:
        switch = ActionForm(
            key="disable",
            url=link(f"{base}/disable"),
            heading=translate(language, N_("Disable this account")),
            hint=translate(
                language, N_("The user can no longer sign in; their sessions end at once.")
            ),
            submit=translate(language, N_("Disable")),
            danger=True,
        )
    else:
        switch = ActionForm(
            key="enable",
            url=link(f"{base}/enable"),
            heading=translate(language, N_("Enable this account")),
            hint=translate(language, N_("The user can sign in again.")),
            submit=translate(language, N_("Enable")),
        )
    return [
        ActionForm(
            key="role",
            url=link(f"{base}/role"),
            heading=translate(language, N_("Change the role")),
            hint=translate(language, N_("It applies from the user's next request.")),
            submit=translate(language, N_("Change the role")),
            fields=[
                FormField(
                    "role",
                    translate(language, N_("Role")),
                    kind="select",
                    choices=_role_choices(language),
                    value=staff.role,
                    required=True,
                )
            ],
        ),
        switch,
        ActionForm(
            key="password",
            url=link(f"{base}/password"),
            heading=translate(language, N_("Set the password")),
            hint=translate(
                language,
                N_(
                    "Leave it empty to have one generated, shown only once. "
                    "The user's sessions end."
                ),
            ),
            submit=translate(language, N_("Set the password")),
            fields=[
                FormField(
                    "password",
                    translate(language, N_("New password (optional)")),
                    kind="password",
                    hint=translate(language, N_("At least 12 characters.")),
                    max_length=1024,
                )
            ],
        ),
    ]
