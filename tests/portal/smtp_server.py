"""A local SMTP server for mail tests (aiosmtpd, in this process): STARTTLS required, with
a certificate made for the test, login required after it, every message kept as received.

Recipients whose address starts with `bounce` are refused for good (550), those starting
with `later` for now (451), as real servers do.
"""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.security.tls_server import self_signed

HOST = "localhost"
USERNAME = "portal-mailer"
PASSWORD = "smtp-test-password"


@dataclass
class Received:
    """What the server accepted: the parsed messages and their envelopes."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    tls: list[bool] = field(default_factory=list)


class _Handler:
    def __init__(self, received: Received) -> None:
        self.received = received

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address.startswith("bounce"):
            return "550 5.1.1 No such mailbox here"
        if address.startswith("later"):
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.original_content or b""
        message = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.messages.append(message)
        self.received.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        self.received.tls.append(session.ssl is not None)
        return "250 2.0.0 Accepted"


def _authenticator(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    if (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USERNAME.encode()
        and auth_data.password == PASSWORD.encode()
    ):
        return AuthResult(success=True)
    return AuthResult(success=False, handled=False)


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class SmtpServer:
    """A running server: where it listens, the CA file that trusts it, what it received."""

    port: int
    ca_file: Path
    received: Received


@contextmanager
def smtp_server(folder: Path) -> Iterator[SmtpServer]:
    """Run the server for the duration of the block."""
    cert, key = self_signed(folder, HOST)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    received = Received()
    port = free_port()
    controller = Controller(
        _Handler(received),
        hostname="127.0.0.1",
        port=port,
        server_hostname=HOST,
        tls_context=context,
        require_starttls=True,
        authenticator=_authenticator,
        auth_required=True,
    )
    controller.start()
    try:
        yield SmtpServer(port=port, ca_file=cert, received=received)
    finally:
        controller.stop()
