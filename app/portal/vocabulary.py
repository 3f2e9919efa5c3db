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
    "revocation-reason": N_(
        "Say why NASSC should revoke this credential, in 3 to 1,000 characters."
    ),
    "client-name": N_("Give a name of 2 to 200 characters."),
    "reset-throttled": N_("Too many requests. Wait a few minutes and try again."),
    "confirm": N_("Tick the box to confirm."),
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
    "reset-sent": N_(
        "If an account uses this address, a link to choose a new password is on its way "
        "to it. The link works once, within an hour."
    ),
    "password-reset": N_(
        "Your new password is set, and every other session of yours has ended. Sign in with it."
    ),
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
    "reset-link": N_(
        "This link to choose a new password is unknown, has been used or has expired. "
        "Ask for a new one on the sign-in page."
    ),
}
"""Explanations on portal error pages."""

GAP_SENTENCES: Final[dict[str, str]] = {
    "outcome-not-covered": N_("No module teaches outcome %(outcome)s of unit %(unit)s."),
    "outcome-partially-covered": N_(
        "Outcome %(outcome)s of unit %(unit)s is only partly taught: "
        "at least one module must teach it in full."
    ),
    "electives-one": N_("Teach at least %(required)s elective unit in full (now: %(covered)s)."),
    "electives-many": N_("Teach at least %(required)s elective units in full (now: %(covered)s)."),
    "unknown-outcome": N_(
        "Module %(module)s maps %(outcome)s, which is not an outcome of this standard."
    ),
    "no-delivery-profile": N_(
        "The standard has no delivery rules for your country (%(country)s) yet, so it cannot "
        "be approved there. Write to NASSC."
    ),
    "hours-below-minimum": N_(
        "At least %(required)s hours are needed in all; the modules add up to %(total)s."
    ),
    "hours-above-maximum": N_(
        "At most %(required)s hours are allowed in all; the modules add up to %(total)s."
    ),
    "practice-share-below-minimum": N_(
        "Practice and work-based hours must be at least %(required)s of all hours; "
        "they are %(share)s."
    ),
    "work-based-hours-below-minimum": N_(
        "At least %(required)s hours must be work-based; the modules have %(hours)s."
    ),
    "modality-not-allowed": N_(
        "Module %(module)s uses the delivery mode %(modality)s, which is not allowed in your "
        "country; allowed modes: %(allowed)s."
    ),
    "language-not-allowed": N_(
        "Module %(module)s is taught in %(taught_in)s, which is not allowed in your country; "
        "allowed languages: %(allowed)s."
    ),
    "rule-hours": N_("from %(low)s to %(high)s"),
    "rule-at-least": N_("at least %(value)s"),
}
"""A curriculum's gaps, one sentence each, by `GapKind` value (`app.portal.coverage_words`),
and the words of the delivery rules beside them."""

CURRICULUM_FORM_ERRORS: Final[dict[str, str]] = {
    "title-missing": N_("Enter the curriculum's title."),
    "title": N_("Enter the curriculum's title (up to 300 characters)."),
    "code-missing": N_("Enter the module's code, such as MEC-101."),
    "module-title-missing": N_("Enter the module's title."),
    "code": N_(
        "Enter a code for the module, such as MEC-101: letters without accents, digits, and "
        "after the first character also . _ or - (up to 40 characters)."
    ),
    "code-repeated": N_("Another module has this code. Give each module its own code."),
    "module-title": N_("Enter the module's title (up to 300 characters)."),
    "hours": N_("Enter the hours as a whole number from 0 to 10000, such as 40."),
    "hours-none": N_(
        "Give the module at least one hour of theory, practice or work-based training."
    ),
    "modality": N_("Choose how the module is delivered."),
    "language": N_("Choose the language the module is taught in."),
    "modules-none": N_("Fill in at least one module."),
    "in-module": N_("Module %(number)s: %(problem)s"),
}
"""Messages beside the fields of the curriculum form, by problem (`curriculum_form`)."""

CURRICULUM_NOTICES: Final[dict[str, str]] = {
    "saved": N_("Draft saved. The coverage report shows this version."),
    "submitted": N_("Submitted for review. NASSC staff will approve it or say what to change."),
}
"""Messages after saving a curriculum, by the `done` parameter of its page."""

CURRICULUM_PROBLEMS: Final[dict[str, str]] = {
    "action": N_("Choose Save draft, Submit for review or Add a module."),
    "curriculum-immutable": N_(
        "A newer version of this curriculum exists: make your changes there."
    ),
    "standard-not-open": N_(
        "This standard version no longer takes curricula. Start a new curriculum for a "
        "published version."
    ),
    "unknown-outcome": N_("A module maps a learning outcome this standard does not have."),
    "provider-not-accredited": N_(
        "Your provider is not accredited at the moment, so it cannot submit curricula. "
        "Write to NASSC."
    ),
    "refused": N_("The curriculum could not be saved."),
}
"""Why saving a curriculum was refused, by the service error's slug."""

CREDENTIAL_NOTICES: Final[dict[str, str]] = {
    "claim-link": N_(
        "A new claim link has been made and the old one no longer works. Send it to the "
        "worker: it is shown only this once."
    ),
    "requested": N_(
        "Your request has been sent. NASSC staff will review it and revoke the credential "
        "if it is justified."
    ),
}
"""Messages on a credential's page after one of its forms, by action."""

CREDENTIAL_PROBLEMS: Final[dict[str, str]] = {
    "already-claimed": N_(
        "The worker has already claimed this credential: no claim link is needed."
    ),
    "request-not-possible": N_(
        "This credential is already revoked, or a request to revoke it is waiting."
    ),
}
"""Why a credential's form was refused, by problem."""

CLIENT_NOTICES: Final[dict[str, str]] = {
    "made": N_("The API client %(client)s has been made. Copy its secret now."),
    "rotated": N_("The secret of %(client)s has been replaced. Copy the new one now."),
    "revoked": N_("The API client has been revoked: its tokens no longer work."),
}
"""Messages on the API clients page after one of its forms, by action (the console's
words for the same actions)."""
