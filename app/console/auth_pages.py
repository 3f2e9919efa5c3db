"""Signing in to the console and out of it: `app.web.sign_in_pages` with staff accounts
(by username) and the console's words."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.console import service as console_service
from app.console.dependencies import console_user
from app.console.pages import render_console
from app.console.routing import ConsoleRoute
from app.console.session import CONSOLE
from app.console.vocabulary import FORM_ERRORS, NOTICES
from app.web.sign_in_pages import SessionOwner, SignInPages, sign_in_router

SIGN_IN_NOTICES = ("signed-out", "expired")


def _sign_in(db: Session, *, identifier: str, password: str, now: datetime) -> SessionOwner:
    principal = console_service.sign_in(db, username=identifier, password=password, now=now)
    return SessionOwner(subject=principal.subject, role=principal.role.value)


def _throttle_account(username: str) -> str:
    return username


SIGN_IN_PAGES = SignInPages(
    realm=CONSOLE,
    route_class=ConsoleRoute,
    render=render_console,
    reader=console_user,
    identifier="username",
    identifier_max_length=64,
    sign_in=_sign_in,
    throttle_account=_throttle_account,
    failed_sign_in_target=console_service.failed_sign_in_target,
    form_errors=FORM_ERRORS,
    notices={done: NOTICES[done] for done in SIGN_IN_NOTICES},
)

router = sign_in_router(SIGN_IN_PAGES)
