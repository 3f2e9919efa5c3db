"""A key store that cannot be used stops the start with a clear error (issue 12, faults)."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.orm import Session

from app.config import Settings
from app.keys.store import KeyStoreError
from app.main import create_app
from tests.factories import ensure_signing_key
from tests.faults.servers import server_env


def _start(settings: Settings) -> None:
    app = create_app(settings)
    try:
        with TestClient(app):
            pass
    finally:
        app.state.engine.dispose()


def test_a_key_folder_that_is_not_a_folder_stops_the_start(
    settings: Settings, tmp_path: Path
) -> None:
    not_a_folder = tmp_path / "keys-file"
    not_a_folder.write_text("")
    with pytest.raises(KeyStoreError) as caught:
        _start(settings.model_copy(update={"keys_dir": not_a_folder}))
    assert "cannot be used" in str(caught.value)
    assert "NASSC_KEYS_DIR" in str(caught.value)


def test_an_active_key_that_cannot_be_decrypted_stops_the_start(
    settings: Settings, app: object, db: Session
) -> None:
    ensure_signing_key(app, db)  # type: ignore[arg-type]
    wrong = settings.model_copy(
        update={"key_passphrase": SecretStr("another-passphrase-0123456789abcdefgh")}
    )
    with pytest.raises(KeyStoreError) as caught:
        _start(wrong)
    assert "cannot be decrypted" in str(caught.value)
    assert "NASSC_KEY_PASSPHRASE" in str(caught.value)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_FSIZE")
def test_a_key_store_that_takes_no_write_stops_the_start(settings: Settings) -> None:
    """A full disk, as a process that may not grow any file sees it."""

    def no_writes() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))

    started = subprocess.run(
        [
            sys.executable,
            "-c",
            "from fastapi.testclient import TestClient\n"
            "from app.main import create_app\n"
            "with TestClient(create_app()): pass\n",
        ],
        env=server_env(settings),
        preexec_fn=no_writes,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert started.returncode != 0
    assert "KeyStoreError" in started.stderr
    assert f"the key store {settings.keys_dir} cannot be used: File too large" in started.stderr
