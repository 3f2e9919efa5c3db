"""The copied W3C vectors are the published ones: every file is listed with its sha256."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tests.crypto.conftest import VECTORS_DIR


def _manifest() -> dict[str, object]:
    manifest: dict[str, object] = json.loads(
        (VECTORS_DIR / "manifest.json").read_text(encoding="utf-8")
    )
    return manifest


def test_every_vector_file_matches_its_published_digest() -> None:
    entries = _manifest()["files"]
    assert isinstance(entries, list) and entries
    for entry in entries:
        data = (VECTORS_DIR / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
        assert entry["url"].endswith("/TestVectors/" + entry["file"])


def test_the_manifest_lists_every_file_in_the_folder() -> None:
    listed = {entry["file"] for entry in _manifest()["files"]}  # type: ignore[attr-defined]
    on_disk = {
        path.relative_to(VECTORS_DIR).as_posix()
        for path in Path(VECTORS_DIR).rglob("*")
        if path.is_file() and path.name not in {"README.md", "manifest.json"}
    }
    assert listed == on_disk
