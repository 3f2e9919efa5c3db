"""The OpenAPI document describes the responses and inputs the service really has (issue 20).

`tests/openapi_recorder.py` checks it against every response the suite gets; these tests
check its shape, so a client generated from it gets errors and media types right.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.fields import DB_INT_MAX
from app.openapi import operations

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)


@pytest.fixture
def document(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_every_error_is_problem_json(document: dict[str, Any]) -> None:
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for path, method, operation in operations(document):
        for status, response in operation["responses"].items():
            if int(status) < 400:
                continue
            content = response["content"]
            if (method, path, status) == ("post", "/credentials/verify", "400"):
                assert "application/json" in content  # the VC API's result of a failure
            schema = "ValidationProblem" if status == "422" else "Problem"
            assert content["application/problem+json"]["schema"] == {
                "$ref": f"#/components/schemas/{schema}"
            }, (method, path, status)


def test_shared_errors_are_documented_where_they_occur(document: dict[str, Any]) -> None:
    issue = document["paths"]["/api/v1/credentials"]["post"]["responses"]
    assert {"400", "401", "403", "404", "409", "413", "415", "422", "429", "503"} <= set(issue)
    health = document["paths"]["/healthz"]["get"]["responses"]
    assert "401" not in health and "422" not in health


def test_media_types_are_the_real_ones(document: dict[str, Any]) -> None:
    paths = document["paths"]

    def media(path: str, status: str = "200") -> set[str]:
        return set(paths[path]["get"]["responses"][status]["content"])

    assert media("/.well-known/did.json") == {"application/did+ld+json"}
    assert media("/.well-known/jwks.json") == {"application/jwk-set+json"}
    assert media("/issuer") == {"application/ld+json"}
    assert media("/status/{list_id}") == {
        "application/vc",
        "application/vc+jwt",
        "application/json",
    }
    assert media("/status/tsl/{list_id}") == {"application/statuslist+jwt"}
    assert media("/vct/{standard_code}") == {"application/json"}
    assert media("/.well-known/jwt-vc-issuer") == {"application/json"}
    assert "404" in paths["/vct/{standard_code}"]["get"]["responses"]
    assert "404" in paths["/status/tsl/{list_id}"]["get"]["responses"]
    assert "text/csv" in media("/api/v1/admin/reports/credentials")
    assert media("/verify/{credential_id}/certificate") == {"text/html"}
    assert "text/html" in media("/verify/{credential_id}", "404")


def test_request_bodies_are_described(document: dict[str, Any]) -> None:
    paths = document["paths"]
    verify_form = paths["/verify"]["post"]["requestBody"]["content"]
    assert verify_form["multipart/form-data"]["schema"]["properties"]["file"]["format"] == "binary"
    batch = paths["/api/v1/credential-batches"]["post"]["requestBody"]
    assert batch["required"] is True
    assert batch["content"]["text/csv"]["schema"]["type"] == "string"
    verify_api = paths["/api/v1/verify"]["post"]["requestBody"]["content"]
    assert verify_api["application/dc+sd-jwt"]["schema"]["type"] == "string"
    key = next(p for p in paths["/api/v1/credentials"]["post"]["parameters"] if p["in"] == "header")
    assert key["schema"]["maxLength"] == 200


def test_staff_roles_exclude_provider(document: dict[str, Any]) -> None:
    role = document["components"]["schemas"]["StaffUserCreate"]["properties"]["role"]
    assert role["enum"] == ["admin", "registrar", "auditor"]


def _integers(schema: Any, components: dict[str, Any], seen: set[str]) -> Iterator[Any]:
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref not in seen:
            seen.add(ref)
            yield from _integers(components[ref.rsplit("/", 1)[1]], components, seen)
        if schema.get("type") == "integer":
            yield schema
        for value in schema.values():
            yield from _integers(value, components, seen)
    elif isinstance(schema, list):
        for value in schema:
            yield from _integers(value, components, seen)


def test_every_integer_input_fits_the_columns(document: dict[str, Any]) -> None:
    """Issue 20, defect 2, for every operation present and future."""
    components = document["components"]["schemas"]
    for path, method, operation in operations(document):
        inputs = [p["schema"] for p in operation.get("parameters", [])]
        inputs += [
            media.get("schema", {})
            for media in operation.get("requestBody", {}).get("content", {}).values()
        ]
        for integer in _integers(inputs, components, set()):
            assert integer.get("maximum", DB_INT_MAX + 1) <= DB_INT_MAX, (method, path, integer)


def test_enums_where_the_server_has_them(document: dict[str, Any], client: TestClient) -> None:
    paths = document["paths"]
    country = next(
        p
        for p in paths["/api/v1/verify/{credential_id}"]["get"]["parameters"]
        if p["name"] == "country"
    )
    assert country["schema"]["enum"] == ["US", "MX", "CA"]
    lang = next(p for p in paths["/issuer"]["get"]["parameters"] if p["name"] == "lang")
    assert "Language" in str(lang["schema"]) or "enum" in str(lang["schema"])
    assert client.get("/issuer?lang=de").status_code == 422
