"""The action forms of the console's registry pages (providers, standards, staff users,
signing keys): what a form shows, how a posted form is checked with the API's own request
schema, and what the page says afterwards.

A form posts to its own route, which calls the service function the API route calls (so the
change is the same and audited the same way), then redirects to the page with a `done`
slug (Post/Redirect/Get); a refused form is shown again, with what was typed, what went
wrong, and nothing written. A secret made by an action (a client secret, a generated
password) is shown on the answer to the post itself, once, never on a page that can be
reloaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, TypeVar

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from app.console import registry_views as registry
from app.console.dependencies import ConsoleUser
from app.console.pages import console_path, see_other
from app.console.registry_views import Outcome, Render
from app.errors import AppError, Conflict
from app.fields import Language
from app.web.i18n import gettext as translate
from app.web.page_errors import PageReply
from app.web.vocabulary import N_

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Posted:
    """A posted action form: who posted it, in which language, and the page it came from,
    to show again (`render`) or to redirect to (`done`)."""

    request: Request
    db: Session
    user: ConsoleUser
    language: Language
    path: str
    render: Render

    def done(self, slug: str) -> Response:
        """Redirect to the page, which announces the action `slug` (Post/Redirect/Get)."""
        return see_other(console_path(self.request, self.path, language=self.language, done=slug))

    def again(self, outcome: Outcome, status_code: int = 400) -> PageReply:
        """The page shown again with `outcome`, to raise: the request's writes roll back."""
        return PageReply(self.render(outcome, status_code))

    def refused(self, error: AppError) -> PageReply:
        """The page again, saying why the service refused (409 for a conflict, else 400)."""
        return refused(self.render, self.language, error)


NOTICES: Final[dict[str, str]] = {
    "accreditation": N_("The provider's accreditation has been changed."),
    "client-made": N_("The API client %(client)s has been made. Copy its secret now."),
    "client-rotated": N_("The secret of %(client)s has been replaced. Copy the new one now."),
    "invited": N_("The invitation is ready. Send the person the link below."),
    "invitation-mailed": N_("The invitation is on its way to %(email)s."),
    "client-revoked": N_("The API client has been revoked: its tokens no longer work."),
    "published": N_("The standard version has been published. From now on it never changes."),
    "retired": N_("The standard version has been retired: it no longer issues credentials."),
    "user-created": N_("The staff user has been created."),
    "role": N_("The user's role has been changed. It applies from their next request."),
    "disabled": N_("The user has been disabled: they can no longer sign in."),
    "enabled": N_("The user has been enabled: they can sign in again."),
    "password-set": N_("The password has been changed. Earlier sessions of this user have ended."),
    "rotated": N_(
        "A new signing key has been made and signs from now on. Earlier keys stay "
        "published, so what they signed still verifies."
    ),
    "key-retired": N_(
        "The key has been retired and its private half destroyed. It is no longer published."
    ),
}
"""What a registry page says after an action succeeded, by the `done` slug of the redirect."""

PROBLEMS: Final[dict[str, str]] = {
    "username-taken": N_("That username is already taken. Choose another."),
    "self-lockout": N_(
        "You cannot disable your own account or take away your own administrator role. "
        "Ask another administrator."
    ),
    "last-admin": N_(
        "The service must keep at least one active administrator. Make another user an "
        "active administrator first."
    ),
    "validation-error": N_("The service did not accept this change. Check the fields."),
    "standard-not-publishable": N_(
        "This draft is not complete enough to publish (assessments, delivery profiles). "
        "Complete it through the API first."
    ),
    "standard-immutable": N_(
        "This version is no longer in a status that allows this change. Reload the page."
    ),
    "active-key-cannot-be-retired": N_(
        "The active key cannot be retired: make a new key first, then retire this one."
    ),
    "api-client-not-found": N_("Choose one of this provider's active API clients."),
    "provider-user-exists": N_("Someone with this email address already has an account."),
}
"""Why the service refused an action, by problem slug."""

FIELD_ERRORS: Final[dict[str, str]] = {
    "choice": N_("Choose one of the options."),
    "reason": N_("Give a reason of at most 1,000 characters."),
    "key_reason": N_("Give the reason, of 3 to 1,000 characters: it is kept with the key."),
    "name": N_("Give a name of 2 to 200 characters."),
    "username": N_("Give a username of 3 to 64 characters: letters, digits and . _ @ - only."),
    "new_password": N_("Give a password of at least 12 characters."),
    "confirm": N_("Tick the box to confirm."),
    "person": N_("Enter the person's name."),
    "email": N_("Enter an email address like name@example.org."),
}
"""Messages beside the fields of action forms, by problem."""


def notice(language: Language, done: str | None, offered: tuple[str, ...]) -> Outcome:
    """The outcome a page shows after the redirect of a successful action (`?done=`);
    a slug this page does not offer shows nothing."""
    if done is None or done not in offered:
        return Outcome()
    return Outcome(notice=translate(language, NOTICES[done]))


def field_errors(language: Language, form_key: str, problems: Mapping[str, str]) -> dict[str, str]:
    """Error summary entries: each field's id with its message in `language`."""
    return {
        f"{form_key}-{name}": translate(language, FIELD_ERRORS[problem])
        for name, problem in problems.items()
    }


def checked(
    schema: type[M], data: Mapping[str, object], problems: Mapping[str, str]
) -> tuple[M | None, dict[str, str]]:
    """`data` read with the API's request schema `schema`: the model, or None and the fields
    it refused (each named by its problem in `problems`, by field name)."""
    try:
        return schema.model_validate(data), {}
    except ValidationError as error:
        refused: dict[str, str] = {}
        for detail in error.errors():
            name = str(detail["loc"][0]) if detail["loc"] else ""
            if name in problems:
                refused[name] = problems[name]
        return None, refused or dict(problems)


def confirmed(value: str | None) -> bool:
    """Whether a confirmation tick was ticked."""
    return value == registry.CONFIRMED


def refusal(language: Language, error: AppError) -> str:
    """The page's words for an error the service raised; other errors are not the form's to
    explain (a missing provider is a 404 page), so they are raised again."""
    if error.slug not in PROBLEMS:
        raise error
    return translate(language, PROBLEMS[error.slug])


def reply(render: Render, outcome: Outcome, status_code: int) -> PageReply:
    """The page shown again with `outcome`, to raise: the request's writes are rolled back."""
    return PageReply(render(outcome, status_code))


def refused(render: Render, language: Language, error: AppError) -> PageReply:
    """The page again, saying why the service refused (409 for a conflict, else 400)."""
    status_code = 409 if isinstance(error, Conflict) else 400
    return PageReply(render(Outcome(problem=refusal(language, error)), status_code))
