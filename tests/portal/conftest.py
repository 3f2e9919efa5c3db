"""Portal test fixtures: a local SMTP server, and settings that send mail through it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from app.config import Settings
from tests.browser import LiveServer
from tests.conftest import settings_for
from tests.portal.smtp_server import HOST, PASSWORD, USERNAME, SmtpServer, free_port, smtp_server


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


@pytest.fixture
def live_port() -> int:
    """The live server's port, chosen before the app so that its links point at it."""
    return free_port()


@pytest.fixture
def live_mail_settings(
    migrated_database: str,
    database_emptier: Callable[[], None],
    tmp_path: Path,
    mail_server: SmtpServer,
    live_port: int,
) -> Settings:
    """Settings that mail through `mail_server`, with links to `live_server` (a module
    makes them its `settings`)."""
    database_emptier()
    return mail_settings(
        migrated_database, tmp_path, mail_server, public_base_url=f"http://127.0.0.1:{live_port}"
    )


@pytest.fixture
def live_server(app: FastAPI, live_port: int) -> Iterator[LiveServer]:
    """The app on the port its `live_mail_settings` name (over `tests.browser`'s)."""
    with LiveServer(app, port=live_port) as server:
        yield server
