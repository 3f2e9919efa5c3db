"""DID words: did:web identifiers and DID URLs of verification methods.

did:web method: https://w3c-ccg.github.io/did-method-web/#create-register
DID URL syntax: https://www.w3.org/TR/did-core/#did-url-syntax
"""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit

__all__ = [
    "did_of",
    "did_web_document_url",
    "did_web_from_url",
    "did_web_host",
    "verification_method_id",
]


def did_web_from_url(base_url: str) -> str:
    """The did:web for an origin (plus optional path); a port's colon is written `%3A`.

    `https://example.com:8443/nassc` becomes `did:web:example.com%3A8443:nassc`.
    """
    parts = urlsplit(base_url)
    if not parts.hostname:
        raise ValueError(f"not an absolute URL: {base_url!r}")
    host = parts.hostname.lower()
    if parts.port is not None:
        host += quote(f":{parts.port}", safe="")
    segments = [quote(segment, safe="") for segment in parts.path.split("/") if segment]
    return ":".join(["did", "web", host, *segments])


def verification_method_id(did: str, kid: str) -> str:
    """The DID URL of a key: `<did>#<kid>`."""
    return f"{did}#{kid}"


def did_of(url: str) -> str:
    """The DID of a DID URL (`did:web:x#key-1` → `did:web:x`)."""
    return url.split("#", 1)[0].split("?", 1)[0]


def did_web_host(did: str) -> str | None:
    """The host (with port, if any) a did:web names, or None for other DIDs."""
    if not did.startswith("did:web:"):
        return None
    host = unquote(did.removeprefix("did:web:").split(":", 1)[0]).lower()
    return host or None


def did_web_document_url(did: str) -> str | None:
    """Where a did:web's DID document is (did:web method §Read): `https://<host>/.well-known/
    did.json` for a bare host, `https://<host>/<path>/did.json` with path segments; None for
    a DID that is not a well-formed did:web."""
    if not did.startswith("did:web:") or any(char in did for char in "#?/"):
        return None
    host, *segments = did.removeprefix("did:web:").split(":")
    host = unquote(host)
    if not host or any(char in host for char in "/@\\ ") or not all(segments):
        return None
    path = "/".join(unquote(segment) for segment in segments)
    if any(part in ("", ".", "..") for part in path.split("/")) and segments:
        return None
    return f"https://{host}/{path}/did.json" if segments else f"https://{host}/.well-known/did.json"
