"""The route class every router uses: JSON-bodied routes refuse other media types with 415.

FastAPI would otherwise hand a non-JSON body to validation and answer 422, which hides the
real mistake (a form post or a CSV sent to a JSON endpoint).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response, params
from fastapi.routing import APIRoute

from app.errors import UnsupportedMediaType

JSON_MEDIA_TYPES = ("application/json",)
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def is_json_media_type(content_type: str | None) -> bool:
    """True for `application/json` and any `application/*+json`, parameters ignored."""
    if not content_type:
        return False
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type in JSON_MEDIA_TYPES or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def media_type_of(request: Request) -> str:
    """The request's media type without parameters, lower-cased ("" if absent)."""
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _has_body(request: Request) -> bool:
    length = request.headers.get("content-length")
    if length is not None:
        return length != "0"
    return "chunked" in request.headers.get("transfer-encoding", "").lower()


class ProblemRoute(APIRoute):
    """An `APIRoute` that checks the content type of JSON bodies before parsing them."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        field_info = getattr(self.body_field, "field_info", None)
        expects_json = self.body_field is not None and not isinstance(field_info, params.Form)

        async def route_handler(request: Request) -> Response:
            if (
                expects_json
                and request.method in BODY_METHODS
                and _has_body(request)
                and not is_json_media_type(request.headers.get("content-type"))
            ):
                raise UnsupportedMediaType(
                    "This endpoint takes application/json.", accepted=["application/json"]
                )
            return await handler(request)

        return route_handler
