"""The console's words that Python code chooses, marked for extraction into `console.po`.

Templates translate their own text; these are the labels picked by a value (a gap kind,
a problem slug, a role) and the messages routes show after an action. Status names are
translated in `templates/console/_console.html` with a `msgctxt`, because Spanish and
French agree them with the noun (*credencial revocada*, *programme approuvé*).
"""

from __future__ import annotations

from typing import Final

from app.audit.verification import BreakReason
from app.auth.roles import Role
from app.curricula.schemas import GapKind
from app.web.vocabulary import N_

ROLE_NAMES: Final[dict[Role, str]] = {
    Role.admin: N_("Administrator"),
    Role.registrar: N_("Registrar"),
    Role.auditor: N_("Auditor"),
    Role.provider: N_("Training provider"),
}

GAP_KINDS: Final[dict[GapKind, str]] = {
    GapKind.outcome_not_covered: N_("Learning outcome not covered"),
    GapKind.outcome_partially_covered: N_("Learning outcome only partially covered"),
    GapKind.electives_below_minimum: N_("Too few elective units fully covered"),
    GapKind.unknown_outcome: N_("Maps to an outcome the standard does not have"),
    GapKind.no_delivery_profile: N_("No delivery profile for the provider's country"),
    GapKind.hours_below_minimum: N_("Fewer training hours than the minimum"),
    GapKind.hours_above_maximum: N_("More training hours than the maximum"),
    GapKind.practice_share_below_minimum: N_("Hands-on share below the minimum"),
    GapKind.work_based_hours_below_minimum: N_("Fewer work-based hours than the minimum"),
    GapKind.modality_not_allowed: N_("Delivery mode not allowed in this country"),
    GapKind.language_not_allowed: N_("Language of instruction not allowed in this country"),
}
"""Why a curriculum falls short, by `GapKind`."""

BREAK_REASONS: Final[dict[BreakReason, str]] = {
    BreakReason.hash_mismatch: N_("The event was changed after it was recorded."),
    BreakReason.prev_hash_mismatch: N_("The event does not follow on from the one before it."),
    BreakReason.missing_event: N_("An event is missing: it was deleted."),
    BreakReason.unexpected_event: N_("An event was inserted outside the chain."),
    BreakReason.head_mismatch: N_(
        "The chain head does not match the last event: events were deleted or added "
        "without being chained."
    ),
}
"""Where the audit chain breaks, by `BreakReason`."""

STATUS_CHANGE_PROBLEMS: Final[dict[str, str]] = {
    "credential-already-revoked": N_("This credential is already revoked."),
    "credential-revoked": N_("A revoked credential cannot be suspended or reinstated."),
    "credential-already-suspended": N_("This credential is already suspended."),
    "credential-not-suspended": N_("Only a suspended credential can be reinstated."),
    "concurrent-status-change": N_(
        "Someone else changed this credential at the same time. Reload the page and try again."
    ),
    "already-claimed": N_(
        "The worker has already claimed this credential: no claim link is needed."
    ),
}
"""Why a status change was refused, by problem slug."""

REVOCATION_REQUEST_PROBLEMS: Final[dict[str, str]] = {
    "revocation-request-not-open": N_(
        "This request has been decided already: declined, or its credential revoked. "
        "Reload the page."
    ),
}
"""Why declining a revocation request was refused, by problem slug."""

REVIEW_PROBLEMS: Final[dict[str, str]] = {
    "curriculum-has-gaps": N_(
        "This curriculum cannot be approved: it does not fully cover the standard. "
        "The gaps are listed below."
    ),
    "curriculum-not-under-review": N_(
        "This curriculum is no longer awaiting review, so it cannot be approved or rejected."
    ),
}
"""Why a review action was refused, by problem slug."""

NOTICES: Final[dict[str, str]] = {
    "approved": N_("The curriculum has been approved."),
    "rejected": N_("The curriculum has been rejected. The provider can read your reasons."),
    "revoked": N_("The credential has been revoked and its status list signed again."),
    "suspended": N_("The credential has been suspended and its status list signed again."),
    "reinstated": N_("The credential has been reinstated and its status list signed again."),
    "signed-out": N_("You have signed out."),
    "checkpoint": N_(
        "A checkpoint of the chain head has been signed. "
        "Download it and keep it outside this database."
    ),
    "expired": N_("Your session has ended. Please sign in again."),
    "claim-link": N_(
        "A new claim link has been made and the old one no longer works. Send it to the "
        "worker: it is shown only this once."
    ),
    "declined": N_(
        "The request has been declined. The provider sees your reason and may ask again."
    ),
}
"""What the page says after an action succeeded, by the `done` slug of the redirect."""

FORM_ERRORS: Final = {
    "credentials": N_("The username or password is not correct, or the account is disabled."),
    "throttled": N_("Too many failed sign-ins. Wait a minute, then try again."),
    "username": N_("Enter your username."),
    "password": N_("Enter your password."),
    "reason": N_("Give a reason of at most 1,000 characters."),
    "reason_missing": N_("Give the reason for this change: it is kept in the audit log."),
    "decline_reason": N_(
        "Say why you decline the request, in at most 1,000 characters: the provider reads it."
    ),
    "confirm": N_("Tick the box to confirm that the revocation is permanent."),
    "reasons": N_(
        "Give at least one reason, one per line: each of 3 to 1,000 characters, at most 50 lines."
    ),
    "action": N_("Choose an action this page offers."),
    "date": N_("Enter a date as YYYY-MM-DD."),
    "number": N_("Enter a whole number."),
    "period": N_("The start date must not be after the end date."),
    "credential_id": N_("Enter a credential ID: a UUID, on its own or in a link."),
    "credential_unknown": N_("No credential has this ID."),
}
"""Messages of the error summaries, by field or problem."""

PAGE_ERRORS: Final = {
    "csrf": N_(
        "This form has expired or did not come from this console. "
        "Go back, reload the page and try again."
    ),
    "role": N_("Your role does not allow this. Ask an administrator if you need it."),
}
"""Explanations on console error pages."""

AUDIT_ACTIONS: Final[dict[str, str]] = {
    "auth.login": N_("Signed in"),
    "auth.login-failed": N_("Failed sign-in"),
    "auth.throttled": N_("Sign-ins throttled"),
    "audit.checkpoint": N_("Checkpoint signed"),
    "api-client.create": N_("API client created"),
    "api-client.revoke": N_("API client revoked"),
    "api-client.rotate-secret": N_("API client secret replaced"),
    "credential.issue": N_("Credential issued"),
    "credential.revoke": N_("Credential revoked"),
    "credential.suspend": N_("Credential suspended"),
    "credential.reinstate": N_("Credential reinstated"),
    "credential.claim-link-renew": N_("New claim link made"),
    "credential.revocation-request": N_("Revocation requested by the provider"),
    "credential.vc-api-issue": N_("Credential issued through the VC API"),
    "credential.wallet-issue": N_("Credential issued to a wallet"),
    "credential-batch.create": N_("Batch of credentials started"),
    "curriculum.draft": N_("Curriculum draft saved"),
    "curriculum.submit": N_("Curriculum submitted"),
    "curriculum.revise": N_("Curriculum revised"),
    "curriculum.approve": N_("Curriculum approved"),
    "curriculum.reject": N_("Curriculum rejected"),
    "key.create": N_("Signing key created"),
    "key.generate": N_("Signing key generated"),
    "key.rotate": N_("Signing key rotated"),
    "key.retire": N_("Signing key retired"),
    "provider.register": N_("Provider registered"),
    "provider.accreditation": N_("Provider accreditation changed"),
    "provider_user.invited": N_("Invited to the provider portal"),
    "provider_user.invitation-accepted": N_("Portal invitation accepted"),
    "provider_user.enabled": N_("Portal user enabled"),
    "provider_user.disabled": N_("Portal user disabled"),
    "standard.create": N_("Standard created"),
    "standard.update": N_("Standard updated"),
    "standard.publish": N_("Standard published"),
    "standard.retire": N_("Standard retired"),
    "user.create": N_("User created"),
    "user.update": N_("User updated"),
    "user.change-role": N_("User role changed"),
    "user.disable": N_("User disabled"),
    "user.enable": N_("User enabled"),
    "user.reset-password": N_("User password reset"),
}
"""Audit actions in words, by their stable code (which the log page shows beside them)."""

AUDIT_TARGETS: Final[dict[str, str]] = {
    "credential": N_("Credential"),
    "credential_batch": N_("Batch of credentials"),
    "curriculum": N_("Curriculum"),
    "signing_key": N_("Signing key"),
    "staff_user": N_("Staff user"),
    "standard": N_("Standard"),
    "audit_log": N_("Audit log"),
    "training_provider": N_("Training provider"),
    "api_client": N_("API client"),
    "provider_user": N_("Portal user"),
}
"""The kinds of object an audit event is about, in words."""
