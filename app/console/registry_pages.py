"""The registry in the console, read-only: training providers (with their API clients) and
standards in every status. Each is a list, filtered and paginated like the credential
search, and a detail page, in English, Spanish and French (`app.console.registry_views`);
staff users and signing keys are in `app.console.staff_pages`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from app.auth.roles import Role
from app.console import registry_views as registry
from app.console.dependencies import ConsoleDb, ConsoleReader, ConsoleUser, reader_with_roles
from app.console.routing import ConsoleRoute
from app.fields import Country
from app.providers import service as providers_service
from app.providers.schemas import AccreditationStatus
from app.standards import service as standards_service
from app.standards.enums import Sector, StandardStatus
from app.web.dependencies import PageLanguage
from app.web.i18n import gettext as translate
from app.web.vocabulary import COUNTRY_NAMES, N_, SECTOR_NAMES

router = APIRouter(route_class=ConsoleRoute, default_response_class=HTMLResponse)
ConsoleAdminReader = Annotated[ConsoleUser, Depends(reader_with_roles(Role.admin))]


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
    request: Request, provider_id: int, db: ConsoleDb, user: ConsoleReader, language: PageLanguage
) -> HTMLResponse:
    """One provider: who they are, their accreditation, and their API clients (no secrets)."""
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
            )
        ],
        links=[
            registry.Cell(
                translate(language, N_("Credentials issued by this provider")),
                url=link("/credentials", provider_id=provider.id),
            )
        ],
    )
    return registry.render_view(request, view, language=language, user=user, section="providers")


# --- Standards ----------------------------------------------------------------------------


@router.get("/standards", name="console_standards")
def standards_page(
    request: Request,
    db: ConsoleDb,
    user: ConsoleReader,
    language: PageLanguage,
    q: str | None = None,
    status: str | None = None,
    sector: str | None = None,
    page: str | None = None,
) -> HTMLResponse:
    """Standards in every status (drafts and retired ones too), by code and version."""
    number = registry.page_number(page)
    wanted_status, wanted_sector = (
        registry.chosen(StandardStatus, status),
        registry.chosen(Sector, sector),
    )
    text = (q or "").strip()[:200]
    result = standards_service.list_standards(
        db,
        sector=wanted_sector,
        text=text or None,
        statuses=(wanted_status,) if wanted_status else tuple(StandardStatus),
        offset=(number - 1) * registry.PER_PAGE,
        limit=registry.PER_PAGE,
    )
    link = registry.linker(request, language)
    view = registry.ListView(
        heading=translate(language, N_("Standards")),
        lead=translate(
            language, N_("Every version of every standard: drafts, published and retired.")
        ),
        path="/standards",
        filters=[
            registry.Filter("q", translate(language, N_("Code, title or occupation code")), text),
            registry.Filter(
                "status",
                translate(language, N_("Status")),
                wanted_status or "",
                registry.choices(language, registry.STANDARD_STATUS_NAMES),
            ),
            registry.Filter(
                "sector",
                translate(language, N_("Sector")),
                wanted_sector or "",
                registry.choices(language, SECTOR_NAMES),
            ),
        ],
        columns=registry.words(
            language, N_("Standard"), N_("Version"), N_("Title"), N_("Sector"), N_("Status")
        ),
        rows=[
            [
                registry.Cell(
                    standard.code,
                    url=link(f"/standards/{standard.code}/{standard.version}"),
                    code=True,
                ),
                registry.Cell(str(standard.version)),
                registry.Cell(getattr(standard, f"title_{language.value}")),
                registry.word(language, registry.SECTOR_WORDS, standard.sector),
                registry.word(language, registry.STANDARD_STATUS_NAMES, standard.status),
            ]
            for standard in result.items
        ],
        total=result.total,
        page=number,
    )
    return registry.render_view(request, view, language=language, user=user, section="standards")


@router.get("/standards/{code}/{version}", name="console_standard")
def standard_page(
    request: Request,
    code: str,
    version: int,
    db: ConsoleDb,
    user: ConsoleReader,
    language: PageLanguage,
) -> HTMLResponse:
    """One standard version: its status and dates, and links to its public page and API."""
    standard = standards_service.get_standard(db, code=code, version=version, include_drafts=True)
    link = registry.linker(request, language)
    root = request.scope.get("root_path", "")
    view = registry.ItemView(
        heading=getattr(standard, f"title_{language.value}"),
        kind=translate(language, N_("Standard")),
        back=registry.Cell(translate(language, N_("All standards")), url=link("/standards")),
        facts=list(
            zip(
                registry.words(
                    language,
                    N_("Standard code"),
                    N_("Version"),
                    N_("Status"),
                    N_("Sector"),
                    N_("NASSC level"),
                    N_("Validity (years)"),
                    N_("Created on"),
                    N_("Published on"),
                ),
                [
                    registry.Cell(standard.code, code=True),
                    registry.Cell(str(standard.version)),
                    registry.word(language, registry.STANDARD_STATUS_NAMES, standard.status),
                    registry.word(language, registry.SECTOR_WORDS, standard.sector),
                    registry.Cell(str(standard.nassc_level)),
                    registry.Cell(str(standard.validity_years)),
                    registry.when(standard.created_at),
                    registry.when(standard.published_at),
                ],
                strict=True,
            )
        ),
        links=[
            registry.Cell(
                translate(language, N_("Public page")),
                url=f"{root}/standards/{standard.code}?lang={language.value}",
            ),
            registry.Cell(
                translate(language, N_("Credentials of this standard")),
                url=link("/credentials", standard_code=standard.code),
            ),
        ]
        if standard.status != StandardStatus.draft.value
        else [],
    )
    return registry.render_view(request, view, language=language, user=user, section="standards")
