"""An invitation to the provider portal, passed on the one way the service can: mailed to
the person when the service sends mail (queued now, sent right after the request by
`schedule.deliver_due`), else its single-use link, for whoever invited them to pass on.

Staff invite through the admin API and the console, a provider's administrators through
the portal; each then hands `delivery_id` to a background task.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.config import Settings
from app.deliveries import service
from app.links import invitation_url
from app.mail.smtp import smtp_config
from app.provider_users.service import Invitation


@dataclass(frozen=True, slots=True)
class PassedOn:
    """How an invitation reaches its person: by mail, or by a link shown once."""

    link: str | None
    """The single-use link, when the service sends no mail (show it only once)."""
    delivery_id: int | None
    """The queued mail, when it does (send it once the request has committed)."""

    @property
    def mailed(self) -> bool:
        """Whether the invitation goes by mail."""
        return self.delivery_id is not None


def pass_on(
    session: Session,
    settings: Settings,
    invitation: Invitation,
    *,
    requested_by: str,
    now: datetime,
) -> PassedOn:
    """Queue the invitation's mail when mail is configured, else return its link."""
    if smtp_config(settings) is None:
        link = invitation_url(settings.public_base_url, invitation.token)
        return PassedOn(link=link, delivery_id=None)
    delivery = service.queue_invitation(
        session, user=invitation.user, requested_by=requested_by, now=now
    )
    return PassedOn(link=None, delivery_id=delivery.id)
