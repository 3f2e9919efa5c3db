"""Pinned JSON-LD contexts: a URL→document map checked against sha256 digests, never fetched.

VCDM 2.0 requires the base context to be treated as static and never fetched at runtime
(https://www.w3.org/TR/vc-data-model-2.0/#base-context); we extend that to every context.
`credentials/contexts/manifest.json` lists each context's URL, file, source package and
sha256. `PinnedContexts.document_loader` is a pyld document loader that serves only those
documents and raises `UnknownContextError` for anything else.

pyld calls the loader for every context URL of every document unless the returned remote
document is tagged `static`, in which case its context resolver caches the resolved context
by URL. Each `PinnedContexts` owns that cache (rather than pyld's process-wide one), so two
instances with different documents for one URL can never see each other's entries.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pyld.context_resolver import ContextResolver

from app.crypto.errors import ContextIntegrityError, UnknownContextError

MANIFEST_NAME = "manifest.json"
JSONLD_CONTENT_TYPE = "application/ld+json"

# Holds URL contexts plus every inline scoped context pyld meets (keyed by its JCS form);
# the OB 3.0 and VCDM contexts have dozens, so this is sized well above that.
_RESOLVED_CACHE_SIZE = 2048


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """One pinned context as listed in manifest.json."""

    url: str
    file: str
    source: str
    sha256: str
    test_only: bool = False


class PinnedContexts:
    """Pinned JSON-LD context documents and a pyld document loader that serves only them."""

    def __init__(self, documents: Mapping[str, Mapping[str, Any]]) -> None:
        """Serve `documents` (URL → parsed context document); prefer `load` for the real set."""
        self._documents: dict[str, Mapping[str, Any]] = dict(documents)
        self._resolved_cache = _BoundedCache(_RESOLVED_CACHE_SIZE)
        # pyld's caches are plain LRU dicts, unsafe under concurrent mutation. The work is
        # pure Python under the GIL, so serializing it costs no throughput.
        self._lock = threading.Lock()

    @classmethod
    def load(cls, directory: Path, *, include_test_only: bool = False) -> PinnedContexts:
        """Read `directory/manifest.json`, check every file's sha256 and parse the documents.

        Entries marked `test_only` (contexts needed only by published test vectors) are
        served only when `include_test_only` is true. Raises `ContextIntegrityError` when the
        manifest or a file is missing, malformed or does not match its digest.
        """
        documents: dict[str, Mapping[str, Any]] = {}
        for entry in read_manifest(directory):
            if entry.test_only and not include_test_only:
                continue
            path = directory / entry.file
            try:
                data = path.read_bytes()
            except OSError as error:
                raise ContextIntegrityError(
                    f"cannot read pinned context {path}: {error}"
                ) from error
            digest = hashlib.sha256(data).hexdigest()
            if digest != entry.sha256:
                raise ContextIntegrityError(
                    f"pinned context {entry.file} has sha256 {digest}, manifest says {entry.sha256}"
                )
            try:
                document = json.loads(data)
            except ValueError as error:
                raise ContextIntegrityError(f"pinned context {entry.file} is not JSON") from error
            if not isinstance(document, dict) or "@context" not in document:
                raise ContextIntegrityError(f"pinned context {entry.file} has no @context")
            documents[entry.url] = document
        return cls(documents)

    @property
    def urls(self) -> frozenset[str]:
        """The context URLs this instance serves."""
        return frozenset(self._documents)

    @property
    def documents(self) -> Mapping[str, Mapping[str, Any]]:
        """The pinned context documents by URL (read-only; for reading, not for loading)."""
        return MappingProxyType(self._documents)

    def document_loader(self, url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """pyld document loader: the pinned document for `url`, or `UnknownContextError`.

        Returns the same parsed document on every call (no copy): pyld only reads it, and the
        `static` tag lets pyld's context resolver cache the processed context.
        """
        document = self._documents.get(url)
        if document is None:
            raise UnknownContextError(url)
        return {
            "contentType": JSONLD_CONTENT_TYPE,
            "contextUrl": None,
            "documentUrl": url,
            "document": document,
            "tag": "static",
        }

    @contextmanager
    def jsonld_options(self) -> Iterator[dict[str, Any]]:
        """pyld processing options bound to these contexts, held under this instance's lock.

        The base IRI is empty because Data Integrity requires a null base URL when
        deserializing to RDF: https://www.w3.org/TR/vc-data-integrity/#securing-data-losslessly
        """
        with self._lock:
            yield {
                "base": None,
                "documentLoader": self.document_loader,
                "contextResolver": ContextResolver(self._resolved_cache, self.document_loader),
            }


class _BoundedCache:
    """The least-recently-used mapping pyld's context resolver needs (`get`, item assignment).

    Bounded because documents under verification can carry arbitrary inline contexts, each
    of which pyld caches under its own key.
    """

    def __init__(self, maxsize: int) -> None:
        self._maxsize = maxsize
        self._items: OrderedDict[str, Any] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: str, default: Any = None) -> Any:
        """The cached value for `key` (marking it recently used), else `default`."""
        if key not in self._items:
            return default
        self._items.move_to_end(key)
        return self._items[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._maxsize:
            self._items.popitem(last=False)


def read_manifest(directory: Path) -> list[ManifestEntry]:
    """Parse `directory/manifest.json` into entries, refusing anything malformed."""
    path = directory / MANIFEST_NAME
    try:
        raw = json.loads(path.read_bytes())
    except (OSError, ValueError) as error:
        raise ContextIntegrityError(f"cannot read context manifest {path}: {error}") from error
    if not isinstance(raw, list):
        raise ContextIntegrityError("context manifest must be a list")
    entries: list[ManifestEntry] = []
    for item in raw:
        if not isinstance(item, dict):
            raise ContextIntegrityError("context manifest entries must be objects")
        fields = {name: item.get(name) for name in ("url", "file", "source", "sha256")}
        if not all(isinstance(value, str) and value for value in fields.values()):
            raise ContextIntegrityError(f"context manifest entry is incomplete: {item}")
        test_only = item.get("test_only", False)
        if not isinstance(test_only, bool):
            raise ContextIntegrityError(f"context manifest 'test_only' must be a boolean: {item}")
        file = str(fields["file"])
        if Path(file).name != file:
            raise ContextIntegrityError(f"context manifest file must be a plain name: {file}")
        entries.append(
            ManifestEntry(
                url=str(fields["url"]),
                file=file,
                source=str(fields["source"]),
                sha256=str(fields["sha256"]),
                test_only=test_only,
            )
        )
    return entries
