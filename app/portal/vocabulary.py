"""The portal's words that Python code chooses, marked for extraction into `portal.po`."""

from __future__ import annotations

from typing import Final

from app.provider_users.models import ProviderRole
from app.web.vocabulary import N_

ROLE_NAMES: Final[dict[str, str]] = {
    ProviderRole.provider_admin: N_("Provider administrator"),
    ProviderRole.provider_staff: N_("Provider staff"),
}

FORM_ERRORS: Final[dict[str, str]] = {
    "email": N_("Enter your email address."),
    "email-invalid": N_("Enter an email address like name@example.org."),
    "name": N_("Enter the person's name."),
    "password": N_("Enter your password."),
    "credentials": N_("The email address or password is not right."),
    "throttled": N_("Too many failed attempts. Wait a few minutes and try again."),
    "password-short": N_("Choose a password of at least 12 characters."),
    "password-mismatch": N_("The two passwords are not the same."),
    "user-exists": N_("Someone with this email address already has an account."),
}
"""Messages beside form fields, by problem."""

NOTICES: Final[dict[str, str]] = {
    "signed-out": N_("You have signed out."),
    "expired": N_("Your session has expired. Sign in again."),
    "welcome": N_("Your password is set. Sign in with your email address and it."),
    "invited": N_("The invitation is ready. Send the person the link below."),
    "mailed": N_("The invitation is on its way to %(email)s."),
    "disabled": N_("The user is disabled and signed out."),
    "enabled": N_("The user can sign in again."),
}
"""Messages shown after an action, by the `done` parameter of the page."""

PAGE_ERRORS: Final[dict[str, str]] = {
    "csrf": N_(
        "This form has expired or did not come from this portal. "
        "Go back, reload the page and try again."
    ),
    "role": N_("Only your provider's administrators can do this."),
    "invitation": N_(
        "This invitation link is unknown, has been used or has expired. "
        "Ask your provider's administrator for a new one."
    ),
}
"""Explanations on portal error pages."""
