"""The actions of administrators (as in the admin API) on staff accounts in the console,
through the services the API calls and audited the same way: make an account, change its
role, disable or enable it, set its password or have one generated, shown once on the
answer to the form (`app.console.actions`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import SecretStr

from app.auth.roles import STAFF_ROLES
from app.console import actions
from app.console import registry_views as registry
from app.console import user_pages as pages
from app.console.dependencies import (
    ConsoleAdminPoster,
    ConsoleDb,
)
from app.console.pages import console_path, see_other
from app.console.registry_views import Outcome, Secret
from app.console.routing import ConsoleRoute
from app.db import utcnow
from app.errors import AppError
from app.users import service as users_service
from app.users.schemas import PasswordReset, StaffUserCreate, StaffUserUpdate
from app.web.dependencies import PageLanguage
from app.web.i18n import gettext as translate
from app.web.vocabulary import N_

router = APIRouter(route_class=ConsoleRoute, default_response_class=HTMLResponse)
FormText = Annotated[str | None, Form(max_length=1100)]


def _posted(
    request: Request, user_id: int, db: ConsoleDb, user: ConsoleAdminPoster, language: PageLanguage
) -> actions.Posted:
    users_service.get_user(db, user_id=user_id)
    return actions.Posted(
        request=request,
        db=db,
        user=user,
        language=language,
        path=f"/users/{user_id}",
        render=pages.renderer(request, db, user_id, user=user, language=language),
    )


AccountForm = Annotated[actions.Posted, Depends(_posted)]
"""A form posted on a staff account's page by an administrator, with its CSRF token."""


@router.post("/users")
def create_user(
    request: Request,
    db: ConsoleDb,
    user: ConsoleAdminPoster,
    language: PageLanguage,
    username: FormText = None,
    password: FormText = None,
    role: FormText = None,
) -> Response:
    """Make a staff account (as the admin API), then show its page."""
    data = {"username": (username or "").strip(), "password": password or "", "role": role or ""}
    problems = {"username": "username", "password": "new_password", "role": "choice"}
    body, refused = actions.checked(StaffUserCreate, data, problems)

    def render(outcome: Outcome, status_code: int) -> HTMLResponse:
        view = replace(pages.users_view(request, db, language=language), outcome=outcome)
        return registry.render_view(
            request, view, language=language, user=user, section="users", status_code=status_code
        )

    values = {"new-user-username": username or "", "new-user-role": role or ""}
    if body is None:
        errors = actions.field_errors(language, "new-user", refused)
        raise actions.reply(render, Outcome(errors=errors, values=values), 400)
    try:
        created = users_service.create_user(
            db,
            username=body.username,
            password=body.password.get_secret_value(),
            role=body.role,
            actor=user.principal,
            now=utcnow(),
        )
    except AppError as error:
        problem = actions.refusal(language, error)
        raise actions.reply(render, Outcome(problem=problem, values=values), 409) from error
    path = f"/users/{created.id}"
    return see_other(console_path(request, path, language=language, done="user-created"))


@router.post("/users/{user_id}/role")
def change_role(user_id: int, form: AccountForm, role: FormText = None) -> Response:
    """Give the account another staff role (as the admin API's PATCH)."""
    change, refused = actions.checked(StaffUserUpdate, {"role": role or ""}, {"role": "choice"})
    if change is None or change.role not in STAFF_ROLES:
        errors = actions.field_errors(form.language, "role", refused or {"role": "choice"})
        raise form.again(Outcome(errors=errors))
    try:
        users_service.update_user(
            form.db, user_id=user_id, role=change.role, actor=form.user.principal, now=utcnow()
        )
    except AppError as error:
        raise form.refused(error) from error
    return form.done("role")


def _set_active(user_id: int, form: actions.Posted, *, active: bool) -> Response:
    try:
        users_service.set_active(
            form.db, user_id=user_id, active=active, actor=form.user.principal, now=utcnow()
        )
    except AppError as error:
        raise form.refused(error) from error
    return form.done("enabled" if active else "disabled")


@router.post("/users/{user_id}/disable")
def disable_user(user_id: int, form: AccountForm) -> Response:
    """Disable the account: it can no longer sign in (as the admin API)."""
    return _set_active(user_id, form, active=False)


@router.post("/users/{user_id}/enable")
def enable_user(user_id: int, form: AccountForm) -> Response:
    """Enable a disabled account again (as the admin API)."""
    return _set_active(user_id, form, active=True)


@router.post("/users/{user_id}/password")
def set_password(user_id: int, form: AccountForm, password: FormText = None) -> Response:
    """Set the account's password, or generate one shown on this answer only (as the admin
    API's reset)."""
    data = {"password": SecretStr(password)} if password else {}
    body, refused = actions.checked(PasswordReset, data, {"password": "new_password"})
    if body is None:
        raise form.again(Outcome(errors=actions.field_errors(form.language, "password", refused)))
    chosen = body.password.get_secret_value() if body.password else None
    staff, generated = users_service.reset_password(
        form.db, user_id=user_id, password=chosen, actor=form.user.principal, now=utcnow()
    )
    if generated is None:
        return form.done("password-set")
    language = form.language
    secret = Secret(
        label=translate(language, N_("New password of %(user)s"), user=staff.username),
        value=generated,
        hint=translate(
            language,
            N_("Shown only this once: the service keeps only a hash of it. Give it to the user."),
        ),
    )
    notice = translate(language, actions.NOTICES["password-set"])
    return form.render(Outcome(notice=notice, secret=secret), 200)
