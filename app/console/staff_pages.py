"""Staff users (administrators only) and the issuer's signing keys in the console,
read-only: a filtered, paginated list and a detail page each, in English, Spanish and
French. No password hash and no private key is ever shown: these pages never open the key
store (`app.console.registry_views`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from app.auth.roles import STAFF_ROLES, Role
from app.auth.service import USER_PREFIX
from app.console import registry_views as registry
from app.console.dependencies import ConsoleDb, ConsoleReader, ConsoleUser, reader_with_roles
from app.console.routing import ConsoleRoute
from app.console.vocabulary import ROLE_NAMES
from app.keys.models import KeyAlgorithm, KeyStatus, SigningKey
from app.keys.service import KeyNotFound, list_keys
from app.users import service as users_service
from app.web.dependencies import PageLanguage
from app.web.i18n import gettext as translate
from app.web.vocabulary import N_

router = APIRouter(route_class=ConsoleRoute, default_response_class=HTMLResponse)
ConsoleAdminReader = Annotated[ConsoleUser, Depends(reader_with_roles(Role.admin))]


# --- Staff users --------------------------------------------------------------------------


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
    """Staff accounts by username, by role and whether they may sign in (administrators)."""
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
    return registry.render_view(request, view, language=language, user=user, section="users")


@router.get("/users/{user_id}", name="console_user")
def user_page(
    request: Request, user_id: int, db: ConsoleDb, user: ConsoleAdminReader, language: PageLanguage
) -> HTMLResponse:
    """One staff account: its role and state (never its password hash)."""
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
    return registry.render_view(request, view, language=language, user=user, section="users")


# --- Signing keys -------------------------------------------------------------------------


@router.get("/keys", name="console_keys")
def keys_page(
    request: Request,
    db: ConsoleDb,
    user: ConsoleReader,
    language: PageLanguage,
    status: str | None = None,
    algorithm: str | None = None,
    page: str | None = None,
) -> HTMLResponse:
    """The issuer's signing keys, newest first, by status and algorithm (public parts only)."""
    number = registry.page_number(page)
    wanted_status, wanted_algorithm = (
        registry.chosen(KeyStatus, status),
        registry.chosen(KeyAlgorithm, algorithm),
    )
    matching = [
        key
        for key in list_keys(db)
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
            N_("Status"),
            N_("Created on"),
            N_("Retired on"),
        ),
        rows=[
            [
                registry.Cell(key.kid, url=link(f"/keys/{key.id}"), code=True),
                registry.Cell(key.algorithm),
                registry.word(language, registry.KEY_STATUS_NAMES, key.status),
                registry.when(key.created_at),
                registry.when(key.retired_at),
            ]
            for key in shown
        ],
        total=len(matching),
        page=number,
    )
    return registry.render_view(request, view, language=language, user=user, section="keys")


@router.get("/keys/{key_id}", name="console_key")
def key_page(
    request: Request, key_id: int, db: ConsoleDb, user: ConsoleReader, language: PageLanguage
) -> HTMLResponse:
    """One signing key: its public key, status and dates (the private key stays in the store)."""
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
    return registry.render_view(request, view, language=language, user=user, section="keys")
