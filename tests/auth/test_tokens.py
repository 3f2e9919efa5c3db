"""Access tokens: both grants work, and forged, expired or misdirected tokens are refused."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.config import Settings
from app.users.models import StaffUser
from tests.factories import (
    PASSWORD,
    client_credentials,
    create_provider,
    create_staff_user,
    password_token,
    provider_headers,
    staff_headers,
)
from tests.helpers import assert_problem

ME = "/api/v1/auth/me"
ADMIN_ROUTE = "/api/v1/admin/users"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def valid_claims(settings: Settings, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": settings.public_base_url,
        "aud": "nassc-api",
        "sub": "user:1",
        "role": "admin",
        "iat": now,
        "exp": now + 300,
    }
    claims.update(changes)
    return claims


def server_key(settings: Settings) -> bytes:
    secret = settings.token_secret.get_secret_value()
    return hashlib.sha256(b"nassc/access-token/v1|" + secret.encode()).digest()


def test_password_grant_issues_a_short_lived_jwt(
    client: TestClient, db: Session, settings: Settings
) -> None:
    username = create_staff_user(db, Role.registrar)
    response = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": username, "password": PASSWORD},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == settings.access_token_ttl_seconds
    claims = jwt.decode(
        body["access_token"],
        server_key(settings),
        algorithms=["HS256"],
        audience="nassc-api",
        issuer=settings.public_base_url,
    )
    assert claims["role"] == "registrar"
    assert "registry:write" in claims["scope"].split()
    assert claims["exp"] - claims["iat"] == settings.access_token_ttl_seconds
    me = client.get(ME, headers=bearer(body["access_token"])).json()
    assert me["role"] == "registrar"
    assert me["name"] == username


def test_client_credentials_grant_by_form_and_basic(client: TestClient, db: Session) -> None:
    provider = create_provider(db)
    client_id, secret = client_credentials(db, provider)
    by_form = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert by_form.status_code == 200
    by_basic = client.post(
        "/api/v1/auth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )
    assert by_basic.status_code == 200
    me = client.get(ME, headers=bearer(by_basic.json()["access_token"])).json()
    assert me == {
        "subject": f"client:{client_id}",
        "role": "provider",
        "name": "LMS",
        "provider_id": provider.id,
    }


@pytest.mark.parametrize(
    ("form", "slug"),
    [
        ({"grant_type": "password", "username": "nobody", "password": "x" * 12}, "invalid-grant"),
        (
            {"grant_type": "client_credentials", "client_id": "c", "client_secret": "s"},
            "invalid-grant",
        ),
        ({"grant_type": "authorization_code", "code": "abc"}, "unsupported-grant-type"),
        ({"grant_type": "password"}, "bad-request"),
    ],
)
def test_bad_grants_are_refused(client: TestClient, form: dict[str, str], slug: str) -> None:
    response = client.post("/api/v1/auth/token", data=form)
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith(slug)
    assert response.status_code in (400, 401)


def test_wrong_password_is_401(client: TestClient, db: Session) -> None:
    username = create_staff_user(db, Role.admin)
    response = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": username, "password": "wrong-password-1"},
    )
    assert_problem(response, 401, "invalid-grant")


def test_missing_token_is_401(client: TestClient) -> None:
    response = client.get(ME)
    assert_problem(response, 401, "unauthorized")
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_token_signed_with_another_key_is_401(client: TestClient, settings: Settings) -> None:
    token = jwt.encode(
        valid_claims(settings), b"k" * 32, algorithm="HS256", headers={"typ": "at+jwt"}
    )
    assert_problem(client.get(ME, headers=bearer(token)), 401, "unauthorized")


def test_alg_none_is_401(client: TestClient, settings: Settings) -> None:
    token = jwt.encode(valid_claims(settings), "", algorithm="none", headers={"typ": "at+jwt"})
    assert token.endswith(".")
    assert_problem(client.get(ME, headers=bearer(token)), 401, "unauthorized")
    header = jwt.utils.base64url_encode(b'{"alg":"none","typ":"at+jwt"}').decode()
    good = password_free_token(settings)
    forged = header + "." + good.split(".")[1] + "."
    assert_problem(client.get(ME, headers=bearer(forged)), 401, "unauthorized")


def password_free_token(settings: Settings) -> str:
    return jwt.encode(
        valid_claims(settings), server_key(settings), algorithm="HS256", headers={"typ": "at+jwt"}
    )


def test_hs_rs_confusion_is_401(client: TestClient, settings: Settings) -> None:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rs_token = jwt.encode(
        valid_claims(settings), private_key, algorithm="RS256", headers={"typ": "at+jwt"}
    )
    assert_problem(client.get(ME, headers=bearer(rs_token)), 401, "unauthorized")
    # The classic confusion: an HS256 token whose HMAC key is an RSA public key in PEM.
    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = jwt.utils.base64url_encode(b'{"alg":"HS256","typ":"at+jwt"}')
    payload = jwt.utils.base64url_encode(json.dumps(valid_claims(settings)).encode())
    signature = hmac.new(public_pem, header + b"." + payload, hashlib.sha256).digest()
    confused = b".".join([header, payload, jwt.utils.base64url_encode(signature)]).decode()
    assert_problem(client.get(ME, headers=bearer(confused)), 401, "unauthorized")


def test_expired_token_is_401(client: TestClient, settings: Settings) -> None:
    past = int(time.time()) - 3600
    claims = valid_claims(settings, iat=past - 600, exp=past)
    token = jwt.encode(claims, server_key(settings), algorithm="HS256", headers={"typ": "at+jwt"})
    assert_problem(client.get(ME, headers=bearer(token)), 401, "unauthorized")


def test_wrong_audience_is_401(client: TestClient, settings: Settings) -> None:
    claims = valid_claims(settings, aud="some-other-api")
    token = jwt.encode(claims, server_key(settings), algorithm="HS256", headers={"typ": "at+jwt"})
    assert_problem(client.get(ME, headers=bearer(token)), 401, "unauthorized")


def test_wrong_issuer_is_401(client: TestClient, settings: Settings) -> None:
    claims = valid_claims(settings, iss="https://elsewhere.example")
    token = jwt.encode(claims, server_key(settings), algorithm="HS256", headers={"typ": "at+jwt"})
    assert_problem(client.get(ME, headers=bearer(token)), 401, "unauthorized")


def test_provider_token_on_admin_route_is_403(client: TestClient, db: Session) -> None:
    headers = provider_headers(client, db, create_provider(db))
    assert_problem(client.get(ADMIN_ROUTE, headers=headers), 403, "forbidden")


@pytest.mark.parametrize("role", [Role.registrar, Role.auditor])
def test_non_admin_staff_on_admin_route_is_403(client: TestClient, db: Session, role: Role) -> None:
    assert_problem(
        client.get(ADMIN_ROUTE, headers=staff_headers(client, db, role)), 403, "forbidden"
    )


def test_disabled_user_token_stops_working_on_next_request(client: TestClient, db: Session) -> None:
    username = create_staff_user(db, Role.admin)
    headers = bearer(password_token(client, username))
    assert client.get(ADMIN_ROUTE, headers=headers).status_code == 200
    db.execute(update(StaffUser).where(StaffUser.username == username).values(is_active=False))
    db.commit()
    assert_problem(client.get(ADMIN_ROUTE, headers=headers), 401, "unauthorized")


def test_admin_creates_users_and_hashes_passwords(client: TestClient, db: Session) -> None:
    headers = staff_headers(client, db, Role.admin)
    response = client.post(
        ADMIN_ROUTE,
        headers=headers,
        json={"username": "auditor.jane", "password": "correct horse battery", "role": "auditor"},
    )
    assert response.status_code == 201
    assert "password" not in response.text
    stored = db.query(StaffUser).filter_by(username="auditor.jane").one()
    assert stored.password_hash.startswith("$argon2id$")
    duplicate = client.post(
        ADMIN_ROUTE,
        headers=headers,
        json={"username": "auditor.jane", "password": "correct horse battery", "role": "auditor"},
    )
    assert_problem(duplicate, 409, "username-taken")
