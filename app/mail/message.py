"""Building one plain-text message (UTF-8, in the recipient's language)."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr


def build_message(
    *,
    sender: str,
    recipient: str,
    subject: str,
    text: str,
    language: str,
    now: datetime,
    reply_to: str | None = None,
) -> EmailMessage:
    """A message with the headers mail servers and clients expect (`Date`, `Message-ID`,
    `Content-Language`); `sender` may carry a display name (`Name <address>`)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(domain=domain)
    if reply_to:
        message["Reply-To"] = reply_to
    message.set_content(text, charset="utf-8")
    # After the content: setting it clears every Content-* header.
    message["Content-Language"] = language
    return message
