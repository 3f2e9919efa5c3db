"""Who may call what: every route of the OpenAPI document × every kind of caller, and the
portal's curriculum pages × signed-in provider users.

One table row per operation names the callers it admits; the test calls each operation as
each caller and checks the answer was a refusal exactly where the row says so. A route
added without a row fails `test_every_route_has_a_row`.

A refusal is 401, a 403 `forbidden` problem, or (for rows marked `OWNED`, whose path names
provider A's own curriculum, credential or batch) a 404, which is how another provider is
told "no". Any other answer (200, 404 for a made-up id, 409, 422 for the empty body every
write is sent) means the caller got past authorization.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.roles import Principal, Role
from app.credentials.models import Credential
from app.db import utcnow
from app.fields import Country
from app.keys.models import SigningKey
from app.portal.pages import PORTAL_PATH
from app.provider_users.models import ProviderRole
from app.providers.models import TrainingProvider
from app.status import revocation_requests
from app.users.models import StaffUser
from tests.console.helpers import session_csrf, sign_in
from tests.credentials.factories import issue_body, issuing_setup, rows
from tests.curricula.factories import complete_curriculum_body
from tests.factories import (
    client_credentials,
    create_provider,
    create_staff_user,
    provider_headers,
    staff_headers,
)
from tests.portal.curriculum_forms import form_fields as portal_form_fields
from tests.portal.helpers import account as portal_account
from tests.portal.helpers import session_csrf as portal_session_csrf
from tests.portal.helpers import signed_in as portal_signed_in
from tests.portal.test_issuing import cohort, upload
from tests.portal.test_issuing import confirm as confirm_upload

ANON, A, B, AUDITOR, REGISTRAR, ADMIN = (
    "anonymous",
    "provider A",
    "provider B",
    *(role.value for role in (Role.auditor, Role.registrar, Role.admin)),
)
CALLERS: Final = (ANON, A, B, AUDITOR, REGISTRAR, ADMIN)

EVERYONE = frozenset(CALLERS)
SIGNED_IN = EVERYONE - {ANON}
ADMIN_ONLY = frozenset({ADMIN})
STAFF_WRITERS = frozenset({REGISTRAR, ADMIN})
STAFF_READERS = frozenset({AUDITOR, REGISTRAR, ADMIN})
AUDIT_READERS = frozenset({AUDITOR, ADMIN})
PROVIDERS = frozenset({A, B})
ISSUERS = frozenset({A, B, REGISTRAR, ADMIN})
CREDENTIAL_READERS = frozenset({A, B, AUDITOR, REGISTRAR, ADMIN})


@dataclass(frozen=True)
class Row:
    """Who is admitted; `owned`: the path names provider A's resource (B is told 404)."""

    allowed: frozenset[str]
    owned: bool = False


def owned_by_a(allowed: frozenset[str]) -> Row:
    return Row(allowed - {B}, owned=True)


MATRIX: Final[dict[tuple[str, str], Row]] = {
    ("GET", "/"): Row(EVERYONE),
    ("GET", "/favicon.ico"): Row(EVERYONE),
    ("GET", "/healthz"): Row(EVERYONE),
    ("GET", "/readyz"): Row(EVERYONE),
    ("POST", "/api/v1/verify"): Row(EVERYONE),
    ("GET", "/api/v1/verify/{credential_id}"): Row(EVERYONE),
    ("POST", "/api/v1/auth/token"): Row(EVERYONE),
    ("GET", "/api/v1/auth/me"): Row(SIGNED_IN),
    ("GET", "/api/v1/admin/users"): Row(ADMIN_ONLY),
    ("POST", "/api/v1/admin/users"): Row(ADMIN_ONLY),
    ("GET", "/api/v1/admin/users/{user_id}"): Row(ADMIN_ONLY),
    ("PATCH", "/api/v1/admin/users/{user_id}"): Row(ADMIN_ONLY),
    ("POST", "/api/v1/admin/users/{user_id}/disable"): Row(ADMIN_ONLY),
    ("POST", "/api/v1/admin/users/{user_id}/enable"): Row(ADMIN_ONLY),
    ("POST", "/api/v1/admin/users/{user_id}/reset-password"): Row(ADMIN_ONLY),
    ("GET", "/api/v1/admin/audit"): Row(AUDIT_READERS),
    ("GET", "/api/v1/admin/audit/verify"): Row(AUDIT_READERS),
    ("POST", "/api/v1/admin/audit/checkpoints"): Row(ADMIN_ONLY),
    ("GET", "/api/v1/admin/audit/checkpoints"): Row(AUDIT_READERS),
    ("POST", "/api/v1/admin/audit/checkpoints/verify"): Row(AUDIT_READERS),
    ("GET", "/.well-known/did.json"): Row(EVERYONE),
    ("GET", "/.well-known/jwks.json"): Row(EVERYONE),
    ("GET", "/.well-known/jwt-vc-issuer"): Row(EVERYONE),
    ("GET", "/vct/{standard_code}"): Row(EVERYONE),
    ("GET", "/issuer"): Row(EVERYONE),
    ("GET", "/api/v1/admin/keys"): Row(STAFF_READERS),
    ("POST", "/api/v1/admin/keys/rotate"): Row(ADMIN_ONLY),
    ("POST", "/api/v1/admin/keys/{kid}/retire"): Row(ADMIN_ONLY),
    ("GET", "/api/v1/standards"): Row(EVERYONE),
    ("GET", "/api/v1/standards/{code}"): Row(EVERYONE),
    ("GET", "/api/v1/standards/{code}/case"): Row(EVERYONE),
    ("GET", "/api/v1/standards/{code}/case/{collection}/{identifier}"): Row(EVERYONE),
    ("GET", "/api/v1/admin/standards"): Row(STAFF_READERS),
    ("POST", "/api/v1/admin/standards"): Row(STAFF_WRITERS),
    ("GET", "/api/v1/admin/standards/{code}/versions/{version}"): Row(STAFF_READERS),
    ("PUT", "/api/v1/admin/standards/{code}/versions/{version}"): Row(STAFF_WRITERS),
    ("POST", "/api/v1/admin/standards/{code}/versions/{version}/publish"): Row(STAFF_WRITERS),
    ("POST", "/api/v1/admin/standards/{code}/versions/{version}/retire"): Row(STAFF_WRITERS),
    ("GET", "/standards"): Row(EVERYONE),
    ("GET", "/standards/{code}"): Row(EVERYONE),
    ("POST", "/api/v1/providers"): Row(EVERYONE),
    ("GET", "/api/v1/provider/me"): Row(PROVIDERS),
    ("GET", "/api/v1/admin/providers"): Row(STAFF_READERS),
    ("GET", "/api/v1/admin/providers/{provider_id}"): Row(STAFF_READERS),
    ("POST", "/api/v1/admin/providers/{provider_id}/accreditation"): Row(STAFF_WRITERS),
    ("GET", "/api/v1/admin/providers/{provider_id}/clients"): Row(STAFF_READERS),
    ("GET", "/api/v1/admin/providers/{provider_id}/users"): Row(STAFF_READERS),
    ("POST", "/api/v1/admin/providers/{provider_id}/users"): Row(STAFF_WRITERS),
    ("POST", "/api/v1/admin/providers/{provider_id}/clients"): Row(STAFF_WRITERS),
    ("POST", "/api/v1/admin/providers/{provider_id}/clients/{client_id}/rotate"): Row(
        STAFF_WRITERS
    ),
    ("POST", "/api/v1/admin/providers/{provider_id}/clients/{client_id}/revoke"): Row(
        STAFF_WRITERS
    ),
    ("POST", "/api/v1/provider/curricula"): Row(PROVIDERS),
    ("GET", "/api/v1/provider/curricula"): Row(PROVIDERS),
    ("GET", "/api/v1/provider/curricula/{curriculum_id}"): owned_by_a(PROVIDERS),
    ("PUT", "/api/v1/provider/curricula/{curriculum_id}"): owned_by_a(PROVIDERS),
    ("GET", "/api/v1/admin/curricula"): Row(STAFF_READERS),
    ("GET", "/api/v1/admin/curricula/{curriculum_id}"): Row(STAFF_READERS),
    ("POST", "/api/v1/admin/curricula/{curriculum_id}/approve"): Row(STAFF_WRITERS),
    ("POST", "/api/v1/admin/curricula/{curriculum_id}/reject"): Row(STAFF_WRITERS),
    ("POST", "/api/v1/credentials"): Row(ISSUERS),
    ("GET", "/api/v1/credentials"): Row(CREDENTIAL_READERS),
    ("GET", "/api/v1/credentials/{credential_id}"): owned_by_a(CREDENTIAL_READERS),
    ("POST", "/api/v1/credentials/{credential_id}/wallet-offers"): owned_by_a(ISSUERS),
    ("GET", "/.well-known/openid-credential-issuer"): Row(EVERYONE),
    ("GET", "/.well-known/oauth-authorization-server"): Row(EVERYONE),
    ("GET", "/openid4vci/offers/{offer_id}"): Row(EVERYONE),
    ("POST", "/openid4vci/token"): Row(EVERYONE),
    ("POST", "/openid4vci/nonce"): Row(EVERYONE),
    # Only an access token from the token endpoint is admitted, never a staff or client one.
    ("POST", "/openid4vci/credential"): Row(frozenset()),
    ("GET", "/openid4vp/requests/{state}"): Row(EVERYONE),
    ("GET", "/openid4vp/signed-requests/{state}"): Row(EVERYONE),
    ("POST", "/openid4vp/signed-requests/{state}"): Row(EVERYONE),
    ("POST", "/openid4vp/response"): Row(EVERYONE),
    # Any API client or staff user may ask a wallet; each reads only its own requests (404).
    ("POST", "/api/v1/presentation-requests"): Row(SIGNED_IN),
    ("GET", "/api/v1/presentation-requests/{request_id}"): Row(SIGNED_IN),
    ("POST", "/api/v1/credential-batches"): Row(ISSUERS),
    ("GET", "/api/v1/credential-batches/{batch_id}"): owned_by_a(ISSUERS),
    ("GET", "/api/v1/credential-batches/{batch_id}/rows"): owned_by_a(ISSUERS),
    ("POST", "/api/v1/credential-batches/{batch_id}/claim-links"): owned_by_a(ISSUERS),
    ("POST", "/api/v1/credential-batches/{batch_id}/wallet-offers"): owned_by_a(ISSUERS),
    ("GET", "/status/{list_id}"): Row(EVERYONE),
    ("GET", "/status/tsl/{list_id}"): Row(EVERYONE),
    ("POST", "/api/v1/admin/credentials/{credential_id}/{action}"): Row(STAFF_WRITERS),
    ("POST", "/api/v1/admin/credentials/status-changes"): Row(STAFF_WRITERS),
    ("GET", "/api/v1/admin/revocation-requests"): Row(STAFF_READERS),
    ("POST", "/api/v1/admin/revocation-requests/{request_id}/decline"): Row(STAFF_WRITERS),
    ("POST", "/credentials/verify"): Row(EVERYONE),
    ("POST", "/credentials/issue"): Row(ISSUERS),
    ("POST", "/instances/{instance_id}/credentials/issue"): Row(ISSUERS),
    ("GET", "/instances/{instance_id}/did.json"): Row(EVERYONE),
    ("POST", "/credentials/status"): Row(ISSUERS),
    ("GET", "/api/v1/admin/issuer-instances"): Row(STAFF_READERS),
    ("POST", "/api/v1/admin/issuer-instances"): Row(ADMIN_ONLY),
    ("GET", "/api/v1/admin/issuer-instances/{instance_id}"): Row(STAFF_READERS),
    ("POST", "/presentations/verify"): Row(EVERYONE),
    ("GET", "/api/v1/admin/trusted-issuers"): Row(STAFF_READERS),
    ("POST", "/api/v1/admin/trusted-issuers"): Row(STAFF_WRITERS),
    ("DELETE", "/api/v1/admin/trusted-issuers/{issuer_id}"): Row(STAFF_WRITERS),
    ("GET", "/verify"): Row(EVERYONE),
    ("POST", "/verify"): Row(EVERYONE),
    ("GET", "/verify/{credential_id}"): Row(EVERYONE),
    ("GET", "/verify/wallet"): Row(EVERYONE),
    ("POST", "/verify/wallet"): Row(EVERYONE),
    ("GET", "/verify/wallet/{request_id}"): Row(EVERYONE),
    ("GET", "/verify/wallet/{request_id}/open"): Row(EVERYONE),
    ("GET", "/verify/{credential_id}/certificate"): Row(EVERYONE),
    ("GET", "/verify/{credential_id}/qr.svg"): Row(EVERYONE),
    ("GET", "/api/v1/claims/{token}"): Row(EVERYONE),
    ("POST", "/api/v1/claims/{token}"): Row(EVERYONE),
    ("GET", "/claim/{token}"): Row(EVERYONE),
    ("POST", "/claim/{token}"): Row(EVERYONE),
    ("GET", "/my/{holder_token}"): Row(EVERYONE),
    ("GET", "/my/{holder_token}/credential.json"): Row(EVERYONE),
    ("GET", "/my/{holder_token}/credential.jwt"): Row(EVERYONE),
    ("GET", "/my/{holder_token}/credential-ob3.jwt"): Row(EVERYONE),
    ("GET", "/my/{holder_token}/certificate"): Row(EVERYONE),
    ("POST", "/my/{holder_token}/regenerate"): Row(EVERYONE),
    ("POST", "/my/{holder_token}/wallet"): Row(EVERYONE),
    ("GET", "/api/v1/admin/reports/credentials"): Row(STAFF_READERS),
    ("GET", "/api/v1/admin/reports/curricula"): Row(STAFF_READERS),
    ("GET", "/api/v1/admin/reports/providers"): Row(STAFF_READERS),
    ("GET", "/api/v1/admin/reports/mobility"): Row(STAFF_READERS),
    ("GET", "/api/v1/admin/reports/expiring"): Row(STAFF_READERS),
}


def _operations(app: FastAPI) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    }


def test_every_route_has_a_row(app: FastAPI) -> None:
    operations = _operations(app)
    assert sorted(operations - MATRIX.keys()) == [], "add a row to MATRIX for each new route"
    assert sorted(MATRIX.keys() - operations) == [], "remove the rows of routes that are gone"


def _world(
    client: TestClient, app: FastAPI, db: Session
) -> tuple[dict[str, Any], dict[str, str], dict[tuple[str, str], dict[str, Any]]]:
    """Callers' headers, a value for each path parameter (provider A's resources), and the
    bodies of the owned writes (valid, so only ownership can refuse them)."""
    setup = issuing_setup(client, app, db)
    headers = {
        ANON: {},
        A: setup.provider,
        B: provider_headers(client, db, create_provider(db)),
        AUDITOR: staff_headers(client, db, Role.auditor),
        REGISTRAR: setup.staff,
        ADMIN: staff_headers(client, db, Role.admin),
    }
    issued = client.post(
        "/api/v1/credentials", headers=setup.provider, json=issue_body(setup.curriculum_id)
    )
    assert issued.status_code == 201, issued.text
    batch = client.post(
        "/api/v1/credential-batches",
        headers=setup.provider,
        json={"curriculum_id": setup.curriculum_id, "rows": rows(1)},
    )
    assert batch.status_code == 202, batch.text
    target = create_staff_user(db, Role.registrar)
    user_id = db.scalar(select(StaffUser.id).where(StaffUser.username == target))
    bodies = {
        ("PUT", "/api/v1/provider/curricula/{curriculum_id}"): complete_curriculum_body(
            setup.standard, Country.mx
        )
    }
    return (
        headers,
        {
            "credential_id": issued.json()["id"],
            "action": "suspend",
            "batch_id": batch.json()["id"],
            "curriculum_id": str(setup.curriculum_id),
            "user_id": str(user_id),
            "provider_id": str(setup.provider_id),
            "client_id": "no-such-client",
            "code": setup.standard.code,
            "standard_code": setup.standard.code,
            "version": str(setup.standard.version),
            "kid": "no-such-key",
            "issuer_id": "999999",
            "instance_id": "no-such-instance",
            "offer_id": "00000000-0000-4000-8000-000000000000",
            "request_id": "no-such-request",
            "state": "no-such-state",
            "list_id": "1",
            "collection": "items",
            "identifier": "00000000-0000-5000-8000-000000000000",
            "token": "no-such-token-0123456789abcdef0123456789abcdef",
            "holder_token": "no-such-token-0123456789abcdef0123456789abcdef",
        },
        bodies,
    )


def _refused(response: Any, *, owned: bool) -> bool:
    if response.status_code == 401:
        return True
    if response.status_code == 403:
        return bool(response.headers.get("content-type", "").startswith("application/problem"))
    return owned and response.status_code == 404


def test_authorization_matrix(client: TestClient, app: FastAPI, db: Session) -> None:
    headers, values, bodies = _world(client, app, db)
    wrong: list[str] = []
    for (method, template), row in sorted(MATRIX.items(), key=lambda item: item[0][1]):
        path = template.format(**values)
        for caller in CALLERS:
            body: dict[str, Any] = (
                {"data": {}}
                if template == "/api/v1/auth/token"
                else {"json": bodies.get((method, template), {})}
            )
            response = client.request(
                method,
                path,
                headers=headers[caller],
                follow_redirects=False,
                **(body if method in ("POST", "PUT", "PATCH") else {}),
            )
            refused = _refused(response, owned=row.owned)
            if refused == (caller in row.allowed):
                verdict = "refused" if refused else "admitted"
                wrong.append(f"{method} {template} as {caller}: {verdict} ({response.status_code})")
            assert response.status_code < 500, f"{method} {path} as {caller}: {response.text}"
    assert wrong == []


# Every page of the provider portal a signed-in user reaches (HTML, outside the OpenAPI
# document): provider users of either role are admitted (the users' and API clients' pages:
# administrators only, staff get a 403); anyone else is sent to the sign-in page; a user of
# provider B is told 404 for provider A's curriculum, credential, batch, user or client.
PORTAL_STAFF, PORTAL_ADMIN, PORTAL_B = "portal staff A", "portal admin A", "portal admin B"
PORTAL_CALLERS: Final = (ANON, PORTAL_STAFF, PORTAL_ADMIN, PORTAL_B)
PORTAL_USERS = frozenset({PORTAL_STAFF, PORTAL_ADMIN, PORTAL_B})
PORTAL_ADMINS = frozenset({PORTAL_ADMIN, PORTAL_B})
"""Provider administrators (of either provider): the API clients pages; staff get a 403."""
PORTAL_MATRIX: Final[dict[tuple[str, str], Row]] = {
    ("GET", "/portal"): Row(PORTAL_USERS),
    ("GET", "/portal/issue"): Row(PORTAL_USERS),
    ("POST", "/portal/issue"): Row(PORTAL_USERS),
    ("POST", "/portal/issue/confirm"): Row(PORTAL_USERS),
    ("GET", "/portal/batches/{batch_id}"): Row(PORTAL_USERS - {PORTAL_B}, owned=True),
    ("POST", "/portal/batches/{batch_id}/claim-links.csv"): Row(
        PORTAL_USERS - {PORTAL_B}, owned=True
    ),
    ("GET", "/portal/batches/{batch_id}/credentials.csv"): Row(
        PORTAL_USERS - {PORTAL_B}, owned=True
    ),
    ("GET", "/portal/users"): Row(PORTAL_ADMINS),
    ("POST", "/portal/users"): Row(PORTAL_ADMINS),
    ("POST", "/portal/users/{user_id}/disable"): Row(PORTAL_ADMINS - {PORTAL_B}, owned=True),
    ("POST", "/portal/users/{user_id}/enable"): Row(PORTAL_ADMINS - {PORTAL_B}, owned=True),
    ("GET", "/portal/curricula"): Row(PORTAL_USERS),
    ("GET", "/portal/curricula/new"): Row(PORTAL_USERS),
    ("POST", "/portal/curricula/new"): Row(PORTAL_USERS),
    ("GET", "/portal/curricula/{curriculum_id}"): Row(PORTAL_USERS - {PORTAL_B}, owned=True),
    ("POST", "/portal/curricula/{curriculum_id}"): Row(PORTAL_USERS - {PORTAL_B}, owned=True),
    ("GET", "/portal/credentials"): Row(PORTAL_USERS),
    ("GET", "/portal/credentials/{credential_id}"): Row(PORTAL_USERS - {PORTAL_B}, owned=True),
    ("POST", "/portal/credentials/{credential_id}/claim-link"): Row(
        PORTAL_USERS - {PORTAL_B}, owned=True
    ),
    ("POST", "/portal/credentials/{credential_id}/revocation-request"): Row(
        PORTAL_USERS - {PORTAL_B}, owned=True
    ),
    ("GET", "/portal/clients"): Row(PORTAL_ADMINS),
    ("POST", "/portal/clients"): Row(PORTAL_ADMINS),
    ("POST", "/portal/clients/{client_id}/rotate"): Row(PORTAL_ADMINS - {PORTAL_B}, owned=True),
    ("POST", "/portal/clients/{client_id}/revoke"): Row(PORTAL_ADMINS - {PORTAL_B}, owned=True),
}


PORTAL_PUBLIC: Final = frozenset(
    {
        ("GET", "/portal/login"),
        ("POST", "/portal/login"),
        ("POST", "/portal/logout"),
        ("GET", "/portal/invitations/{token}"),
        ("POST", "/portal/invitations/{token}"),
        ("GET", "/portal/password-reset"),
        ("POST", "/portal/password-reset"),
        ("GET", "/portal/password-reset/{token}"),
        ("POST", "/portal/password-reset/{token}"),
        ("GET", "/portal/{path:path}"),
    }
)
"""Portal routes anyone may reach: signing in and out, an invitation or a reset link (the
token is the proof), and the unknown-page answer."""


def test_every_portal_page_has_a_row(app: FastAPI) -> None:
    operations = {
        (method, str(route.path))
        for route in iter_route_contexts(app.router.routes)
        if str(getattr(route, "path", "")).startswith(PORTAL_PATH)
        for method in getattr(route, "methods", None) or ()
    }
    assert operations - PORTAL_PUBLIC == PORTAL_MATRIX.keys()


def test_portal_matrix(client: TestClient, app: FastAPI, db: Session) -> None:
    setup = issuing_setup(client, app, db)
    issued = client.post(
        "/api/v1/credentials",
        headers={**setup.provider, "Idempotency-Key": "portal-matrix"},
        json=issue_body(setup.curriculum_id),
    )
    assert issued.status_code == 201, issued.text
    credential_id = str(issued.json()["id"]).removeprefix("urn:uuid:")
    mine = db.get(TrainingProvider, setup.provider_id)
    assert mine is not None
    theirs = create_provider(db, country=Country.mx.value)
    client_id, _ = client_credentials(db, mine)
    colleague = portal_account(TestClient(app), db, mine, ProviderRole.provider_staff)
    sessions = {ANON: TestClient(app)}
    for caller, provider, role in (
        (PORTAL_STAFF, mine, ProviderRole.provider_staff),
        (PORTAL_ADMIN, mine, ProviderRole.provider_admin),
        (PORTAL_B, theirs, ProviderRole.provider_admin),
    ):
        sessions[caller] = TestClient(app)
        portal_signed_in(sessions[caller], db, provider, role)
    tokens = {
        caller: portal_session_csrf(session) if caller != ANON else ""
        for caller, session in sessions.items()
    }
    form = portal_form_fields(complete_curriculum_body(setup.standard, Country.mx))
    form |= {"standard": f"{setup.standard.code}:{setup.standard.version}", "action": "add"}
    form |= {"reason": "Issued to the wrong worker", "curriculum_id": str(setup.curriculum_id)}
    form |= {"email": "colleague@example.com", "name": "A Colleague", "role": "provider_staff"}
    batch_id = confirm_upload(
        sessions[PORTAL_ADMIN], upload(sessions[PORTAL_ADMIN], setup, cohort(2))
    ).rsplit("/", 1)[-1]
    wrong: list[str] = []
    for (method, template), row in PORTAL_MATRIX.items():
        path = template.format(
            curriculum_id=setup.curriculum_id,
            credential_id=credential_id,
            client_id=client_id,
            batch_id=batch_id.split("?")[0],
            user_id=colleague.user_id,
        )
        for caller in PORTAL_CALLERS:
            data = {**form, "csrf_token": tokens[caller]} if method == "POST" else None
            response = sessions[caller].request(method, path, data=data, follow_redirects=False)
            location = response.headers.get("location", "")
            refused = (
                (response.status_code == 303 and "/portal/login" in location)
                or response.status_code == 403
                or (row.owned and response.status_code == 404)
            )
            if refused == (caller in row.allowed):
                verdict = "refused" if refused else "admitted"
                wrong.append(f"{method} {template} as {caller}: {verdict} ({response.status_code})")
            assert response.status_code < 500, f"{method} {path} as {caller}: {response.text}"
    for session in sessions.values():
        session.close()
    assert wrong == []


# --- The staff console's forms ------------------------------------------------------------
# Console pages are not in the OpenAPI document: their forms are listed here, each with the
# staff roles the matching API route admits (providers never sign in to the console).

CONSOLE_CALLERS: Final = (ANON, AUDITOR, REGISTRAR, ADMIN)
CONSOLE_FORMS: Final[dict[str, frozenset[str]]] = {
    "/console/curricula/{curriculum_id}": STAFF_WRITERS,
    "/console/credentials/{credential_id}": STAFF_WRITERS,
    "/console/credentials/{credential_id}/claim-link": STAFF_WRITERS,
    "/console/revocation-requests/{request_id}/decline": STAFF_WRITERS,
    "/console/audit/checkpoints": ADMIN_ONLY,
    "/console/providers/{provider_id}/accreditation": STAFF_WRITERS,
    "/console/providers/{provider_id}/clients": STAFF_WRITERS,
    "/console/providers/{provider_id}/clients/rotate": STAFF_WRITERS,
    "/console/providers/{provider_id}/clients/revoke": STAFF_WRITERS,
    "/console/providers/{provider_id}/users": STAFF_WRITERS,
    "/console/standards/{code}/{version}/{step}": STAFF_WRITERS,
    "/console/users": ADMIN_ONLY,
    "/console/users/{user_id}/role": ADMIN_ONLY,
    "/console/users/{user_id}/disable": ADMIN_ONLY,
    "/console/users/{user_id}/enable": ADMIN_ONLY,
    "/console/users/{user_id}/password": ADMIN_ONLY,
    "/console/keys/rotate": ADMIN_ONLY,
    "/console/keys/{key_id}/retire": ADMIN_ONLY,
}
CONSOLE_OPEN_FORMS: Final = frozenset({"/console/login", "/console/logout"})
"""Signing in (anyone) and out (any signed-in user): no role to check."""


def _console_posts(app: FastAPI) -> set[str]:
    return {
        str(route.path)
        for route in iter_route_contexts(app.router.routes)
        if str(getattr(route, "path", "")).startswith("/console")
        and "POST" in (getattr(route, "methods", None) or ())
    }


def test_every_console_form_has_a_row(app: FastAPI) -> None:
    posts = _console_posts(app) - CONSOLE_OPEN_FORMS
    assert sorted(posts - CONSOLE_FORMS.keys()) == [], "add a row to CONSOLE_FORMS"
    assert sorted(CONSOLE_FORMS.keys() - posts) == [], "remove the rows of forms that are gone"


def test_console_forms_admit_the_roles_the_api_admits(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    issued = client.post(
        "/api/v1/credentials", headers=setup.provider, json=issue_body(setup.curriculum_id)
    )
    assert issued.status_code == 201, issued.text
    target = create_staff_user(db, Role.registrar)
    credential = db.get(Credential, str(issued.json()["id"]).removeprefix("urn:uuid:"))
    assert credential is not None
    asker = Principal(
        subject="provider_user:0", role=Role.provider, name="P", provider_id=setup.provider_id
    )
    waiting = revocation_requests.request_revocation(
        db, credential, reason="Issued by mistake", actor=asker, now=utcnow()
    )
    db.commit()
    values = {
        "request_id": str(waiting.id),
        "curriculum_id": str(setup.curriculum_id),
        "credential_id": issued.json()["id"],
        "provider_id": str(setup.provider_id),
        "code": setup.standard.code,
        "version": str(setup.standard.version),
        "step": "retire",
        "user_id": str(db.scalar(select(StaffUser.id).where(StaffUser.username == target))),
        "key_id": str(db.scalar(select(SigningKey.id))),
    }
    wrong: list[str] = []
    for caller in CONSOLE_CALLERS:
        client.cookies.clear()
        token = ""
        if caller != ANON:
            assert sign_in(client, create_staff_user(db, Role(caller))).status_code == 303
            token = session_csrf(client)
        for template, allowed in CONSOLE_FORMS.items():
            response = client.post(
                template.format(**values), data={"csrf_token": token}, follow_redirects=False
            )
            assert response.status_code < 500, f"{template} as {caller}: {response.text}"
            location = response.headers.get("location", "")
            refused = response.status_code == 403 or (
                response.status_code == 303 and "/console/login" in location
            )
            if refused == (caller in allowed):
                verdict = "refused" if refused else "admitted"
                wrong.append(f"POST {template} as {caller}: {verdict} ({response.status_code})")
    assert wrong == []
