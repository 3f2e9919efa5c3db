"""`nassc keys ensure` and `nassc keys rotate` make and rotate an Ed25519 and a P-256 key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.cli import app as cli
from app.config import Settings, get_settings
from app.keys import service as keys_service


@pytest.fixture
def nassc(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A runner for `nassc` configured like the test app: its database and key store."""
    environment = {
        "NASSC_DATABASE_URL": settings.database_url,
        "NASSC_PUBLIC_BASE_URL": settings.public_base_url,
        "NASSC_KEYS_DIR": str(settings.keys_dir),
        "NASSC_KEY_PASSPHRASE": settings.key_passphrase.get_secret_value(),
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def active(db: Session) -> dict[str, str]:
    """The active key ids by "algorithm purpose"."""
    db.expire_all()
    return {
        f"{key.algorithm} {key.purpose}": key.kid
        for key in keys_service.list_keys(db)
        if key.status == "active"
    }


SIGNING = ("EdDSA assertion", "ES256 assertion")
VERIFIER = "ES256 authentication"


def test_ensure_makes_the_signing_keys_and_the_verifier_key_once(
    nassc: CliRunner, db: Session
) -> None:
    first = nassc.invoke(cli, ["keys", "ensure"])
    assert first.exit_code == 0, first.output
    kids = active(db)
    assert set(kids) == {*SIGNING, VERIFIER}
    order = (*SIGNING, VERIFIER)
    assert first.stdout == "".join(f"created {name} key {kids[name]}\n" for name in order)
    again = nassc.invoke(cli, ["keys", "ensure"])
    assert again.exit_code == 0, again.output
    assert again.stdout.count("using") == 3
    assert active(db) == kids


def test_rotate_rotates_both_or_one(nassc: CliRunner, db: Session) -> None:
    assert nassc.invoke(cli, ["keys", "ensure"]).exit_code == 0
    before = active(db)
    both = nassc.invoke(cli, ["keys", "rotate"])
    assert both.exit_code == 0, both.output
    rotated = active(db)
    assert all(rotated[name] != before[name] for name in SIGNING)
    assert rotated[VERIFIER] == before[VERIFIER]
    one = nassc.invoke(cli, ["keys", "rotate", "--algorithm", "ES256"])
    assert one.exit_code == 0, one.output
    after = active(db)
    assert after["EdDSA assertion"] == rotated["EdDSA assertion"]
    assert after["ES256 assertion"] != rotated["ES256 assertion"]
    assert after[VERIFIER] == before[VERIFIER]
    assert len(keys_service.published_keys(db, algorithm=None)) == 5
