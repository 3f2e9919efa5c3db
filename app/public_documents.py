"""The public documents every verifier reads (DID documents, JWK Set, issuer profile, status
lists, SD-JWT VC type metadata and issuer metadata) answer any origin and `HEAD`.

Browser-based verifiers fetch them cross-origin, and link checkers and caches ask with
`HEAD`; both are public anyway. A pure ASGI middleware, so the routes stay GET-only in the
OpenAPI document: `HEAD` is answered as `GET` without the body (RFC 9110 §9.3.2), a CORS
preflight (`OPTIONS`) with the methods and headers allowed, and every answer carries
`Access-Control-Allow-Origin: *`. No credentials are involved, so `*` is safe.
"""

from __future__ import annotations

from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PUBLIC_PATHS: Final = frozenset(
    {
        "/.well-known/did.json",
        "/did.json",
        "/.well-known/jwks.json",
        "/.well-known/jwt-vc-issuer",
        "/issuer",
        "/.well-known/openid-credential-issuer",
        "/.well-known/oauth-authorization-server",
    }
)
PUBLIC_PREFIXES: Final = ("/status/", "/vct/")
ALLOW_METHODS: Final = "GET, HEAD, OPTIONS"
ALLOW_HEADERS: Final = "Accept, Accept-Language, If-None-Match"
EXPOSE_HEADERS: Final = "ETag, Content-Language"


def is_public_document(path: str) -> bool:
    """Whether `path` is one of the public documents (a did:web issuer instance's DID
    document, `/instances/{id}/did.json`, too)."""
    if path.startswith("/instances/") and path.endswith("/did.json"):
        return path.count("/") == 3
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


_CORS: Final = (
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", EXPOSE_HEADERS.encode()),
)


def _cors(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The response headers with ours in place of any CORS headers a route set."""
    ours = {name for name, _ in _CORS}
    return [*(item for item in headers if item[0].lower() not in ours), *_CORS]


class PublicDocumentsMiddleware:
    """CORS `*` and `HEAD` for `is_public_document` paths; other paths pass through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_public_document(scope["path"]):
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method == "OPTIONS":
            await _preflight(send)
            return
        head = method == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}

        async def send_public(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": _cors(list(message.get("headers", [])))}
            elif head and message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # the headers (Content-Length included) are GET's; no body
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        await self.app(scope, receive, send_public)


async def _preflight(send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 204,
            "headers": [
                (b"access-control-allow-origin", b"*"),
                (b"access-control-allow-methods", ALLOW_METHODS.encode()),
                (b"access-control-allow-headers", ALLOW_HEADERS.encode()),
                (b"access-control-max-age", b"86400"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})
