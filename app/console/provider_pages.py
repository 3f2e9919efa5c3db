"""Training providers in the console: a list filtered by country and accreditation, and a
provider's page with its API clients and portal users, in English, Spanish and French
(`app.console.registry_views`).

Admins and registrars (the API's `StaffWriter`) also act there, through the services the
admin API calls (`provider_actions`): change the accreditation, invite someone to the
portal, make an API client, replace its secret, revoke it. A new secret or invitation link
is shown once, on the answer to the form. Auditors read only.
"""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app.console import actions
from app.console import registry_views as registry
from app.console.dependencies import ConsoleDb, ConsoleReader, ConsoleUser
from app.console.registry_views import ActionForm, FormField, Outcome
from app.console.routing import ConsoleRoute
from app.fields import Country, Language
from app.provider_users import service as provider_users_service
from app.provider_users.models import ProviderRole
from app.providers import service as providers_service
from app.providers.models import ApiClient, TrainingProvider
from app.providers.schemas import AccreditationStatus
from app.web.dependencies import PageLanguage
from app.web.i18n import gettext as translate
from app.web.vocabulary import COUNTRY_NAMES, N_

PORTAL_ROLE_NAMES = {
    ProviderRole.provider_admin.value: N_("Provider administrator"),
    ProviderRole.provider_staff.value: N_("Provider staff"),
}
LANGUAGE_NAMES = {Language.en: "English", Language.es: "Español", Language.fr: "Français"}
"""Each language by its own name (a choice of the language of someone else's mail)."""

router = APIRouter(route_class=ConsoleRoute, default_response_class=HTMLResponse)

DONE = ("accreditation", "client-revoked")
"""The `done` slugs a provider's page announces."""


# --- Training providers -------------------------------------------------------------------


@router.get("/providers", name="console_providers")
def providers_page(
    request: Request,
    db: ConsoleDb,
    user: ConsoleReader,
    language: PageLanguage,
    country: str | None = None,
    status: str | None = None,
    page: str | None = None,
) -> HTMLResponse:
    """Training providers by name, by country and accreditation."""
    number = registry.page_number(page)
    wanted_status, wanted_country = (
        registry.chosen(AccreditationStatus, status),
        registry.chosen(Country, country),
    )
    result = providers_service.list_providers(
        db,
        status=wanted_status,
        country=wanted_country,
        offset=(number - 1) * registry.PER_PAGE,
        limit=registry.PER_PAGE,
    )
    link = registry.linker(request, language)
    view = registry.ListView(
        heading=translate(language, N_("Training providers")),
        lead=translate(language, N_("The providers registered to issue, and their accreditation.")),
        path="/providers",
        filters=[
            registry.Filter(
                "status",
                translate(language, N_("Accreditation")),
                wanted_status or "",
                registry.choices(language, registry.ACCREDITATION_NAMES),
            ),
            registry.Filter(
                "country",
                translate(language, N_("Country")),
                wanted_country or "",
                registry.choices(language, COUNTRY_NAMES),
            ),
        ],
        columns=registry.words(
            language, N_("Name"), N_("Country"), N_("Region"), N_("Identifier"), N_("Accreditation")
        ),
        rows=[
            [
                registry.Cell(provider.name, url=link(f"/providers/{provider.id}")),
                registry.word(language, registry.COUNTRY_WORDS, provider.country),
                registry.Cell(provider.region),
                registry.Cell(provider.identifier, code=True),
                registry.word(
                    language, registry.ACCREDITATION_NAMES, provider.accreditation_status
                ),
            ]
            for provider in result.items
        ],
        total=result.total,
        page=number,
    )
    return registry.render_view(request, view, language=language, user=user, section="providers")


@router.get("/providers/{provider_id}", name="console_provider")
def provider_page(
    request: Request,
    provider_id: int,
    db: ConsoleDb,
    user: ConsoleReader,
    language: PageLanguage,
    done: str | None = None,
) -> HTMLResponse:
    """One provider: who they are, their accreditation, and their API clients (no secrets);
    for admins and registrars, the forms that change them."""
    outcome = actions.notice(language, done, DONE)
    return renderer(request, db, provider_id, user=user, language=language)(outcome, 200)


def renderer(
    request: Request, db: Session, provider_id: int, *, user: ConsoleUser, language: Language
) -> registry.Render:
    """The provider's page, to show with an outcome and a status code."""

    def render(outcome: Outcome, status_code: int) -> HTMLResponse:
        view = _provider_view(request, db, provider_id, user=user, language=language)
        shown = replace(view, outcome=outcome)
        return registry.render_view(
            request,
            shown,
            language=language,
            user=user,
            section="providers",
            status_code=status_code,
        )

    return render


def _provider_view(
    request: Request, db: Session, provider_id: int, *, user: ConsoleUser, language: Language
) -> registry.ItemView:
    provider = providers_service.get_provider(db, provider_id=provider_id)
    clients = providers_service.list_api_clients(db, provider_id=provider.id)
    link = registry.linker(request, language)
    view = registry.ItemView(
        heading=provider.name,
        kind=translate(language, N_("Training provider")),
        back=registry.Cell(
            translate(language, N_("All training providers")), url=link("/providers")
        ),
        facts=list(
            zip(
                registry.words(
                    language,
                    N_("Country"),
                    N_("Region"),
                    N_("Identifier"),
                    N_("Contact"),
                    N_("Contact email"),
                    N_("Accreditation"),
                    N_("Reason"),
                    N_("Registered on"),
                ),
                [
                    registry.word(language, registry.COUNTRY_WORDS, provider.country),
                    registry.Cell(provider.region),
                    registry.Cell(provider.identifier, code=True),
                    registry.Cell(provider.contact_name),
                    registry.Cell(provider.contact_email),
                    registry.word(
                        language, registry.ACCREDITATION_NAMES, provider.accreditation_status
                    ),
                    registry.Cell(provider.status_reason or "—"),
                    registry.when(provider.created_at),
                ],
                strict=True,
            )
        ),
        tables=[
            registry.Table(
                heading=translate(language, N_("API clients")),
                columns=registry.words(
                    language,
                    N_("Client ID"),
                    N_("Name"),
                    N_("Active"),
                    N_("Secret issued on"),
                    N_("Revoked on"),
                ),
                rows=[
                    [
                        registry.Cell(client.client_id, code=True),
                        registry.Cell(client.name),
                        registry.word(language, registry.YES_NO, str(client.is_active)),
                        registry.when(client.secret_issued_at),
                        registry.when(client.revoked_at),
                    ]
                    for client in clients
                ],
                empty=translate(language, N_("This provider has no API client.")),
            ),
            _portal_users_table(db, provider.id, language),
        ],
        links=[
            registry.Cell(
                translate(language, N_("Credentials issued by this provider")),
                url=link("/credentials", provider_id=provider.id),
            )
        ],
    )
    if not user.can_act:
        note = N_("Your role can read this provider but not change it.")
        return replace(view, note=translate(language, note))
    return replace(view, actions=_provider_forms(request, provider, clients, language=language))


def _portal_users_table(db: Session, provider_id: int, language: Language) -> registry.Table:
    """The people who sign in to the provider's portal (never a password hash)."""
    people = provider_users_service.list_users(db, provider_id=provider_id)
    return registry.Table(
        heading=translate(language, N_("Portal users")),
        columns=registry.words(language, N_("Name"), N_("Email address"), N_("Role"), N_("State")),
        rows=[
            [
                registry.Cell(person.name),
                registry.Cell(person.email),
                registry.word(language, PORTAL_ROLE_NAMES, person.role),
                registry.Cell(translate(language, _state(person.password_hash, person.is_active))),
            ]
            for person in people
        ],
        empty=translate(language, N_("Nobody signs in to this provider's portal yet.")),
    )


def _state(password_hash: str | None, active: bool) -> str:
    if password_hash is None:
        return N_("Invited")
    return N_("Active") if active else N_("Disabled")


def _provider_forms(
    request: Request, provider: TrainingProvider, clients: list[ApiClient], *, language: Language
) -> list[ActionForm]:
    """The forms of admins and registrars: the accreditation, and the provider's API clients."""
    url = registry.linker(request, language)
    base = f"/providers/{provider.id}"
    active = [
        registry.Choice(value=client.client_id, label=f"{client.name}: {client.client_id}")
        for client in clients
        if client.is_active
    ]
    forms = [
        ActionForm(
            key="accreditation",
            url=url(f"{base}/accreditation"),
            heading=translate(language, N_("Change the accreditation")),
            hint=translate(
                language,
                N_("Only an accredited provider may issue credentials and submit curricula."),
            ),
            submit=translate(language, N_("Change the accreditation")),
            fields=[
                FormField(
                    "status",
                    translate(language, N_("Accreditation")),
                    kind="select",
                    choices=registry.choices(language, registry.ACCREDITATION_NAMES),
                    value=provider.accreditation_status,
                    required=True,
                ),
                FormField(
                    "reason",
                    translate(language, N_("Reason (kept in the audit log)")),
                    max_length=1000,
                ),
            ],
        ),
        ActionForm(
            key="new-client",
            url=url(f"{base}/clients"),
            heading=translate(language, N_("New API client")),
            hint=translate(
                language,
                N_("Its secret is shown only once, on the next page: copy it to the provider."),
            ),
            submit=translate(language, N_("Make the API client")),
            fields=[
                FormField(
                    "name",
                    translate(language, N_("Name of the client (the provider's system)")),
                    required=True,
                    max_length=200,
                )
            ],
        ),
    ]
    forms.insert(1, _invite_form(url(f"{base}/users"), language))
    if not active:
        return forms
    client_field = FormField(
        "client_id", translate(language, N_("API client")), kind="select", choices=active
    )
    return [
        *forms,
        ActionForm(
            key="rotate-client",
            url=url(f"{base}/clients/rotate"),
            heading=translate(language, N_("Replace a client's secret")),
            hint=translate(
                language,
                N_(
                    "The old secret and the tokens issued with it stop working at once. "
                    "The new secret is shown only once."
                ),
            ),
            submit=translate(language, N_("Replace the secret")),
            fields=[client_field],
        ),
        ActionForm(
            key="revoke-client",
            url=url(f"{base}/clients/revoke"),
            heading=translate(language, N_("Revoke an API client")),
            hint=translate(
                language, N_("Its tokens stop working on their next request. This is final.")
            ),
            submit=translate(language, N_("Revoke the client")),
            danger=True,
            fields=[
                client_field,
                FormField(
                    "confirm",
                    translate(
                        language, N_("I understand that the client can never be used again.")
                    ),
                    kind="confirm",
                    required=True,
                ),
            ],
        ),
    ]


def _invite_form(url: str, language: Language) -> ActionForm:
    """Invite someone (usually the provider's first administrator) to the portal."""
    return ActionForm(
        key="invite",
        url=url,
        heading=translate(language, N_("Invite someone to the provider portal")),
        hint=translate(
            language,
            N_(
                "Usually the provider's first administrator, who then invites the others. "
                "The invitation goes by email when this service sends mail; otherwise the "
                "next page shows a single-use link to pass on."
            ),
        ),
        submit=translate(language, N_("Invite")),
        fields=[
            FormField("name", translate(language, N_("Name")), required=True, max_length=200),
            FormField(
                "email",
                translate(language, N_("Email address")),
                kind="email",
                required=True,
                max_length=254,
            ),
            FormField(
                "role",
                translate(language, N_("Role")),
                kind="select",
                choices=registry.choices(language, PORTAL_ROLE_NAMES),
                value=ProviderRole.provider_admin.value,
            ),
            FormField(
                "language",
                translate(language, N_("Language of their mail")),
                kind="select",
                choices=[
                    registry.Choice(value=code.value, label=LANGUAGE_NAMES[code])
                    for code in Language
                ],
                value=language.value,
            ),
        ],
    )
