"""One SMTP connection per sender (`MailSession`): STARTTLS with a verified certificate,
then login, then messages, each accepted or refused with a reason.

Every pass of delivery opens its own connection and nothing is shared between threads or
processes, so any number of workers may send at once. A failure says whether trying again
later can help (`MailError.permanent`): a recipient or message the server refuses for good
(5xx on the recipient or the data) will not be accepted later; a dropped connection, a
timeout, a 4xx, or a server we could not authenticate to (a setting to fix) may be.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType

from app.config import Settings


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    """Where and how to send, from the `NASSC_SMTP_*` settings."""

    host: str
    port: int
    starttls: bool
    username: str | None
    password: str | None
    sender: str
    timeout: float
    ca_file: Path | None = None


def smtp_config(settings: Settings) -> SmtpConfig | None:
    """The configured mail server, or None when the service sends no mail."""
    if not settings.smtp_host or not settings.smtp_from:
        return None
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    return SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        starttls=settings.smtp_starttls,
        username=settings.smtp_username,
        password=password,
        sender=settings.smtp_from,
        timeout=settings.smtp_timeout_seconds,
        ca_file=settings.smtp_ca_file,
    )


class MailError(Exception):
    """A message was not accepted; `permanent` when trying again cannot help."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason[:500]
        self.permanent = permanent


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _reason(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error or b'')}".strip()
    return f"{type(error).__name__}: {error}"


class MailSession:
    """An open, authenticated connection; use it as a context manager."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> MailSession:
        self._connect()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _connect(self) -> None:
        config = self.config
        try:
            smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(_reason(error), permanent=False) from error
        try:
            smtp.ehlo()
            if config.starttls:
                context = ssl.create_default_context(
                    cafile=str(config.ca_file) if config.ca_file else None
                )
                smtp.starttls(context=context)
                smtp.ehlo()
            if config.username:
                smtp.login(config.username, config.password or "")
        except (OSError, smtplib.SMTPException) as error:
            smtp.close()
            raise MailError(_reason(error), permanent=False) from error
        self._smtp = smtp

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the server (reconnecting once if the connection dropped)."""
        if self._smtp is None:
            self._connect()
        try:
            self._send(message)
        except smtplib.SMTPServerDisconnected:
            self.close()
            self._connect()
            self._send(message)

    def _send(self, message: EmailMessage) -> None:
        smtp = self._smtp
        assert smtp is not None  # noqa: S101 - _connect set it or raised
        try:
            refused = smtp.send_message(message)
        except smtplib.SMTPServerDisconnected:
            raise
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            reasons = "; ".join(
                f"{code} {text.decode('utf-8', 'replace')}"
                for code, text in error.recipients.values()
            )
            raise MailError(reasons, permanent=all(code >= 500 for code in codes)) from error
        except smtplib.SMTPResponseException as error:
            raise MailError(_reason(error), permanent=error.smtp_code >= 500) from error
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise MailError(_reason(error), permanent=False) from error
        if refused:
            raise MailError(str(refused), permanent=True)

    @property
    def is_open(self) -> bool:
        """Whether a connection is open now (a failed connection or dropped one is not)."""
        return self._smtp is not None

    def close(self) -> None:
        """Say goodbye to the server (quietly if it has gone already)."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
