"""What the mails say, in the recipient's language (marked for extraction into `portal.po`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from app.fields import Language
from app.web import formatting
from app.web.i18n import gettext as translate
from app.web.vocabulary import N_

INVITATION_SUBJECT: Final = N_("Your invitation to the NASSC provider portal")
INVITATION_TEXT: Final = N_(
    "Hello %(name)s,\n\n"
    "You are invited to the NASSC provider portal of %(provider)s, where you will submit "
    "curricula and issue credentials to the workers who pass.\n\n"
    "Choose your password with this link. It works once, until %(expires)s:\n\n"
    "%(link)s\n\n"
    "If you did not expect this invitation, you can ignore this message."
)
RESET_SUBJECT: Final = N_("Choose a new password for the NASSC provider portal")
RESET_TEXT: Final = N_(
    "Hello %(name)s,\n\n"
    "Someone asked to reset the password of your account in the NASSC provider portal of "
    "%(provider)s.\n\n"
    "Choose a new password with this link. It works once, within an hour:\n\n"
    "%(link)s\n\n"
    "If you did not ask for this, you can ignore this message: your password stays as it is."
)
CLAIM_SUBJECT: Final = N_("Your NASSC credential is ready")
CLAIM_TEXT: Final = N_(
    "Hello %(name)s,\n\n"
    "%(provider)s has issued you a NASSC credential: a digital, signed proof of your "
    "qualification, recognized in the United States, Mexico and Canada.\n\n"
    "Open this link to see it and claim it. It works once, until %(expires)s:\n\n"
    "%(link)s\n\n"
    "After claiming it you can download it, print a certificate and share it with employers."
)


@dataclass(frozen=True, slots=True)
class MailText:
    """A subject and a body, in one language."""

    subject: str
    text: str


def _when(moment: datetime, language: Language) -> str:
    return formatting.format_date(moment, locale=formatting.DEFAULT_LOCALES[language])


def invitation(
    *, language: Language, name: str, provider: str, link: str, expires: datetime
) -> MailText:
    """The mail that invites a provider user to choose their password."""
    return MailText(
        subject=translate(language, INVITATION_SUBJECT),
        text=translate(
            language,
            INVITATION_TEXT,
            name=name,
            provider=provider,
            link=link,
            expires=_when(expires, language),
        ),
    )


def claim_link(
    *, language: Language, name: str, provider: str, link: str, expires: datetime
) -> MailText:
    """The mail that brings a worker their claim link."""
    return MailText(
        subject=translate(language, CLAIM_SUBJECT),
        text=translate(
            language,
            CLAIM_TEXT,
            name=name,
            provider=provider,
            link=link,
            expires=_when(expires, language),
        ),
    )


def password_reset(*, language: Language, name: str, provider: str, link: str) -> MailText:
    """The mail that lets a provider user choose a new password."""
    return MailText(
        subject=translate(language, RESET_SUBJECT),
        text=translate(language, RESET_TEXT, name=name, provider=provider, link=link),
    )
