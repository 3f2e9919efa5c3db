"""The OpenAPI document as the server really answers: problem+json errors, real media types.

FastAPI documents only the success response of each route and a 422 with its own
`HTTPValidationError` schema. Every error here is RFC 9457 `application/problem+json`
(`app.errors`), and the service returns 400, 401, 403, 404, 409, 413, 415, 422, 429 and 503
from shared machinery (body parsing, authentication, the body limit, the rate limiter, the
signing key) rather than from each route. This module adds those responses to every
operation where that machinery applies, with the project's problem schema, and corrects
the media types FastAPI cannot see (responses built by hand, request bodies read raw).

`tests/openapi_recorder.py` checks the result against every response the test suite gets.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any, Final

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.errors import PROBLEM_MEDIA_TYPE
from app.fields import DB_INT_MAX, Country

JsonObject = dict[str, Any]

PROBLEM_SCHEMA: Final[JsonObject] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; branch on `type`, a stable URI.",
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 100, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
    },
    "additionalProperties": True,
}
VALIDATION_PROBLEM_SCHEMA: Final[JsonObject] = {
    "title": "ValidationProblem",
    "description": "A problem whose `errors` name each field that did not validate.",
    "allOf": [
        {"$ref": "#/components/schemas/Problem"},
        {
            "type": "object",
            "properties": {
                "errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["loc", "msg", "type"],
                        "properties": {
                            "loc": {"type": "array", "items": {"type": "string"}},
                            "msg": {"type": "string"},
                            "type": {"type": "string"},
                        },
                    },
                }
            },
        },
    ],
}

DESCRIPTIONS: Final = {
    400: "The request body could not be parsed",
    401: "Authentication required, or the token is invalid or expired",
    403: "Not allowed for this role",
    404: "Not found",
    409: "Conflict with the current state",
    413: "The request body is too large",
    415: "Unsupported content type",
    422: "The request did not validate",
    429: "Too many requests (see Retry-After)",
    503: "Service unavailable (no active signing key, or the database is down)",
}

HTML_MEDIA_TYPE: Final = "text/html"
WRITE_METHODS: Final = frozenset({"post", "put", "patch", "delete"})


def install_openapi(app: FastAPI) -> None:
    """Serve the corrected document at `/openapi.json` (built once, on first request)."""

    def openapi() -> JsonObject:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            document_media_types(document)
            document_problems(document)
            document_vc_api_failures(document)
            _exact_integer_bounds(document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def document_problems(document: JsonObject) -> None:
    """Document the shared error responses of every operation as problem+json.

    Every operation reads the database, so every one can answer 503 when it is down (and
    those that sign, when no signing key is active).
    """
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Problem"] = copy.deepcopy(PROBLEM_SCHEMA)
    schemas["ValidationProblem"] = copy.deepcopy(VALIDATION_PROBLEM_SCHEMA)
    for path, method, operation in operations(document):
        has_body = "requestBody" in operation
        has_input = has_body or bool(operation.get("parameters"))
        secured = bool(operation.get("security"))
        statuses = {429, 503}
        if has_input:
            statuses.add(422)
        if has_body:
            statuses.update({400, 413, 415})
        if secured:
            statuses.update({401, 403})
        if "{" in path or (has_body and secured):
            statuses.add(404)
        if method in WRITE_METHODS:
            statuses.add(409)
        responses = operation.setdefault("responses", {})
        for status in statuses:
            responses.setdefault(str(status), {"description": DESCRIPTIONS[status]})
        page = _is_page(responses)
        for status, response in responses.items():
            if status.isdigit() and int(status) >= 400:
                own = (response.get("content") or {}).get("application/json")
                _as_problem(response, validation=status == "422")
                if own is not None and path in OAUTH_ERROR_PATHS:
                    # The spec's own JSON errors; the shared machinery still answers problems.
                    response["content"]["application/json"] = own
                if page:
                    # Pages answer their errors as pages; the shared machinery (rate limit,
                    # body limit) still answers problem+json.
                    response["content"][HTML_MEDIA_TYPE] = {"schema": {"type": "string"}}


def _is_page(responses: JsonObject) -> bool:
    return any(
        HTML_MEDIA_TYPE in (response.get("content") or {})
        for status, response in responses.items()
        if status.startswith("2")
    )


def _as_problem(response: JsonObject, *, validation: bool) -> None:
    name = "ValidationProblem" if validation else "Problem"
    content = response.setdefault("content", {})
    content.pop("application/json", None)
    content[PROBLEM_MEDIA_TYPE] = {"schema": {"$ref": f"#/components/schemas/{name}"}}
    if response.get("description") in (None, "", "Validation Error"):
        response["description"] = DESCRIPTIONS.get(422 if validation else 400, "Error")


def operations(document: JsonObject) -> Iterator[tuple[str, str, JsonObject]]:
    """(path, method, operation) of every operation in the document."""
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method in {"get", "put", "post", "delete", "patch", "head", "options", "trace"}:
                yield path, method, operation


RESPONSE_MEDIA_TYPES: Final[dict[tuple[str, str], dict[str, tuple[str, ...]]]] = {
    ("get", "/.well-known/did.json"): {"200": ("application/did+ld+json",)},
    ("get", "/instances/{instance_id}/did.json"): {"200": ("application/did+ld+json",)},
    ("get", "/.well-known/jwks.json"): {"200": ("application/jwk-set+json",)},
    ("get", "/issuer"): {"200": ("application/ld+json",)},
    ("get", "/status/{list_id}"): {
        "200": ("application/vc", "application/vc+jwt", "application/json")
    },
}
"""Responses built by hand with their own media type, instead of FastAPI's application/json."""

EXTRA_RESPONSES: Final[dict[tuple[str, str], dict[str, str]]] = {
    ("get", "/claim/{token}"): {"410": "The claim link was used already, or has expired"},
    ("post", "/claim/{token}"): {
        "303": "Claimed: the personal page is at Location",
        "307": "Claimed, and on to a wallet offer (`then=wallet`): post to Location",
        "410": "The claim link was used already, or has expired",
    },
    ("post", "/my/{holder_token}/regenerate"): {"303": "The new personal page is at Location"},
    ("post", "/api/v1/auth/token"): {"401": "Unknown user or client, or a wrong secret"},
}
"""Statuses that routes return themselves and FastAPI cannot see."""

OAUTH_ERROR_PATHS: Final = frozenset(
    {
        "/openid4vci/token",
        "/openid4vci/credential",
        "/openid4vci/offers/{offer_id}",
        "/openid4vp/response",
        "/openid4vp/requests/{state}",
        "/openid4vp/signed-requests/{state}",
    }
)
"""Operations that answer their errors as OAuth 2.0 / OpenID4VCI / OpenID4VP JSON (`error`)."""

VC_API_FAILURES: Final = (("post", "/credentials/verify"), ("post", "/presentations/verify"))
"""VC API operations that answer a failed verification with 400 and the result body."""

IDEMPOTENCY_KEY_SCHEMA: Final[JsonObject] = {
    "type": "string",
    "minLength": 1,
    "maxLength": 200,
    "pattern": "^[\\x21-\\x7e]+$",
    "description": "1 to 200 visible ASCII characters",
}

VERIFY_FORM_SCHEMA: Final[JsonObject] = {
    "type": "object",
    "properties": {
        "credential": {"type": "string", "description": "Pasted credential (JSON or vc+jwt)"},
        "file": {"type": "string", "format": "binary", "description": "Uploaded credential"},
        "country": {"type": "string", "description": "US, MX, CA or all"},
    },
}

STAFF_ROLES: Final = ["admin", "registrar", "auditor"]


def document_media_types(document: JsonObject) -> None:
    """Media types of responses and request bodies FastAPI cannot see from the signatures."""
    paths = document["paths"]
    for (method, path), statuses in RESPONSE_MEDIA_TYPES.items():
        for status, media_types in statuses.items():
            response = paths[path][method]["responses"][status]
            content = response.get("content") or {}
            schema = next((v.get("schema") for v in content.values() if v.get("schema")), None)
            response["content"] = {
                media: ({"schema": schema} if schema else {}) for media in media_types
            }
    for (method, path), extra in EXTRA_RESPONSES.items():
        responses = paths[path][method]["responses"]
        for status, description in extra.items():
            responses.setdefault(status, {"description": description})
    for _path, _method, operation in operations(document):
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "header" and parameter["name"] == "Idempotency-Key":
                parameter["schema"] = dict(IDEMPOTENCY_KEY_SCHEMA)
    for _path, _method, operation in operations(document):
        if _is_page(operation.get("responses", {})):
            continue
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "country" and "enum" not in json.dumps(parameter["schema"]):
                # The verification API reads country itself (422 for any other value).
                parameter["schema"] = {"type": "string", "enum": [c.value for c in Country]}
    verify_page = paths.get("/verify", {}).get("post")
    if verify_page is not None:
        verify_page["requestBody"] = {
            "required": True,
            "content": {
                "multipart/form-data": {"schema": VERIFY_FORM_SCHEMA},
                "application/x-www-form-urlencoded": {"schema": VERIFY_FORM_SCHEMA},
            },
        }
    batches = paths.get("/api/v1/credential-batches", {}).get("post")
    if batches is not None and "requestBody" in batches:
        batches["requestBody"]["required"] = True
        csv = batches["requestBody"]["content"].setdefault("text/csv", {})
        csv["schema"] = {
            "type": "string",
            "description": "UTF-8 CSV with a header row; the target comes in the query",
        }
    schemas = document.get("components", {}).get("schemas", {})
    for name in ("StaffUserCreate", "StaffUserUpdate"):
        role = schemas.get(name, {}).get("properties", {}).get("role")
        if role is not None:
            # Staff roles only: `provider` is the API clients' role, never a staff user's.
            nullable = "anyOf" in role
            enum = {"type": "string", "enum": list(STAFF_ROLES)}
            role.clear()
            role.update({"anyOf": [enum, {"type": "null"}]} if nullable else enum)


def _exact_integer_bounds(node: Any) -> None:
    """Integer bounds as integers: FastAPI's generation turned some into floats (1.0, or
    9.223372036854776e+18 for 2**63 - 1, which is 2**63), which clients take literally."""
    if isinstance(node, dict):
        if node.get("type") == "integer":
            for bound in ("minimum", "maximum"):
                value = node.get(bound)
                if isinstance(value, float):
                    exact = int(value)
                    node[bound] = min(exact, DB_INT_MAX) if bound == "maximum" else exact
        for value in node.values():
            _exact_integer_bounds(value)
    elif isinstance(node, list):
        for value in node:
            _exact_integer_bounds(value)


def document_vc_api_failures(document: JsonObject) -> None:
    """The VC API's 400 carries the verification result (application/json), as well as the
    problem+json of unusable input."""
    for method, path in VC_API_FAILURES:
        responses = document["paths"][path][method]["responses"]
        result = responses["200"]["content"]["application/json"]
        responses["400"]["content"]["application/json"] = copy.deepcopy(result)
