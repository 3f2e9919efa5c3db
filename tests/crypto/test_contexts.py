"""Pinned JSON-LD contexts: digests, the manifest, and a loader that never fetches."""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
from pathlib import Path
from typing import Any

import pytest

from app.crypto.contexts import PinnedContexts, read_manifest
from app.crypto.errors import ContextIntegrityError, UnknownContextError
from app.crypto.rdfc import canonicalize
from tests.crypto.conftest import CONTEXTS_DIR
from tests.crypto.factories import OB_V3P0, VCDM_V2, ob_credential

NORMATIVE_URLS = {
    VCDM_V2,
    OB_V3P0,
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/security/multikey/v1",
    "https://www.w3.org/ns/credentials/status/v1",
    # The W3C test suites' credentials use these three (VC 1.1 input, chained proofs, examples).
    "https://www.w3.org/2018/credentials/v1",
    "https://w3id.org/security/data-integrity/v2",
    "https://www.w3.org/ns/credentials/examples/v2",
}
TEST_ONLY_URLS = {
    "https://w3id.org/citizenship/v4rc1",
}


def _manifest() -> list[dict[str, Any]]:
    raw = json.loads((CONTEXTS_DIR / "manifest.json").read_text(encoding="utf-8"))
    assert isinstance(raw, list)
    return raw


def test_manifest_sha256_matches_every_file() -> None:
    for entry in _manifest():
        data = (CONTEXTS_DIR / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]


def test_manifest_lists_every_context_file_and_nothing_else() -> None:
    listed = {entry["file"] for entry in _manifest()}
    on_disk = {
        path.name for path in CONTEXTS_DIR.iterdir() if path.suffix in {".json", ".jsonld"}
    } - {"manifest.json"}
    assert listed == on_disk


def test_manifest_entries_name_url_source_and_test_only_flag() -> None:
    entries = _manifest()
    assert {e["url"] for e in entries} == NORMATIVE_URLS | TEST_ONLY_URLS
    for entry in entries:
        assert set(entry) <= {"url", "file", "source", "sha256", "test_only"}
        assert entry["source"]
        assert entry.get("test_only", False) is (entry["url"] in TEST_ONLY_URLS)


def test_load_serves_normative_contexts_and_test_only_ones_on_request() -> None:
    assert PinnedContexts.load(CONTEXTS_DIR).urls == NORMATIVE_URLS
    everything = PinnedContexts.load(CONTEXTS_DIR, include_test_only=True)
    assert everything.urls == NORMATIVE_URLS | TEST_ONLY_URLS


def test_load_refuses_a_file_that_does_not_match_its_digest(tmp_path: Path) -> None:
    copy = tmp_path / "contexts"
    shutil.copytree(CONTEXTS_DIR, copy)
    path = copy / "credentials-v2.jsonld"
    path.write_bytes(path.read_bytes().replace(b"https://schema.org/name", b"https://evil/name"))

    with pytest.raises(ContextIntegrityError, match=r"credentials-v2\.jsonld"):
        PinnedContexts.load(copy)


def test_load_refuses_a_missing_file(tmp_path: Path) -> None:
    copy = tmp_path / "contexts"
    shutil.copytree(CONTEXTS_DIR, copy)
    (copy / "did-v1.jsonld").unlink()

    with pytest.raises(ContextIntegrityError, match=r"did-v1\.jsonld"):
        PinnedContexts.load(copy)


@pytest.mark.parametrize(
    "manifest",
    [
        "{}",
        "[1]",
        '[{"url": "u", "file": "f"}]',
        '[{"url": "u", "file": "../x.json", "source": "s", "sha256": "00"}]',
        '[{"url": "u", "file": "f", "source": "s", "sha256": "00", "test_only": "yes"}]',
        "not json",
    ],
)
def test_a_malformed_manifest_is_refused(tmp_path: Path, manifest: str) -> None:
    (tmp_path / "manifest.json").write_text(manifest, encoding="utf-8")

    with pytest.raises(ContextIntegrityError):
        read_manifest(tmp_path)


def test_loader_returns_the_pinned_document_tagged_static(contexts: PinnedContexts) -> None:
    first = contexts.document_loader(VCDM_V2)
    second = contexts.document_loader(VCDM_V2, {"headers": {}})

    assert first["documentUrl"] == VCDM_V2
    assert first["tag"] == "static"
    # Parsed once: repeated calls hand pyld the same object instead of re-reading the file.
    assert first["document"] is second["document"]


def test_unknown_url_raises_and_never_touches_the_network(
    contexts: PinnedContexts, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the context loader tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    document = ob_credential()
    document["@context"] = [VCDM_V2, "https://example.com/contexts/unknown.jsonld"]

    with pytest.raises(UnknownContextError) as raised:
        contexts.document_loader("https://example.com/contexts/unknown.jsonld")
    assert raised.value.code == "UNKNOWN_CONTEXT_ERROR"
    with pytest.raises(UnknownContextError, match=r"unknown\.jsonld"):
        canonicalize(document, contexts)


def test_near_miss_urls_are_unknown(contexts: PinnedContexts) -> None:
    for url in (VCDM_V2 + "/", "http://www.w3.org/ns/credentials/v2", VCDM_V2 + "#x"):
        with pytest.raises(UnknownContextError):
            contexts.document_loader(url)


def test_test_only_contexts_are_unknown_in_production(contexts: PinnedContexts) -> None:
    document = ob_credential()
    document["@context"] = [VCDM_V2, "https://w3id.org/citizenship/v4rc1"]

    with pytest.raises(UnknownContextError):
        canonicalize(document, contexts)


def test_canonicalizing_does_not_mutate_pinned_documents(contexts: PinnedContexts) -> None:
    canonicalize(ob_credential(), contexts)

    for entry in _manifest():
        if entry["url"] not in contexts.urls:
            continue
        on_disk = json.loads((CONTEXTS_DIR / entry["file"]).read_bytes())
        assert contexts.document_loader(entry["url"])["document"] == on_disk


def test_repeated_canonicalization_loads_each_context_once(
    contexts: PinnedContexts, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = PinnedContexts.load(CONTEXTS_DIR)
    calls: list[str] = []
    original = fresh.document_loader

    def counting_loader(url: str, options: Any = None) -> dict[str, Any]:
        calls.append(url)
        return original(url, options)

    monkeypatch.setattr(fresh, "document_loader", counting_loader)
    for _ in range(5):
        canonicalize(ob_credential(), fresh)

    assert sorted(calls) == sorted({VCDM_V2, OB_V3P0})
