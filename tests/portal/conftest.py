"""Portal test fixtures: a local SMTP server, and settings that send mail through it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.config import Settings
from tests.conftest import settings_for
from tests.portal.smtp_server import HOST, PASSWORD, USERNAME, SmtpServer, smtp_server


@pytest.fixture
def mail_server(tmp_path: Path) -> Iterator[SmtpServer]:
    """A local SMTP server (STARTTLS and login required) for one test."""
    folder = tmp_path / "smtp"
    folder.mkdir()
    with smtp_server(folder) as server:
        yield server


def mail_settings(
    migrated_database: str, tmp_path: Path, server: SmtpServer, **extra: object
) -> Settings:
    """Test settings that send mail through `server`."""
    return settings_for(
        migrated_database,
        tmp_path,
        smtp_host=HOST,
        smtp_port=server.port,
        smtp_starttls=True,
        smtp_username=USERNAME,
        smtp_password=PASSWORD,
        smtp_from="NASSC <no-reply@nassc.example>",
        smtp_ca_file=server.ca_file,
        smtp_timeout_seconds=5,
        mail_retry_seconds=0,
        **extra,
    )


@pytest.fixture
def mailing_settings(
    migrated_database: str,
    database_emptier: Callable[[], None],
    tmp_path: Path,
    mail_server: SmtpServer,
) -> Settings:
    """Settings for one test that sends mail through `mail_server`."""
    database_emptier()
    return mail_settings(migrated_database, tmp_path, mail_server)
