"""The issuer's signing keys in the console: a filtered, paginated list and a key's page,
in English, Spanish and French, public parts only (`app.console.registry_views`).

Administrators (as in the admin API) make a new signing key of an algorithm there, and
retire a key that no longer signs (its private half is destroyed), through the services
the API calls. No private key is ever read or shown: the forms only ask the key store to
make or destroy one.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.console import actions
from app.console import registry_views as registry
from app.console.dependencies import ConsoleAdminPoster, ConsoleDb, ConsoleReader, ConsoleUser
from app.console.pages import console_path, see_other
from app.console.registry_views import ActionForm, FormField, Outcome
from app.console.routing import ConsoleRoute
from app.db import utcnow
from app.errors import AppError
from app.fields import Language
from app.keys import service as keys_service
from app.keys.dependencies import KeyCacheDep, KeyStoreDep
from app.keys.models import KeyAlgorithm, KeyPurpose, KeyStatus, SigningKey
from app.keys.schemas import KeyRetire
from app.keys.service import KeyNotFound
from app.web.dependencies import PageLanguage
from app.web.i18n import gettext as translate
from app.web.vocabulary import N_

router = APIRouter(route_class=ConsoleRoute, default_response_class=HTMLResponse)
FormText = Annotated[str | None, Form(max_length=4000)]
ADMINS_ONLY = N_("Only administrators make and retire signing keys.")
ALGORITHMS = {
    KeyAlgorithm.eddsa: N_("EdDSA (Ed25519): Data Integrity proofs and JWTs"),
    KeyAlgorithm.es256: N_("ES256 (P-256): JWTs for wallets that need it"),
}
VERIFIER_KEY = "verifier"
"""The rotation form's choice for the verifier's key (ES256, `authentication`)."""
KEY_KINDS: dict[str, str] = {
    **{algorithm.value: label for algorithm, label in ALGORITHMS.items()},
    VERIFIER_KEY: N_("ES256 (P-256): the verifier's key, signs requests to wallets"),
}
PURPOSES = {
    KeyPurpose.assertion.value: N_("Signs credentials and status lists (assertionMethod)"),
    KeyPurpose.authentication.value: N_("Signs requests to wallets (authentication)"),
}


@router.get("/keys", name="console_keys")
def keys_page(
    request: Request,
    db: ConsoleDb,
    user: ConsoleReader,
    language: PageLanguage,
    status: str | None = None,
    algorithm: str | None = None,
    page: str | None = None,
    done: str | None = None,
) -> HTMLResponse:
    """The issuer's signing keys, newest first, by status and algorithm (public parts only);
    for administrators, the form that makes a new signing key."""
    view = _keys_view(
        request, db, user=user, language=language, status=status, algorithm=algorithm, page=page
    )
    shown = replace(view, outcome=actions.notice(language, done, ("rotated",)))
    return registry.render_view(request, shown, language=language, user=user, section="keys")


def _keys_view(
    request: Request,
    db: Session,
    *,
    user: ConsoleUser,
    language: Language,
    status: str | None = None,
    algorithm: str | None = None,
    page: str | None = None,
) -> registry.ListView:
    number = registry.page_number(page)
    wanted_status, wanted_algorithm = (
        registry.chosen(KeyStatus, status),
        registry.chosen(KeyAlgorithm, algorithm),
    )
    matching = [
        key
        for key in keys_service.list_keys(db)
        if (wanted_status is None or key.status == wanted_status.value)
        and (wanted_algorithm is None or key.algorithm == wanted_algorithm.value)
    ]
    shown = matching[(number - 1) * registry.PER_PAGE : number * registry.PER_PAGE]
    link = registry.linker(request, language)
    view = registry.ListView(
        heading=translate(language, N_("Signing keys")),
        lead=translate(
            language,
            N_(
                "The keys the issuer signs credentials and status lists with. "
                "Only their public parts are shown."
            ),
        ),
        path="/keys",
        filters=[
            registry.Filter(
                "status",
                translate(language, N_("Status")),
                wanted_status or "",
                registry.choices(language, registry.KEY_STATUS_NAMES),
            ),
            registry.Filter(
                "algorithm",
                translate(language, N_("Algorithm")),
                wanted_algorithm or "",
                [registry.Choice(value=item.value, label=item.value) for item in KeyAlgorithm],
            ),
        ],
        columns=registry.words(
            language,
            N_("Key ID"),
            N_("Algorithm"),
            N_("Used for"),
            N_("Status"),
            N_("Created on"),
            N_("Retired on"),
        ),
        rows=[
            [
                registry.Cell(key.kid, url=link(f"/keys/{key.id}"), code=True),
                registry.Cell(key.algorithm),
                registry.word(language, PURPOSES, key.purpose),
                registry.word(language, registry.KEY_STATUS_NAMES, key.status),
                registry.when(key.created_at),
                registry.when(key.retired_at),
            ]
            for key in shown
        ],
        total=len(matching),
        page=number,
    )
    if user.role is not Role.admin:
        return replace(view, note=translate(language, ADMINS_ONLY))
    return replace(view, actions=[_rotate_form(request, language)])


@router.get("/keys/{key_id}", name="console_key")
def key_page(
    request: Request,
    key_id: int,
    db: ConsoleDb,
    user: ConsoleReader,
    language: PageLanguage,
    done: str | None = None,
) -> HTMLResponse:
    """One signing key: its public key, status and dates (the private key stays in the
    store); for administrators, the form that retires a key no longer signing."""
    outcome = actions.notice(language, done, ("key-retired",))
    return _render(request, db, key_id, user=user, language=language)(outcome, 200)


def _render(
    request: Request, db: Session, key_id: int, *, user: ConsoleUser, language: Language
) -> registry.Render:
    """The key's page, to show with an outcome and a status code."""

    def render(outcome: Outcome, status_code: int) -> HTMLResponse:
        view = _key_view(request, db, key_id, user=user, language=language)
        return registry.render_view(
            request,
            replace(view, outcome=outcome),
            language=language,
            user=user,
            section="keys",
            status_code=status_code,
        )

    return render


def _key_view(
    request: Request, db: Session, key_id: int, *, user: ConsoleUser, language: Language
) -> registry.ItemView:
    key = db.get(SigningKey, key_id)
    if key is None:
        raise KeyNotFound(f"No signing key {key_id}.")
    link = registry.linker(request, language)
    view = registry.ItemView(
        heading=key.kid,
        kind=translate(language, N_("Signing key")),
        back=registry.Cell(translate(language, N_("All signing keys")), url=link("/keys")),
        facts=list(
            zip(
                registry.words(
                    language,
                    N_("Key ID"),
                    N_("Algorithm"),
                    N_("Used for"),
                    N_("Status"),
                    N_("Public key (multibase)"),
                    N_("Created on"),
                    N_("Activated on"),
                    N_("Deactivated on"),
                    N_("Retired on"),
                    N_("Reason"),
                ),
                [
                    registry.Cell(key.kid, code=True),
                    registry.Cell(key.algorithm),
                    registry.word(language, PURPOSES, key.purpose),
                    registry.word(language, registry.KEY_STATUS_NAMES, key.status),
                    registry.Cell(key.public_key_multibase, code=True),
                    registry.when(key.created_at),
                    registry.when(key.activated_at),
                    registry.when(key.deactivated_at),
                    registry.when(key.retired_at),
                    registry.Cell(key.retired_reason or "—"),
                ],
                strict=True,
            )
        ),
    )
    if user.role is not Role.admin:
        return replace(view, note=translate(language, ADMINS_ONLY))
    if key.status == KeyStatus.active.value:
        note = actions.PROBLEMS["active-key-cannot-be-retired"]
        return replace(view, note=translate(language, note))
    if key.status != KeyStatus.published.value:
        return view
    return replace(view, actions=[_retire_form(request, key, language)])


def _rotate_form(request: Request, language: Language) -> ActionForm:
    return ActionForm(
        key="rotate",
        url=registry.linker(request, language)("/keys/rotate"),
        heading=translate(language, N_("Make a new signing key")),
        hint=translate(
            language,
            N_(
                "The new key signs from now on; earlier keys stay published, so what they "
                "signed still verifies."
            ),
        ),
        submit=translate(language, N_("Make the new key")),
        fields=[
            FormField(
                "algorithm",
                translate(language, N_("Algorithm")),
                kind="select",
                choices=registry.choices(language, KEY_KINDS),
                value=KeyAlgorithm.eddsa.value,
                required=True,
            )
        ],
    )


def _retire_form(request: Request, key: SigningKey, language: Language) -> ActionForm:
    return ActionForm(
        key="retire",
        url=registry.linker(request, language)(f"/keys/{key.id}/retire"),
        heading=translate(language, N_("Retire this key")),
        hint=translate(
            language,
            N_(
                "After a compromise: the key leaves the DID document and its private half is "
                "destroyed. What it signed no longer verifies."
            ),
        ),
        submit=translate(language, N_("Retire the key")),
        danger=True,
        fields=[
            FormField(
                "reason",
                translate(language, N_("Reason (kept with the key)")),
                required=True,
                max_length=1000,
            ),
            FormField(
                "confirm",
                translate(
                    language,
                    N_("I understand that what this key signed will no longer verify."),
                ),
                kind="confirm",
                required=True,
            ),
        ],
    )


@router.post("/keys/rotate")
def rotate_key(
    request: Request,
    db: ConsoleDb,
    store: KeyStoreDep,
    user: ConsoleAdminPoster,
    language: PageLanguage,
    algorithm: FormText = None,
) -> Response:
    """Make a new signing key of the algorithm chosen, or a new verifier key (as the admin
    API's rotation with `purpose=authentication`)."""
    purpose = KeyPurpose.authentication if algorithm == VERIFIER_KEY else KeyPurpose.assertion
    chosen = (
        KeyAlgorithm.es256
        if algorithm == VERIFIER_KEY
        else registry.chosen(KeyAlgorithm, algorithm)
    )
    if chosen is None:

        def render(outcome: Outcome, status_code: int) -> HTMLResponse:
            view = replace(_keys_view(request, db, user=user, language=language), outcome=outcome)
            return registry.render_view(
                request, view, language=language, user=user, section="keys", status_code=status_code
            )

        errors = actions.field_errors(language, "rotate", {"algorithm": "choice"})
        raise actions.reply(render, Outcome(errors=errors), 400)
    keys_service.rotate_key(
        db, store=store, now=utcnow(), actor=user.principal, algorithm=chosen, purpose=purpose
    )
    return see_other(console_path(request, "/keys", language=language, done="rotated"))


@router.post("/keys/{key_id}/retire")
def retire_key(
    request: Request,
    key_id: int,
    db: ConsoleDb,
    store: KeyStoreDep,
    cache: KeyCacheDep,
    user: ConsoleAdminPoster,
    language: PageLanguage,
    reason: FormText = None,
    confirm: FormText = None,
) -> Response:
    """Retire a key that no longer signs, with a reason (as the admin API)."""
    render = _render(request, db, key_id, user=user, language=language)
    key = db.get(SigningKey, key_id)
    if key is None:
        raise KeyNotFound(f"No signing key {key_id}.")
    body, problems = actions.checked(
        KeyRetire, {"reason": (reason or "").strip()}, {"reason": "key_reason"}
    )
    if not actions.confirmed(confirm):
        problems["confirm"] = "confirm"
    if body is None or problems:
        errors = actions.field_errors(language, "retire", problems)
        raise actions.reply(
            render, Outcome(errors=errors, values={"retire-reason": reason or ""}), 400
        )
    try:
        keys_service.retire_key(
            db, store=store, kid=key.kid, reason=body.reason, now=utcnow(), actor=user.principal
        )
    except AppError as error:
        raise actions.refused(render, language, error) from error
    cache.forget(key.kid)
    path = f"/keys/{key_id}"
    return see_other(console_path(request, path, language=language, done="key-retired"))
